"""What `gkentei-vae` with no command does: the home screen (also `gkentei-vae home`)."""

from __future__ import annotations

import argparse
import sys

from gkentei_vae.commands.banks_cmds import add_bank_option
from gkentei_vae.commands.study_cmds import add_data_dir_option, open_store, store_errors


def register(sub: argparse._SubParsersAction) -> None:
    home = sub.add_parser(
        "home",
        help="ホーム画面(コマンドなしで起動したときと同じ)",
        description="今日の復習件数と歌詞の行ごとの習熟度を表示し、1〜5 のキーで各モードを開く。"
        "各モードを終えるとホームに戻る。",
    )
    add_bank_option(home)
    add_data_dir_option(home)
    home.set_defaults(handler=run_home)


def run_home(args: argparse.Namespace) -> int:
    """The home screen; without a terminal (a pipe, a script) a guide to the commands instead."""
    if getattr(args, "command", None) is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        from gkentei_vae.cli import build_parser

        build_parser().print_help()
        return 0
    return _run_home(args)


@store_errors
def _run_home(args: argparse.Namespace) -> int:
    """Load the banks and open the store before the screen starts (errors exit with a message)."""
    from gkentei_vae.study.selection import load_default_banks

    banks = load_default_banks(getattr(args, "bank", None))  # an invalid bank: cli.main reports it
    with open_store(args) as store:
        args.store, args.banks = store, banks
        from gkentei_vae.tui.launch import run_home as run_home_app

        return run_home_app(args)
