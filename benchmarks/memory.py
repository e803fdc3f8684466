"""Memory of the model process in a learner's session, the app built as the CLI builds it.

Each session is a whole app run headless in this process (``commands/common.py``'s
``mode_app``, the mode builder ``tui/modes.py``, the model process started 0.3 s after
mount as ``gkentei-vae quiz`` starts it), in a fresh data and cache folder. VmRSS of
the model process (and of this, the app's process) is read from /proc (Linux):

- ``gkentei-vae quiz --topic reparam --seed 1``: once the model process reports that the
  session's demos are prepared, and again after one VAE demo (`1`, then `e`);
- a quiz whose question opens gan-vs-vae: after that demo is shown;
- a quiz whose question opens gan-training: after its live run has ended by itself.

Each figure is the median of ``--runs`` sessions. The reference is a model process that
has loaded torch and the checkpoints and computed nothing yet (the same sessions, at
``ready``). The last line is ``model_rss_mb_vae_session=<x>`` (after the VAE demo; the
budget is 650, issue 19).

    .venv/bin/python benchmarks/memory.py [--runs N] [--no-gan]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

# Run as a script (``python benchmarks/NAME.py``): the repo's packages come first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import print_table
from gkentei_vae.cli import build_parser
from gkentei_vae.commands import common
from gkentei_vae.model_process.worker import PREPARED
from gkentei_vae.study.selection import load_default_banks, with_demo
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui import modes
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.demo_base import LiveDemoScreen
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.launch import mode_app

VAE_SESSION = ["quiz", "--topic", "reparam", "--seed", "1"]
"""The learner's command of the budget's figure (issue 19)."""
SIZE = (110, 45)


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


Rows = dict[str, float]
"""Moment → model process RSS MB (and ``app …`` → the app's)."""
Steps = Callable[[GkenteiApp, Pilot[Any], Rows], Awaitable[None]]


async def _until(pilot: Pilot[Any], done: Callable[[], object], timeout: float = 300) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not done():
        if loop.time() > end:
            raise SystemExit("benchmark: timed out waiting")
        await pilot.pause(0.05)


async def _model_ready(app: GkenteiApp, pilot: Pilot[Any], rows: Rows) -> int:
    """Wait until the model process is warm and has prepared the session's demos."""
    await _until(pilot, lambda: app.model is not None and app.model.settled)
    model = app.model
    assert model is not None and model.ready, model and model.error
    pid = model.pid or 0
    rows["ready (reference)"] = rss_mb(pid)
    await asyncio.to_thread(model.call, PREPARED)
    rows["demos prepared"] = rss_mb(pid)
    return pid


async def _open_demo(app: GkenteiApp, pilot: Pilot[Any], live: bool) -> None:
    await pilot.press("1", "e")
    screen = app.screen
    if live:
        assert isinstance(screen, LiveDemoScreen)
        await _until(pilot, lambda: screen.finished or screen.error)
    else:
        assert isinstance(screen, DemoScreen)
        await _until(pilot, lambda: screen.data is not None or screen.error)
    assert screen.error is None, screen.error


def vae_steps() -> Steps:
    async def steps(app: GkenteiApp, pilot: Pilot[Any], rows: Rows) -> None:
        pid = await _model_ready(app, pilot, rows)
        await _open_demo(app, pilot, live=False)
        rows["after one VAE demo"] = rss_mb(pid)
        rows["app, after the demo"] = rss_mb()

    return steps


def gan_steps(demo: str, live: bool, moment: str) -> Steps:
    async def steps(app: GkenteiApp, pilot: Pilot[Any], rows: Rows) -> None:
        pid = await _model_ready(app, pilot, rows)
        await _open_demo(app, pilot, live)
        rows[moment] = rss_mb(pid)

    return steps


async def session(command: list[str], demo: str | None, steps: Steps) -> Rows:
    """One session in fresh folders: the CLI's app for ``command``, or (``demo``) the CLI's
    quiz app over one question that opens ``demo``."""
    os.environ["GKENTEI_VAE_HOME"] = tempfile.mkdtemp(prefix="gkentei-memory-")
    os.environ["GKENTEI_VAE_CACHE"] = tempfile.mkdtemp(prefix="gkentei-memory-cache-")
    args = build_parser().parse_args(command)
    rows: Rows = {}
    if demo is None:
        with common.mode_app(args, "quiz") as app:
            assert app is not None
            async with app.run_test(size=SIZE) as pilot:
                await steps(app, pilot, rows)
        return rows
    with common.open_store(args) as store:  # the CLI's app options, over one question
        pick = with_demo(load_default_banks(), demo)
        app = mode_app(
            modes.quiz(QuizSession.from_picks([pick], seed=0)), **common.with_demos(store)
        )
        async with app.run_test(size=SIZE) as pilot:
            await steps(app, pilot, rows)
    return rows


async def measure(runs: int, gan: bool) -> list[tuple[str, list[Rows]]]:
    sessions: list[tuple[str, list[str], str | None, Steps]] = [
        ("quiz --topic reparam --seed 1", VAE_SESSION, None, vae_steps())
    ]
    if gan:
        sessions += [
            (
                "quiz of a gan-vs-vae question",
                ["quiz"],
                "gan-vs-vae",
                gan_steps("gan-vs-vae", False, "after gan-vs-vae"),
            ),
            (
                "quiz of a gan-training question",
                ["quiz"],
                "gan-training",
                gan_steps("gan-training", True, "after gan-training ended"),
            ),
        ]
    results = []
    for name, command, demo, steps in sessions:
        results.append((name, [await session(command, demo, steps) for _ in range(runs)]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-gan", action="store_true", help="only the VAE session")
    parsed = parser.parse_args()
    results = asyncio.run(measure(parsed.runs, not parsed.no_gan))
    table = [("session", "moment", "RSS MB median", "min", "max")]
    for name, runs in results:
        for moment in runs[0]:
            values = [r[moment] for r in runs]
            table.append(
                (
                    name,
                    moment,
                    f"{statistics.median(values):.1f}",
                    f"{min(values):.1f}",
                    f"{max(values):.1f}",
                )
            )
    print_table(table)
    vae = results[0][1]
    ready = statistics.median(r["ready (reference)"] for r in vae)
    after = statistics.median(r["after one VAE demo"] for r in vae)
    print(f"runs={parsed.runs} model process, VAE session / at ready = {after / ready:.2f}")
    print(f"model_rss_mb_vae_session={after:.1f}")


if __name__ == "__main__":
    main()
