"""Entry points the CLI calls: build the app for a mode and run it."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from textual.app import App

from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.session import Answer, QuizSession
from gkentei_vae.tui.app import GkenteiApp

if TYPE_CHECKING:
    from gkentei_vae.banks import Bank
    from gkentei_vae.study.review import ReviewSession
    from gkentei_vae.study.srs import Srs
    from gkentei_vae.study.store import Store

QuizRecorder = Callable[[Answer], object]
"""Called with each quiz answer right after the session records it (before the feedback)."""
ExamRecorder = Callable[[ExamSession, QuizSession], object]
"""Called once with the submitted exam and its scored result."""


def quiz_app(session: QuizSession, recorder: QuizRecorder | None = None) -> GkenteiApp:
    """The app for a quiz session (tests drive this with Pilot); ``recorder`` logs answers."""
    from gkentei_vae.tui.quiz_screen import HELP_KEYS, QuizScreen

    # The screen is built when the app starts, after ``hook`` (which needs the app) exists.
    app = GkenteiApp(lambda: QuizScreen(session, on_answer=hook), HELP_KEYS)
    hook = reporting_errors(app, recorder) if recorder else None
    return app


def run_quiz_app(
    session: QuizSession, args: argparse.Namespace, recorder: QuizRecorder | None = None
) -> int:
    """Run the quiz until the learner quits; returns the exit code."""
    return quiz_app(session, recorder).run() or 0


def exam_app(exam: ExamSession, recorder: ExamRecorder | None = None) -> GkenteiApp:
    """The app for a mock exam (tests drive this with Pilot); ``recorder`` logs the answers."""
    from gkentei_vae.tui.exam_screen import HELP_KEYS, ExamScreen

    app = GkenteiApp(lambda: ExamScreen(exam, on_submit=hook), HELP_KEYS)
    hook = reporting_errors(app, recorder) if recorder else None
    return app


def run_exam_app(
    exam: ExamSession, args: argparse.Namespace, recorder: ExamRecorder | None = None
) -> int:
    """Run the mock exam until the learner quits; returns the exit code."""
    return exam_app(exam, recorder).run() or 0


# -- recording quiz and exam answers ---------------------------------------------------------


def quiz_recorder(
    store: Store, srs: Srs | None = None, clock: Callable[[], datetime] | None = None
) -> Callable[[Answer], None]:
    """Logs each quiz answer (mode ``quiz``), committed before the screen shows the feedback."""
    made: list[Srs] = [srs] if srs else []

    def record(answer: Answer) -> None:
        if not made:
            # fsrs is imported at the first answer, not on the way to the first question.
            from gkentei_vae.study.srs import Srs

            made.append(Srs(store))
        made[0].record_choice(
            answer.item.pick.card_id,
            correct=answer.correct,
            duration_ms=round(answer.seconds * 1000),
            mode="quiz",
            now=clock() if clock else None,
        )

    return record


def exam_recorder(
    store: Store, srs: Srs | None = None, clock: Callable[[], datetime] | None = None
) -> ExamRecorder:
    """Logs every answered question of a submitted exam (mode ``exam``; unanswered ones are
    skipped), then stores the sitting's result (``Store.add_exam_result``).

    Seconds used are the time spent on every question added up, which ``ExamSession.submit``
    fixes at the moment of submission (the same as the limit minus ``remaining()`` then),
    capped at the limit: a time-out is noticed by a timer tick a moment after the limit.
    """
    from gkentei_vae.study.clock import to_db, utcnow
    from gkentei_vae.study.srs import Srs

    scheduler = srs or Srs(store)

    def record(exam: ExamSession, result: QuizSession) -> None:
        now = clock() if clock else utcnow()
        for answer in result.answers:
            if answer.chosen is None:
                continue  # not a retrieval attempt: the learner never answered it
            scheduler.record_choice(
                answer.item.pick.card_id,
                correct=answer.correct,
                duration_ms=round(answer.seconds * 1000),
                mode="exam",
                now=now,
            )
        used = sum(answer.seconds for answer in result.answers)
        store.add_exam_result(
            taken_at=to_db(now),
            questions=len(result.items),
            correct=result.score,
            unanswered=sum(answer.chosen is None for answer in result.answers),
            time_limit_s=exam.time_limit,
            seconds_used=max(0.0, min(used, exam.time_limit)),
            timed_out=exam.timed_out,
            by_line={k: (t.right, t.total) for k, t in result.by_line().items()},
            by_topic={k: (t.right, t.total) for k, t in result.by_topic().items()},
        )

    return record


def reporting_errors(app: App[object], hook: Callable[..., object]) -> Callable[..., None]:
    """``hook`` with a store failure shown on screen instead of ending the session."""
    from gkentei_vae.study.store import StoreError

    def call(*args: object) -> None:
        try:
            hook(*args)
        except StoreError as exc:
            app.notify(f"解答を保存できませんでした: {exc}", severity="error", timeout=15)

    return call


# -- review, flashcards, stats, home ---------------------------------------------------------


def review_app(session: ReviewSession, seed: int | None = None) -> GkenteiApp:
    """The app for a review session (``seed`` fixes the option order, for tests)."""
    from gkentei_vae.tui.review_screen import HELP_KEYS, ReviewScreen

    return GkenteiApp(lambda: ReviewScreen(session, seed=seed), HELP_KEYS)


def flashcards_app(session: ReviewSession) -> GkenteiApp:
    """The app for a flashcard session."""
    from gkentei_vae.tui.flashcard_screen import HELP_KEYS, FlashcardScreen

    return GkenteiApp(lambda: FlashcardScreen(session), HELP_KEYS)


def stats_app(
    store: Store,
    banks: Sequence[Bank],
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
) -> GkenteiApp:
    """The app for the stats screen (``clock`` and ``tz`` fix "now", for tests)."""
    from gkentei_vae.tui.stats_screen import HELP_KEYS, StatsScreen

    return GkenteiApp(lambda: StatsScreen(store, banks, clock=clock, tz=tz), HELP_KEYS)


def home_app(
    store: Store,
    banks: Sequence[Bank],
    *,
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    srs: Srs | None = None,
    seed: int | None = None,
) -> GkenteiApp:
    """The home screen's app; every mode opens inside it and comes back to it."""
    from gkentei_vae.tui.home_screen import HomeApp, HomeContext

    context = HomeContext.make(store, banks, clock=clock, tz=tz, srs=srs, seed=seed)
    return HomeApp(context)


def run_review(args: argparse.Namespace) -> int:
    """``gkentei-vae review``: the session prepared by the command on ``args.session``."""
    return review_app(args.session).run() or 0


def run_flashcards(args: argparse.Namespace) -> int:
    """``gkentei-vae flashcards``: the session prepared by the command on ``args.session``."""
    return flashcards_app(args.session).run() or 0


def run_stats(args: argparse.Namespace) -> int:
    """``gkentei-vae stats``: the store and banks opened by the command."""
    from gkentei_vae.study.stats import compute_stats
    from gkentei_vae.tui.stats_screen import HELP_KEYS, StatsScreen

    # Computed before the app starts: a store error then exits with its message (exit 1).
    stats = compute_stats(args.store, args.banks)
    app = GkenteiApp(lambda: StatsScreen(args.store, args.banks, stats=stats), HELP_KEYS)
    return app.run() or 0


def run_home(args: argparse.Namespace) -> int:
    """``gkentei-vae``: the home screen over the store and banks opened by the command."""
    return home_app(args.store, args.banks).run() or 0
