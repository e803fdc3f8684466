"""The 「勘」 key (g) in quiz, review and the mock exam: a marker before answering, a guessed
answer logged as not recalled (Again, even when right), and counted as unseen by the forecast."""

from __future__ import annotations

from datetime import date

import pytest
from fsrs import Rating

from gkentei_vae.banks import Bank, load_banks
from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.forecast import compute_forecast
from gkentei_vae.study.recorders import exam_recorder, quiz_recorder
from gkentei_vae.study.review import ReviewSession
from gkentei_vae.study.session import QuizSession
from gkentei_vae.study.store import Store
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.guess import GUESS_MARK
from gkentei_vae.tui.launch import exam_app, quiz_app, review_app
from gkentei_vae.tui.review_screen import ReviewScreen
from tests.conftest import JST, MINI_BANK, SATURDAY, SIZE, Clock, srs_for, widget_text


def _logged(store: Store) -> list[tuple[str, int, bool, bool | None]]:
    return [(r.card_id, r.rating, r.guessed, r.correct) for r in store.log_rows()]


async def test_quiz_g_marks_the_answer_and_a_right_guess_is_logged_again(store: Store) -> None:
    session = QuizSession.select(load_banks([MINI_BANK]), seed=3)
    app = quiz_app(session, quiz_recorder(store, srs_for(store)))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert GUESS_MARK not in widget_text(screen, "#progress")
        await pilot.press("g")
        assert GUESS_MARK in widget_text(screen, "#progress")
        await pilot.press("g")  # pressed again: unmarked
        assert GUESS_MARK not in widget_text(screen, "#progress")
        await pilot.press("g")
        first = session.current
        await pilot.press(str(first.correct_index + 1))  # right, but a guess
        assert "勘で解答" in widget_text(screen, "#feedback")
        await pilot.press("n")
        assert GUESS_MARK not in widget_text(screen, "#progress")  # one answer only
        second = session.current
        await pilot.press(str(second.correct_index + 1))  # right, recalled
    rows = _logged(store)
    assert rows[0] == (first.pick.card_id, int(Rating.Again), True, True)
    assert rows[1][0] == second.pick.card_id and rows[1][1] > Rating.Again
    assert rows[1][2:] == (False, True)
    assert session.score == 2  # the quiz's own score still counts the right guess


def _review(store: Store, banks: list[Bank], new_per_day: int) -> tuple[ReviewSession, GkenteiApp]:
    session = ReviewSession.for_questions(
        store, banks, srs=srs_for(store), clock=Clock(SATURDAY), new_per_day=new_per_day
    )
    return session, review_app(session, seed=1)


@pytest.mark.early
async def test_review_g_logs_again_and_the_forecast_counts_the_card_unseen(
    store: Store, banks: list[Bank]
) -> None:
    _, app = _review(store, banks, new_per_day=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("g")
        assert GUESS_MARK in widget_text(screen, "#progress")
        item = screen.item
        assert item is not None
        await pilot.press(str(item.correct_index + 1))
        feedback = widget_text(screen, "#feedback")
        assert "評価: もう一度" in feedback and "勘で解答" in feedback
        await pilot.press("n")
        item2 = screen.item
        assert item2 is not None
        await pilot.press(str(item2.correct_index + 1))
    rows = _logged(store)
    assert rows[0] == (item.pick.card_id, int(Rating.Again), True, True)
    assert rows[1][2:] == (False, True)
    forecast = compute_forecast(
        store, banks, level="all", day=date(2026, 6, 1), now=SATURDAY, tz=JST
    )
    assert forecast is not None
    assert forecast.seen == 1  # the guessed card is not counted as known
    ids = forecast.card_ids
    guessed_p = forecast.p_stopped[ids.index(item.pick.card_id)]
    known_p = forecast.p_stopped[ids.index(item2.pick.card_id)]
    assert guessed_p < known_p
    assert forecast.estimates.guesses == 1 and forecast.estimates.guesses_right == 1


async def test_review_header_counts_a_right_guess_as_right_and_says_it_was_a_guess(
    store: Store, banks: list[Bank]
) -> None:
    session, app = _review(store, banks, new_per_day=4)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)

        async def answer(*, right: bool, guess: bool = False) -> str:
            item = screen.item
            assert item is not None
            if guess:
                await pilot.press("g")
            await pilot.press(str((item.correct_index + (0 if right else 1)) % 4 + 1))
            progress = widget_text(screen, "#progress")
            await pilot.press("n")
            return progress

        wrong = await answer(right=False)
        assert "正解 0/1" in wrong and "勘" not in wrong  # no guess yet: nothing said of them
        # Right by luck: rated Again (not recalled), but a right answer, said apart.
        assert "正解 1/2(うち勘 1)" in await answer(right=True, guess=True)
        assert "正解 1/3(うち勘 1)" in await answer(right=False, guess=True)
        assert "正解 2/4(うち勘 1)" in await answer(right=True)
    assert [r.rating == Rating.Again for r in store.log_rows()] == [True, True, True, False]
    assert (session.right, session.right_guesses) == (2, 1)


async def test_exam_g_marks_the_question_and_is_logged_on_submission(store: Store) -> None:
    exam = ExamSession.select(load_banks([MINI_BANK]), seed=2, levels=())
    app = exam_app(exam, exam_recorder(store, srs_for(store)))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("g")
        assert GUESS_MARK in widget_text(screen, "#exam-bar")
        await pilot.press(str(exam.items[0].correct_index + 1))
        await pilot.press("n")
        assert GUESS_MARK not in widget_text(screen, "#exam-bar")
        await pilot.press(str(exam.items[1].correct_index + 1))
        await pilot.press("p")
        assert GUESS_MARK in widget_text(screen, "#exam-bar")  # the mark stays with question 1
        await pilot.press("s")
        await pilot.press("y")
        await pilot.pause()
        # The result says what the forecast gave this sitting before it.
        assert "この模擬試験の前の予測: 期待得点" in widget_text(app.screen, "#note")
    assert exam.forecast is not None
    assert store.exam_results()[0].forecast == exam.forecast
    rows = {r.card_id: r for r in store.log_rows()}
    first, second = (exam.items[i].pick.card_id for i in (0, 1))
    assert rows[first].guessed and rows[first].rating == Rating.Again and rows[first].correct
    assert not rows[second].guessed and rows[second].rating > Rating.Again
