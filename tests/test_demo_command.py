"""`gkentei-vae demo ID` as the learner runs it: the app the command builds, no model handed in."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys

import numpy as np
import pytest

from gkentei_vae.commands.demo_cmd import interactive_app
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.launch import quiz_app
from tests.conftest import REPO, polls, question_with, wait_for, widget_text

SIZE = (110, 50)
READY_WITHIN = 60.0
"""Seconds the model process may take to start (torch import, checkpoints) on a loaded machine."""


async def test_the_demo_command_app_starts_its_own_model_and_shows_the_gradients() -> None:
    app = interactive_app("reparam", 0)
    assert app.model is None  # nothing injected: the app must get its model itself
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, DemoScreen)
        await wait_for(
            pilot, lambda: screen.data is not None or screen.error, READY_WITHIN, "the gradients"
        )
        assert screen.error is None, screen.error
        body = widget_text(screen, "#demo-body")
        assert "∂z/∂μ" in body and "∂z/∂σ" in body
        first = screen.data
        assert first is not None
        await pilot.press("r")
        await wait_for(
            pilot, lambda: screen.data is not None and screen.data is not first, 30, "a new draw"
        )
        assert not np.array_equal(first["eps"], screen.data["eps"])
        await pilot.press("escape")
    assert app.return_code == 0


ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>])")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_the_demo_command_in_a_terminal_shows_the_gradients() -> None:
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gkentei_vae", "demo", "reparam"],
        cwd=REPO,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    seen = ""

    def read() -> None:
        """Whatever the app wrote (a terminal left unread would block it)."""
        nonlocal seen
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 65536).decode("utf-8", "replace")
            except OSError:
                pass

    def read_until(wanted: tuple[str, ...], timeout: float) -> None:
        def shown() -> bool:
            return all(w in ANSI.sub("", seen) for w in wanted)

        for _ in polls(shown, f"{wanted} on the terminal", timeout):
            read()

    try:
        read_until(("∂z/∂μ", "∂z/∂σ", "引き直す"), READY_WITHIN)
        assert "モデルを使えません" not in ANSI.sub("", seen)
        seen = ""
        os.write(master, b"r")  # a new draw repaints the table
        read_until(("∂z/∂σ",), 30)
        os.write(master, b"\x1b")
        for _ in polls(lambda: proc.poll() is not None, "the app to end on Esc", 30):
            read()
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        os.close(master)


async def test_e_pressed_before_the_warm_up_timer_waits_for_the_model() -> None:
    # What home and every `serve` tab do: warm_model=True, the model made 0.3 s after start.
    app = quiz_app(question_with("samples"), warm_model=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "e")  # before WARM_DELAY has passed
        screen = app.screen
        assert isinstance(screen, DemoScreen)
        assert "モデルを使えません" not in widget_text(screen, "#demo-status")
        await wait_for(
            pilot, lambda: screen.data is not None or screen.error, READY_WITHIN, "the samples"
        )
        assert screen.error is None, screen.error
        assert screen.data is not None and screen.data["images"].shape[1:] == (28, 28)
