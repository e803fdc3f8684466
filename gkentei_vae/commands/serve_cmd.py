"""`serve`: the app in a browser tab (textual-serve), one session per tab, one learning record."""

from __future__ import annotations

import argparse
import sys

from gkentei_vae.commands.banks_cmds import add_bank_option
from gkentei_vae.commands.quiz_cmd import int_at_least

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0–65535 (0: any free port, printed in the URL)."""
    port = int_at_least(0)(text)
    if port > 65535:
        raise argparse.ArgumentTypeError(f"0〜65535 を指定してください: {text}")
    return port


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the CLI."""
    serve = sub.add_parser(
        "serve",
        help="ブラウザで使う(タブごとにホーム画面、学習記録は共通)",
        description="textual-serve でアプリをブラウザから使えるようにし、開く URL を表示する。"
        "タブごとにホーム画面(gkentei-vae home)が別のプロセスで動き、同じ学習記録に保存する。"
        "既定では 127.0.0.1 だけで待ち受ける。それ以外のアドレスではアクセストークンを作って URL に入れ、"
        "トークンのない接続は拒否する。Ctrl+C で止めると全てのタブのセッションも終了する。",
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="H",
        help=f"待ち受けるアドレス(既定: {DEFAULT_HOST}。0.0.0.0 などではトークンが必須)",
    )
    serve.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        metavar="P",
        help=f"ポート番号(既定: {DEFAULT_PORT}。0 なら空いているポート)",
    )
    add_bank_option(serve)
    # study_cmds imports quiz_cmd, which imports this package: import it here, not at the top.
    from gkentei_vae.commands.study_cmds import add_data_dir_option

    add_data_dir_option(serve)
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Check the banks and the record once, then serve until Ctrl-C / SIGTERM."""
    from gkentei_vae.commands.study_cmds import store_errors

    return store_errors(_run_serve)(args)


def _run_serve(args: argparse.Namespace) -> int:
    from gkentei_vae.commands.study_cmds import open_store
    from gkentei_vae.study.selection import load_default_banks
    from gkentei_vae.study.store import default_data_dir

    # Every tab would fail the same way: say it once, before listening (cli.main reports banks).
    load_default_banks(args.bank)
    with open_store(args):
        pass
    # Absolute paths: the tabs' processes must open exactly this record and these banks.
    data_dir = (args.data_dir or default_data_dir()).expanduser().resolve()
    banks = [bank.expanduser().resolve() for bank in args.bank]

    from gkentei_vae.web.serve import ServeError, run_server

    try:
        run_server(data_dir, banks, args.host, args.port)
    except ServeError as exc:
        print(f"gkentei-vae serve: {exc}", file=sys.stderr)
        return 1
    return 0
