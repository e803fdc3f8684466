"""`exam`: a timed mock exam in the G検定 format."""

from __future__ import annotations

import argparse

from gkentei_vae.commands import common


def register(sub: argparse._SubParsersAction) -> None:
    from gkentei_vae.study.exam import PASS_MARK, SECONDS_PER_QUESTION
    from gkentei_vae.study.settings import DEFAULT_LEVEL, LEVEL_KEY

    exam = sub.add_parser(
        "exam",
        help="時間制限つきの模擬試験",
        description="G検定形式の模擬試験。提出まで正誤は表示しない。"
        f"既定: 対象の全問(設定 {LEVEL_KEY} のレベル、未設定なら {DEFAULT_LEVEL})、1問{SECONDS_PER_QUESTION}秒、合格ライン {PASS_MARK:.0%}。",
        keys=exam_screen,
    )
    exam.add_argument(
        "--count",
        type=common.positive_int,
        default=None,
        metavar="N",
        help="出題数(既定: 対象の全問)",
    )
    exam.add_argument(
        "--minutes",
        type=common.positive_float,
        default=None,
        metavar="M",
        help=f"制限時間(分)。既定: 出題数 × {SECONDS_PER_QUESTION} 秒",
    )
    common.add_options(exam, "topic", "level", "seed", "bank", "data-dir")
    exam.set_defaults(handler=run_exam)


def exam_screen() -> type:
    from gkentei_vae.tui.exam_screen import ExamScreen

    return ExamScreen


@common.store_errors
def run_exam(args: argparse.Namespace) -> int:
    """The answered questions are logged when the exam is submitted (mode ``exam``); a
    record that cannot be opened stops the exam before it starts (exit 1)."""
    return common.run_mode(args, "exam")
