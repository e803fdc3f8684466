"""基本/発展 on every question, basic by default, and the level chosen on home (issue 17, item 5)."""

from __future__ import annotations

import pytest

from gkentei_vae.banks import Bank
from gkentei_vae.banks.vocab import LEVELS
from gkentei_vae.cli import build_parser
from gkentei_vae.commands.common import levels
from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.review import ReviewSession
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.session import QuizSession
from gkentei_vae.study.store import Store
from gkentei_vae.tui.exam_screen import ExamScreen
from gkentei_vae.tui.home_screen import HomeScreen
from gkentei_vae.tui.launch import exam_app, home_app, quiz_app, review_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.review_screen import ReviewScreen
from tests.conftest import SATURDAY, SIZE, Clock, srs_for, widget_text


def bundled() -> list[Bank]:
    return load_default_banks()


@pytest.mark.parametrize("command", ["quiz", "review", "exam"])
def test_quiz_review_and_exam_serve_basic_unless_told_otherwise(command: str) -> None:
    assert levels(build_parser().parse_args([command])) == ("basic",)
    assert levels(build_parser().parse_args([command, "--level", "all"])) == ()
    assert levels(build_parser().parse_args([command, "--level", "advanced"])) == ("advanced",)


def shown_level(screen) -> str:  # type: ignore[no-untyped-def]
    return widget_text(screen, "#kind")


@pytest.mark.parametrize("level", list(LEVELS))
async def test_every_question_says_its_level_in_quiz_review_and_exam(
    level: str, store: Store
) -> None:
    banks = bundled()
    other = next(label for key, label in LEVELS.items() if key != level)
    quiz = QuizSession.select(banks, count=3, seed=1, levels=(level,))
    app = quiz_app(quiz)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            assert LEVELS[level] in shown_level(screen) and other not in shown_level(screen)
            await pilot.press("1", "n")

    review = ReviewSession.for_questions(
        store, banks, levels=(level,), srs=srs_for(store), clock=Clock(SATURDAY), new_per_day=2
    )
    app = review_app(review, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert LEVELS[level] in shown_level(screen)
        await pilot.press("1", "n")
        assert LEVELS[level] in shown_level(screen)

    exam = ExamSession.select(banks, count=2, seed=1, levels=(level,))
    app = exam_app(exam)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert LEVELS[level] in shown_level(screen)
        await pilot.press("n")
        assert LEVELS[level] in shown_level(screen)


async def quiz_levels_from_home(pilot, app) -> set[str]:  # type: ignore[no-untyped-def]
    """The levels of the quiz home's `1` opens (then back home)."""
    await pilot.press("1")
    quiz = app.screen
    assert isinstance(quiz, QuizScreen)
    served = {i.pick.question.level for i in quiz.session.items}
    await pilot.press("q", "y")
    await pilot.pause()
    return served


async def test_home_names_the_level_and_l_changes_and_saves_it(store: Store) -> None:
    banks = bundled()
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=2)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert f"出題レベル: {LEVELS['basic']}" in widget_text(home, "#today")
        assert await quiz_levels_from_home(pilot, app) == {"basic"}
        await pilot.press("l")
        assert store.get_setting("level") == "advanced"  # saved like the exam date
        assert f"出題レベル: {LEVELS['advanced']}" in widget_text(home, "#today")
        assert await quiz_levels_from_home(pilot, app) == {"advanced"}
        await pilot.press("l")
        assert store.get_setting("level") == "all"
        assert "出題レベル: 基本と発展の両方" in widget_text(home, "#today")
        await pilot.press("l")
        assert store.get_setting("level") == "basic"
        await pilot.press("l")
        await pilot.press("q")
    # The command line follows the saved level when --level is not given.
    data_dir = str(store.path.parent)
    assert levels(build_parser().parse_args(["quiz", "--data-dir", data_dir])) == ("advanced",)
