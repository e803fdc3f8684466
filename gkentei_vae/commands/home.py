"""What `gkentei-vae` with no command does."""

from __future__ import annotations

import argparse


def run_home(args: argparse.Namespace) -> int:
    """Until the home screen exists: a short guide to the commands."""
    from gkentei_vae.cli import build_parser

    build_parser().print_help()
    return 0
