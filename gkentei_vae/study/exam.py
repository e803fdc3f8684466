"""A mock exam: timed, answers changeable, no feedback until it is submitted."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from gkentei_vae.banks import Bank
from gkentei_vae.study.session import Answer, Item, QuizSession
from gkentei_vae.study.settings import DEFAULT_LEVEL, levels_for

SECONDS_PER_QUESTION = 41
"""The pace of recent sittings: about 145 questions in 100 minutes."""

EXAM_LEVELS: tuple[str, ...] = levels_for(DEFAULT_LEVEL)
"""A mock exam draws from what G検定 asks unless the learner chooses otherwise (``--level``,
the ``level`` setting)."""

PASS_MARK = 0.70
"""The pass mark is not published; 70 % is the usual assumption (docs/design.md §5)."""


def time_limit_for(questions: int) -> float:
    """Seconds a mock exam of ``questions`` questions allows by default."""
    return float(SECONDS_PER_QUESTION * questions)


def duration_text(seconds: float) -> str:
    """Every exam duration the learner reads (home's line, the running timer): 「66分17秒」.

    Rounded up to the second, so 「0分00秒」 means the time is up; one format from the
    first second to the last.
    """
    whole = int(-(-seconds // 1))
    minutes, secs = divmod(max(0, whole), 60)
    return f"{minutes}分{secs:02d}秒"


@dataclass
class ExamSession:
    """The state of one sitting; the screen renders it and calls its methods."""

    items: list[Item]
    time_limit: float
    """Seconds allowed for the whole exam."""
    choices: dict[int, int] = field(default_factory=dict)
    """Item index → chosen option index (absent = unanswered)."""
    flags: set[int] = field(default_factory=set)
    """Item indexes the learner flagged to come back to."""
    guesses: set[int] = field(default_factory=set)
    """Item indexes the learner marked 「勘」 (answered without recall)."""
    forecast: tuple[float, float, float] | None = None
    """(expected, low, high) score the forecast gave this sitting from the record before it
    (set when its answers are recorded; None when not recorded)."""
    position: int = 0
    started: float = field(default_factory=time.monotonic)
    submitted: bool = False
    timed_out: bool = False
    _seconds: dict[int, float] = field(default_factory=dict)
    _entered: float = field(default_factory=time.monotonic)

    @classmethod
    def select(
        cls,
        banks: Sequence[Bank],
        topics: Sequence[str] = (),
        count: int | None = None,
        minutes: float | None = None,
        seed: int | None = None,
        levels: Sequence[str] = EXAM_LEVELS,
    ) -> ExamSession:
        """Every eligible question (or ``count`` of them) at 41 s each unless ``minutes`` is
        given; by default only ``basic`` ones, as the real exam asks."""
        items = QuizSession.select(banks, topics, (), count, seed, levels).items
        limit = minutes * 60 if minutes is not None else time_limit_for(len(items))
        return cls(items, limit)

    @property
    def current(self) -> Item:
        return self.items[self.position]

    def remaining(self, now: float | None = None) -> float:
        """Seconds left (never negative)."""
        now = time.monotonic() if now is None else now
        return max(0.0, self.time_limit - (now - self.started))

    def choose(self, index: int) -> None:
        if not self.submitted:
            self.choices[self.position] = index

    def toggle_flag(self) -> bool:
        """Flag or unflag the current question; True if it is now flagged."""
        self.flags.symmetric_difference_update({self.position})
        return self.position in self.flags

    def toggle_guess(self) -> bool:
        """Mark or unmark the current question as a guess; True if it is now marked."""
        self.guesses.symmetric_difference_update({self.position})
        return self.position in self.guesses

    def go(self, position: int) -> None:
        """Move to another question, keeping count of time spent on each."""
        now = time.monotonic()
        self._seconds[self.position] = self._seconds.get(self.position, 0.0) + now - self._entered
        self._entered = now
        self.position = max(0, min(position, len(self.items) - 1))

    def pending(self) -> list[int]:
        """Indexes that are unanswered or flagged: what the jump list offers."""
        return [i for i in range(len(self.items)) if i not in self.choices or i in self.flags]

    def submit(self, timed_out: bool = False) -> QuizSession:
        """End the sitting; the result scores every item, unanswered ones as not right."""
        self.go(self.position)
        self.submitted = True
        self.timed_out = timed_out
        answers = [
            Answer(item, self.choices.get(i), self._seconds.get(i, 0.0), i in self.guesses)
            for i, item in enumerate(self.items)
        ]
        return QuizSession(list(self.items), answers)
