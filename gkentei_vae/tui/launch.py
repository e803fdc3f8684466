"""An app around one mode's screen (tests drive these with Pilot; the CLI runs them).

The screens themselves are made by ``tui/modes.py``; these only wrap them in an app.

Every builder takes the app's keyword options (``model``, ``warm_model``,
``idle_minutes``; see ``GkenteiApp``). The CLI passes ``warm_model=True`` for the modes
that offer demos; a test that wants the model passes one it started.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from gkentei_vae.study.clock import utcnow
from gkentei_vae.tui import modes
from gkentei_vae.tui.app import GkenteiApp

if TYPE_CHECKING:
    from gkentei_vae.banks import Bank
    from gkentei_vae.study.context import StudyContext
    from gkentei_vae.study.exam import ExamSession
    from gkentei_vae.study.recorders import ExamRecorder, QuizRecorder
    from gkentei_vae.study.review import ReviewSession
    from gkentei_vae.study.session import QuizSession
    from gkentei_vae.study.srs import Srs
    from gkentei_vae.study.store import Store
    from gkentei_vae.tui.modes import ScreenMaker


def run(app: GkenteiApp) -> int:
    """Run ``app`` until the learner quits; returns the exit code."""
    return app.run() or 0


def mode_app(make: ScreenMaker, **options: Any) -> GkenteiApp:
    """An app whose first screen is the mode ``make`` builds (``tui/modes.py``)."""
    app = GkenteiApp(lambda: make(app), **options)
    return app


def quiz_app(
    session: QuizSession, recorder: QuizRecorder | None = None, **options: Any
) -> GkenteiApp:
    """A quiz session; ``recorder`` logs each answer (a store failure is shown, not raised)."""
    return mode_app(modes.quiz(session, recorder), **options)


def exam_app(exam: ExamSession, recorder: ExamRecorder | None = None, **options: Any) -> GkenteiApp:
    """A mock exam; ``recorder`` logs the answers when it is submitted."""
    return mode_app(modes.exam(exam, recorder), **options)


def review_app(session: ReviewSession, seed: int | None = None, **options: Any) -> GkenteiApp:
    """A review session (``seed`` fixes the option order, for tests)."""
    return mode_app(modes.review(session, seed), **options)


def flashcards_app(session: ReviewSession, **options: Any) -> GkenteiApp:
    """A flashcard session."""
    return mode_app(modes.flashcards(session), **options)


def stats_app(
    store: Store,
    banks: Sequence[Bank],
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    **options: Any,
) -> GkenteiApp:
    """The stats screen (``clock`` and ``tz`` fix "now", for tests)."""
    return mode_app(modes.stats(_context(store, banks, clock, tz)), **options)


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
    from gkentei_vae.tui.home_screen import HomeApp

    return HomeApp(_context(store, banks, clock, tz, srs), seed, **options)


def _context(
    store: Store,
    banks: Sequence[Bank],
    clock: Callable[[], datetime] | None,
    tz: tzinfo | None,
    srs: Srs | None = None,
) -> StudyContext:
    from gkentei_vae.study.context import StudyContext
    from gkentei_vae.study.srs import Srs

    return StudyContext(store, banks, srs or Srs(store, tz=tz), clock or utcnow)


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
