"""`export anki`: the banks as an Anki package (.apkg)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gkentei_vae.commands import common


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="問題を他の学習アプリ向けに書き出す",
        description="バンクの問題を他の学習アプリで使える形式で書き出す。",
    )
    formats = export.add_subparsers(dest="format", metavar="FORMAT", title="形式", required=True)
    anki = formats.add_parser(
        "anki",
        help="Anki のパッケージ(.apkg)に書き出す",
        description=(
            "バンクごとに1デッキの Anki パッケージを書き出す。4択問題、歌詞の穴埋め、用語カードを含む。"
            "更新したバンクを書き出して再度読み込むと、既存のノートが更新され(重複せず)、学習履歴は残る。"
        ),
    )
    anki.add_argument("path", type=Path, metavar="PATH.apkg", help="書き出す .apkg ファイル")
    common.add_options(anki, "bank")
    anki.set_defaults(handler=run_export_anki)


def run_export_anki(args: argparse.Namespace) -> int:
    from gkentei_vae.export.anki import AnkiExportError, write_apkg
    from gkentei_vae.study.selection import load_default_banks

    path: Path = args.path
    if path.suffix.lower() != ".apkg":
        raise common.UsageError(
            f"出力ファイル名は .apkg で終わる必要があります(Anki が読み込む形式): {path}"
        )
    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    try:
        summary = write_apkg(banks, path)
    except AnkiExportError as exc:
        common.say(f"gkentei-vae export anki: {exc}", err=True)
        return 1
    common.say(summary.line())
    return 0
