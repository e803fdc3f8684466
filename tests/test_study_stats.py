"""Stats from a real store: per-line progress, forecast, heatmap, exam countdown, plain text."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from fsrs import Rating

from gkentei_vae.banks import Bank
from gkentei_vae.study.clock import from_db, to_db
from gkentei_vae.study.config import set_config
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.stats import (
    FORECAST_DAYS,
    HEATMAP_DAYS,
    RECENT_SITTINGS,
    Stats,
    compute_stats,
    heat_char,
    heatmap_rows,
    render_plain,
)
from gkentei_vae.study.store import Store
from tests.conftest import JST, T0, srs_for

NOW = T0 + timedelta(days=2)


@pytest.fixture
def store(store: Store) -> Store:
    """The shared empty store, with a few answers in it (T0 is a Thursday in Tokyo)."""
    srs = srs_for(store)
    answers = [
        ("study:q01", Rating.Good, T0),
        ("study:q01", Rating.Again, T0 + timedelta(days=1)),
        ("study:q07", Rating.Easy, T0),
        ("study:cloze:L7", Rating.Good, T0),
        ("study:q10", Rating.Hard, T0 - timedelta(days=20)),
        ("study:gone", Rating.Good, T0),  # not in the bank any more
    ]
    for card_id, rating, when in answers:
        srs.review(card_id, rating, duration_ms=2000, mode="review", now=when)
    return store


def _stats(store: Store, banks: list[Bank]) -> Stats:
    return compute_stats(store, banks, now=NOW, tz=JST)


def test_per_line_progress(store: Store, banks: list[Bank]) -> None:
    stats = _stats(store, banks)
    lines = {line.line_id: line for line in stats.lines}
    assert list(lines) == [f"L{i}" for i in range(1, 11)]
    l1 = lines["L1"]
    assert (l1.cards, l1.seen, l1.answers, l1.correct) == (2, 1, 2, 1)  # q01 + cloze L1
    assert l1.accuracy == 0.5
    l7 = lines["L7"]
    assert (l7.cards, l7.seen, l7.answers, l7.correct) == (3, 2, 2, 2)  # q07, cloze, term
    srs = Srs(store)
    expected = [srs.retrievability(store.card(c), NOW) for c in ("study:q07", "study:cloze:L7")]
    assert l7.retrievability == pytest.approx(sum(expected) / 2)
    assert 0 < l7.retrievability <= 1
    assert lines["L2"].retrievability is None and lines["L2"].accuracy is None
    # The L10 card was last seen 22 days ago after a Hard: it has been forgotten a little.
    assert lines["L10"].retrievability < l7.retrievability
    assert stats.total_answers == 6
    assert stats.unseen == 20 - 4  # 10 questions, 7 cloze, 3 terms


def test_forecast_and_heatmap(store: Store, banks: list[Bank]) -> None:
    stats = _stats(store, banks)
    today = date(2025, 5, 3)
    assert stats.today == today
    assert [d for d, _ in stats.forecast] == [
        today + timedelta(days=i) for i in range(FORECAST_DAYS)
    ]
    expected: dict[date, int] = {}
    for card_id in ("study:q01", "study:q07", "study:cloze:L7", "study:q10"):
        day = max(from_db(store.card(card_id).due).astimezone(JST).date(), today)
        if (day - today).days < FORECAST_DAYS:
            expected[day] = expected.get(day, 0) + 1
    assert {d: n for d, n in stats.forecast if n} == expected
    assert stats.due_now == sum(
        from_db(store.card(c).due) <= NOW
        for c in ("study:q01", "study:q07", "study:cloze:L7", "study:q10")
    )
    assert len(stats.heatmap) == HEATMAP_DAYS
    assert stats.heatmap[-1][0] == today
    counts = {d: n for d, n in stats.heatmap if n}
    assert counts == {date(2025, 5, 1): 4, date(2025, 5, 2): 1, date(2025, 4, 11): 1}


def test_exam_countdown(store: Store, banks: list[Bank]) -> None:
    assert _stats(store, banks).exam is None
    set_config(store, "exam-date", "2025-05-20", now=NOW, tz=JST)
    exam = _stats(store, banks).exam
    assert exam is not None
    assert (exam.exam_date, exam.days_left, exam.window_start) == (
        date(2025, 5, 20),
        17,
        date(2025, 5, 13),
    )
    # With the cap every seen card is due before the exam day.
    assert exam.to_review == 4
    assert exam.unseen == 16
    passed = compute_stats(store, banks, now=datetime(2025, 5, 21, tzinfo=JST), tz=JST)
    assert passed.exam is None and passed.exam_date == date(2025, 5, 20)
    assert "過ぎました" in render_plain(passed)


def test_heat_shades() -> None:
    assert [heat_char(n, 8) for n in (0, 1, 2, 3, 4, 6, 8)] == ["·", "░", "░", "▒", "▒", "▓", "█"]
    days = [(date(2025, 4, 30) + timedelta(days=i), i) for i in range(5)]  # Wed..Sun
    rows = heatmap_rows(days)
    assert len(rows) == 7
    assert rows[0] == "月"  # the week starts before the data
    assert rows[2] == "水 ·"
    assert rows[6] == "日 █"


def test_plain_rendering(store: Store, banks: list[Bank]) -> None:
    set_config(store, "exam-date", "2025-05-20", now=NOW, tz=JST)
    text = render_plain(_stats(store, banks))
    lines = text.splitlines()
    assert lines[0] == "学習状況 2025-05-03"
    row = next(line for line in lines if line.strip().startswith("L1 "))
    assert "1/2" in row and "50%" in row and "VAEは変分オートエンコーダ" in row
    assert (
        "  L2       0/1      —      —  訓練データと似た特徴を持つ 未知の新しいデータを生成" in lines
    )
    assert sum(1 for line in lines if line.strip()[:1] in "月火水木金土日" and len(line) > 2) >= 7
    assert "計 6 回" in text
    assert "試験日 2025-05-20(あと 17 日)" in text
    assert "█" in text


# -- mock-exam results --------------------------------------------------------------------


def _sit(store: Store, when: datetime, correct: int, questions: int = 10, **extra: object) -> None:
    result: dict = {
        "taken_at": to_db(when),
        "questions": questions,
        "correct": correct,
        "unanswered": 0,
        "time_limit_s": 41.0 * questions,
        "seconds_used": 30.0 * questions,
        "timed_out": False,
        "by_line": {},
        "by_topic": {},
    }
    store.add_exam_result(**{**result, **extra})


def test_no_mock_exam_yet(store: Store, banks: list[Bank]) -> None:
    stats = _stats(store, banks)
    assert (stats.sittings, stats.sitting_count, stats.best_sitting) == ([], 0, None)
    assert "模擬試験の結果: まだありません" in render_plain(stats)


def test_mock_exam_results_latest_and_best(store: Store, banks: list[Bank]) -> None:
    # Seven sittings a day apart, oldest first; the best (9/10) is the oldest but one.
    scores = [6, 9, 7, 5, 8, 9, 3]
    for day, correct in enumerate(scores):
        _sit(store, T0 - timedelta(days=10 - day), correct)
    _sit(store, T0 + timedelta(hours=13), 2, questions=4, unanswered=2, timed_out=True)
    stats = _stats(store, banks)
    assert stats.sitting_count == 8
    assert len(stats.sittings) == RECENT_SITTINGS == 5
    assert [s.result.correct for s in stats.sittings] == [2, 3, 9, 8, 5]
    # Times are shown in the learner's zone: 03:00 UTC is 12:00 in Tokyo.
    assert stats.sittings[1].taken == datetime(2025, 4, 27, 12, 0, tzinfo=JST)
    # Two 9/10: the later one is the best; it is also outside the five latest.
    assert stats.best_sitting is not None
    assert stats.best_sitting.taken == datetime(2025, 4, 26, 12, 0, tzinfo=JST)
    assert [s.passed for s in stats.sittings] == [False, False, True, True, False]

    text = render_plain(stats)
    section = text[text.index("模擬試験の結果") : text.index("レベル別")].splitlines()
    assert section[0] == "模擬試験の結果(全 8 回、新しい順に最大 5 回)"
    assert section[1] == "  最高 9/10 (90%) 2025-04-26 12:00 / 最新 2/4 (50%) 2025-05-02 01:00"
    assert section[2] == "  2025-05-02 01:00      2/4   50%  合格ライン 70% 未満  時間切れ"
    assert section[3] == "  2025-04-27 12:00     3/10   30%  合格ライン 70% 未満"
    assert section[4] == "  2025-04-26 12:00     9/10   90%  合格ライン 70% 以上"
    assert len(section) == 8 and section[-1] == ""  # five sittings, then a blank line


def test_seventy_percent_is_a_pass(store: Store, banks: list[Bank]) -> None:
    _sit(store, T0, 7)
    _sit(store, T0 + timedelta(hours=1), 13, questions=20)
    stats = _stats(store, banks)
    assert [s.passed for s in stats.sittings] == [False, True]  # 65 %, then 70 %
    assert "7/10   70%  合格ライン 70% 以上" in render_plain(stats)
