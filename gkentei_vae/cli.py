"""Command line entry point: parses arguments and hands off to the layers below.

Each area registers its subcommands from a module in ``gkentei_vae.commands``;
those modules import torch and textual only inside their handlers, so that
``gkentei-vae --help`` and the quiz path stay light.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gkentei_vae import __version__
from gkentei_vae.banks import BankError
from gkentei_vae.commands import COMMAND_MODULES, UsageError
from gkentei_vae.commands.banks_cmds import report_bank_error
from gkentei_vae.study.selection import SelectionError


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="gkentei-vae",
        description="G検定対策: 「変分オートエンコーダ(VAE)覚えうた」で学ぶ問題演習・復習・VAEデモ",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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
        from gkentei_vae.commands.home import run_home

        handler = run_home
    try:
        return int(handler(args) or 0)
    except (UsageError, SelectionError) as exc:
        where = f"gkentei-vae {args.command}" if args.command else "gkentei-vae"
        print(f"{where}: {exc}", file=sys.stderr)
        return 2
    except BankError as exc:
        # Every command that loads banks refuses to start on an invalid one, the same way.
        return report_bank_error(exc)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
