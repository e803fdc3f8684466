"""Subcommand modules. Each has ``register(subparsers)``; none imports torch or textual at import."""

from __future__ import annotations


class UsageError(Exception):
    """Bad command-line input (exit status 2); the message is shown to the user."""


from gkentei_vae.commands import banks_cmds, exam_cmd, export_cmd, quiz_cmd  # noqa: E402

# One module per area, in the order `--help` lists them.
COMMAND_MODULES = [
    quiz_cmd,
    exam_cmd,
    banks_cmds,
    export_cmd,
]
