"""`serve`: the app in a browser tab (textual-serve), one session per tab, one learning record."""

from __future__ import annotations

import argparse

from gkentei_vae.commands import common
from gkentei_vae.web import DEFAULT_MAX_SESSIONS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0–65535 (0: any free port, printed in the URL)."""
    port = common.non_negative_int(text)
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
        "既定では 127.0.0.1 だけで待ち受ける。起動ごとにアクセストークンを作って URL に入れ、"
        "トークンのない接続は拒否する。Ctrl+C・SIGTERM・SIGHUP で止めると全てのタブのセッションも終了する。",
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="H",
        help=f"待ち受けるアドレス(既定: {DEFAULT_HOST}。0.0.0.0 などで他の端末から)",
    )
    serve.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        metavar="P",
        help=f"ポート番号(既定: {DEFAULT_PORT}。0 なら空いているポート)",
    )
    serve.add_argument(
        "--max-sessions",
        type=common.positive_int,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"同時に開けるタブの数(既定: {DEFAULT_MAX_SESSIONS}。超えたタブには案内のページ)",
    )
    serve.add_argument(
        "--no-token",
        action="store_true",
        help="トークンなしで待ち受ける(ループバックのみ。このマシンのほかのユーザーも使えるので非推奨)",
    )
    common.add_options(serve, "bank", "data-dir")
    serve.set_defaults(handler=run_serve)


@common.store_errors
def run_serve(args: argparse.Namespace) -> int:
    """Check the banks and the record once, then serve until Ctrl-C / SIGTERM."""
    from gkentei_vae import paths
    from gkentei_vae.study.selection import load_default_banks

    # Every tab would fail the same way: say it once, before listening (cli.main reports banks).
    load_default_banks(args.bank)
    with common.open_store(args):
        pass
    # Absolute paths: the tabs' processes must open exactly this record and these banks.
    data_dir = (args.data_dir or paths.data_dir()).expanduser().resolve()
    banks = [bank.expanduser().resolve() for bank in args.bank]

    from gkentei_vae.web.serve import ServeError, run_server

    try:
        run_server(
            data_dir,
            banks,
            args.host,
            args.port,
            max_sessions=args.max_sessions,
            token=not args.no_token,
        )
    except ServeError as exc:
        common.say(f"gkentei-vae serve: {exc}", err=True)
        return 1
    return 0
