"""Command line entry point: builds the parser from the command modules and reports errors.

Each area registers its subcommands from a module in ``gkentei_vae.commands``; those
modules import torch and textual only inside their handlers, so that
``gkentei-vae --help`` and the quiz path stay light.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gkentei_vae import __version__
from gkentei_vae.banks import BankError
from gkentei_vae.commands import (
    banks_cmds,
    common,
    config_cmd,
    demo_cmd,
    exam_cmd,
    export_cmd,
    forecast_cmd,
    home,
    quiz_cmd,
    serve_cmd,
    study_cmds,
    vae_cmds,
)
from gkentei_vae.commands.common import UsageError
from gkentei_vae.study.selection import SelectionError

COMMAND_MODULES = (
    quiz_cmd,
    exam_cmd,
    study_cmds,
    forecast_cmd,
    config_cmd,
    home,
    banks_cmds,
    export_cmd,
    vae_cmds,
    demo_cmd,
    serve_cmd,
)
"""One module per area, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered subcommand."""
    parser = common.ArgumentParser(
        prog="gkentei-vae",
        description="G検定対策: 「変分オートエンコーダ(VAE)覚えうた」で学ぶ問題演習・復習・VAEデモ",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help="バージョンを表示して終了する",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="コマンド")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            # No terminal (a pipe, a script): a guide to the commands, not a screen.
            parser.print_help()
            return 0
        handler = home.run_home
    try:
        return int(handler(args) or 0)
    except (UsageError, SelectionError) as exc:
        where = f"gkentei-vae {args.command}" if args.command else "gkentei-vae"
        common.say(f"{where}: {exc}", err=True)
        return 2
    except BankError as exc:
        # Every command that loads banks refuses to start on an invalid one, the same way.
        return banks_cmds.report_bank_error(exc)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
