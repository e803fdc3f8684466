"""`quiz`: a G検定-style multiple-choice session in the terminal."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from gkentei_vae.commands import UsageError
from gkentei_vae.commands.banks_cmds import add_bank_option


def int_at_least(lowest: int) -> Callable[[str], int]:
    """An argparse type: an integer ≥ ``lowest``, with a Japanese message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"整数を指定してください: {text}") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"{lowest} 以上を指定してください: {text}")
        return value

    return parse


positive_int = int_at_least(1)
"""argparse type: an integer ≥ 1."""


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """``--topic`` and ``--line``, shared by every mode that selects questions."""
    parser.add_argument(
        "--topic", action="append", default=[], metavar="T", help="トピック id で絞り込む(複数可)"
    )
    parser.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="L",
        help="歌詞の行 id (L1〜L10) で絞り込む(複数可)",
    )


def register(sub: argparse._SubParsersAction) -> None:
    quiz = sub.add_parser(
        "quiz",
        help="G検定形式の4択問題を解く",
        description="歌詞の各行に対応した4択問題を出題する。キー: 1–4/a–d 解答、n/Enter 次へ、? ヘルプ、q 終了。",
    )
    add_filter_options(quiz)
    quiz.add_argument(
        "--count", type=positive_int, default=10, metavar="N", help="出題数(既定: 10)"
    )
    quiz.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="出題順と選択肢の並びを固定する乱数シード",
    )
    add_bank_option(quiz)
    # study_cmds imports this module (add_filter_options): import it here, not at the top.
    from gkentei_vae.commands.study_cmds import add_data_dir_option

    add_data_dir_option(quiz)
    quiz.set_defaults(handler=run_quiz)


def run_quiz(args: argparse.Namespace) -> int:
    """Every answer is logged in the learning record (mode ``quiz``) and moves the card's
    schedule; a record that cannot be opened stops the quiz before it starts (exit 1)."""
    from gkentei_vae.commands.study_cmds import store_errors

    return store_errors(_run_quiz)(args)


def _run_quiz(args: argparse.Namespace) -> int:
    from gkentei_vae.study.selection import load_default_banks
    from gkentei_vae.study.session import QuizSession

    session = QuizSession.select(
        load_default_banks(args.bank), args.topic, args.line, args.count, args.seed
    )
    if not session.items:
        raise UsageError("条件に合う問題がありません")

    from gkentei_vae.commands.study_cmds import open_store

    with open_store(args) as store:
        from gkentei_vae.tui.launch import quiz_recorder, run_quiz_app

        return run_quiz_app(session, args, quiz_recorder(store))
