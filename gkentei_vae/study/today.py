"""The numbers the home screen shows: today's due and new work, per-line stats, missed questions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gkentei_vae.study.context import StudyContext
from gkentei_vae.study.flashcards import flashcard_items
from gkentei_vae.study.review import (
    FLASHCARD_KINDS,
    QUESTION_KINDS,
    StudyItem,
    build_queue,
    question_items,
)
from gkentei_vae.study.selection import matching
from gkentei_vae.study.stats import Stats, compute_stats
from gkentei_vae.study.weak_spots import AGAIN


@dataclass(frozen=True)
class Today:
    """The numbers home shows."""

    stats: Stats
    """Per-line mastery, the heatmap, the exam countdown."""
    questions_due: int
    """Questions due now, and in learning due within ``LEARN_AHEAD`` (what review serves first)."""
    questions_new: int
    """New questions review would serve today."""
    cards_due: int
    """Flashcards due now."""
    cards_new: int
    """New flashcards today."""
    missed: int
    """Questions whose latest answer was wrong (the weak-spot drill serves them first)."""
    level: str
    """The ``level`` setting the question counts are for."""


def today(context: StudyContext) -> Today:
    """Due and new counts for review and flashcards, and the per-line stats, at ``clock()``."""
    now = context.clock()
    srs = context.scheduler()
    srs.sync_exam_cap(now)  # as a session start would: the counts match what it serves
    store, banks = context.store, context.banks

    def counts(items: list[StudyItem], family: Sequence[str] = QUESTION_KINDS) -> tuple[int, int]:
        queue = build_queue(store, items, family=family, now=now, srs=srs)
        return queue.due_count, len(queue.new)

    level, levels = context.level, context.levels
    questions = counts(question_items(banks, levels=levels))
    cards = counts(flashcard_items(banks), FLASHCARD_KINDS)
    stats = compute_stats(store, banks, now=now, tz=context.tz)
    latest = store.latest_ratings()
    missed = sum(latest.get(pick.card_id) == AGAIN for pick in matching(banks, levels=levels))
    return Today(stats, *questions, *cards, missed, level)
