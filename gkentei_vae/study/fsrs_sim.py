"""FSRS-6 review-state arithmetic over numpy arrays, for simulating many futures at once.

The forecast (forecast.py) simulates every seen card's scheduled reviews up to the exam,
hundreds of times; py-fsrs works one card at a time in pure Python, too slow for that.
These functions restate py-fsrs 6's formulas (``fsrs.scheduler.Scheduler``) for arrays:
``tests/test_forecast.py`` checks them against ``Scheduler.review_card`` on random
histories, so they cannot silently drift from the scheduler the app uses.

Only the Review state is covered, plus one relearning step after a lapse (the session's
learn-ahead serves it again minutes later; it is assumed to be answered right, Good).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from fsrs import Scheduler
from numpy.typing import NDArray

Array = NDArray[np.float64]

_MIN_DIFFICULTY = 1.0
_MAX_DIFFICULTY = 10.0
_STABILITY_MIN = 0.001
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@dataclass(frozen=True)
class Fsrs:
    """The parameters of one scheduler, as numpy-friendly floats."""

    w: tuple[float, ...]
    """The 21 FSRS-6 parameters."""
    desired_retention: float
    maximum_interval: int

    @classmethod
    def of(cls, scheduler: Scheduler) -> Fsrs:
        return cls(
            tuple(float(x) for x in scheduler.parameters),
            float(scheduler.desired_retention),
            int(scheduler.maximum_interval),
        )

    @property
    def decay(self) -> float:
        return -self.w[20]

    @property
    def factor(self) -> float:
        return float(0.9 ** (1 / self.decay) - 1)

    def retrievability(self, elapsed_days: Array, stability: Array) -> Array:
        """R after ``elapsed_days`` (whole days, as py-fsrs counts them) at ``stability``."""
        return np.power(1 + self.factor * elapsed_days / stability, self.decay)

    def interval(self, stability: Array) -> Array:
        """The next interval in whole days (no fuzz), as ``Scheduler._next_interval``."""
        days = stability / self.factor * (self.desired_retention ** (1 / self.decay) - 1)
        return np.clip(np.round(days), 1, self.maximum_interval)

    def _init_difficulty(self, rating: Array | float) -> Array:
        w = self.w
        return np.asarray(w[4] - np.exp(w[5] * (np.asarray(rating) - 1)) + 1, dtype=float)

    def next_difficulty(self, difficulty: Array, rating: Array) -> Array:
        w = self.w
        delta = -(w[6] * (rating - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        reverted = w[7] * self._init_difficulty(EASY) + (1 - w[7]) * damped
        return np.clip(reverted, _MIN_DIFFICULTY, _MAX_DIFFICULTY)

    def recall_stability(
        self, difficulty: Array, stability: Array, r: Array, rating: Array
    ) -> Array:
        w = self.w
        hard = np.where(rating == HARD, w[15], 1.0)
        easy = np.where(rating == EASY, w[16], 1.0)
        grow = (
            np.exp(w[8])
            * (11 - difficulty)
            * np.power(stability, -w[9])
            * (np.exp((1 - r) * w[10]) - 1)
            * hard
            * easy
        )
        return np.maximum(stability * (1 + grow), _STABILITY_MIN)

    def forget_stability(self, difficulty: Array, stability: Array, r: Array) -> Array:
        w = self.w
        long_term = (
            w[11]
            * np.power(difficulty, -w[12])
            * (np.power(stability + 1, w[13]) - 1)
            * np.exp((1 - r) * w[14])
        )
        short_term = stability / np.exp(w[17] * w[18])
        return np.maximum(np.minimum(long_term, short_term), _STABILITY_MIN)

    def short_term_stability(self, stability: Array, rating: int) -> Array:
        w = self.w
        increase = np.exp(w[17] * (rating - 3 + w[18])) * np.power(stability, -w[19])
        if rating >= HARD:
            increase = np.maximum(increase, 1.0)
        return np.maximum(stability * increase, _STABILITY_MIN)

    def review(
        self, difficulty: Array, stability: Array, elapsed_days: Array, rating: Array
    ) -> tuple[Array, Array]:
        """(difficulty, stability) after a Review-state review a day or more after the last.

        A lapse (Again) is followed by its relearning step, answered Good the same day.
        """
        r = self.retrievability(elapsed_days, stability)
        recalled = self.recall_stability(difficulty, stability, r, rating)
        forgot = self.forget_stability(difficulty, stability, r)
        new_d = self.next_difficulty(difficulty, rating)
        lapse = rating == AGAIN
        relearned = self.short_term_stability(forgot, GOOD)
        new_d = np.where(lapse, self.next_difficulty(new_d, np.full_like(new_d, GOOD)), new_d)
        return new_d, np.where(lapse, relearned, recalled)
