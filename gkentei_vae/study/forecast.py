"""The exam-day forecast: per question the chance of a right answer on the exam date, the
expected score with an 80 % interval, per lyric line, and the pace that reaches 80 %.

The model (docs/study.md, 「試験日の予測」, says it for learners and reviewers):

* A question the learner has answered (and whose latest answer was not marked as a guess)
  is *known* with probability R, its FSRS retrievability on the exam day (local midnight).
  A four-option question is also answered right without recall, by choosing among the
  options: p = R + (1 − R)·g, g the **guessing share**.
* ``g`` — the probability of a right answer when the answer is *not* recalled — is measured
  directly on the answers the learner marked as guesses (key g, 「勘」): Beta prior with mean
  1/4 (four options) and weight ``GUESS_PRIOR_WEIGHT``, updated by those answers' right/wrong.
* ``a`` — the **first-attempt accuracy** on new questions of the level — is the chance of a
  right answer to a question never answered before (prior knowledge plus guessing together).
  Beta prior with mean ``NEW_PRIOR_MEAN`` (a little above 1/4: some questions are known
  before study) and weight ``NEW_PRIOR_WEIGHT``, updated by the first answer to every
  question of the level answered so far. An unseen question counts a, and so does a question
  whose latest answer was a guess (it is not known: the right answer was luck).
* The learner's memory against FSRS: a grid posterior over (decay, m) — the exponent of the
  forgetting curve (FSRS-6's own or steeper ones, ``DECAYS``) and a factor m on every card's
  FSRS stability (prior log-sd ``STABILITY_SD``) — from every past review a day or more after
  the previous answer (``_memory_posterior``): R(t) = (1 + F·t/(S·m))^(−decay), t in hours
  as well as days (memory fades by the hour; only FSRS's own updates count whole days).
* "Keeping to the schedule": each seen card is reviewed at the learner's usual hour
  (``study_hour``, the median local time of their answers) on the first day its served due
  time (the exam-date cap included) has come, until the exam; each review recalled with
  the draw's R (Monte Carlo, ``DRAWS`` futures, fixed seed), a lapse relearned the same day;
  FSRS updates the card as the app's scheduler would (fsrs_sim.py, without fuzz). R at the
  exam counts the hours since the last review. "Stopped today": no more reviews.
* Uncertainty: each Monte Carlo draw takes its own a and g from their Beta posteriors, its
  own (decay, m) from the grid posterior, times a further factor exp(sd·z) for how far
  FSRS's growth of memory over the reviews to come may be from the learner's (sd
  ``MODEL_SD_FSRS`` when the draw's curve is FSRS's own, ``MODEL_SD`` otherwise), a factor
  per question (``ITEM_SD``) and one at each simulated future review (``FUTURE_SD``).
  Given a draw, the score is Poisson-binomial over questions (drawn as independent
  Bernoullis); the 80 % interval is the 10th–90th percentile of the score over draws, so
  it holds both.
* The pace: with ``n`` new questions a day from today (a new one is right first with a, then
  relearned in the session and reviewed on schedule), the smallest n whose expected score
  reaches ``PACE_TARGET``; reviews a day are the simulated reviews; minutes use the
  learner's median answer time.
* The prior's share of the forecast: Σ over questions counted at a of the prior's share of
  a's posterior (w₀ / (w₀ + first answers)), over all questions. Above 1/2 the forecast says it
  is mostly the prior.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

import numpy as np
from fsrs import Card, Rating, Scheduler, State

from gkentei_vae.banks import Bank
from gkentei_vae.study.clock import as_utc, from_db, local_date, local_midnight, utcnow
from gkentei_vae.study.exam import PASS_MARK
from gkentei_vae.study.fsrs_sim import AGAIN, EASY, GOOD, Array, Fsrs
from gkentei_vae.study.review import StudyItem, question_items
from gkentei_vae.study.settings import ALL_LEVELS
from gkentei_vae.study.srs import EXAM_WINDOW_DAYS, Srs, exam_date
from gkentei_vae.study.store import LogRow, Store

FORECAST_LEVEL = "basic"
"""The level forecast unless another is asked for: what G検定 asks."""
GUESS_PRIOR_MEAN = 0.25
"""g before any marked guess: one of four options."""
GUESS_PRIOR_WEIGHT = 8.0
"""How many marked guesses the prior on g is worth."""
NEW_PRIOR_MEAN = 0.30
"""a before any first answer: a little above chance (some questions are known before study)."""
NEW_PRIOR_WEIGHT = 4.0
"""How many first answers the prior on a is worth (tuned on seeds 0–299)."""
STABILITY_SD = 0.7
"""Prior log-sd of the learner's memory-strength factor m on FSRS stability (tuned on seeds
0–299); the record's past reviews narrow it (``_memory_posterior``)."""
MODEL_SD = 0.7
"""Log-sd of a further factor on m in each draw whose forgetting curve is not FSRS's own
(decay other than ``DECAYS[0]``): how far FSRS's growth of memory over the reviews to come
may be from this learner's even with m known (tuned on seeds 0–299)."""
MODEL_SD_FSRS = 0.3
"""The same for a draw whose forgetting curve is FSRS's own: a record that follows FSRS's
shape of forgetting is trusted to follow its growth more closely (tuned on seeds 0–299)."""
ITEM_SD = 0.5
"""Log-sd of a per-question factor on m in each draw: questions differ in how well they are
remembered beyond what FSRS's difficulty says (tuned on seeds 0–299)."""
FUTURE_SD = 0.3
"""Log-sd of a factor on m drawn at each simulated future review (per draw and question):
the record says little about how this learner's memory grows over the reviews still to come
(tuned on seeds 0–299)."""
_LOG_M_GRID = np.linspace(-4.0, 3.0, 71)
"""The values of log m the posterior is computed on."""
DECAYS = (0.1542, 0.3, 0.5, 0.8)
"""The forgetting-curve exponents the posterior weighs: FSRS-6's default first."""
DEFAULT_DECAY_PRIOR = 0.5
"""Prior probability of the default exponent (the rest shared by the others)."""
DRAWS = 300
"""Monte Carlo futures per forecast."""
SEED = 20
"""The forecast's random seed: the same record gives the same figures."""
INTERVAL = (0.10, 0.90)
"""The quantiles of the 80 % interval."""
PACE_TARGET = 0.80
"""The expected score the pace aims at."""
MOSTLY_PRIOR = 0.5
"""Above this share of prior weight the forecast says it is mostly the prior."""
DEFAULT_ANSWER_S = 30.0
"""Seconds an answer takes when the record has none to measure."""
DEFAULT_STUDY_HOUR = 20.0
"""Local hour of study when the record has no answers to measure it from."""


@dataclass(frozen=True)
class Beta:
    """A Beta distribution over a probability."""

    alpha: float
    beta: float

    @classmethod
    def prior(cls, mean: float, weight: float, right: int = 0, wrong: int = 0) -> Beta:
        return cls(mean * weight + right, (1 - mean) * weight + wrong)

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


@dataclass(frozen=True)
class Estimates:
    """What the forecast measured from the record (see the module docstring)."""

    guess: Beta
    """Posterior of g, the chance of a right answer without recall."""
    guesses: int
    """Answers marked as guesses (of this level's questions)."""
    guesses_right: int
    new_accuracy: Beta
    """Posterior of a, the first-attempt accuracy on new questions of the level."""
    first_answers: int
    """Questions of the level answered at least once (each one's first answer counts)."""
    first_right: int
    easy_share: float
    """Share of right answers fast enough to be rated Easy (the simulated reviews use it)."""
    answer_seconds: float
    """The learner's median seconds per answer (``DEFAULT_ANSWER_S`` without answers)."""
    study_hour: float = DEFAULT_STUDY_HOUR
    """The learner's usual local hour of study (median over their answers); the simulated
    reviews happen then."""
    memory_weights: tuple[float, ...] = ()
    """Posterior weights over the grid of (decay, log m), flattened (empty: the prior)."""
    memory_reviews: int = 0
    """Past reviews a day or more after the previous answer that informed m."""

    def memory(self, rng: np.random.Generator, draws: int) -> Memory:
        """``draws`` memories from the posterior."""
        weights = np.array(self.memory_weights) if self.memory_weights else _GRID.prior
        idx = rng.choice(weights.size, size=draws, p=weights)
        decay = _GRID.decay[idx]
        sd = np.where(decay == DECAYS[0], MODEL_SD_FSRS, MODEL_SD)
        residual = sd * rng.standard_normal(draws)
        return Memory(
            m=np.exp(_GRID.log_m[idx] + residual)[:, None],
            decay=decay[:, None],
        )


@dataclass(frozen=True)
class Memory:
    """Draws of the learner's memory relative to FSRS, each shaped (draws, 1)."""

    m: Array
    """Factor on FSRS stability."""
    decay: Array
    """Exponent of the forgetting curve."""


@dataclass(frozen=True)
class _Grid:
    """The (decay, log m) grid, flattened, with its prior weights."""

    decay: Array
    log_m: Array
    prior: Array

    @classmethod
    def build(cls) -> _Grid:
        def weights(values: tuple[float, ...], default: float, mass: float) -> Array:
            out = np.full(len(values), (1 - mass) / (len(values) - 1))
            out[values.index(default)] = mass
            return out

        d, lm = np.meshgrid(np.array(DECAYS), _LOG_M_GRID, indexing="ij")
        wd = weights(DECAYS, DECAYS[0], DEFAULT_DECAY_PRIOR)
        wm = np.exp(-0.5 * (_LOG_M_GRID / STABILITY_SD) ** 2)
        prior = wd[:, None] * (wm / wm.sum())[None, :]
        return cls(d.ravel(), lm.ravel(), prior.ravel())


_GRID = _Grid.build()


def recall(elapsed: Array, stability: Array, m: Array, decay: Array) -> Array:
    """The chance of recall after ``elapsed`` whole days for stability S·m and this exponent:
    (1 + F·t/(S·m))^(−decay) with F = 0.9^(−1/decay) − 1, so that R = 0.9 at t = S·m (as
    FSRS-6's curve, whose exponent is its w20)."""
    factor = np.power(0.9, -1 / decay) - 1
    return np.power(1 + factor * elapsed / (stability * m), -decay)


@dataclass(frozen=True)
class Span:
    """An expected score and its 80 % interval, as fractions of the questions."""

    expected: float
    low: float
    high: float


@dataclass(frozen=True)
class LineForecast:
    """The forecast for the questions of one lyric line."""

    line_id: str
    text: str
    questions: int
    seen: int
    schedule: Span
    stopped: Span


@dataclass(frozen=True)
class Pace:
    """What a day of study needs to reach ``PACE_TARGET`` expected by the exam."""

    new_per_day: int
    reviews_per_day: float
    """Reviews of questions already seen (and of the new ones, once seen) a day."""
    minutes_per_day: float
    reachable: bool
    """False when even every unseen question today does not reach the target."""
    expected: float
    """The expected score at this pace."""
    today_adds: float
    """Expected score gained by doing today's share (``new_per_day`` new ones and today's reviews)."""


@dataclass(frozen=True)
class Forecast:
    """Everything the forecast shows."""

    level: str
    exam_date: date
    days_left: int
    questions: int
    seen: int
    """Questions known from the record (answered, latest answer not a guess)."""
    schedule: Span
    """Keeping to the schedule until the exam."""
    stopped: Span
    """Stopping today."""
    lines: list[LineForecast]
    pace: Pace | None
    """None when the exam is today or past."""
    prior_share: float
    """The prior's share of the forecast (module docstring); above ``MOSTLY_PRIOR`` it says so."""
    pass_chance: float
    """Share of the simulated exams (keeping to the schedule) at or above ``PASS_MARK``."""
    estimates: Estimates
    card_ids: list[str] = field(repr=False)
    p_schedule: list[float] = field(repr=False)
    """Per question (same order as ``card_ids``), the expected chance of a right answer."""
    p_stopped: list[float] = field(repr=False)

    @property
    def mostly_prior(self) -> bool:
        return self.prior_share > MOSTLY_PRIOR

    @property
    def pass_mark(self) -> float:
        return PASS_MARK


# -- reading the record ------------------------------------------------------------------


def _is_right(row: LogRow) -> bool:
    return row.correct if row.correct is not None else row.rating > 1


def _memory_posterior(
    rows_by_card: dict[str, list[LogRow]], g: float
) -> tuple[tuple[float, ...], int]:
    """Posterior weights of (decay, log m) given every past review a day or more after the
    previous answer: each right with R + (1 − R)·g, a marked guess not recalled (1 − R)."""
    elapsed, stability, right, guessed = [], [], [], []
    for rows in rows_by_card.values():
        for row in rows:
            if row.card_before is None:
                continue
            before = Card.from_json(row.card_before)
            if before.last_review is None or before.stability is None:
                continue
            gap = from_db(row.reviewed_at) - as_utc(before.last_review)
            if gap.days < 1:
                continue
            elapsed.append(gap.total_seconds() / 86400)
            stability.append(before.stability)
            right.append(_is_right(row))
            guessed.append(row.guessed)
    if not elapsed:
        return (), 0
    t = np.array(elapsed, dtype=float)[None, :]
    s = np.array(stability)[None, :]
    y = np.array(right)[None, :]
    gu = np.array(guessed)[None, :]
    r = recall(t, s, np.exp(_GRID.log_m)[:, None], _GRID.decay[:, None])
    p = np.where(gu, 1 - r, np.where(y, r + (1 - r) * g, (1 - r) * (1 - g)))
    log_post = np.log(np.clip(p, 1e-12, 1)).sum(axis=1) + np.log(_GRID.prior)
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()
    return tuple(float(w) for w in weights), len(elapsed)


def study_hour(rows: Sequence[LogRow], tz: tzinfo | None = None) -> float:
    """The median local hour of day of the answers (``DEFAULT_STUDY_HOUR`` without any)."""
    if not rows:
        return DEFAULT_STUDY_HOUR
    hours = []
    for row in rows:
        moment = from_db(row.reviewed_at).astimezone(tz)
        hours.append(moment.hour + moment.minute / 60)
    return float(statistics.median(hours))


def estimate(rows_by_card: dict[str, list[LogRow]], tz: tzinfo | None = None) -> Estimates:
    """g, a, m and the answer habits from the logs of one level's questions."""
    guesses = [row for rows in rows_by_card.values() for row in rows if row.guessed]
    firsts = [rows[0] for rows in rows_by_card.values() if rows]
    all_rows = [row for rows in rows_by_card.values() for row in rows]
    right = [row for row in all_rows if _is_right(row) and not row.guessed]
    easy = sum(row.rating == EASY for row in right)
    durations = [row.duration_ms for row in all_rows if row.duration_ms]
    g_right = sum(_is_right(row) for row in guesses)
    a_right = sum(_is_right(row) for row in firsts)
    guess = Beta.prior(GUESS_PRIOR_MEAN, GUESS_PRIOR_WEIGHT, g_right, len(guesses) - g_right)
    weights, informed = _memory_posterior(rows_by_card, guess.mean)
    return Estimates(
        guess=guess,
        guesses=len(guesses),
        guesses_right=g_right,
        new_accuracy=Beta.prior(NEW_PRIOR_MEAN, NEW_PRIOR_WEIGHT, a_right, len(firsts) - a_right),
        first_answers=len(firsts),
        first_right=a_right,
        easy_share=easy / len(right) if right else 0.0,
        answer_seconds=statistics.median(durations) / 1000 if durations else DEFAULT_ANSWER_S,
        study_hour=study_hour(all_rows, tz),
        memory_weights=weights,
        memory_reviews=informed,
    )


# -- the simulation ------------------------------------------------------------------------


@dataclass
class _Cards:
    """Seen cards in the Review state, as arrays (one column per card)."""

    difficulty: Array
    stability: Array
    last: Array
    """Last review, in days from now (≤ 0)."""
    due: Array
    """FSRS due, in days from now."""


def _plain(scheduler: Scheduler) -> Scheduler:
    """The scheduler without fuzz (the simulation draws its own randomness)."""
    return Scheduler(
        parameters=scheduler.parameters,
        desired_retention=scheduler.desired_retention,
        learning_steps=scheduler.learning_steps,
        relearning_steps=scheduler.relearning_steps,
        maximum_interval=scheduler.maximum_interval,
        enable_fuzzing=False,
    )


def _to_review(card: Card, scheduler: Scheduler, now: datetime) -> Card:
    """A card still in its (re)learning steps, taken through them with Good at their due times
    (the session's learn-ahead serves them again minutes later)."""
    plain = _plain(scheduler)
    for _ in range(4):
        if card.state == State.Review:
            break
        card, _ = plain.review_card(card, Rating.Good, max(as_utc(card.due), now))
    return card


def _days(moment: datetime, now: datetime) -> float:
    return (as_utc(moment) - now).total_seconds() / 86400


@dataclass(frozen=True)
class _Times:
    """The forecast's moments, in days from now."""

    exam: float
    """The exam day's local midnight."""
    window_start: float
    """The start of the exam window (cards due after the exam are served from then)."""
    first_session: float
    """Today's session at the learner's usual hour (negative when already past)."""


def _simulate(
    fsrs: Fsrs,
    cards: _Cards,
    memory: Memory,
    item: Array,
    times: _Times,
    easy_share: float,
    rng: np.random.Generator,
) -> tuple[Array, Array]:
    """Keep to the schedule until ``exam`` (days from now) in every draw.

    ``item``: a per-question factor on m, (draws, cards) or (draws, 1). A card is reviewed
    at the first session (one a day, at ``times.first_session`` + whole days, not before now)
    at or after its served due time. Returns (R at the exam, reviews made), each
    (draws, cards).
    """
    shape = (memory.m.shape[0], cards.stability.shape[0])
    d = np.broadcast_to(cards.difficulty, shape).copy()
    s = np.broadcast_to(cards.stability, shape).copy()
    last = np.broadcast_to(cards.last, shape).copy()
    due = np.broadcast_to(cards.due, shape).copy()
    base = np.broadcast_to(memory.m * item, shape).copy()
    reviews = np.zeros(shape)
    exam = times.exam
    for _ in range(200):
        capped = np.where((last < times.window_start) & (due >= exam), times.window_start, due)
        ready = np.maximum(capped, 0.0)
        when = times.first_session + np.ceil(ready - times.first_session - 1e-9)
        active = when < exam
        if not active.any():
            break
        ok = rng.random(shape) < recall(when - last, s, base, memory.decay)
        rating = np.where(ok, np.where(rng.random(shape) < easy_share, EASY, GOOD), AGAIN)
        # FSRS counts whole days; memory forgets by the hour.
        nd, ns = fsrs.review(d, s, np.floor(when - last + 1e-9), rating.astype(float))
        d = np.where(active, nd, d)
        s = np.where(active, ns, s)
        last = np.where(active, when, last)
        due = np.where(active, when + fsrs.interval(ns), due)
        reviews += active
        base = np.where(active, base * np.exp(FUTURE_SD * rng.standard_normal(shape)), base)
    # Hours count: a card reviewed the evening before the exam has had hours to fade.
    return recall(np.maximum(exam - last, 0.0), s, base, memory.decay), reviews


def whole_quantiles(scores: Array, qs: Sequence[float]) -> list[float]:
    """Quantiles of whole-number draws, each whole number k spread evenly over
    [k − ½, k + ½].

    Plain quantiles of whole numbers are whole numbers, and an interval between two of them,
    ends included, holds more than its share: on a score that varies by a few questions the
    10th–90th percentile interval of the draws held the true score about 85 % of the time,
    not 80 %. Spread so, the interval holds its share.
    """
    values, counts = np.unique(np.rint(scores), return_counts=True)
    cdf = np.concatenate([[0.0], np.cumsum(counts) / counts.sum()])
    out = []
    for q in qs:
        k = int(np.clip(np.searchsorted(cdf, q) - 1, 0, values.size - 1))  # cdf[k] < q ≤ cdf[k+1]
        share = (q - cdf[k]) / (cdf[k + 1] - cdf[k])
        out.append(float(values[k] - 0.5 + share))
    return out


def _span(scores: Array, questions: int) -> Span:
    """Span of score draws (counts) over ``questions``."""
    if questions == 0:
        return Span(0.0, 0.0, 0.0)
    low, high = whole_quantiles(scores, INTERVAL)
    # The whole scores within (it always holds one): the same scores, said as scores.
    low, high = math.ceil(low - 1e-9), math.floor(high + 1e-9)
    mean = float(scores.mean())
    # On a few questions the interval may not reach the mean (all draws but a few at the top
    # score); it is widened to hold it.
    low_f, high_f = min(float(low), mean), max(float(high), mean)
    return Span(mean / questions, low_f / questions, high_f / questions)


@dataclass(frozen=True)
class CardState:
    """One question of the level as the forecast reads it."""

    card_id: str
    line_id: str
    card: Card | None
    """The FSRS card; None when unseen or when its latest answer was a guess."""


def forecast_cards(
    states: Sequence[CardState],
    estimates: Estimates,
    *,
    scheduler: Scheduler,
    now: datetime,
    exam_day: date,
    level: str = FORECAST_LEVEL,
    line_texts: dict[str, str] | None = None,
    tz: tzinfo | None = None,
    draws: int = DRAWS,
    seed: int = SEED,
) -> Forecast:
    """The forecast for these questions (see the module docstring)."""
    now = as_utc(now)
    rng = np.random.default_rng(seed)
    fsrs = Fsrs.of(scheduler)
    exam_at = local_midnight(exam_day, tz)
    exam = max(_days(exam_at, now), 0.0)
    today = local_date(now, tz)
    days_left = (exam_day - today).days
    times = _Times(
        exam=exam,
        window_start=_days(local_midnight(exam_day - timedelta(days=EXAM_WINDOW_DAYS), tz), now),
        first_session=_days(local_midnight(today, tz), now) + estimates.study_hour / 24,
    )

    seen = [(i, st.card) for i, st in enumerate(states) if st.card is not None]
    seen_idx = [i for i, _ in seen]
    review_cards = [_to_review(card, scheduler, now) for _, card in seen]
    cards = _Cards(
        difficulty=np.array([c.difficulty or 5.0 for c in review_cards]),
        stability=np.array([c.stability or 1.0 for c in review_cards]),
        last=np.array([_days(c.last_review or now, now) for c in review_cards]),
        due=np.array([_days(c.due, now) for c in review_cards]),
    )
    g = rng.beta(estimates.guess.alpha, estimates.guess.beta, size=(draws, 1))
    a = rng.beta(estimates.new_accuracy.alpha, estimates.new_accuracy.beta, size=(draws, 1))
    memory = estimates.memory(rng, draws)

    n = len(states)
    p_sched = np.broadcast_to(a, (draws, n)).copy()
    p_stop = p_sched.copy()
    reviews = np.zeros((draws, 0))
    if seen_idx:
        item = np.exp(ITEM_SD * rng.standard_normal((draws, len(seen_idx))))
        r_sched, reviews = _simulate(fsrs, cards, memory, item, times, estimates.easy_share, rng)
        elapsed = np.maximum(exam - cards.last, 0.0)
        r_stop = recall(elapsed, cards.stability, memory.m * item, memory.decay)
        p_sched[:, seen_idx] = r_sched + (1 - r_sched) * g
        p_stop[:, seen_idx] = r_stop + (1 - r_stop) * g

    hits_sched = rng.random((draws, n)) < p_sched
    hits_stop = rng.random((draws, n)) < p_stop
    line_ids = list(dict.fromkeys(st.line_id for st in states))
    texts = line_texts or {}
    lines = []
    for line_id in line_ids:
        cols = [i for i, st in enumerate(states) if st.line_id == line_id]
        lines.append(
            LineForecast(
                line_id=line_id,
                text=texts.get(line_id, ""),
                questions=len(cols),
                seen=sum(states[i].card is not None for i in cols),
                schedule=_span(hits_sched[:, cols].sum(axis=1), len(cols)),
                stopped=_span(hits_stop[:, cols].sum(axis=1), len(cols)),
            )
        )
    prior_weight = NEW_PRIOR_WEIGHT / (NEW_PRIOR_WEIGHT + estimates.first_answers)
    unseen = n - len(seen_idx)
    pace = None
    if days_left > 0 and n:
        pace = _pace(
            fsrs,
            scheduler,
            estimates,
            p_sched.mean(axis=0),
            unseen,
            float(reviews.sum(axis=1).mean()) if seen_idx else 0.0,
            a,
            g,
            memory,
            now,
            times,
            days_left,
            rng,
        )
    return Forecast(
        level=level,
        exam_date=exam_day,
        days_left=days_left,
        questions=n,
        seen=len(seen_idx),
        schedule=_span(hits_sched.sum(axis=1), n),
        stopped=_span(hits_stop.sum(axis=1), n),
        lines=lines,
        pace=pace,
        prior_share=unseen / n * prior_weight if n else 1.0,
        pass_chance=float(np.mean(hits_sched.sum(axis=1) >= PASS_MARK * n)) if n else 0.0,
        estimates=estimates,
        card_ids=[st.card_id for st in states],
        p_schedule=[float(x) for x in p_sched.mean(axis=0)],
        p_stopped=[float(x) for x in p_stop.mean(axis=0)],
    )


def _new_card_curve(
    fsrs: Fsrs,
    scheduler: Scheduler,
    estimates: Estimates,
    a: Array,
    g: Array,
    memory: Memory,
    now: datetime,
    times: _Times,
    days_left: int,
    rng: np.random.Generator,
) -> tuple[Array, Array]:
    """(expected p at the exam, expected reviews until it) of one question first answered on
    day j from today, for each j < days_left."""
    plain = _plain(scheduler)
    starts = []
    for first in (Rating.Good, Rating.Again):
        card, _ = plain.review_card(Card(due=now), first, now)
        starts.append(_to_review(card, scheduler, now))
    # First answered at each day's session (the cards were answered "now" above).
    shifts = np.arange(days_left, dtype=float) + times.first_session
    cells = _Cards(
        difficulty=np.repeat([c.difficulty or 5.0 for c in starts], days_left),
        stability=np.repeat([c.stability or 1.0 for c in starts], days_left),
        last=np.concatenate([_days(c.last_review or now, now) + shifts for c in starts]),
        due=np.concatenate([_days(c.due, now) + shifts for c in starts]),
    )
    item = np.ones((1, 1))
    r, n_rev = _simulate(fsrs, cells, memory, item, times, estimates.easy_share, rng)
    p = r + (1 - r) * g
    first_ok = a
    p_new = first_ok * p[:, :days_left] + (1 - first_ok) * p[:, days_left:]
    rev_new = first_ok * n_rev[:, :days_left] + (1 - first_ok) * n_rev[:, days_left:]
    return p_new.mean(axis=0), rev_new.mean(axis=0)


def _pace(
    fsrs: Fsrs,
    scheduler: Scheduler,
    estimates: Estimates,
    p_now: Array,
    unseen: int,
    seen_reviews: float,
    a: Array,
    g: Array,
    memory: Memory,
    now: datetime,
    times: _Times,
    days_left: int,
    rng: np.random.Generator,
) -> Pace:
    """The smallest new-a-day count whose expected score reaches ``PACE_TARGET``."""
    n = p_now.shape[0]
    base = float(p_now.sum())
    p_unseen = float(a.mean())
    curve, curve_reviews = (
        _new_card_curve(fsrs, scheduler, estimates, a, g, memory, now, times, days_left, rng)
        if unseen
        else (np.zeros(days_left), np.zeros(days_left))
    )

    def outcome(per_day: int, skip_today: bool = False) -> tuple[float, float]:
        """(expected right answers, new-card reviews) with ``per_day`` new ones a day."""
        left, score, extra = unseen, base, 0.0
        for j in range(days_left):
            take = 0 if (skip_today and j == 0) else min(per_day, left)
            left -= take
            score += take * (curve[j] - p_unseen)
            extra += take * (curve_reviews[j] + len(scheduler.learning_steps))
        return score, extra

    chosen = unseen
    for per_day in range(unseen + 1):
        if outcome(per_day)[0] >= PACE_TARGET * n:
            chosen = per_day
            break
    score, extra = outcome(chosen)
    reviews_per_day = (seen_reviews + extra) / days_left
    answers_per_day = reviews_per_day + min(chosen, unseen)
    today_adds = (score - outcome(chosen, skip_today=True)[0]) / n
    return Pace(
        new_per_day=chosen,
        reviews_per_day=float(reviews_per_day),
        minutes_per_day=float(answers_per_day * estimates.answer_seconds / 60),
        reachable=bool(score >= PACE_TARGET * n),
        expected=float(score / n),
        today_adds=float(today_adds),
    )


# -- from the store -------------------------------------------------------------------------


def level_items(banks: Sequence[Bank], level: str = FORECAST_LEVEL) -> list[StudyItem]:
    """The questions the forecast covers (every level for ``all``)."""
    return question_items(banks, levels=() if level == ALL_LEVELS else (level,))


def compute_forecast(
    store: Store,
    banks: Sequence[Bank],
    *,
    level: str = FORECAST_LEVEL,
    day: date | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    scheduler: Scheduler | None = None,
    items: Sequence[StudyItem] | None = None,
) -> Forecast | None:
    """The forecast for ``day`` (default: the configured exam date; None when neither)."""
    now = as_utc(now or utcnow())
    day = day or exam_date(store)
    if day is None:
        return None
    scheduler = scheduler or Srs(store, tz=tz).scheduler
    items = list(items) if items is not None else level_items(banks, level)
    wanted = {item.card_id for item in items}
    rows_by_card: dict[str, list[LogRow]] = {}
    for row in store.log_rows():
        if row.card_id in wanted:
            rows_by_card.setdefault(row.card_id, []).append(row)
    stored = {row.card_id: row for row in store.cards() if row.card_id in wanted}
    states = []
    for item in items:
        rows = rows_by_card.get(item.card_id)
        known = item.card_id in stored and rows and not rows[-1].guessed
        card = Card.from_json(stored[item.card_id].card_json) if known else None
        states.append(CardState(item.card_id, item.line_id, card))
    texts = {item.line_id: item.lyric.text for item in items}
    return forecast_cards(
        states,
        estimate(rows_by_card, tz),
        scheduler=scheduler,
        now=now,
        exam_day=day,
        level=level,
        line_texts=texts,
        tz=tz,
    )
