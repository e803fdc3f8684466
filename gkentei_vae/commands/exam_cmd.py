"""`exam`: a timed mock exam in the G検定 format."""

from __future__ import annotations

import argparse

from gkentei_vae.commands import UsageError
from gkentei_vae.commands.banks_cmds import add_bank_option
from gkentei_vae.commands.quiz_cmd import positive_int


def positive_float(text: str) -> float:
    """argparse type: a number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"数値を指定してください: {text}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"0 より大きい値を指定してください: {text}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    exam = sub.add_parser(
        "exam",
        help="時間制限つきの模擬試験",
        description="G検定形式の模擬試験。提出まで正誤は表示しない。既定: 対象の全問、1問41秒(約145問/100分のペース)。",
    )
    exam.add_argument(
        "--count", type=positive_int, default=None, metavar="N", help="出題数(既定: 対象の全問)"
    )
    exam.add_argument(
        "--minutes",
        type=positive_float,
        default=None,
        metavar="M",
        help="制限時間(分)。既定: 出題数 × 41 秒",
    )
    exam.add_argument(
        "--topic", action="append", default=[], metavar="T", help="トピック id で絞り込む(複数可)"
    )
    exam.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="出題順と選択肢の並びを固定する乱数シード",
    )
    add_bank_option(exam)
    # study_cmds imports quiz_cmd, which this module imports: import it here, not at the top.
    from gkentei_vae.commands.study_cmds import add_data_dir_option

    add_data_dir_option(exam)
    exam.set_defaults(handler=run_exam)


def run_exam(args: argparse.Namespace) -> int:
    """The answered questions are logged when the exam is submitted (mode ``exam``); a
    record that cannot be opened stops the exam before it starts (exit 1)."""
    from gkentei_vae.commands.study_cmds import store_errors

    return store_errors(_run_exam)(args)


def _run_exam(args: argparse.Namespace) -> int:
    from gkentei_vae.study.exam import ExamSession
    from gkentei_vae.study.selection import load_default_banks

    exam = ExamSession.select(
        load_default_banks(args.bank), args.topic, args.count, args.minutes, args.seed
    )
    if not exam.items:
        raise UsageError("条件に合う問題がありません")

    from gkentei_vae.commands.study_cmds import open_store

    with open_store(args) as store:
        from gkentei_vae.tui.launch import exam_recorder, run_exam_app

        return run_exam_app(exam, args, exam_recorder(store))
