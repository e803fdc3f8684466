"""One tab's app, tied to serve's life: ``python -m gkentei_vae.web.tab SERVE_PID ARGS…``.

serve starts every tab as this module, which asks Linux to SIGKILL the process when its
parent dies (``PR_SET_PDEATHSIG``; the parent is the thread that forked it: serve's event
loop, its main thread, which lives as long as serve) and then execs
``python -m gkentei_vae ARGS…`` in place, keeping that setting. So even ``kill -9`` of serve
ends every app; their model processes watch their parent and end too
(``gkentei_vae.model_process.worker``).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>."""


def main(argv: list[str] | None = None) -> None:
    """Set the parent-death signal, check the parent is still serve, exec the app."""
    args = sys.argv[1:] if argv is None else argv
    parent, rest = int(args[0]), args[1:]
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        sys.exit(1)  # serve died before the signal was armed: nobody to serve
    os.execv(sys.executable, [sys.executable, "-m", "gkentei_vae", *rest])


if __name__ == "__main__":
    main()
