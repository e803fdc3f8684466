"""The mock exam through the real app: time-out, flags, jump list, result; and its timing rules."""

from __future__ import annotations

from textual.widgets import OptionList

from gkentei_vae.banks import load_banks
from gkentei_vae.study.exam import SECONDS_PER_QUESTION, ExamSession, duration_text
from gkentei_vae.tui.exam_screen import ExamScreen, JumpScreen
from gkentei_vae.tui.launch import exam_app
from gkentei_vae.tui.question_view import QuestionView
from gkentei_vae.tui.summary_screen import MissedWalkScreen, SummaryScreen
from tests.conftest import MINI_BANK, SIZE, run_cli, wait_for, widget_text


def mini_exam(count: int | None = None, minutes: float | None = None) -> ExamSession:
    return ExamSession.select(load_banks([MINI_BANK]), count=count, minutes=minutes, seed=5)


shown = widget_text


def test_defaults_every_question_at_41_seconds_each() -> None:
    exam = mini_exam()
    assert len(exam.items) == 4
    assert exam.time_limit == 4 * SECONDS_PER_QUESTION == 164


def test_duration_format() -> None:
    assert duration_text(3977) == "66分17秒" and duration_text(600) == "10分00秒"
    assert duration_text(599.2) == "10分00秒" and duration_text(599) == "9分59秒"
    assert duration_text(61) == "1分01秒" and duration_text(0.2) == "0分01秒"
    assert duration_text(0) == "0分00秒" and duration_text(-3) == "0分00秒"


async def test_time_out_submits_and_scores_only_what_was_answered() -> None:
    exam = mini_exam(count=3, minutes=0.05)
    app = exam_app(exam)
    async with app.run_test(size=SIZE) as pilot:
        first, second = exam.items[0], exam.items[1]
        await pilot.press(str(first.correct_index + 1))  # right
        await pilot.press("n", str((second.correct_index + 1) % 4 + 1))  # wrong
        assert isinstance(app.screen, ExamScreen)
        assert "解答済 2/3" in shown(app.screen, "#exam-bar")
        # no feedback before the end
        assert "正解" not in shown(app.screen, "#feedback")
        # The 3-second limit runs out on its own; the summary is read once it is mounted.
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, SummaryScreen) and app.screen.query("#headline"),
            what="the time-out summary",
        )
        assert isinstance(app.screen, SummaryScreen)
        assert exam.submitted and exam.timed_out
        result = app.screen.session
        assert [a.chosen for a in result.answers][2] is None
        assert result.score == 1 and len(result.answers) == 3
        headline = shown(app.screen, "#headline")
        assert "時間切れ" in headline and "1/3 問正解" in headline and "未解答 1 問" in headline


async def test_flags_and_jump_list() -> None:
    exam = mini_exam(minutes=30)
    app = exam_app(exam)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(
            "1", "n", "f", "n", "2", "f", "n"
        )  # q1 answered; q2 flagged; q3 answered+flagged
        assert exam.flags == {1, 2} and set(exam.choices) == {0, 2}
        assert exam.pending() == [1, 2, 3]
        await pilot.press("j")
        assert isinstance(app.screen, JumpScreen)
        listed = app.screen.query_one(OptionList)
        assert [listed.get_option_at_index(i).id for i in range(listed.option_count)] == [
            "1",
            "2",
            "3",
        ]
        await pilot.press("down", "enter")  # the second entry: question 3
        assert isinstance(app.screen, ExamScreen) and exam.position == 2
        assert "⚑" in shown(app.screen, "#exam-bar")
        await pilot.press("f")  # unflag
        assert exam.flags == {1}
        # answers can change until submission, and the view shows the current choice
        await pilot.press("4")
        assert exam.choices[2] == 3
        assert app.screen.query_one(QuestionView).query(".-selected").first().index == 3


async def test_submit_confirm_then_walk_through_missed() -> None:
    exam = mini_exam(minutes=30)
    app = exam_app(exam)
    async with app.run_test(size=SIZE) as pilot:
        wrong = (exam.items[0].correct_index + 1) % 4
        await pilot.press(str(wrong + 1), "s", "n")  # cancel the confirmation
        assert isinstance(app.screen, ExamScreen) and not exam.submitted
        await pilot.press("s", "y")
        assert isinstance(app.screen, SummaryScreen)
        assert "合格ライン 70%" in shown(app.screen, "#score-bar")
        await pilot.press("w")
        assert isinstance(app.screen, MissedWalkScreen)
        assert len(app.screen.missed) == 4  # one wrong, three unanswered
        feedback = shown(app.screen, "#feedback")
        assert exam.items[0].pick.question.explanation in feedback
        await pilot.press("escape")
        assert isinstance(app.screen, SummaryScreen)


def test_exam_cli_rejects_bad_minutes() -> None:
    proc = run_cli("exam", "--minutes", "0")
    assert proc.returncode == 2


def test_snapshot_exam_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    exam = mini_exam(minutes=60)
    assert snap_compare(exam_app(exam), press=["2", "f"], terminal_size=SIZE)


def test_snapshot_exam_result(snap_compare) -> None:  # type: ignore[no-untyped-def]
    exam = mini_exam(minutes=60)
    keys = [
        str(exam.items[0].correct_index + 1),
        "n",
        str((exam.items[1].correct_index + 1) % 4 + 1),
        "s",
        "y",
    ]
    assert snap_compare(exam_app(exam), press=keys, terminal_size=SIZE)
