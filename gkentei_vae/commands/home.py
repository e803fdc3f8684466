"""`gkentei-vae home` (and `gkentei-vae` with no command in a terminal): the home screen."""

from __future__ import annotations

import argparse

from gkentei_vae.commands import common


def register(sub: argparse._SubParsersAction) -> None:
    home = sub.add_parser(
        "home",
        help="ホーム画面(コマンドなしで起動したときと同じ)",
        description="今日の復習件数と歌詞の行ごとの習熟度を表示し、1〜6 のキーで各モードを開く。"
        "各モードを終えるとホームに戻る。l で出題レベル(基本・発展・両方)を切り替える。"
        "キー: 1 クイズ、2 復習、3 カード、4 学習状況、5 模擬試験、6 弱点ドリル、l レベル、? ヘルプ、q 終了。",
    )
    common.add_options(home, "bank", "data-dir")
    home.set_defaults(handler=run_home)


@common.store_errors
def run_home(args: argparse.Namespace) -> int:
    """Load the banks and open the store before the screen starts (errors exit with a message)."""
    from gkentei_vae.study.selection import load_default_banks

    banks = load_default_banks(getattr(args, "bank", None))  # an invalid bank: cli.main reports it
    with common.open_store(args) as store:
        from gkentei_vae.tui.launch import home_app, run

        return run(home_app(store, banks, **common.with_demos(store)))
