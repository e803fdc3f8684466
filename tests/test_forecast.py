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
    DEFAULT_STUDY_HOUR,
    INTERVAL,
    MOSTLY_PRIOR,
    NEW_PRIOR_MEAN,
    PACE_TARGET,
    compute_forecast,
    level_items,
    whole_quantiles,
)
from gkentei_vae.study.fsrs_sim import AGAIN, Fsrs
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.simulate import Learner, run_study
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import Store
from tests.conftest import JST

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


def test_memory_fades_by_the_hour_before_the_exam(tmp_path: Path, banks: list) -> None:
    # Answered at 19:00 the evening before the exam: five hours later it is not certain,
    # though FSRS's whole days would call it R = 1; a week later it is less likely still.
    item = level_items(banks)[0]
    with Store.open(data_dir=tmp_path) as store:
        srs = Srs(store, tz=UTC)
        srs.record_choice(item.card_id, correct=True, duration_ms=12_000, mode="quiz", now=T0)
        later = T0 + timedelta(hours=1)
        evening = compute_forecast(
            store, banks, day=T0.date() + timedelta(days=1), now=later, tz=UTC
        )
        week = compute_forecast(store, banks, day=T0.date() + timedelta(days=7), now=later, tz=UTC)
    assert evening is not None and week is not None
    p_evening = evening.p_stopped[evening.card_ids.index(item.card_id)]
    p_week = week.p_stopped[week.card_ids.index(item.card_id)]
    assert p_week < p_evening < 1.0


def test_the_usual_hour_of_study_is_the_median_local_hour_of_the_answers(
    tmp_path: Path, banks: list
) -> None:
    items = level_items(banks)[:3]
    tz = JST
    with Store.open(data_dir=tmp_path) as store:
        srs = Srs(store, tz=tz)
        for day, hour in ((0, 21), (1, 22), (2, 21)):
            moment = datetime(2026, 3, 2 + day, hour, tzinfo=tz)
            for item in items:
                srs.record_choice(item.card_id, correct=True, duration_ms=12_000, mode="quiz",
                                  now=moment)  # fmt: skip
        f = compute_forecast(store, banks, day=date(2026, 4, 1), now=T0 + timedelta(days=3), tz=tz)
    with Store.open(tmp_path / "empty.sqlite3") as fresh:
        empty = compute_forecast(fresh, banks, day=date(2026, 4, 1), now=T0, tz=tz)
    assert f is not None and f.estimates.study_hour == 21.0  # local hours, their median
    assert empty is not None and empty.estimates.study_hour == DEFAULT_STUDY_HOUR


def test_the_interval_of_a_whole_number_score_holds_its_share() -> None:
    # Scores of 135 questions at 0.9: the 10th-90th percentile of the draws, ends included,
    # holds about 85 % of fresh scores; spread over [k - 1/2, k + 1/2] it holds 80 %.
    rng = np.random.default_rng(5)
    draws = rng.binomial(135, 0.9, 20_000).astype(float)
    truth = rng.binomial(135, 0.9, 20_000)
    plain_low, plain_high = np.quantile(draws, INTERVAL)
    low, high = whole_quantiles(draws, INTERVAL)
    assert np.mean((truth >= plain_low) & (truth <= plain_high)) > 0.83
    assert np.mean((truth >= low) & (truth <= high)) == pytest.approx(0.80, abs=0.015)
    assert whole_quantiles(np.full(10, 3.0), (0.1, 0.5, 0.9)) == pytest.approx([2.6, 3.0, 3.4])


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
