"""Entry points the CLI calls: build the app for a mode and run it."""

from __future__ import annotations

import argparse

from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui.app import GkenteiApp


def quiz_app(session: QuizSession) -> GkenteiApp:
    """The app for a quiz session (tests drive this with Pilot)."""
    from gkentei_vae.tui.quiz_screen import HELP_KEYS, QuizScreen

    return GkenteiApp(lambda: QuizScreen(session), HELP_KEYS)


def run_quiz_app(session: QuizSession, args: argparse.Namespace) -> int:
    """Run the quiz until the learner quits; returns the exit code."""
    return quiz_app(session).run() or 0


def exam_app(exam: ExamSession) -> GkenteiApp:
    """The app for a mock exam (tests drive this with Pilot)."""
    from gkentei_vae.tui.exam_screen import HELP_KEYS, ExamScreen

    return GkenteiApp(lambda: ExamScreen(exam), HELP_KEYS)


def run_exam_app(exam: ExamSession, args: argparse.Namespace) -> int:
    """Run the mock exam until the learner quits; returns the exit code."""
    return exam_app(exam).run() or 0
