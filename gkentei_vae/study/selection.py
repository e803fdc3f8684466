"""Choosing questions from banks by topic and lyric line."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gkentei_vae.banks import Bank, LyricLine, Question, load_banks
from gkentei_vae.banks.vocab import TOPICS
from gkentei_vae.paths import quizzes_dir


class SelectionError(ValueError):
    """A topic or line id that no loaded bank knows; the message lists the valid ones."""


@dataclass(frozen=True)
class Pick:
    """One question with the bank and lyric line it belongs to."""

    bank: Bank
    question: Question

    @property
    def card_id(self) -> str:
        """The stable id the store keys history on (``Bank.card_id``)."""
        return self.bank.card_id(self.question)

    @property
    def lyric(self) -> LyricLine:
        """The lyric line this question is keyed to."""
        return self.bank.line(self.question.line)


def load_default_banks(extra: Sequence[Path] | None = None) -> list[Bank]:
    """The banks given with ``--bank``, or the bundled ones when none are given."""
    return load_banks(list(extra) if extra else [quizzes_dir()])


def line_ids(banks: Iterable[Bank]) -> list[str]:
    """Every lyric line id the banks define, song by song in singing order (line ids are
    unique across loaded banks, so ``--line G3`` names one line of one song)."""
    return [lyric.id for _, lyric in song_lines(banks)]


def song_lines(banks: Iterable[Bank]) -> list[tuple[Bank, LyricLine]]:
    """Every lyric line with its bank, song by song in singing order."""
    return [(bank, lyric) for bank in banks for lyric in bank.song.lines]


def validate_filters(banks: Sequence[Bank], topics: Sequence[str], lines: Sequence[str]) -> None:
    """Raise SelectionError for a topic or line id that doesn't exist."""
    bad_topics = [t for t in topics if t not in TOPICS]
    if bad_topics:
        raise SelectionError(
            f"未知のトピック: {', '.join(bad_topics)}(使えるもの: {', '.join(TOPICS)})"
        )
    known = line_ids(banks)
    bad_lines = [ln for ln in lines if ln not in known]
    if bad_lines:
        raise SelectionError(
            f"未知の歌詞の行: {', '.join(bad_lines)}(使えるもの: {', '.join(known)})"
        )


def matching(
    banks: Sequence[Bank],
    topics: Sequence[str] = (),
    lines: Sequence[str] = (),
    levels: Sequence[str] = (),
) -> list[Pick]:
    """Every question tagged with one of ``topics``, keyed to one of ``lines`` and of one of
    ``levels`` (each empty = any)."""
    validate_filters(banks, topics, lines)
    return [
        Pick(bank, q)
        for bank in banks
        for q in bank.questions
        if (not topics or set(topics) & set(q.topics))
        and (not lines or q.line in lines)
        and (not levels or q.level in levels)
    ]


def with_demo(banks: Sequence[Bank], demo: str) -> Pick:
    """The first question (in bank order) whose `e` opens ``demo``; SelectionError if none."""
    for bank in banks:
        for question in bank.questions:
            if question.demo == demo:
                return Pick(bank, question)
    raise SelectionError(f"デモ {demo} を開く問題がありません")


def demos_of(picks: Iterable[Pick | None]) -> list[str]:
    """The demos these questions open with `e`, each once, in order (None: not a question)."""
    return list(dict.fromkeys(p.question.demo for p in picks if p and p.question.demo))


def choose(picks: Sequence[Pick], count: int | None, seed: int | None) -> list[Pick]:
    """Up to ``count`` picks in a random order (reproducible for a given seed)."""
    rng = random.Random(seed)
    chosen = list(picks)
    rng.shuffle(chosen)
    return chosen if count is None else chosen[:count]
