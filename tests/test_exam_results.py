"""A submitted mock exam is stored and shows in stats: a real exam through the real app, on a
real SQLite store, then `compute_stats` and `gkentei-vae stats --plain` in a subprocess."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest

from gkentei_vae.banks import Bank
from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.recorders import exam_recorder
from gkentei_vae.study.session import QuizSession
from gkentei_vae.study.stats import compute_stats, render_plain
from gkentei_vae.study.store import Store
from gkentei_vae.tui.exam_screen import ExamScreen
from gkentei_vae.tui.launch import exam_app, stats_app
from gkentei_vae.tui.stats_screen import StatsScreen
from gkentei_vae.tui.summary_screen import SummaryScreen
from tests.conftest import JST, MINI_BANK, SATURDAY, SIZE, run_cli, widget_text

SUBMITTED = SATURDAY


def capturing(store: Store, results: list[QuizSession]):  # type: ignore[no-untyped-def]
    """The real recorder, keeping the scored result the screen handed it."""
    record = exam_recorder(store, clock=lambda: SUBMITTED)

    def call(exam: ExamSession, result: QuizSession) -> None:
        results.append(result)
        record(exam, result)

    return call


def wrong(exam: ExamSession, i: int) -> str:
    return str((exam.items[i].correct_index + 1) % 4 + 1)


def right(exam: ExamSession, i: int) -> str:
    return str(exam.items[i].correct_index + 1)


async def test_a_submitted_exam_is_stored_and_shown_in_stats(
    store: Store, mini_banks: list[Bank], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exam = ExamSession.select(mini_banks, seed=5)  # all 4 questions, 164 s
    assert len(exam.items) == 4
    results: list[QuizSession] = []
    app = exam_app(exam, capturing(store, results))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(right(exam, 0), "n", wrong(exam, 1), "n", right(exam, 2), "n")
        await pilot.press(right(exam, 3), "s", "n")  # changed mind: not submitted yet
        assert isinstance(app.screen, ExamScreen) and store.exam_results() == []
        await pilot.press(wrong(exam, 3), "s", "y")  # the last answer changed to a wrong one
        assert isinstance(app.screen, SummaryScreen)
    elapsed = time.monotonic() - exam.started

    [result] = results
    [stored] = store.exam_results()
    assert (stored.questions, stored.correct, stored.unanswered) == (4, 2, 0)
    assert stored.taken_at == "2025-05-03T01:00:00.000000Z"
    assert stored.timed_out is False and stored.time_limit_s == 164
    assert stored.seconds_used == pytest.approx(sum(a.seconds for a in result.answers))
    assert 0 < stored.seconds_used <= elapsed
    # The breakdown counts every question of each line and topic, right ones apart.
    by_line: dict[str, list[int]] = {}
    by_topic: dict[str, list[int]] = {}
    for i, item in enumerate(exam.items):
        question = item.pick.question
        ok = int(i in (0, 2))
        for tally in [by_line.setdefault(question.line, [0, 0])] + [
            by_topic.setdefault(topic, [0, 0]) for topic in question.topics
        ]:
            tally[0] += ok
            tally[1] += 1
    assert stored.by_line == {k: tuple(v) for k, v in by_line.items()}
    assert stored.by_topic == {k: tuple(v) for k, v in by_topic.items()}
    # The answers were logged as before, beside the result.
    assert [row.mode for row in store.log_rows()] == ["exam"] * 4

    stats = compute_stats(store, mini_banks, now=SUBMITTED + timedelta(hours=1), tz=JST)
    assert stats.sitting_count == 1 and stats.best_sitting == stats.sittings[0]
    assert stats.sittings[0].result == stored and not stats.sittings[0].passed
    # The forecast made before the sitting, from a record without answers: near chance.
    assert stored.forecast is not None and 0.15 < stored.forecast[0] < 0.45
    line = "  2025-05-03 10:00      2/4   50%  合格ライン 70% 未満  予測 "
    assert any(row.startswith(line) for row in render_plain(stats).splitlines())

    # The command prints it too, in the learner's zone (a POSIX TZ string: no tz database).
    monkeypatch.setenv("TZ", "JST-9")
    proc = run_cli(
        "stats", "--plain", "--data-dir", str(tmp_path), "--bank", str(MINI_BANK), timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "模擬試験の結果(全 1 回" in proc.stdout
    assert "最高 2/4 (50%) 2025-05-03 10:00 / 最新 2/4 (50%) 2025-05-03 10:00" in proc.stdout
    assert any(row.startswith(line) for row in proc.stdout.splitlines())

    # And the stats screen has its section.
    app = stats_app(store, mini_banks, clock=lambda: SUBMITTED + timedelta(hours=1), tz=JST)
    async with app.run_test(size=(100, 45)):
        assert isinstance(app.screen, StatsScreen)
        section = widget_text(app.screen, "#sittings")
        assert "模擬試験の結果" in section and "全 1 回" in section
        assert "最高 2/4 (50%)" in section and "合格ライン 70% 未満" in section


async def test_a_timed_out_exam_is_stored_with_the_whole_limit(
    store: Store, mini_banks: list[Bank]
) -> None:
    exam = ExamSession.select(mini_banks, count=3, minutes=0.01, seed=5)  # 0.6 s
    app = exam_app(exam, exam_recorder(store, clock=lambda: SUBMITTED))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(right(exam, 0))
        for _ in range(50):  # room for a slow machine
            await asyncio.sleep(0.1)
            if isinstance(app.screen, SummaryScreen):
                break
        assert isinstance(app.screen, SummaryScreen)
    [stored] = store.exam_results()
    assert stored.timed_out is True
    assert (stored.questions, stored.correct, stored.unanswered) == (3, 1, 2)
    assert stored.seconds_used == stored.time_limit_s == pytest.approx(0.6)
    assert [row.mode for row in store.log_rows()] == ["exam"]  # only the answered one
    stats = compute_stats(store, mini_banks, now=SUBMITTED, tz=JST)
    assert "1/3   33%  合格ライン 70% 未満  時間切れ" in render_plain(stats)


async def test_an_abandoned_exam_stores_nothing(store: Store, mini_banks: list[Bank]) -> None:
    exam = ExamSession.select(mini_banks, seed=5)
    app = exam_app(exam, exam_recorder(store, clock=lambda: SUBMITTED))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(right(exam, 0), "n", right(exam, 1), "q", "y")
    assert app.return_value == 0
    assert store.exam_results() == [] and store.log_rows() == []
    assert not exam.submitted
