"""Start-up benchmark: launch → first question on screen, against a hello-world Textual app.

Both are whole processes (interpreter start included), run headless, alternating,
several times; the table shows medians and the last line is ``startup_ratio=<ours/hello>``.
Ours is measured as every start after the first, as the CLI builds it (``mode_app``: the
mode builder, the model process due 0.3 s after mount): the validated-bank cache is warm,
and so is Python's bytecode cache, as in an installed package (both processes write it
under a private ``PYTHONPYCACHEPREFIX``: with ``PYTHONDONTWRITEBYTECODE`` set, as in some
development shells, every start would compile our modules from source).

    .venv/bin/python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello")

async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

Hello().run(headless=True, auto_pilot=first_frame)
"""

OURS = """
import sys
from gkentei_vae.cli import build_parser
from gkentei_vae.commands.common import mode_app

# What `gkentei-vae quiz --seed 1` runs (cli.main → commands/quiz_cmd.py → common.run_mode),
# headless: the app as the mode builder makes it, its model process due 0.3 s after mount.
argv = ["quiz", "--seed", "1"]
args = build_parser(argv).parse_args(argv)

async def first_question(pilot):
    # Imported here: the CLI imports the quiz screen (and Textual) inside mode_app.
    from gkentei_vae.tui.quiz_screen import QuizScreen

    while not isinstance(pilot.app.screen, QuizScreen):
        await pilot.pause()
    await pilot.pause()
    assert pilot.app.screen.session.current.pick.question.stem
    pilot.app.exit()

with mode_app(args, "quiz") as app:
    app.run(headless=True, auto_pilot=first_question)
assert "torch" not in sys.modules
"""


def timed(code: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(
            f"benchmark process failed:\n{proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    # A private cache dir: the warm-up run below fills the validated-bank cache, as
    # a learner's first start does; every measured run is a later start.
    os.environ["GKENTEI_VAE_CACHE"] = tempfile.mkdtemp(prefix="gkentei-startup-")
    os.environ["GKENTEI_VAE_HOME"] = tempfile.mkdtemp(prefix="gkentei-startup-home-")
    os.environ["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="gkentei-startup-pyc-")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    timed(HELLO), timed(OURS)  # warm the OS file cache for both
    hello, ours = [], []
    for _ in range(runs):
        hello.append(timed(HELLO))
        ours.append(timed(OURS))
    rows = [
        ("hello-world Textual app (reference)", hello),
        ("gkentei-vae quiz → first question", ours),
    ]
    print(f"{'what':<40} {'wall median s':>13} {'wall min s':>10} {'cpu median s':>12}")
    for name, samples in rows:
        walls = [w for w, _ in samples]
        cpus = [c for _, c in samples]
        print(
            f"{name:<40} {statistics.median(walls):13.3f} {min(walls):10.3f} {statistics.median(cpus):12.3f}"
        )
    h = statistics.median(w for w, _ in hello)
    o = statistics.median(w for w, _ in ours)
    cpu_ratio = statistics.median(c for _, c in ours) / statistics.median(c for _, c in hello)
    print(
        f"runs={runs} cpu_ratio={cpu_ratio:.2f} (CPU time is steadier than wall time on a busy machine)"
    )
    print(f"startup_ratio={o / h:.2f}")


if __name__ == "__main__":
    main()
