"""The weak-spot drill: last answered wrong first, then the lowest recall; recorded like a quiz."""

from __future__ import annotations

from datetime import timedelta

from fsrs import Rating

from gkentei_vae.banks import Bank
from gkentei_vae.study.recorders import quiz_recorder
from gkentei_vae.study.selection import matching
from gkentei_vae.study.session import QuizSession
from gkentei_vae.study.store import Store
from gkentei_vae.study.weak_spots import NOTHING_WEAK, weak_spots
from gkentei_vae.tui.launch import home_app, quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from tests.conftest import SATURDAY, SIZE, STUDY_BANK, Clock, home_notice, run_cli, srs_for


def answer(store: Store, card_id: str, rating: Rating, days_ago: float) -> None:
    srs_for(store).review(
        card_id, rating, duration_ms=3000, mode="quiz", now=SATURDAY - timedelta(days=days_ago)
    )


def test_wrong_last_first_then_lowest_recall(store: Store, banks: list[Bank]) -> None:
    answer(store, "study:q01", Rating.Good, 10)
    answer(store, "study:q02", Rating.Again, 3)  # wrong, answered once
    answer(store, "study:q03", Rating.Good, 9)
    answer(store, "study:q03", Rating.Again, 1)  # wrong at the latest answer
    answer(store, "study:q04", Rating.Again, 5)
    answer(store, "study:q04", Rating.Easy, 4)  # wrong once, right since: not "missed"
    answer(store, "study:q05", Rating.Easy, 0.5)  # just answered well: strongest
    picks = weak_spots(store, matching(banks), now=SATURDAY, srs=srs_for(store))
    ids = [p.question.id for p in picks]
    assert set(ids[:2]) == {"q02", "q03"}
    assert set(ids) == {"q01", "q02", "q03", "q04", "q05"}  # never-answered ones are left out
    srs = srs_for(store)
    recall = [srs.retrievability(store.card(p.card_id), SATURDAY) for p in picks[2:]]  # type: ignore[arg-type]
    assert recall == sorted(recall)
    assert ids[-1] == "q05"


def test_an_empty_record_has_no_weak_spots(store: Store, banks: list[Bank]) -> None:
    assert weak_spots(store, matching(banks), now=SATURDAY) == []


def test_quiz_weak_with_an_empty_record_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("quiz", "--weak", "--bank", str(STUDY_BANK), "--data-dir", str(tmp_path))
    assert proc.returncode == 0
    assert NOTHING_WEAK in proc.stdout


async def test_the_drill_serves_the_two_wrong_answers_first_and_records_answers(
    store: Store, banks: list[Bank]
) -> None:
    answer(store, "study:q06", Rating.Good, 2)
    answer(store, "study:q07", Rating.Again, 2)
    answer(store, "study:q08", Rating.Again, 1)
    picks = weak_spots(store, matching(banks), now=SATURDAY, srs=srs_for(store))
    session = QuizSession.from_picks(picks[:3], seed=1)
    app = quiz_app(session, quiz_recorder(store, srs_for(store), Clock(SATURDAY)))
    async with app.run_test(size=SIZE) as pilot:
        served = []
        for _ in range(2):
            assert isinstance(app.screen, QuizScreen)
            item = app.screen.session.current
            served.append(item.pick.question.id)
            await pilot.press(str(item.correct_index + 1), "n")
    assert sorted(served) == ["q07", "q08"]
    rows = store.log_rows()
    assert [(r.card_id, r.mode) for r in rows[-2:]] == [(f"study:{q}", "quiz") for q in served]


async def test_home_key_6_opens_the_drill_or_says_there_is_nothing(
    store: Store, banks: list[Bank]
) -> None:
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert "弱点ドリルに出す問題がまだありません" in await home_notice(pilot, "6")
    answer(store, "study:q09", Rating.Again, 1)
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        assert isinstance(app.screen, QuizScreen)
        assert app.screen.session.current.pick.question.id == "q09"
