"""Levels (basic/advanced) select and show; a retired question's history is kept and shown."""

from __future__ import annotations

from pathlib import Path

from fsrs import Rating

from gkentei_vae.banks import Bank
from gkentei_vae.cli import build_parser
from gkentei_vae.commands.common import levels
from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.session import QuizSession
from gkentei_vae.study.stats import compute_stats, render_plain
from gkentei_vae.study.store import DB_FILENAME, Store
from gkentei_vae.tui.exam_screen import ExamScreen
from gkentei_vae.tui.launch import exam_app, quiz_app, stats_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.summary_screen import SummaryScreen
from tests.conftest import JST, SATURDAY, SIZE, Clock, run_cli, srs_for, widget_text


def bundled() -> list[Bank]:
    return load_default_banks()


def test_every_bundled_question_says_its_level_and_most_are_basic() -> None:
    questions = [q for b in bundled() for q in b.questions]
    basic = sum(q.level == "basic" for q in questions)
    assert basic / len(questions) >= 0.70
    assert any(q.level == "advanced" for q in questions)


def test_the_exam_draws_basic_questions_unless_told_otherwise() -> None:
    args = build_parser().parse_args(["exam"])
    assert levels(args) == ("basic",)
    exam = ExamSession.select(bundled(), levels=levels(args), seed=1)
    assert exam.items and all(i.pick.question.level == "basic" for i in exam.items)
    every = ExamSession.select(
        bundled(), levels=levels(build_parser().parse_args(["exam", "--level", "all"]))
    )
    assert len(every.items) > len(exam.items)
    assert levels(build_parser().parse_args(["quiz"])) == ("basic",)  # issue 17: basic by default


async def test_exam_level_basic_runs_and_scores_by_level() -> None:
    exam = ExamSession.select(bundled(), count=3, levels=("basic",), seed=2)
    app = exam_app(exam)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ExamScreen)
        for item in exam.items:
            await pilot.press(str(item.correct_index + 1), "n")
        await pilot.press("s", "y")
        assert isinstance(app.screen, SummaryScreen)
        table = widget_text(app.screen, "#by-level")
        assert "基本" in table and "3/3" in table and "発展" not in table


async def test_quiz_topic_gan_serves_only_gan_questions() -> None:
    session = QuizSession.select(bundled(), topics=["gan"], count=5, seed=4)
    assert len(session.items) == 5
    app = quiz_app(session)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            assert isinstance(app.screen, QuizScreen)
            assert "gan" in app.screen.session.current.pick.question.topics
            await pilot.press("1", "n")
        assert isinstance(app.screen, SummaryScreen)
        assert "gan" in widget_text(app.screen, "#by-topic")


def test_quiz_topic_gan_and_level_are_cli_options() -> None:
    proc = run_cli("quiz", "--topic", "gan", "--level", "nope")
    assert proc.returncode == 2 and "basic" in proc.stderr


def retired_history(store: Store) -> str:
    banks = bundled()
    (bank,) = [b for b in banks if b.id == "vae"]
    # A merged id, not one moved to another song (that one is still a live card there).
    moved = {(q.moved_from, q.id) for b in banks for q in b.questions if q.moved_from}
    retired = next(r for r in bank.retired if (bank.id, r.id) not in moved)
    card_id = f"{bank.id}:{retired.id}"
    srs_for(store).review(card_id, Rating.Good, duration_ms=4000, mode="review", now=SATURDAY)
    return card_id


def test_a_record_with_a_retired_id_opens_counts_it_and_shows_it_retired(store: Store) -> None:
    card_id = retired_history(store)
    stats = compute_stats(store, bundled(), now=SATURDAY, tz=JST)
    assert stats.total_answers == 1
    assert [r.card_id for r in stats.retired] == [card_id]
    assert stats.retired[0].answers == 1
    assert sum(line.seen for line in stats.lines) == 0  # not served, not a current card
    plain = render_plain(stats)
    assert "退役した問題の記録" in plain and f"{card_id}  解答 1 回" in plain and "(退役)" in plain


async def test_the_stats_screen_shows_levels_and_retired(store: Store) -> None:
    card_id = retired_history(store)
    app = stats_app(store, bundled(), clock=Clock(SATURDAY), tz=JST)
    async with app.run_test(size=SIZE):
        text = widget_text(app.screen, "#levels")
        assert "基本" in text and "発展" in text
        assert card_id in text and "退役" in text


def test_stats_plain_via_the_cli_keeps_a_retired_history(tmp_path: Path) -> None:
    with Store.open(tmp_path / DB_FILENAME) as store:
        card_id = retired_history(store)
    proc = run_cli("stats", "--plain", "--data-dir", str(tmp_path))
    assert proc.returncode == 0 and card_id in proc.stdout and "これまでの解答: 1 回" in proc.stdout
