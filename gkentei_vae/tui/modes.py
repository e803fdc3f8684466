"""Every study mode built in one place from its options: the CLI commands, the home screen,
the tests' apps and the benchmarks all come here; none of them builds a mode itself.

A mode is made in two steps. ``select`` chooses from the banks alone: unknown filter ids
(``SelectionError``) and a quiz or exam with no question (``EmptySelection``) are refused
before the learning record is opened, so the CLI exits with a message and writes nothing.
``screen`` then reads the record (what is due, what was missed) and returns a
``ScreenMaker``, or raises ``NothingToStudy`` with the learner's explanation. The CLI runs
the screen as an app of its own (``launch.mode_app``); home pushes it over the home screen.

The screens are imported inside the functions: the quiz's way to its first question
imports the quiz screen and nothing of the other modes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gkentei_vae.study.defaults import DEFAULT_NEW_PER_DAY, DEFAULT_QUIZ_COUNT
from gkentei_vae.study.selection import Pick, SelectionError, demos_of, matching

if TYPE_CHECKING:
    from textual.screen import Screen

    from gkentei_vae.banks import Bank
    from gkentei_vae.study.context import StudyContext
    from gkentei_vae.study.exam import ExamSession
    from gkentei_vae.study.recorders import ExamRecorder, QuizRecorder
    from gkentei_vae.study.review import ReviewSession
    from gkentei_vae.study.session import QuizSession
    from gkentei_vae.study.stats import Stats
    from gkentei_vae.tui.app import GkenteiApp

ScreenMaker = Callable[["GkenteiApp"], "Screen[Any]"]
"""Makes a mode's screen in the app that shows it (whose notifications report store errors)."""

DEMO_MODES = frozenset({"quiz", "weak", "review", "exam"})
"""The modes whose screens open demos: the CLI warms the model process for them."""


@dataclass(frozen=True)
class ModeOptions:
    """What a mode serves: the CLI's filters and counts; home opens every mode with the defaults."""

    topics: Sequence[str] = ()
    """Topic ids to keep (empty: all)."""
    lines: Sequence[str] = ()
    """Lyric line ids to keep (empty: all)."""
    levels: Sequence[str] | None = None
    """Levels to keep (empty: all); None: the mode's own default (the exam's: EXAM_LEVELS)."""
    count: int | None = None
    """Questions at most; None: ``DEFAULT_QUIZ_COUNT`` for quiz and drill, all for the exam."""
    minutes: float | None = None
    """The exam's time limit; None: ``SECONDS_PER_QUESTION`` per question."""
    new_per_day: int = DEFAULT_NEW_PER_DAY
    """Review and flashcards: new cards a day, those already served today included."""
    seed: int | None = None
    """Fixes question order and option order (tests); None: random."""

    @property
    def quiz_count(self) -> int:
        """Questions in a quiz or a drill."""
        return DEFAULT_QUIZ_COUNT if self.count is None else self.count


class EmptySelection(SelectionError):
    """The filters leave no question to ask (the CLI: a usage error, exit 2)."""


class NothingToStudy(Exception):
    """The mode has nothing to serve now; the message (Japanese) says why, and when next."""


@dataclass(frozen=True)
class Selection:
    """A mode's choice from the banks alone, made before the learning record is opened."""

    mode: str
    """``quiz``, ``weak``, ``review``, ``flashcards``, ``stats`` or ``exam``."""
    options: ModeOptions
    """What it was chosen with."""
    questions: QuizSession | ExamSession | None = None
    """The quiz's or the exam's questions; None for the modes that choose from the record."""
    picks: Sequence[Pick] = ()
    """The drill's candidates (it ranks them by the record)."""


def select(mode: str, banks: Sequence[Bank], options: ModeOptions) -> Selection:
    """Check the filters and choose what needs only the banks (SelectionError, EmptySelection)."""
    o = options
    questions: QuizSession | ExamSession | None = None
    picks: Sequence[Pick] = ()
    if mode == "quiz":
        from gkentei_vae.study.session import QuizSession

        questions = QuizSession.select(
            banks, o.topics, o.lines, o.quiz_count, o.seed, o.levels or ()
        )
    elif mode == "exam":
        from gkentei_vae.study.exam import EXAM_LEVELS, ExamSession

        levels = EXAM_LEVELS if o.levels is None else o.levels
        questions = ExamSession.select(banks, o.topics, o.count, o.minutes, o.seed, levels)
    elif mode == "weak":
        picks = matching(banks, o.topics, o.lines, o.levels or ())
    elif mode not in BUILDERS:
        raise ValueError(f"unknown mode {mode!r}")
    if questions is not None and not questions.items:
        raise EmptySelection("条件に合う問題がありません")
    return Selection(mode, options, questions, picks)


def screen(selection: Selection, context: StudyContext) -> ScreenMaker:
    """Read the record and make the mode's screen (NothingToStudy when nothing is to serve)."""
    return BUILDERS[selection.mode](selection, context)


def open_mode(mode: str, context: StudyContext, options: ModeOptions) -> ScreenMaker:
    """Both steps at once (home: nothing is written before the screen opens anyway)."""
    return screen(select(mode, context.banks, options), context)


# -- a session's screen -------------------------------------------------------------------------


def _hook(app: GkenteiApp, recorder: Callable[..., object] | None) -> Callable[..., None] | None:
    return app.report_store_errors(recorder) if recorder else None


def quiz(session: QuizSession, recorder: QuizRecorder | None = None) -> ScreenMaker:
    """A quiz over ``session``; ``recorder`` logs each answer (a store failure is shown)."""
    from gkentei_vae.tui.quiz_screen import QuizScreen

    def make(app: GkenteiApp) -> Screen[Any]:
        app.prepare_demos(demos_of(item.pick for item in session.items))
        return QuizScreen(session, on_answer=_hook(app, recorder))

    return make


def exam(session: ExamSession, recorder: ExamRecorder | None = None) -> ScreenMaker:
    """A mock exam; ``recorder`` logs the answers when it is submitted."""
    from gkentei_vae.tui.exam_screen import ExamScreen

    def make(app: GkenteiApp) -> Screen[Any]:
        app.prepare_demos(demos_of(item.pick for item in session.items))  # its summary's `e`
        return ExamScreen(session, on_submit=_hook(app, recorder))

    return make


def review(session: ReviewSession, seed: int | None = None) -> ScreenMaker:
    """A review session (``seed`` fixes the option order, for tests)."""
    from gkentei_vae.tui.review_screen import ReviewScreen

    def make(app: GkenteiApp) -> Screen[Any]:
        # The cards it starts with; a card that comes due later loads its demo when opened.
        queue = session.queue
        starts = [*queue.due, *(item for _, item in queue.ahead), *queue.new]
        app.prepare_demos(demos_of(item.pick for item in starts))
        return ReviewScreen(session, seed=seed)

    return make


def flashcards(session: ReviewSession) -> ScreenMaker:
    """A flashcard session."""
    from gkentei_vae.tui.flashcard_screen import FlashcardScreen

    return lambda app: FlashcardScreen(session)


def stats(context: StudyContext, figures: Stats | None = None) -> ScreenMaker:
    """The stats screen; the figures are computed now unless given (a store error is raised
    here, before any screen)."""
    from gkentei_vae.study.stats import compute_stats
    from gkentei_vae.tui.stats_screen import StatsScreen

    c = context
    figures = figures or compute_stats(c.store, c.banks, now=c.clock(), tz=c.tz)
    return lambda app: StatsScreen(c.store, c.banks, stats=figures)


# -- each mode from its selection ---------------------------------------------------------------


def _quiz(selection: Selection, context: StudyContext) -> ScreenMaker:
    from gkentei_vae.study.recorders import quiz_recorder
    from gkentei_vae.study.session import QuizSession

    session = selection.questions
    if session is None:  # the drill: the record ranks its candidates
        from gkentei_vae.study.weak_spots import NOTHING_WEAK, weak_spots

        o = selection.options
        weak = weak_spots(context.store, selection.picks, context.clock(), context.scheduler())
        if not weak:
            raise NothingToStudy(NOTHING_WEAK)
        session = QuizSession.from_picks(weak[: o.quiz_count], o.seed)
    assert isinstance(session, QuizSession)
    return quiz(session, quiz_recorder(context.store, context.srs, context.clock))


def _exam(selection: Selection, context: StudyContext) -> ScreenMaker:
    from gkentei_vae.study.exam import ExamSession
    from gkentei_vae.study.recorders import exam_recorder

    assert isinstance(selection.questions, ExamSession)
    return exam(selection.questions, exam_recorder(context.store, context.srs, context.clock))


def _review(selection: Selection, context: StudyContext) -> ScreenMaker:
    from gkentei_vae.study.review import ReviewSession

    o, c = selection.options, context
    session = ReviewSession.for_questions(
        c.store,
        c.banks,
        o.topics,
        o.lines,
        o.levels or (),
        new_per_day=o.new_per_day,
        clock=c.clock,
        srs=c.scheduler(),
    )
    return review(_something_due(session, c, "問題"), o.seed)


def _flashcards(selection: Selection, context: StudyContext) -> ScreenMaker:
    from gkentei_vae.study.flashcards import flashcard_session

    o, c = selection.options, context
    session = flashcard_session(
        c.store, c.banks, o.lines, new_per_day=o.new_per_day, clock=c.clock, srs=c.scheduler()
    )
    return flashcards(_something_due(session, c, "カード"))


def _stats(selection: Selection, context: StudyContext) -> ScreenMaker:
    return stats(context)


def _something_due(session: ReviewSession, context: StudyContext, what: str) -> ReviewSession:
    """``session`` if it has something to serve; else NothingToStudy, saying when it will."""
    if not session.finished:
        return session
    from gkentei_vae.study.review import next_due
    from gkentei_vae.study.srs import describe_due

    message = f"いま復習する{what}はありません。"
    later = next_due(context.store, session.queue.items)
    if later is not None:
        message += f"次は{describe_due(later, now=context.clock(), tz=context.tz)}です。"
    raise NothingToStudy(message)


BUILDERS: dict[str, Callable[[Selection, StudyContext], ScreenMaker]] = {
    "quiz": _quiz,
    "weak": _quiz,
    "review": _review,
    "flashcards": _flashcards,
    "stats": _stats,
    "exam": _exam,
}
"""Mode → how its screen is made from its selection and the record."""
