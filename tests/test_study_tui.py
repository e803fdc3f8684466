"""Review, flashcards, stats and home through the real app, on real SQLite stores; quiz and
exam answers landing in the learning record."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from gkentei_vae.banks import Bank, load_banks
from gkentei_vae.study.config import set_config
from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.flashcards import BLANK, flashcard_session
from gkentei_vae.study.recorders import exam_recorder, quiz_recorder
from gkentei_vae.study.review import ReviewSession, next_due
from gkentei_vae.study.session import Answer, QuizSession
from gkentei_vae.study.srs import describe_due
from gkentei_vae.study.stats import compute_stats
from gkentei_vae.study.store import DB_FILENAME, Store, StoreError
from gkentei_vae.tui.confirm_screen import ConfirmScreen
from gkentei_vae.tui.exam_screen import ExamScreen
from gkentei_vae.tui.flashcard_screen import FlashcardScreen, RatingCard
from gkentei_vae.tui.help_screen import HelpScreen
from gkentei_vae.tui.home_screen import HomeScreen
from gkentei_vae.tui.launch import (
    exam_app,
    flashcards_app,
    home_app,
    quiz_app,
    review_app,
    stats_app,
)
from gkentei_vae.tui.question_view import QuestionView
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.review_screen import ReviewScreen
from gkentei_vae.tui.stats_screen import StatsScreen
from gkentei_vae.tui.summary_screen import SummaryScreen
from tests.conftest import (
    JST,
    MINI_BANK,
    SATURDAY,
    SIZE,
    Clock,
    polls,
    run_cli,
    srs_for,
    toasts,
    widget_text,
)

text_of = widget_text


def review(store: Store, banks: list[Bank], clock: Clock, new: int = 10) -> ReviewSession:
    return ReviewSession.for_questions(
        store, banks, srs=srs_for(store), clock=clock, new_per_day=new
    )


def log_rows(store: Store) -> list[tuple[str, int, str]]:
    """(card id, rating, mode) of every logged answer, oldest first, read by a second connection."""
    conn = sqlite3.connect(f"{store.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT card_id, rating, mode FROM review_log ORDER BY id").fetchall()
    finally:
        conn.close()


def shown_card(app) -> str:  # type: ignore[no-untyped-def]
    """The card id of the question on screen."""
    return app.screen.query_one(QuestionView).item.pick.card_id


# -- review ------------------------------------------------------------------------------


async def test_review_answers_commit_and_undo_restores_log_and_card(
    store: Store, banks: list[Bank]
) -> None:
    clock = Clock(SATURDAY)
    # q05 was answered two days ago: it is due now, so it comes first.
    srs_for(store).review(
        "study:q05", Rating.Good, duration_ms=3000, mode="quiz", now=SATURDAY - timedelta(days=2)
    )
    before_q05 = store.card("study:q05")
    assert before_q05 is not None
    session = review(store, banks, clock, new=2)
    app = review_app(session, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert shown_card(app) == "study:q05"
        assert "復習 1" in text_of(screen, "#progress")
        assert "期限 1 / 新規 2" in text_of(screen, "#progress")
        item = screen.item
        assert item is not None
        await pilot.press(str((item.correct_index + 1) % 4 + 1))  # wrong
        assert store.log_count() == 2
        assert log_rows(store)[-1] == ("study:q05", int(Rating.Again), "review")
        feedback = text_of(screen, "#feedback")
        assert "× 不正解" in feedback and "次回: 1分後" in feedback  # back to the first step
        assert "評価: もう一度" in feedback
        after_q05 = store.card("study:q05")
        assert after_q05 is not None and after_q05.card_json != before_q05.card_json

        await pilot.press("n")
        assert shown_card(app) == "study:q01"  # then the new ones, in bank order
        item = screen.item
        assert item is not None
        await pilot.press("abcd"[item.correct_index])
        record = session.history[-1]
        assert record.rating == Rating.Easy  # right within 8 s
        assert f"次回: {describe_due(record.due, now=SATURDAY, tz=JST)}" in text_of(
            screen, "#feedback"
        )
        assert store.card("study:q01") is not None and store.log_count() == 3

        await pilot.press("u")  # undo q01 while its feedback is on screen
        assert store.log_count() == 2 and store.card("study:q01") is None
        assert shown_card(app) == "study:q01"
        assert "復習 2" in text_of(screen, "#progress")
        assert not screen.query_one("#feedback").has_class("-shown")

        await pilot.press("u")  # and q05: its state is exactly as before the session
        assert store.log_count() == 1
        assert store.card("study:q05") == before_q05
        assert shown_card(app) == "study:q05"
        assert "期限 1 / 新規 2" in text_of(screen, "#progress")
        await pilot.press("u")  # nothing left to undo in this session: the quiz answer stays
        assert store.log_count() == 1


async def test_review_runs_to_the_end_and_shows_the_next_due(
    store: Store, banks: list[Bank]
) -> None:
    clock = Clock(SATURDAY)
    session = review(store, banks, clock, new=1)
    app = review_app(session, seed=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("n", "enter")  # inert before an answer
        assert session.answered == 0
        item = screen.item
        assert item is not None
        await pilot.press(str((item.correct_index + 1) % 4 + 1))  # wrong: 1 minute
        await pilot.press("n")
        # The only card comes back (learning step, served early at the end of the session).
        assert shown_card(app) == "study:q01"
        assert "学習中 1" in text_of(screen, "#progress")
        item = screen.item
        assert item is not None
        await pilot.press(str(item.correct_index + 1), "enter")
        assert session.finished
        done = text_of(screen, "#done")
        later = next_due(store, session.queue.items)
        assert later is not None
        assert "今日の復習はここまでです" in done
        assert f"次の復習: {describe_due(later, now=SATURDAY, tz=JST)}" in done
        assert "2 問に解答しました(正解 1 問)" in done
        assert not screen.query_one(QuestionView).display
        await pilot.press("1")  # nothing to answer
        assert store.log_count() == 2
        await pilot.press("q")  # finished: no confirmation
        assert app.return_value == 0


async def test_review_quit_asks_and_help_lists_every_key(store: Store, banks: list[Bank]) -> None:
    app = review_app(review(store, banks, Clock(SATURDAY)), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = text_of(app.screen, "#help-table")
        for key in ("1–4 / a–d", "n / Enter", "u", "?", "q", "Esc"):
            assert key in listed
        await pilot.press("escape", "q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("q", "y")
        assert app.return_value == 0


# -- flashcards --------------------------------------------------------------------------


async def test_flashcards_flip_rate_and_undo(store: Store, banks: list[Bank]) -> None:
    clock = Clock(SATURDAY)
    session = flashcard_session(store, banks, srs=srs_for(store), clock=clock, new_per_day=2)
    app = flashcards_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, FlashcardScreen)
        front = text_of(screen, "#front")
        assert "VAEは変分オートエンコーダ " + BLANK + "のひとつ" in front
        assert "深層生成モデル" not in front
        assert "歌詞の穴埋め" in text_of(screen, "#kind")
        await pilot.press("3")  # rating before the flip does nothing
        assert store.log_count() == 0
        await pilot.press("space")
        assert screen.flipped
        assert "答え: 深層生成モデル" in text_of(screen, "#back")
        previews = {card.rating: str(card.content) for card in screen.query(RatingCard)}
        assert "もう一度" in previews[Rating.Again] and "1分後" in previews[Rating.Again]
        assert "正解" in previews[Rating.Good] and "10分後" in previews[Rating.Good]
        assert "日後" in previews[Rating.Easy]

        await pilot.press("3")
        assert log_rows(store) == [("study:cloze:L1", int(Rating.Good), "flashcard")]
        assert "直前のカード: 正解 → 次回 10分後" in text_of(screen, "#last")
        assert "深層生成モデル" not in text_of(screen, "#front")
        assert "平均と分散" not in text_of(screen, "#front")  # L3's cloze, blanked
        assert not screen.flipped

        await pilot.press("u")
        assert store.log_count() == 0 and store.card("study:cloze:L1") is None
        assert "VAEは変分オートエンコーダ " + BLANK in text_of(screen, "#front")
        assert text_of(screen, "#last").strip() == ""

        await pilot.click(RatingCard)  # hidden until flipped: nothing happens
        await pilot.press("space")
        await pilot.click(RatingCard, offset=(2, 0))  # the first: Again
        assert log_rows(store) == [("study:cloze:L1", int(Rating.Again), "flashcard")]


async def test_flashcards_term_card_and_finish(store: Store, banks: list[Bank]) -> None:
    session = flashcard_session(
        store, banks, lines=["L7"], srs=srs_for(store), clock=Clock(SATURDAY), new_per_day=5
    )
    app = flashcards_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, FlashcardScreen)
        seen = []
        for _ in polls(lambda: session.finished, "the session to end"):
            card = session.current
            assert card is not None
            seen.append(card.kind)
            if card.kind == "term":
                assert "この用語の意味は？" in text_of(screen, "#front")
            await pilot.press("space", "4")
        assert seen == ["cloze", "term"]
        assert "今日のフラッシュカードはここまでです" in text_of(screen, "#done")
        assert "2 枚を採点しました" in text_of(screen, "#done")
        await pilot.press("q")
        assert app.return_value == 0


# -- stats -------------------------------------------------------------------------------


def answered_store(store: Store) -> Store:
    """A few days of history: L1 half right, L7 right twice, L5 once wrong."""
    srs = srs_for(store)
    history = [
        ("study:q01", Rating.Good, SATURDAY - timedelta(days=3)),
        ("study:q01", Rating.Again, SATURDAY - timedelta(days=1)),
        ("study:q07", Rating.Easy, SATURDAY - timedelta(days=2)),
        ("study:cloze:L7", Rating.Good, SATURDAY - timedelta(days=2)),
        ("study:q05", Rating.Again, SATURDAY - timedelta(days=10)),
    ]
    for card_id, rating, when in history:
        srs.review(card_id, rating, duration_ms=4000, mode="review", now=when)
    return store


async def test_stats_screen_shows_the_per_line_numbers(store: Store, banks: list[Bank]) -> None:
    answered_store(store)
    set_config(store, "exam-date", "2025-05-20", now=SATURDAY, tz=JST)
    stats = compute_stats(store, banks, now=SATURDAY, tz=JST)
    app = stats_app(store, banks, clock=Clock(SATURDAY), tz=JST)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        rows = {
            line.split()[0]: line
            for line in text_of(screen, "#lines").splitlines()
            if line.strip().startswith("L")
        }
        assert list(rows) == [f"L{i}" for i in range(1, 11)]
        assert "1/2" in rows["L1"] and "50%" in rows["L1"]  # q01 + cloze L1; Good then Again
        assert "2/3" in rows["L7"] and "100%" in rows["L7"]
        l7 = next(line for line in stats.lines if line.line_id == "L7")
        assert l7.retrievability is not None
        assert f"{round(100 * l7.retrievability)}%" in rows["L7"]
        assert "未学習" in rows["L2"] and "0/1" in rows["L2"]
        headline = text_of(screen, "#headline")
        assert "学習状況 2025-05-03" in headline
        assert f"今すぐ復習できるカード {stats.due_now} 枚" in headline
        forecast = text_of(screen, "#forecast")
        assert " 5/03(土)" in forecast and " 5/16(金)" in forecast
        assert f"計 {stats.total_answers} 回" in text_of(screen, "#heatmap")
        exam = text_of(screen, "#exam")
        assert "試験日 2025-05-20" in exam and "あと 17 日" in exam
        assert f"試験までに復習するカード {stats.exam.to_review} 枚" in exam  # type: ignore[union-attr]
        await pilot.press("escape")
        assert app.return_value == 0


# -- home --------------------------------------------------------------------------------


async def test_home_shows_due_count_and_opens_modes_in_place(
    store: Store, banks: list[Bank]
) -> None:
    answered_store(store)
    clock = Clock(SATURDAY)
    app = home_app(store, banks, clock=clock, srs=srs_for(store), seed=4)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        due = ReviewSession.for_questions(store, banks, srs=srs_for(store), clock=clock)
        assert len(due.queue.due) == 2  # q01 (Again yesterday) and q05
        today = text_of(home, "#today")
        assert "問題 2 問 + 新しい問題 7 問" in today  # 10 questions, 3 seen
        assert "今日 2025-05-03" in today
        mastery = text_of(home, "#mastery")
        assert "未学習" in mastery and "2/3" in mastery  # L7

        await pilot.press("2")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("question_mark")  # the mode's keys, not home's
        assert "u" in text_of(app.screen, "#help-table")
        assert "取り消し" in text_of(app.screen, "#help-table")
        await pilot.press("escape")
        item = app.screen.item
        assert item is not None and item.pick.card_id == "study:q05"  # most overdue first
        await pilot.press(str(item.correct_index + 1))
        assert log_rows(store)[-1] == ("study:q05", int(Rating.Easy), "review")
        await pilot.press("q", "y")
        await pilot.pause()
        assert app.screen is home and app.return_value is None  # back home, still running
        assert "問題 1 問 + 新しい問題 7 問" in text_of(home, "#today")

        await pilot.press("1")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and len(quiz.session.items) == 10
        card_id = quiz.session.current.pick.card_id
        await pilot.press("1")
        assert [row[0] for row in log_rows(store) if row[2] == "quiz"] == [card_id]
        await pilot.press("q", "y")
        await pilot.pause()
        assert app.screen is home

        await pilot.press("4")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home
        await pilot.press("q")
        assert app.return_value == 0


async def test_home_quiz_summary_and_exam_return_home(store: Store, banks: list[Bank]) -> None:
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        await pilot.press("1")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        for _ in quiz.session.items:
            await pilot.press("1", "n")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("q")  # the summary's quit: back home
        await pilot.pause()
        assert app.screen is home
        assert sum(mode == "quiz" for _, _, mode in log_rows(store)) == 10

        await pilot.press("5")
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        await pilot.press("2", "n", "3", "s", "y")
        assert isinstance(app.screen, SummaryScreen)
        assert sum(mode == "exam" for _, _, mode in log_rows(store)) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home


async def test_home_says_when_nothing_is_due(store: Store, banks: list[Bank]) -> None:
    srs = srs_for(store)
    clozes = ("L1", "L3", "L4", "L5", "L6", "L7", "L8")  # the fixture's lines with a cloze
    for card_id in [f"study:cloze:{c}" for c in clozes] + ["study:term:elbo", "study:term:kl"]:
        srs.review(card_id, Rating.Easy, duration_ms=1000, mode="flashcard", now=SATURDAY)
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs, seed=1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        home = app.screen
        # Nine cards met today: one new card left today (the reparam term).
        assert "フラッシュカード 0 枚 + 新しいカード 1 枚" in text_of(home, "#today")
        srs.review(
            "study:term:reparam", Rating.Easy, duration_ms=1000, mode="flashcard", now=SATURDAY
        )
        await pilot.press("3")
        await pilot.pause()
        assert app.screen is home
        shown = toasts(app)
        assert "いま復習するカードはありません" in shown and "次は" in shown


# -- quiz and exam answers in the learning record -----------------------------------------


async def test_quiz_answers_are_logged_before_their_feedback(store: Store) -> None:
    session = QuizSession.select(load_banks([MINI_BANK]), seed=3)
    record = quiz_recorder(store)
    feedback_already_shown: list[bool] = []

    def recorder(answer: Answer) -> None:
        feedback_already_shown.append(app.screen.query_one("#feedback").has_class("-shown"))
        record(answer)

    app = quiz_app(session, recorder)
    async with app.run_test(size=SIZE) as pilot:
        for k, item in enumerate(session.items):
            right = k % 2 == 0
            await pilot.press(
                str((item.correct_index if right else item.correct_index + 1) % 4 + 1)
            )
            assert len(log_rows(store)) == k + 1  # on disk while the feedback is on screen
            await pilot.press("n")
    assert feedback_already_shown == [False] * len(session.items)
    assert log_rows(store) == [
        (a.item.pick.card_id, int(Rating.Easy if a.correct else Rating.Again), "quiz")
        for a in session.answers
    ]
    assert [a.correct for a in session.answers] == [k % 2 == 0 for k in range(len(session.items))]


async def test_a_failed_write_is_reported_and_the_quiz_goes_on() -> None:
    session = QuizSession.select(load_banks([MINI_BANK]), seed=3)

    def failing(answer: Answer) -> None:
        raise StoreError(Path("/nowhere/study.sqlite3"), "書き込めません。")

    app = quiz_app(session, failing)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.query_one("#feedback").has_class("-shown")
        shown = toasts(app)
        assert "解答を保存できませんでした" in shown and "/nowhere/study.sqlite3" in shown
        await pilot.press("n")
        assert len(session.answers) == 1 and not session.finished


async def test_exam_answers_are_logged_on_submit_without_the_unanswered(store: Store) -> None:
    exam = ExamSession.select(load_banks([MINI_BANK]), count=3, seed=5)
    app = exam_app(exam, exam_recorder(store))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "n", "n", "3")
        assert log_rows(store) == []  # nothing before the exam is submitted
        await pilot.press("s", "y")
        assert isinstance(app.screen, SummaryScreen)
    answered = {0: 1, 2: 2}
    assert log_rows(store) == [
        (
            exam.items[i].pick.card_id,
            int(Rating.Easy if chosen == exam.items[i].correct_index else Rating.Again),
            "exam",
        )
        for i, chosen in answered.items()
    ]


@pytest.mark.parametrize("command", ["quiz", "exam", "home"])
def test_a_damaged_record_stops_the_mode_before_it_starts(command: str, tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    path.write_bytes(b"not a database, but someone's notes" * 40)
    before = path.read_bytes()
    proc = run_cli(command, "--bank", str(MINI_BANK), "--data-dir", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert str(path) in proc.stderr and "SQLite" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == before


def test_no_command_without_a_terminal_prints_the_guide() -> None:
    proc = run_cli()
    assert proc.returncode == 0
    assert "使い方: gkentei-vae" in proc.stdout and "review" in proc.stdout


# -- snapshots: fixed clock, no fuzz, fixed seeds ----------------------------------------


def test_snapshot_review_feedback(snap_compare, store: Store, banks: list[Bank]) -> None:  # type: ignore[no-untyped-def]
    session = review(store, banks, Clock(SATURDAY), new=3)
    # With seed 1 the right answer of the first card is option 4: "1" is a wrong answer.
    assert snap_compare(review_app(session, seed=1), press=["1"], terminal_size=SIZE)


def test_snapshot_flashcard_flipped(snap_compare, store: Store, banks: list[Bank]) -> None:  # type: ignore[no-untyped-def]
    session = flashcard_session(store, banks, srs=srs_for(store), clock=Clock(SATURDAY))
    assert snap_compare(flashcards_app(session), press=["space"], terminal_size=SIZE)


def test_snapshot_stats(snap_compare, store: Store, banks: list[Bank]) -> None:  # type: ignore[no-untyped-def]
    answered_store(store)
    set_config(store, "exam-date", "2025-05-20", now=SATURDAY, tz=JST)
    app = stats_app(store, banks, clock=Clock(SATURDAY), tz=JST)

    async def forecast_shown(pilot) -> None:  # type: ignore[no-untyped-def]
        from gkentei_vae.tui.readiness import ReadinessPanel

        panel = pilot.app.screen.query_one(ReadinessPanel)
        for _ in range(200):
            if panel.computed:
                return
            await pilot.pause(0.05)

    assert snap_compare(app, terminal_size=(100, 45), run_before=forecast_shown)


def test_snapshot_home(snap_compare, store: Store, banks: list[Bank]) -> None:  # type: ignore[no-untyped-def]
    answered_store(store)
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=1)
    assert snap_compare(app, terminal_size=SIZE)
