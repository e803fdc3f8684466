"""What home, stats and review say is true (issue 17, items 2–4): recall after a wrong
answer, cards still in learning from an earlier session, a re-answer after undo.

Names new in issue 17 are imported inside the tests that use them, so that the others run,
and fail on an assertion, on the code before it."""

from __future__ import annotations

from datetime import timedelta

from fsrs import Rating, Scheduler
from rich.text import Text

from gkentei_vae.banks import Bank
from gkentei_vae.study.review import ReviewSession
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import Store
from gkentei_vae.tui.home_screen import HomeScreen
from gkentei_vae.tui.launch import home_app, review_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.review_screen import ReviewScreen
from gkentei_vae.tui.stats_screen import StatsScreen
from tests.conftest import SATURDAY, SIZE, Clock, polls, srs_for, toasts, widget_text


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


# -- item 3: cards still in learning from an earlier session ---------------------------------


def quiz_answers(store: Store, ratings: dict[str, Rating], srs: Srs | None = None) -> None:
    """Answers given in an earlier quiz at SATURDAY (what puts cards in learning)."""
    srs = srs or srs_for(store)
    for card_id, rating in ratings.items():
        srs.review(card_id, rating, duration_ms=20_000, mode="quiz", now=SATURDAY)


async def test_review_serves_learning_cards_from_a_quiz_and_home_agrees(
    store: Store, banks: list[Bank]
) -> None:
    # A right answer to a new card: learning, due in 10 minutes; a wrong one: due in 1 minute.
    learning = {"study:q02": Rating.Good, "study:q03": Rating.Good, "study:q04": Rating.Again}
    quiz_answers(store, learning)
    clock = Clock(SATURDAY + timedelta(seconds=30))
    app = home_app(store, banks, clock=clock, srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert "期限が来た復習 3 件" in widget_text(home, "#today")
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, ReviewScreen), toasts(app)
        served = []
        for _ in polls(lambda: screen.item is None, "the review to end"):
            served.append(screen.item.pick.card_id)
            clock.now += timedelta(seconds=20)
            await pilot.press(str(screen.item.correct_index + 1), "n")
        assert set(learning) <= set(served)  # and today's new questions
        done = widget_text(screen, "#done")
        assert "今すぐ" not in done
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is home
        assert "期限が来た復習 0 件" in widget_text(home, "#today")
        await pilot.press("q")


def test_learning_cards_due_after_the_window_are_counted_on_the_end_panel(
    store: Store, banks: list[Bank]
) -> None:
    from gkentei_vae.study.review import learning_later
    from gkentei_vae.tui.session_keys import append_upcoming

    slow = Srs(store, scheduler=Scheduler(learning_steps=(timedelta(hours=1),)))
    quiz_answers(store, {"study:q02": Rating.Again}, srs=slow)  # learning, due in an hour
    now = SATURDAY + timedelta(minutes=1)
    session = ReviewSession.for_questions(store, banks, srs=slow, clock=Clock(now), new_per_day=0)
    assert session.finished  # not within LEARN_AHEAD: not served now
    count, first = learning_later(store, session.queue.items, now)
    assert count == 1 and first == SATURDAY + timedelta(hours=1)
    text = Text()
    append_upcoming(text, session)
    assert "学習中のカード 1 枚はまだ期限前です(最初は59分後)" in text.plain


# -- item 4: a re-answer after undo ----------------------------------------------------------


async def test_a_re_answer_after_undo_is_never_easy_nor_above_the_undone_rating(
    store: Store, banks: list[Bank]
) -> None:
    clock = Clock(SATURDAY)
    session = ReviewSession.for_questions(
        store, banks, srs=srs_for(store), clock=clock, new_per_day=2
    )
    app = review_app(session, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        item = screen.item
        assert item is not None
        await pilot.press(str((item.correct_index + 1) % 4 + 1))  # wrong: the key is shown
        assert session.history[-1].rating == Rating.Again
        await pilot.press("u")
        item = screen.item
        assert item is not None
        await pilot.press(str(item.correct_index + 1))  # right within 8 s: Easy before undo
        assert session.history[-1].rating == Rating.Again  # never above the undone rating
        assert "評価: もう一度" in widget_text(screen, "#feedback")

        await pilot.press("n")
        item = screen.item
        assert item is not None
        await pilot.press(str(item.correct_index + 1))  # right and fast: Easy
        assert session.history[-1].rating == Rating.Easy
        await pilot.press("u")
        item = screen.item
        assert item is not None
        await pilot.press(str(item.correct_index + 1))
        assert session.history[-1].rating == Rating.Good  # never Easy after an undo
        assert "評価: 正解" in widget_text(screen, "#feedback")
        await pilot.press("q", "y")
