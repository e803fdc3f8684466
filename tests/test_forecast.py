"""The exam-day forecast (study/forecast.py), its array FSRS (study/fsrs_sim.py) and the
calibration benchmark's small-scale behaviour."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fsrs import Card, Rating, Scheduler, State

from gkentei_vae.study.forecast import (
    MOSTLY_PRIOR,
    NEW_PRIOR_MEAN,
    PACE_TARGET,
    compute_forecast,
    level_items,
)
from gkentei_vae.study.fsrs_sim import AGAIN, Fsrs
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.simulate import Learner, run_study
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import Store

T0 = datetime(2026, 3, 2, 19, tzinfo=UTC)


def test_array_fsrs_matches_the_scheduler_on_random_histories() -> None:
    rng = random.Random(3)
    scheduler = Scheduler(enable_fuzzing=False)
    fsrs = Fsrs.of(scheduler)
    for _ in range(60):
        card, _ = scheduler.review_card(Card(due=T0), Rating.Good, T0)
        card, _ = scheduler.review_card(card, Rating.Good, card.due)
        assert card.state == State.Review
        for _ in range(6):
            when = card.due + timedelta(days=rng.randint(0, 9))
            rating = rng.choice([Rating.Again, Rating.Good, Rating.Easy])
            elapsed = float((when - card.last_review).days)
            d, s = fsrs.review(
                np.array([card.difficulty]),
                np.array([card.stability]),
                np.array([elapsed]),
                np.array([float(rating)]),
            )
            card, _ = scheduler.review_card(card, rating, when)
            if rating == AGAIN:  # the relearning step, answered Good the same day
                assert card.state == State.Relearning
                card, _ = scheduler.review_card(card, Rating.Good, card.due)
            assert card.state == State.Review
            assert d[0] == pytest.approx(card.difficulty, rel=1e-9)
            assert s[0] == pytest.approx(card.stability, rel=1e-9)
            interval = (card.due - card.last_review).days
            assert fsrs.interval(s)[0] == interval


@pytest.fixture(scope="module")
def banks() -> list:
    return load_default_banks()


def test_fresh_record_forecasts_near_chance_and_says_it_is_the_prior(
    tmp_path: Path, banks: list
) -> None:
    with Store.open(data_dir=tmp_path) as store:
        f = compute_forecast(store, banks, day=date(2026, 4, 1), now=T0, tz=UTC)
    assert f is not None
    assert f.seen == 0 and f.questions == len(level_items(banks))
    assert f.mostly_prior and f.prior_share > MOSTLY_PRIOR
    assert f.schedule.expected == pytest.approx(NEW_PRIOR_MEAN, abs=0.03)
    assert f.schedule.low < 0.25 + 0.1 and f.schedule.high < 0.6
    assert f.pace is not None and f.pace.new_per_day > 0 and f.pace.reachable


def test_no_exam_date_means_no_forecast(tmp_path: Path, banks: list) -> None:
    with Store.open(data_dir=tmp_path) as store:
        assert compute_forecast(store, banks, now=T0) is None


def test_a_studied_record_forecasts_more_and_keeping_on_beats_stopping(
    tmp_path: Path, banks: list
) -> None:
    items = level_items(banks)
    learner = Learner.draw("fsrs", 7)
    exam_day = date(2026, 4, 20)
    with Store.open(data_dir=tmp_path) as store:
        run_study(store, items, learner, T0.date(), 20, new_per_day=10, skip=0.0, exam_day=exam_day)
        f = compute_forecast(store, banks, now=T0 + timedelta(days=20), tz=UTC)
    assert f is not None
    assert not f.mostly_prior
    assert f.seen > 50
    assert f.schedule.low <= f.schedule.expected <= f.schedule.high
    assert f.schedule.expected > f.stopped.expected > NEW_PRIOR_MEAN
    assert sum(line.questions for line in f.lines) == f.questions
    assert f.pace is not None and f.pace.reviews_per_day > 0
    # The pace reaches the target when reachable; one new question a day fewer does not.
    if f.pace.reachable and f.pace.new_per_day > 0:
        assert f.pace.expected >= PACE_TARGET


def test_guessed_answer_counts_as_unseen_and_is_rated_again(tmp_path: Path, banks: list) -> None:
    item = level_items(banks)[0]
    with Store.open(data_dir=tmp_path) as store:
        srs = Srs(store, tz=UTC)
        record = srs.record_choice(item.card_id, correct=True, duration_ms=3000, mode="quiz",
                                   now=T0, guessed=True)  # fmt: skip
        assert record.rating == Rating.Again
        [row] = store.log_rows()
        assert row.guessed and row.correct
        f = compute_forecast(store, banks, day=date(2026, 4, 1), now=T0, tz=UTC)
    assert f is not None
    assert f.seen == 0
    assert f.estimates.guesses == 1 and f.estimates.guesses_right == 1
    assert f.estimates.first_answers == 1 and f.estimates.first_right == 1


def test_benchmark_small_scale(tmp_path: Path) -> None:
    from benchmarks.forecast import simulate

    outcomes = [
        simulate(family, seed, tmp_path) for family in ("fsrs", "powerlaw") for seed in (0, 1)
    ]
    for o in outcomes:
        span = o.forecast.schedule
        assert 0 <= span.low <= span.expected <= span.high <= 1
        assert 0 <= o.score_schedule <= 1 and 0 <= o.score_stop <= 1
        assert len(o.outcomes) == o.forecast.questions
    # The forecast is not far off on these learners (loose: a few seeds).
    errors = [abs(o.forecast.schedule.expected - o.score_schedule) for o in outcomes]
    assert float(np.mean(errors)) < 0.15
