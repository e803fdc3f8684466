"""`quiz`: a G検定-style multiple-choice session in the terminal."""

from __future__ import annotations

import argparse

from gkentei_vae.commands import common
from gkentei_vae.study.defaults import DEFAULT_QUIZ_COUNT


def register(sub: argparse._SubParsersAction) -> None:
    quiz = sub.add_parser(
        "quiz",
        help="G検定形式の4択問題を解く",
        description="歌詞の各行に対応した4択問題を出題する。",
        keys=quiz_screen,
    )
    common.add_options(quiz, "topic", "line", "level")
    quiz.add_argument(
        "--count",
        type=common.positive_int,
        default=DEFAULT_QUIZ_COUNT,
        metavar="N",
        help=f"出題数(既定: {DEFAULT_QUIZ_COUNT})",
    )
    quiz.add_argument(
        "--weak",
        action="store_true",
        help="弱点ドリル: 最後に間違えた問題、続けていまの想起率が低い問題から出題する",
    )
    common.add_options(quiz, "seed", "bank", "data-dir")
    quiz.set_defaults(handler=run_quiz)


def quiz_screen() -> type:
    from gkentei_vae.tui.quiz_screen import QuizScreen

    return QuizScreen


@common.store_errors
def run_quiz(args: argparse.Namespace) -> int:
    """Every answer is logged in the learning record (mode ``quiz``) and moves the card's
    schedule; a record that cannot be opened stops the quiz before it starts (exit 1)."""
    return common.run_mode(args, "weak" if args.weak else "quiz")
