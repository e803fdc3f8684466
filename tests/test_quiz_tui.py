"""The quiz driven through the real Textual app with Pilot, on real YAML banks."""

from __future__ import annotations

from collections import Counter

from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui.confirm_screen import ConfirmScreen
from gkentei_vae.tui.help_screen import HelpScreen
from gkentei_vae.tui.launch import quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.summary_screen import SummaryScreen
from gkentei_vae.tui.widgets import OptionCard
from tests.conftest import SIZE, mini_session, polls, widget_text

text_of = widget_text


async def test_reparam_topic_serves_only_l7_l8_and_scores_per_line() -> None:
    session = QuizSession.select(load_default_banks(), topics=["reparam"], count=10, seed=1)
    assert session.items, "the bundled bank has reparam questions"
    assert {item.pick.question.line for item in session.items} <= {"L7", "L8"}
    expected_right: Counter[str] = Counter()
    expected_total: Counter[str] = Counter()
    app = quiz_app(session)
    async with app.run_test(size=SIZE) as pilot:
        for k, item in enumerate(session.items):
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            assert f"問 {k + 1}/{len(session.items)}" in text_of(screen, "#progress")
            assert item.pick.lyric.text in text_of(screen, "#hook")
            right = k % 3 != 0  # some right, some wrong
            choice = item.correct_index if right else (item.correct_index + 1) % 4
            await pilot.press(str(choice + 1))
            expected_total[item.pick.question.line] += 1
            expected_right[item.pick.question.line] += right
            assert ("○ 正解" if right else "× 不正解") in text_of(screen, "#feedback")
            await pilot.press("n")
        assert isinstance(app.screen, SummaryScreen)
        by_line = session.by_line()
        assert {k: (v.right, v.total) for k, v in by_line.items()} == {
            line: (expected_right[line], expected_total[line]) for line in expected_total
        }
        table = text_of(app.screen, "#by-line")
        for line, total in expected_total.items():
            assert f"{expected_right[line]}/{total}" in table
        assert f"結果: {session.score}/{len(session.items)}" in text_of(app.screen, "#headline")


async def test_keys_letters_and_mouse_all_answer() -> None:
    session = mini_session()
    app = quiz_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        assert session.answers[-1].chosen == 1
        await pilot.press("enter")
        await pilot.click(OptionCard, offset=(2, 0))  # the first card
        assert session.answers[-1].chosen == 0
        await pilot.press("n")
        # keys that answer are inert once the question is answered
        await pilot.press("4")
        await pilot.press("1")
        assert [a.chosen for a in session.answers] == [1, 0, 3]


async def test_feedback_highlights_answer_and_explains_the_wrong_choice() -> None:
    session = mini_session()
    app = quiz_app(session)
    async with app.run_test(size=SIZE) as pilot:
        item = session.current
        wrong = (item.correct_index + 1) % 4
        await pilot.press(str(wrong + 1))
        cards = list(app.screen.query(OptionCard))
        assert cards[item.correct_index].has_class("-correct")
        assert cards[wrong].has_class("-wrong")
        feedback = text_of(app.screen, "#feedback")
        assert item.pick.question.explanation in feedback
        assert item.why_wrong(wrong) in feedback


async def test_markup_in_bank_text_is_shown_literally() -> None:
    session = mini_session()
    app = quiz_app(session)
    async with app.run_test(size=SIZE) as pilot:
        for _ in polls(lambda: session.current.pick.question.id == "mini-01", "mini-01"):
            await pilot.press("1", "n")
        assert "[bold]再パラメータ化トリック[/]" in text_of(app.screen, "#stem")


async def test_help_and_quit_confirmation() -> None:
    session = mini_session()
    app = quiz_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, QuizScreen) and app.is_running
        await pilot.press("q", "y")
    assert app.return_code == 0


# -- snapshots: fixed bank, fixed seed --------------------------------------------------


def test_snapshot_question(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(quiz_app(mini_session()), terminal_size=SIZE)


def test_snapshot_feedback_wrong(snap_compare) -> None:  # type: ignore[no-untyped-def]
    session = mini_session()
    wrong = (session.items[0].correct_index + 1) % 4
    assert snap_compare(quiz_app(session), press=[str(wrong + 1)], terminal_size=SIZE)


def test_snapshot_help(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(quiz_app(mini_session()), press=["question_mark"], terminal_size=SIZE)


def test_snapshot_summary(snap_compare) -> None:  # type: ignore[no-untyped-def]
    session = mini_session()
    keys: list[str] = []
    for k, item in enumerate(session.items):
        choice = item.correct_index if k % 2 == 0 else (item.correct_index + 1) % 4
        keys += [str(choice + 1), "n"]
    assert snap_compare(quiz_app(session), press=keys, terminal_size=SIZE)


async def test_q_on_the_summary_ends_the_quiz() -> None:
    session = mini_session()
    app = quiz_app(session)
    async with app.run_test(size=SIZE) as pilot:
        for _ in session.items:
            await pilot.press("1", "n")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
