"""Subcommand modules. Each has ``register(subparsers)``; none imports torch or textual at import."""

from __future__ import annotations


class UsageError(Exception):
    """Bad command-line input (exit status 2); the message is shown to the user."""


from gkentei_vae.commands import (  # noqa: E402
    banks_cmds,
    exam_cmd,
    export_cmd,
    quiz_cmd,
    study_cmds,
)

# One module per area, in the order `--help` lists them.
COMMAND_MODULES = [
    quiz_cmd,
    exam_cmd,
    study_cmds,
    banks_cmds,
    export_cmd,
]
