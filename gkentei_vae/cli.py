"""Command line entry point: builds the parser from the command modules and reports errors.

Each area registers its subcommands from a module in ``gkentei_vae.commands``; those
modules import torch and textual only inside their handlers, so that
``gkentei-vae --help`` and the quiz path stay light. A command line that starts with a
command imports and builds only that command's module (``COMMANDS``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from gkentei_vae import __version__
from gkentei_vae.banks import BankError
from gkentei_vae.commands import common
from gkentei_vae.commands.common import UsageError
from gkentei_vae.study.selection import SelectionError

COMMANDS: dict[str, tuple[str, ...]] = {
    "quiz_cmd": ("quiz",),
    "exam_cmd": ("exam",),
    "study_cmds": ("review", "flashcards", "stats"),
    "forecast_cmd": ("forecast", "optimize"),
    "config_cmd": ("config",),
    "home": ("home",),
    "banks_cmds": ("check", "new-bank", "topics", "lyrics"),
    "export_cmd": ("export",),
    "vae_cmds": ("train", "sample", "reconstruct", "interpolate", "manifold"),
    "demo_cmd": ("demo",),
    "serve_cmd": ("serve",),
}
"""Each module of ``gkentei_vae.commands``, in the order ``--help`` lists them → the
commands its ``register`` adds (tests/test_cli.py checks them against it)."""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: every subcommand, or, when ``argv`` starts with a command, that
    command's module only (the others are neither imported nor built: ~15 ms of a start,
    issue 19; its errors and ``--help`` need no other)."""
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
    first = argv[0] if argv else None
    modules = [m for m, names in COMMANDS.items() if first in names] or list(COMMANDS)
    for module in modules:
        importlib.import_module(f"gkentei_vae.commands.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            # No terminal (a pipe, a script): a guide to the commands, not a screen.
            parser.print_help()
            return 0
        from gkentei_vae.commands import home

        handler = home.run_home
    try:
        return int(handler(args) or 0)
    except (UsageError, SelectionError) as exc:
        where = f"gkentei-vae {args.command}" if args.command else "gkentei-vae"
        common.say(f"{where}: {exc}", err=True)
        return 2
    except BankError as exc:
        # Every command that loads banks refuses to start on an invalid one, the same way.
        from gkentei_vae.commands import banks_cmds

        return banks_cmds.report_bank_error(exc)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
