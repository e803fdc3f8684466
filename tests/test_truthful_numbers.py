"""What home, stats and review say is true: recall after a wrong answer, cards still in
learning from an earlier session, a re-answer after undo (issue 17, items 2–4)."""

from __future__ import annotations

from datetime import timedelta

from fsrs import Rating

from gkentei_vae.banks import Bank
from gkentei_vae.study.store import Store
from gkentei_vae.tui.home_screen import HomeScreen
from gkentei_vae.tui.launch import home_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.stats_screen import StatsScreen
from tests.conftest import SATURDAY, SIZE, Clock, srs_for, widget_text


def line_row(text: str, line_id: str) -> str:
    return next(line for line in text.splitlines() if line.split()[:1] == [line_id])


async def test_a_wrong_answer_never_shows_full_recall_on_home_or_stats(
    store: Store, banks: list[Bank]
) -> None:
    clock = Clock(SATURDAY)
    app = home_app(store, banks, clock=clock, srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("1")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        item = quiz.session.current
        wrong = (item.correct_index + 1) % len(item.options)
        await pilot.press(str(wrong + 1))
        await pilot.press("q", "y")
        await pilot.pause()
        assert app.screen is home
        line = item.pick.question.line
        row = line_row(widget_text(home, "#mastery"), line)
        assert "1/" in row  # the one card answered on this line
        assert "100%" not in row and " 0%" in row, row

        await pilot.press("4")
        assert isinstance(app.screen, StatsScreen)
        row = line_row(widget_text(app.screen, "#lines"), line)
        assert "100%" not in row and " 0%" in row, row
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("q")
    assert app.return_value == 0


def test_recall_now_is_zero_only_while_the_latest_answer_is_wrong(store: Store) -> None:
    srs = srs_for(store)
    card = "study:q01"
    srs.review(card, Rating.Again, duration_ms=5000, mode="quiz", now=SATURDAY)
    row = store.card(card)
    assert row is not None
    assert srs.retrievability(row, SATURDAY) == 1.0  # FSRS's own figure: why it misled
    assert srs.recall_now(row, int(Rating.Again), SATURDAY) == 0.0
    later = SATURDAY + timedelta(minutes=2)
    srs.review(card, Rating.Good, duration_ms=5000, mode="quiz", now=later)
    row = store.card(card)
    assert row is not None
    assert srs.recall_now(row, int(Rating.Good), later + timedelta(days=3)) < 1.0
    assert srs.recall_now(row, int(Rating.Good), later) == 1.0
