"""Simulated learners with a known memory, studying with the app's real sessions.

For checking the forecast (benchmarks/forecast.py) and the optimizer (tests): a learner
answers the questions ``ReviewSession`` serves, through ``ReviewSession.answer`` on a real
store, and their true memory decides each answer. Two families:

* ``fsrs``: memory follows FSRS with the learner's own parameters, the defaults each
  multiplied by exp(N(0, ``spread``²)) (clipped to py-fsrs's bounds); the true card is
  updated with the same rating the app gives.
* ``powerlaw``: memory that FSRS does not model: recall (1 + t/h)^(−c) with a per-learner
  exponent c and a per-card scale h that grows on a recall by a factor set by the item's
  difficulty and shrinks on a lapse.

Either way a question is known before study with the learner's prior-knowledge chance, an
answer not recalled is right with the learner's guessing share, and a learner who uses the
「勘」 key marks such answers (with their habit's probability).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from gkentei_vae.study.review import ReviewSession, StudyItem
from gkentei_vae.study.settings import EXAM_DATE_KEY
from gkentei_vae.study.srs import FAST_ANSWER_MS, Srs, rating_for_answer
from gkentei_vae.study.store import Store

FAMILIES = ("fsrs", "powerlaw")
"""The learner families."""
STUDY_HOUR = 19
"""Local (UTC) hour at which a simulated learner sits down to study."""
SECONDS_PER_ANSWER = 20
"""Simulated time between answers within a session."""


def perturbed_parameters(rng: np.random.Generator, spread: float) -> tuple[float, ...]:
    """FSRS defaults each scaled by exp(N(0, spread²)), kept within py-fsrs's bounds."""
    out = []
    for w, low, high in zip(
        DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
    ):
        out.append(float(min(max(w * math.exp(spread * rng.standard_normal()), low), high)))
    return tuple(out)


@dataclass
class Learner:
    """One simulated learner and their true memory of each card."""

    family: str
    rng: np.random.Generator
    prior_known: float
    """Chance a question is known before any study."""
    guess: float
    """Chance of a right answer when not recalled."""
    marks_guesses: float
    """Chance the learner presses g when they do not recall (0: never uses the key)."""
    fast_share: float
    """Chance a recalled answer is given within FAST_ANSWER_MS."""
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS
    """True FSRS parameters (family ``fsrs``)."""
    exponent: float = 0.5
    """True forgetting exponent c (family ``powerlaw``)."""
    difficulty: dict[str, float] = field(default_factory=dict)
    """Item difficulty (family ``powerlaw``), drawn on first sight."""
    cards: dict[str, Card] = field(default_factory=dict)
    """True FSRS memory per card (family ``fsrs``)."""
    scale: dict[str, tuple[float, datetime]] = field(default_factory=dict)
    """(h in days, time of last exposure) per card (family ``powerlaw``)."""
    known_first: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def draw(cls, family: str, seed: int, spread: float = 0.25) -> Learner:
        rng = np.random.default_rng([FAMILIES.index(family), seed])
        return cls(
            family=family,
            rng=rng,
            prior_known=float(rng.beta(2, 8)),
            guess=float(rng.uniform(0.2, 0.35)),
            marks_guesses=float(rng.choice([0.0, 0.5, 0.9])),
            fast_share=float(rng.uniform(0.0, 0.6)),
            parameters=perturbed_parameters(rng, spread),
            exponent=float(rng.uniform(0.3, 0.9)),
        )

    def _scheduler(self) -> Scheduler:
        return Scheduler(parameters=self.parameters, enable_fuzzing=False)

    def recall(self, card_id: str, now: datetime) -> float:
        """True chance of recalling the card at ``now``."""
        if card_id not in self.known_first:
            return self.prior_known
        if self.family == "fsrs":
            card = self.cards[card_id]
            return float(self._scheduler().get_card_retrievability(card, now))
        h, last = self.scale[card_id]
        days = max((now - last).total_seconds() / 86400, 0.0)
        return (1 + days / h) ** -self.exponent

    def right_chance(self, card_id: str, now: datetime) -> float:
        """True chance of a right answer at ``now``."""
        r = self.recall(card_id, now)
        return r + (1 - r) * self.guess

    def answer(self, card_id: str, now: datetime) -> tuple[bool, int, bool]:
        """(right, milliseconds, marked as a guess) for one served question; learns from it."""
        recalled = bool(self.rng.random() < self.recall(card_id, now))
        right = recalled or bool(self.rng.random() < self.guess)
        guessed = not recalled and bool(self.rng.random() < self.marks_guesses)
        fast = recalled and bool(self.rng.random() < self.fast_share)
        ms = int(FAST_ANSWER_MS * 0.6) if fast else int(FAST_ANSWER_MS * 2)
        self._learn(card_id, now, recalled, rating_for_answer(right, ms, guessed=guessed))
        return right, ms, guessed

    def _learn(self, card_id: str, now: datetime, recalled: bool, rating: Rating) -> None:
        first = card_id not in self.known_first
        if first:
            self.known_first[card_id] = recalled
        if self.family == "fsrs":
            card = self.cards.get(card_id) or Card(due=now)
            self.cards[card_id], _ = self._scheduler().review_card(card, rating, now)
            return
        if first:
            delta = float(self.rng.normal(0.0, 0.7))
            self.difficulty[card_id] = delta
            h = math.exp(0.3 - delta) * (6.0 if recalled else 1.0)
        else:
            h = self.scale[card_id][0]
            delta = self.difficulty[card_id]
            p = self.recall(card_id, now)
            if recalled:
                h *= 1 + 2.5 * math.exp(-delta / 2) * (1.1 - p)
            else:
                h = max(0.1, h * 0.45)
        self.scale[card_id] = (h, now)


def study_day(
    store: Store,
    items: Sequence[StudyItem],
    learner: Learner,
    day: date,
    new_per_day: int,
    srs: Srs,
) -> int:
    """One sitting of ``review`` on ``day`` (due cards, then new ones); answers given."""
    moment = [datetime(day.year, day.month, day.day, STUDY_HOUR, tzinfo=UTC)]

    def clock() -> datetime:
        return moment[0]

    session = ReviewSession.start(store, items, new_per_day=new_per_day, clock=clock, srs=srs)
    answered = 0
    while session.current is not None and answered < 400:
        right, ms, guessed = learner.answer(session.current.card_id, moment[0])
        session.answer(right, ms, guessed)
        answered += 1
        moment[0] += timedelta(seconds=SECONDS_PER_ANSWER)
    return answered


def run_study(
    store: Store,
    items: Sequence[StudyItem],
    learner: Learner,
    start: date,
    days: int,
    *,
    new_per_day: int,
    skip: float,
    exam_day: date | None = None,
) -> int:
    """Study for ``days`` days from ``start``, skipping each with chance ``skip``."""
    if exam_day is not None:
        store.set_setting(EXAM_DATE_KEY, exam_day.isoformat())
    srs = Srs(store, tz=UTC)
    random.seed(int(learner.rng.integers(1 << 31)))  # py-fsrs's fuzz draws from `random`
    answered = 0
    for offset in range(days):
        if learner.rng.random() < skip:
            continue
        answered += study_day(
            store, items, learner, start + timedelta(days=offset), new_per_day, srs
        )
    return answered
