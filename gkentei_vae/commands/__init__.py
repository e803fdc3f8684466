"""Subcommand modules. Each has ``register(subparsers)``; none imports torch or textual at import."""

from __future__ import annotations


class UsageError(Exception):
    """Bad command-line input (exit status 2); the message is shown to the user."""


from gkentei_vae.commands import (  # noqa: E402
    banks_cmds,
    demo_cmd,
    exam_cmd,
    export_cmd,
    home,
    quiz_cmd,
    serve_cmd,
    study_cmds,
    vae_cmds,
)

# One module per area, in the order `--help` lists them.
COMMAND_MODULES = [
    quiz_cmd,
    exam_cmd,
    study_cmds,
    home,
    banks_cmds,
    export_cmd,
    vae_cmds,
    demo_cmd,
    serve_cmd,
]
