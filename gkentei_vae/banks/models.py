"""Pydantic models of a quiz bank file (the format is documented in docs/bank-format.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

QuestionKind = Literal["best", "worst", "blank", "calc"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LyricLine(_Strict):
    """One line of the song: the mnemonic hook every question is keyed to."""

    id: str = Field(min_length=1)
    """Stable line id, e.g. ``L7``."""
    text: str = Field(min_length=1)
    """The lyric, verbatim from the song."""
    topic: str | None = None
    """The topic id this line teaches (optional; DESIGN.md §2)."""
    cloze: str | None = None
    """The key term blanked on this line's flashcard; it must occur in ``text``."""


class Term(_Strict):
    """A glossary card: a term and what it means, keyed to a lyric line."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    """Stable id, unique among the bank's terms; the card id is ``bank_id:term:id``."""
    line: str = Field(min_length=1)
    """The lyric line id the term belongs to."""
    term: str = Field(min_length=1)
    """The term as the exam writes it (front of the card)."""
    meaning: str = Field(min_length=1)
    """What it means, in one or two sentences (back of the card)."""


class Song(_Strict):
    """The song a bank is built around."""

    title: str = Field(min_length=1)
    """The song's title."""
    lines: list[LyricLine] = Field(min_length=1)
    """The lyric lines, in singing order."""


class Question(_Strict):
    """One G検定-style multiple-choice question keyed to a lyric line."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    """Stable id, unique in the bank; review history is keyed on it, so never reuse one."""
    line: str = Field(min_length=1)
    """The lyric line id (from ``song.lines``) this question is keyed to."""
    topics: list[str] = Field(min_length=1)
    """Topic ids (DESIGN.md §2); ``--topic`` selects on these."""
    kind: QuestionKind
    """best: 最も適切なもの; worst: 最も不適切なもの; blank: 空欄の組み合わせ; calc: 計算問題."""
    stem: str = Field(min_length=1)
    """The question text; shown literally (no markup is interpreted)."""
    options: list[str]
    """The options as written; the quiz shuffles their order per session."""
    answer: str = Field(min_length=1)
    """The correct option, exactly as written in ``options``."""
    explanation: str = Field(min_length=1)
    """Why the answer is right, shown after answering."""
    why_wrong: dict[str, str]
    """For each wrong option (keyed by its text), one line on why it is wrong."""
    demo: str | None = None
    """Optional demo id (DESIGN.md §2) that shows the idea in the bundled VAE."""
    source: str = Field(min_length=1)
    """Where the fact comes from: a paper with its section, or a documentation page."""


class Bank(_Strict):
    """A quiz bank: one song and the questions keyed to its lines."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    """Stable bank id; card ids are ``bank_id:question_id``."""
    title: str = Field(min_length=1)
    """The bank's title as shown to the learner."""
    song: Song
    """The song the questions are keyed to."""
    questions: list[Question] = Field(min_length=1)
    """The questions."""
    terms: list[Term] = Field(default_factory=list)
    """Glossary cards for the flashcard mode (optional)."""

    def line(self, line_id: str) -> LyricLine:
        """The lyric line with this id."""
        for lyric in self.song.lines:
            if lyric.id == line_id:
                return lyric
        raise KeyError(line_id)
