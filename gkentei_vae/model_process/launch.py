"""How a model process is started: one home for its command line, shared by the two starters.

``ModelClient`` (client.py) starts a private one for the terminal app, talking over its
stdin and stdout; ``serve`` (``gkentei_vae.web.model_host``) starts one for all its tabs,
handing it a listening unix socket. Importing this module costs nothing (no numpy), so
serve can use it.
"""

from __future__ import annotations

import sys

WORKER_MODULE = "gkentei_vae.model_process.worker"
"""The model process's module (``python -m``); tests find model processes by it."""
LISTEN_FD_OPTION = "--listen-fd"
"""``worker --listen-fd N``: serve clients that connect to the listening socket N."""


def worker_command(listen_fd: int | None = None) -> list[str]:
    """The argv of a model process: private (stdin/stdout) or shared (``listen_fd``)."""
    argv = [sys.executable, "-m", WORKER_MODULE]
    if listen_fd is not None:
        argv += [LISTEN_FD_OPTION, str(listen_fd)]
    return argv
