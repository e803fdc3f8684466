"""The quiz bank format (documented in docs/bank-format.md).

These are plain frozen dataclasses, validated by pydantic v2 (``TypeAdapter``, in
validate.py) with unknown fields forbidden. Keeping pydantic out of the class
definitions keeps it off the start-up path: a bank that validated before is
rebuilt from the validated-bank cache without importing pydantic or YAML
(cache.py), which is most of what the first question used to wait for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

QuestionKind = Literal["best", "worst", "blank", "calc"]
QuestionLevel = Literal["basic", "advanced"]

# Read by pydantic when it validates these dataclasses (a plain dict, so that
# defining the classes needs no pydantic import).
_STRICT: dict[str, Any] = {"extra": "forbid", "str_strip_whitespace": True, "strict": False}


def question_card_id(bank_id: str, question_id: str) -> str:
    """A question's card id, ``bank_id:question_id``: the one place its format is written.

    Use ``Bank.card_id`` for a question of a loaded bank (it honours ``moved_from``); this is
    for ids known only by name, e.g. a bank's retired ids.
    """
    return f"{bank_id}:{question_id}"


def cloze_card_id(bank_id: str, line_id: str) -> str:
    """The card id of a lyric line's cloze flashcard."""
    return f"{bank_id}:cloze:{line_id}"


def term_card_id(bank_id: str, term_id: str) -> str:
    """The card id of a glossary term's flashcard."""
    return f"{bank_id}:term:{term_id}"


@dataclass(frozen=True)
class LyricLine:
    """One line of the song: the mnemonic hook every question is keyed to."""

    __pydantic_config__ = _STRICT

    id: str
    """Stable line id, unique across the banks loaded together: the song's letter and the line
    number, e.g. ``L7`` (the VAE song) or ``G3`` (the generative-models song)."""
    text: str
    """The lyric, verbatim from the song."""
    topic: str | None = None
    """The topic id this line teaches (optional; docs/design.md §2)."""
    cloze: str | None = None
    """The key term blanked on this line's flashcard; it must occur in ``text``."""


@dataclass(frozen=True)
class Term:
    """A glossary card: a term and what it means, keyed to a lyric line."""

    __pydantic_config__ = _STRICT

    id: str
    """Stable id, unique among the bank's terms; the card id is ``bank_id:term:id``."""
    line: str
    """The lyric line id the term belongs to."""
    term: str
    """The term as the exam writes it (front of the card)."""
    meaning: str
    """What it means, in one or two sentences (back of the card)."""


@dataclass(frozen=True)
class Song:
    """The song a bank is built around."""

    __pydantic_config__ = _STRICT

    title: str
    """The song's title."""
    lines: list[LyricLine]
    """The lyric lines, in singing order (at least one)."""


@dataclass(frozen=True)
class Question:
    """One G検定-style multiple-choice question keyed to a lyric line."""

    __pydantic_config__ = _STRICT

    id: str
    """Stable id (letters, digits, ``_.-``), unique in the bank; review history is keyed on it."""
    line: str
    """The lyric line id (from ``song.lines``) this question is keyed to."""
    topics: list[str]
    """Topic ids (docs/design.md §2), at least one; ``--topic`` selects on these."""
    kind: QuestionKind
    """best: 最も適切なもの; worst: 最も不適切なもの; blank: 空欄の組み合わせ; calc: 計算問題."""
    stem: str
    """The question text; shown literally (no markup is interpreted)."""
    options: list[str]
    """The options as written; the quiz shuffles their order per session."""
    answer: str
    """The correct option, exactly as written in ``options``."""
    explanation: str
    """Why the answer is right, shown after answering."""
    why_wrong: dict[str, str]
    """For each wrong option (keyed by its text), one line on why it is wrong."""
    source: str
    """Where the fact comes from: a paper with its section, or a documentation page."""
    demo: str | None = None
    """Optional demo id (docs/design.md §2) that shows the idea in the bundled VAE."""
    level: QuestionLevel = "basic"
    """basic: what G検定 asks; advanced (発展): beyond it, e.g. closed-form KL arithmetic."""
    moved_from: str | None = None
    """The id of the bank this question was first written in, when it was moved from there:
    its card id and Anki note keep that bank id, so its history moves with it."""

    def origin(self, bank_id: str) -> str:
        """The bank id this question's identity is built on: ``moved_from``, else ``bank_id``."""
        return self.moved_from or bank_id


@dataclass(frozen=True)
class RetiredId:
    """A question id no longer in use: kept so that it is never given to another question."""

    __pydantic_config__ = _STRICT

    id: str
    """The retired question id; no question of the bank may use it again."""
    note: str
    """Why it was retired, e.g. which question now tests its fact."""


@dataclass(frozen=True)
class Bank:
    """A quiz bank: one song and the questions keyed to its lines."""

    __pydantic_config__ = _STRICT

    id: str
    """Stable bank id (letters, digits, ``_.-``); card ids are ``bank_id:question_id``."""
    title: str
    """The bank's title as shown to the learner."""
    song: Song
    """The song the questions are keyed to."""
    questions: list[Question]
    """The questions (at least one)."""
    terms: list[Term] = field(default_factory=list)
    """Glossary cards for the flashcard mode (optional)."""
    retired: list[RetiredId] = field(default_factory=list)
    """Question ids retired from the bank, each with a note (optional); never reused."""

    def card_id(self, question: Question) -> str:
        """The card id review history is keyed on (the question's ``origin`` bank)."""
        return question_card_id(question.origin(self.id), question.id)

    def line(self, line_id: str) -> LyricLine:
        """The lyric line with this id."""
        for lyric in self.song.lines:
            if lyric.id == line_id:
                return lyric
        raise KeyError(line_id)
