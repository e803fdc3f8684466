"""Building the app for each mode (tests drive these with Pilot) and running it (the CLI).

Every builder takes the app's keyword options (``model``, ``warm_model``,
``idle_minutes``; see ``GkenteiApp``). The CLI passes ``warm_model=True`` for the modes
that offer demos; a test that wants the model passes one it started.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from gkentei_vae.tui.app import GkenteiApp

if TYPE_CHECKING:
    from gkentei_vae.banks import Bank
    from gkentei_vae.study.exam import ExamSession
    from gkentei_vae.study.recorders import ExamRecorder, QuizRecorder
    from gkentei_vae.study.review import ReviewSession
    from gkentei_vae.study.session import QuizSession
    from gkentei_vae.study.srs import Srs
    from gkentei_vae.study.stats import Stats
    from gkentei_vae.study.store import Store


def run(app: GkenteiApp) -> int:
    """Run ``app`` until the learner quits; returns the exit code."""
    return app.run() or 0


def quiz_app(
    session: QuizSession, recorder: QuizRecorder | None = None, **options: Any
) -> GkenteiApp:
    """A quiz session; ``recorder`` logs each answer (a store failure is shown, not raised)."""
    from gkentei_vae.tui.quiz_screen import QuizScreen

    def first() -> QuizScreen:
        hook = app.report_store_errors(recorder) if recorder else None
        return QuizScreen(session, on_answer=hook)

    app = GkenteiApp(first, **options)
    return app


def exam_app(exam: ExamSession, recorder: ExamRecorder | None = None, **options: Any) -> GkenteiApp:
    """A mock exam; ``recorder`` logs the answers when it is submitted."""
    from gkentei_vae.tui.exam_screen import ExamScreen

    def first() -> ExamScreen:
        hook = app.report_store_errors(recorder) if recorder else None
        return ExamScreen(exam, on_submit=hook)

    app = GkenteiApp(first, **options)
    return app


def review_app(session: ReviewSession, seed: int | None = None, **options: Any) -> GkenteiApp:
    """A review session (``seed`` fixes the option order, for tests)."""
    from gkentei_vae.tui.review_screen import ReviewScreen

    return GkenteiApp(lambda: ReviewScreen(session, seed=seed), **options)


def flashcards_app(session: ReviewSession, **options: Any) -> GkenteiApp:
    """A flashcard session."""
    from gkentei_vae.tui.flashcard_screen import FlashcardScreen

    return GkenteiApp(lambda: FlashcardScreen(session), **options)


def stats_app(
    store: Store,
    banks: Sequence[Bank],
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    stats: Stats | None = None,
    **options: Any,
) -> GkenteiApp:
    """The stats screen (``clock`` and ``tz`` fix "now", for tests; ``stats`` if already computed)."""
    from gkentei_vae.tui.stats_screen import StatsScreen

    return GkenteiApp(lambda: StatsScreen(store, banks, clock=clock, tz=tz, stats=stats), **options)


def home_app(
    store: Store,
    banks: Sequence[Bank],
    *,
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    srs: Srs | None = None,
    seed: int | None = None,
    **options: Any,
) -> GkenteiApp:
    """The home screen; every mode opens inside it and comes back to it."""
    from gkentei_vae.study.clock import utcnow
    from gkentei_vae.study.srs import Srs
    from gkentei_vae.tui.home_screen import HomeApp, HomeContext

    context = HomeContext(store, banks, srs or Srs(store, tz=tz), clock or utcnow, seed)
    return HomeApp(context, **options)


def demo_app(
    demo_id: str,
    seed: int = 0,
    *,
    model: Any = None,
    warm_model: bool = False,
    **args: Any,
) -> GkenteiApp:
    """One demo on its own screen (``gkentei-vae demo ID``); ``args`` go to its computation."""
    from gkentei_vae.tui.demo_screen import demo_screen

    return GkenteiApp(
        lambda: demo_screen(demo_id, seed, **args), model=model, warm_model=warm_model
    )
