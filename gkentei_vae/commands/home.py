"""`gkentei-vae home` (and `gkentei-vae` with no command in a terminal): the home screen."""

from __future__ import annotations

import argparse

from gkentei_vae.commands import common


def register(sub: argparse._SubParsersAction) -> None:
    home = sub.add_parser(
        "home",
        help="ホーム画面(コマンドなしで起動したときと同じ)",
        description="今日の復習件数、試験日の予測(期待得点・区間・ペース)と歌詞の行ごとの習熟度を表示し、数字のキーで各モードを開く。"
        "各モードを終えるとホームに戻る。l で出題レベル(基本・発展・両方)を切り替える。",
        keys=home_screen,
    )
    common.add_options(home, "bank", "data-dir")
    home.set_defaults(handler=run_home)


def home_screen() -> type:
    from gkentei_vae.tui.home_screen import HomeScreen

    return HomeScreen


@common.store_errors
def run_home(args: argparse.Namespace) -> int:
    """Load the banks and open the store before the screen starts (errors exit with a message)."""
    from gkentei_vae import startup_gc
    from gkentei_vae.study.selection import load_default_banks

    with startup_gc.held():  # until the first screen has painted (GkenteiApp)
        banks = load_default_banks(getattr(args, "bank", None))  # invalid: cli.main reports it
        with common.open_store(args) as store:
            from gkentei_vae.tui.launch import home_app, run

            return run(home_app(store, banks, **common.with_demos(store)))
