"""FSRS scheduling, undo, the exam-date cap and the review queue, on real SQLite files."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from gkentei_vae.banks import Bank, load_banks
from gkentei_vae.study.clock import from_db, to_db
from gkentei_vae.study.config import set_config, unset_config
from gkentei_vae.study.flashcards import BLANK, flashcard_items, flashcard_session
from gkentei_vae.study.review import ReviewSession, question_items
from gkentei_vae.study.selection import SelectionError
from gkentei_vae.study.srs import (
    FAST_ANSWER_MS,
    ExamWindow,
    Srs,
    UndoError,
    describe_due,
    fsrs_card_number,
    rating_for_answer,
)
from gkentei_vae.study.store import Store
from tests.conftest import JST, STUDY_BANK, T0, Clock, polls, srs_for

# -- ratings and FSRS -------------------------------------------------------------------


def test_rating_rule() -> None:
    assert rating_for_answer(False, 500) == Rating.Again
    assert rating_for_answer(True, FAST_ANSWER_MS) == Rating.Easy
    assert rating_for_answer(True, FAST_ANSWER_MS + 1) == Rating.Good
    assert FAST_ANSWER_MS == 8_000


def test_default_scheduler_is_the_library_default(store: Store) -> None:
    assert Srs(store).scheduler.to_dict() == Scheduler().to_dict()


RATINGS = [
    Rating.Good,
    Rating.Good,
    Rating.Again,
    Rating.Hard,
    Rating.Good,
    Rating.Easy,
    Rating.Good,
    Rating.Good,
]


def test_intervals_match_fsrs_for_a_scripted_sequence(store: Store) -> None:
    srs = srs_for(store)
    reference = Scheduler(enable_fuzzing=False)
    expected = Card(card_id=fsrs_card_number("study:q01"), due=T0)
    now = T0
    intervals = []
    for rating in RATINGS:
        record = srs.review("study:q01", rating, duration_ms=3000, mode="review", now=now)
        expected, _ = reference.review_card(expected, rating, now, 3000)
        assert record.card.to_dict() == expected.to_dict()
        row = store.card("study:q01")
        assert row is not None
        assert Card.from_json(row.card_json).to_dict() == expected.to_dict()
        assert row.due == row.fsrs_due == to_db(expected.due)
        intervals.append(expected.due - now)
        now = expected.due + timedelta(hours=2)  # answer a little after it falls due
    # The sequence went through learning and relearning steps and multi-day intervals.
    assert intervals[0] == intervals[2] == timedelta(minutes=10)
    assert intervals[-1] > timedelta(days=10)


def test_fuzzed_intervals_match_fsrs_with_the_same_random_state(store: Store) -> None:
    srs = Srs(store, tz=JST)
    reference = Scheduler()
    expected = Card(card_id=fsrs_card_number("study:q02"), due=T0)
    now = T0
    for i, rating in enumerate(RATINGS):
        random.seed(i)
        record = srs.review("study:q02", rating, duration_ms=3000, mode="flashcard", now=now)
        random.seed(i)
        expected, _ = reference.review_card(expected, rating, now, 3000)
        assert record.card.to_dict() == expected.to_dict()
        now = expected.due


def test_log_row_has_every_column(store: Store) -> None:
    srs = srs_for(store)
    first = srs.record_choice("study:q03", correct=True, duration_ms=12_000, mode="quiz", now=T0)
    second = srs.record_choice(
        "study:q03", correct=False, duration_ms=2_000, mode="exam", now=T0 + timedelta(days=1)
    )
    log = store.log_rows("study:q03")
    assert [(r.id, r.reviewed_at, r.rating, r.duration_ms, r.mode) for r in log] == [
        (first.log_id, "2025-05-01T03:00:00.000000Z", int(Rating.Good), 12_000, "quiz"),
        (second.log_id, "2025-05-02T03:00:00.000000Z", int(Rating.Again), 2_000, "exam"),
    ]
    assert log[0].card_before is None
    assert Card.from_json(log[1].card_before).to_dict() == first.card.to_dict()
    with pytest.raises(ValueError, match="mode"):
        srs.review("study:q03", Rating.Good, duration_ms=1, mode="party", now=T0)  # type: ignore[arg-type]


# -- undo -------------------------------------------------------------------------------


def test_undo_restores_the_exact_prior_state(store: Store) -> None:
    srs = srs_for(store)
    now = T0
    for rating in RATINGS[:4]:
        record = srs.review("study:q04", rating, duration_ms=1000, mode="review", now=now)
        now = record.due + timedelta(minutes=5)
    row_before = store.card("study:q04")
    log_before = store.log_rows()
    record = srs.review("study:q04", Rating.Again, duration_ms=1000, mode="review", now=now)
    assert store.card("study:q04") != row_before
    srs.undo(record)
    assert store.card("study:q04") == row_before
    assert store.log_rows() == log_before
    with pytest.raises(UndoError):
        srs.undo(record)


def test_undo_of_a_first_answer_makes_the_card_new_again(store: Store) -> None:
    srs = srs_for(store)
    record = srs.review("study:q05", Rating.Easy, duration_ms=1000, mode="review", now=T0)
    srs.undo(record)
    assert store.card("study:q05") is None
    assert store.log_rows() == []


def test_undo_refused_after_a_later_answer_elsewhere(store: Store, tmp_path: Path) -> None:
    srs = srs_for(store)
    mine = srs.review("study:q06", Rating.Good, duration_ms=1000, mode="review", now=T0)
    with Store.open(tmp_path / "study.sqlite3") as other:
        srs_for(other).review("study:q06", Rating.Again, duration_ms=1000, mode="quiz", now=T0)
    with pytest.raises(UndoError, match="別のセッション"):
        srs.undo(mine)
    assert len(store.log_rows("study:q06")) == 2


# -- exam date --------------------------------------------------------------------------


def test_exam_window_bounds_are_local_days() -> None:
    window = ExamWindow.for_date(datetime(2025, 5, 20).date(), JST)
    assert window.start == datetime(2025, 5, 13, tzinfo=JST)
    assert window.end == datetime(2025, 5, 20, tzinfo=JST)


def test_exam_date_caps_a_due_date_that_skips_the_last_week(store: Store) -> None:
    srs = srs_for(store)
    # Exam on May 9 (JST): window May 2 00:00 – May 9 00:00. Easy on a new card → 8 days
    # (May 9 12:00), past the exam, so the card is served at the window's start.
    set_config(store, "exam-date", "2025-05-09", now=T0, tz=JST)
    record = srs.review("study:q01", Rating.Easy, duration_ms=1000, mode="review", now=T0)
    assert record.card.due == T0 + timedelta(days=8)
    assert record.capped
    assert record.due == datetime(2025, 5, 2, tzinfo=JST)
    row = store.card("study:q01")
    assert row is not None
    assert from_db(row.due) == record.due
    assert from_db(row.fsrs_due) == record.card.due  # FSRS's own state is not altered
    # Answered inside the window, the card has had its final-week review: no cap.
    inside = srs.review(
        "study:q01",
        Rating.Good,
        duration_ms=1000,
        mode="review",
        now=record.due + timedelta(hours=9),
    )
    assert not inside.capped
    assert inside.due > datetime(2025, 5, 9, tzinfo=JST)
    # A card due before the exam anyway is left alone.
    short = srs.review("study:q02", Rating.Good, duration_ms=1000, mode="review", now=T0)
    assert not short.capped


def test_setting_clearing_and_passing_the_exam_recaps_stored_dates(store: Store) -> None:
    srs = srs_for(store)
    record = srs.review("study:q01", Rating.Easy, duration_ms=1000, mode="review", now=T0)
    assert store.card("study:q01").due == to_db(record.card.due)
    set_config(store, "exam-date", "2025-05-09", now=T0, tz=JST)
    assert from_db(store.card("study:q01").due) == datetime(2025, 5, 2, tzinfo=JST)
    assert unset_config(store, "exam-date", now=T0, tz=JST)
    assert store.card("study:q01").due == to_db(record.card.due)
    set_config(store, "exam-date", "2025-05-09", now=T0, tz=JST)
    # On the exam day the cap lifts: the card goes back to its FSRS date.
    assert srs.sync_exam_cap(datetime(2025, 5, 9, 8, tzinfo=JST)) == 1
    assert store.card("study:q01").due == to_db(record.card.due)


@settings(max_examples=25, deadline=None)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(list(Rating)), st.integers(0, 40 * 24)),
        min_size=1,
        max_size=25,
    ),
    exam_in_days=st.integers(8, 60),
)
def test_every_seen_card_comes_up_in_the_final_week(
    tmp_path_factory: pytest.TempPathFactory, plan: list[tuple[int, Rating, int]], exam_in_days: int
) -> None:
    exam = (T0 + timedelta(days=exam_in_days)).astimezone(JST).date()
    with Store.open(tmp_path_factory.mktemp("exam") / "s.sqlite3") as store:
        set_config(store, "exam-date", exam.isoformat(), now=T0, tz=JST)
        srs = srs_for(store)
        window = ExamWindow.for_date(exam, JST)
        for card, rating, hours in sorted(plan, key=lambda p: p[2]):
            now = T0 + timedelta(hours=hours)
            if now < window.start:
                srs.review(f"s:q{card}", rating, duration_ms=1, mode="review", now=now)
        for row in store.cards():
            # Last answered before the final week → due no later than the exam day's start.
            assert from_db(row.due) < window.end


# -- the review queue -------------------------------------------------------------------


def test_queue_new_cards_in_bank_order_up_to_the_daily_limit(
    store: Store, banks: list[Bank]
) -> None:
    clock = Clock(T0)
    session = ReviewSession.for_questions(store, banks, new_per_day=3, clock=clock, tz=JST)
    assert (session.due_left, session.new_left) == (1 - 1, 3)
    served = []
    for _ in polls(lambda: session.finished, "the session to end"):
        assert session.current is not None
        served.append(session.current.card_id)
        session.answer(True, 20_000)  # Good: a 10-minute learning step
        clock.now += timedelta(seconds=30)
    # Three new cards, then each again once its learning step is (nearly) due.
    assert served[:3] == ["study:q01", "study:q02", "study:q03"]
    assert sorted(served[3:]) == ["study:q01", "study:q02", "study:q03"]
    # Later the same day: the allowance is spent.
    clock.now += timedelta(hours=2)
    again = ReviewSession.for_questions(store, banks, new_per_day=3, clock=clock, tz=JST)
    assert again.new_left == 0
    # A quiz answer introduces a card too: with a limit of 5, only 1 is left.
    srs_for(store).record_choice(
        "study:q09", correct=True, duration_ms=9000, mode="quiz", now=clock.now
    )
    assert (
        ReviewSession.for_questions(store, banks, new_per_day=5, clock=clock, tz=JST).new_left == 1
    )
    # Next local day: a fresh allowance. The slow quiz answer (Good) left q09 on a
    # 10-minute learning step, so it is due and comes first.
    clock.now = datetime(2025, 5, 2, 9, tzinfo=JST)
    tomorrow = ReviewSession.for_questions(store, banks, new_per_day=3, clock=clock, tz=JST)
    assert [i.card_id for i in tomorrow.queue.due] == ["study:q09"]
    assert [i.card_id for i in tomorrow.queue.new] == ["study:q04", "study:q05", "study:q06"]
    assert tomorrow.current is not None
    assert tomorrow.current.card_id == "study:q09"


def test_due_cards_first_most_overdue_first(store: Store, banks: list[Bank]) -> None:
    srs = srs_for(store)
    srs.review("study:q05", Rating.Easy, duration_ms=1, mode="review", now=T0)  # due +8 d
    srs.review("study:q02", Rating.Easy, duration_ms=1, mode="review", now=T0 + timedelta(days=1))
    clock = Clock(T0 + timedelta(days=20))
    session = ReviewSession.for_questions(store, banks, new_per_day=1, clock=clock, tz=JST)
    order = []
    for _ in polls(lambda: session.finished, "the session to end"):
        order.append(session.current.card_id)
        session.answer(True, 1000)  # Easy: no learning step comes back
    assert order == ["study:q05", "study:q02", "study:q01"]


def test_wrong_answer_comes_back_in_the_session_once_due(store: Store, banks: list[Bank]) -> None:
    clock = Clock(T0)
    session = ReviewSession.for_questions(store, banks, new_per_day=4, clock=clock, tz=JST)
    record = session.answer(False, 3000)
    assert record.card_id == "study:q01"
    assert record.due == T0 + timedelta(minutes=1)
    assert session.learning_left == 1
    assert session.current.card_id == "study:q02"  # not due yet: a new card first
    clock.now += timedelta(minutes=2)
    session.answer(True, 1000)
    assert session.current.card_id == "study:q01"  # now due: before the next new card


def test_session_undo_puts_the_card_back(store: Store, banks: list[Bank]) -> None:
    clock = Clock(T0)
    session = ReviewSession.for_questions(store, banks, new_per_day=2, clock=clock, tz=JST)
    first = session.current
    session.answer(True, 1000)
    state = (session.current, session.due_left, session.new_left, session.learning_left)
    session.answer(False, 1000)
    assert session.learning_left == 1
    restored = session.undo()
    assert (session.current, session.due_left, session.new_left, session.learning_left) == state
    assert restored == state[0]
    assert store.card(restored.card_id) is None
    assert session.undo() == first
    assert store.log_rows() == []
    assert not session.can_undo
    with pytest.raises(IndexError):
        session.undo()


def test_filters_and_unknown_ids(store: Store, banks: list[Bank]) -> None:
    items = question_items(banks, topics=["reparam"], lines=[])
    assert [i.card_id for i in items] == ["study:q07", "study:q08"]
    assert [i.card_id for i in question_items(banks, lines=["L3", "L10"])] == [
        "study:q03",
        "study:q10",
    ]
    with pytest.raises(SelectionError, match="L1, L2"):
        ReviewSession.for_questions(store, banks, lines=["L11"])
    with pytest.raises(SelectionError, match="reparam"):
        ReviewSession.for_questions(store, banks, topics=["nope"])


def test_disappeared_question_keeps_history_but_is_not_served(
    store: Store, banks: list[Bank], tmp_path: Path
) -> None:
    srs = srs_for(store)
    for n in (1, 2, 3):
        srs.review(f"study:q0{n}", Rating.Good, duration_ms=1, mode="review", now=T0)
    text = STUDY_BANK.read_text(encoding="utf-8")
    start = text.index("  - id: q02")
    end = text.index("  - id: q03")
    edited = text[:start] + text[end:]
    edited = edited.replace("歌詞の L1 に対応する記述", "書き直した問題文 L1 の記述")
    (tmp_path / "edited.yaml").write_text(edited, encoding="utf-8")
    edited_banks = load_banks([tmp_path / "edited.yaml"])
    assert "書き直した" in edited_banks[0].questions[0].stem

    clock = Clock(T0 + timedelta(days=3))
    session = ReviewSession.for_questions(store, edited_banks, new_per_day=0, clock=clock, tz=JST)
    served = []
    for _ in polls(lambda: session.finished, "the session to end"):
        served.append(session.current.card_id)
        session.answer(True, 1000)
    assert served == ["study:q01", "study:q03"]  # q01 (edited) is due, not new
    assert session.history[0].was_new is False
    assert len(store.log_rows("study:q02")) == 1
    assert store.card("study:q02") is not None


# -- flashcards -------------------------------------------------------------------------


def test_cloze_and_term_cards(banks: list[Bank]) -> None:
    items = flashcard_items(banks)
    by_id = {i.card_id: i for i in items}
    l7 = by_id["study:cloze:L7"]
    assert l7.front == f"そのままのサンプリングは微分ができない そこで使う{BLANK}"
    assert l7.back == "再パラメータ化トリック"
    assert "study:cloze:L2" not in by_id  # L2 has no cloze key
    assert len([i for i in items if i.kind == "cloze"]) == 7
    term = by_id["study:term:kl"]
    assert (term.front, term.line_id) == ("KLダイバージェンス", "L6")
    assert "真の距離ではない" in term.back
    only = flashcard_items(banks, lines=["L7"])
    assert [i.card_id for i in only] == ["study:cloze:L7", "study:term:reparam"]
    with pytest.raises(SelectionError):
        flashcard_items(banks, lines=["L99"])


def test_flashcard_session_self_rating_and_own_new_limit(store: Store, banks: list[Bank]) -> None:
    clock = Clock(T0)
    questions = ReviewSession.for_questions(store, banks, new_per_day=2, clock=clock, tz=JST)
    questions.answer(True, 1000)
    questions.answer(True, 1000)
    session = flashcard_session(store, banks, ["L7"], new_per_day=2, clock=clock, tz=JST)
    assert session.mode == "flashcard"
    assert session.new_left == 2  # questions introduced today do not use up flashcards
    record = session.rate(Rating.Hard, 4000)
    assert record.rating == Rating.Hard
    assert store.log_rows(record.card_id)[0].mode == "flashcard"
    assert store.card(record.card_id).kind == "cloze"


def test_describe_due() -> None:
    assert describe_due(T0 + timedelta(minutes=1), T0, JST) == "1分後"
    assert describe_due(T0 + timedelta(minutes=10), T0, JST) == "10分後"
    assert describe_due(T0 + timedelta(days=1), T0, JST) == "明日"
    assert describe_due(T0 + timedelta(days=8), T0, JST) == "8日後(5月9日)"
