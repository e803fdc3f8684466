"""Demo latency: pressing `e` on an answered question → the demo's first frame, torch warm.

Headless Pilot on the real quiz and the real bundled model (in its process, warmed
before timing, its background preparation of every demo done); the app is built as the
CLI builds it and has finished its own warm-up (importing the demo screens) before the
first press, as it has while a learner reads the question. Medians and the worst press
(the first open of each demo included) per demo id. Two clocks:

- in-app: from the moment the `e` key's action runs to the moment the first frame
  of the demo has been composed (a ``call_after_refresh`` after the data is drawn);
  this is what a learner waits for.
- harness: from ``pilot.press("e")`` to the same frame, which adds Pilot's own
  waits for idle; the help screen (`?`, no model work) is measured the same way in
  the same run as the reference.

The last lines are ``demo_first_frame_ms_median_max=<x>`` (the slowest demo's median)
and ``demo_first_frame_ms_max=<y>`` (the slowest single press, first opens included;
in-app, target ≤ 150 for both).

    .venv/bin/python benchmarks/demos.py [--runs N] [--only ID ...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from gkentei_vae.demo_registry import DEMOS
from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.model_process.worker import PREPARED
from gkentei_vae.study.selection import load_default_banks, with_demo
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui.demo_base import LiveDemoScreen
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.help_screen import HelpScreen
from gkentei_vae.tui.launch import quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen

MARKS: dict[str, float] = {}


def _instrument() -> None:
    """Time stamps at the key's action and at the first composed frame (benchmark only)."""

    def wrap_action(cls: Any, name: str) -> None:
        original = getattr(cls, name)

        def timed(self: Any, *args: Any) -> Any:
            MARKS["action"] = time.perf_counter()
            return original(self, *args)

        setattr(cls, name, timed)

    def wrap_frame(cls: Any, name: str) -> None:
        original = getattr(cls, name)

        def timed(self: Any, *args: Any) -> Any:
            result = original(self, *args)
            self.call_after_refresh(lambda: MARKS.setdefault("frame", time.perf_counter()))
            return result

        setattr(cls, name, timed)

    wrap_action(QuizScreen, "action_demo")
    wrap_frame(DemoScreen, "show")
    wrap_frame(LiveDemoScreen, "_add")


async def measure(
    model: ModelClient, demo: str | None, runs: int
) -> tuple[list[float], list[float]]:
    """(in-app ms, harness ms) for ``runs`` presses of `e` (or `?` when ``demo`` is None)."""
    in_app, harness = [], []
    pick = with_demo(load_default_banks(), demo or "samples")
    # As the CLI builds it: the app warms up (here: imports the demo screens) after start.
    app = quiz_app(QuizSession.from_picks([pick], seed=0), model=model, warm_model=True)
    async with app.run_test(size=(110, 45)) as pilot:
        while not app.warmed:
            await pilot.pause(0.05)  # the learner reads the question meanwhile
        await pilot.press("1")
        for _ in range(runs):
            MARKS.clear()
            start = time.perf_counter()
            await pilot.press("e" if demo else "question_mark")
            if demo is None:  # the reference: Pilot's own press → idle, with a trivial screen push
                assert isinstance(app.screen, HelpScreen)
                harness.append((time.perf_counter() - start) * 1000)
            else:
                while "frame" not in MARKS:
                    await asyncio.sleep(0.001)
                harness.append((MARKS["frame"] - start) * 1000)
                in_app.append((MARKS["frame"] - MARKS["action"]) * 1000)
            await pilot.press("escape")
            await pilot.pause()
    return in_app, harness


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=[], help="measure only these demo ids")
    parsed = parser.parse_args()
    runs, only = parsed.runs, parsed.only
    _instrument()
    model = ModelClient()
    model.start()
    if not model.wait_ready():
        raise SystemExit(model.error)
    model.call(PREPARED)  # the model process has also prepared every demo in the background
    try:
        _, ref_harness = await measure(model, None, runs)
        rows = []
        for demo in [d for d in DEMOS if not only or d in only]:
            in_app, harness = await measure(model, demo, runs)
            rows.append((demo, statistics.median(in_app), max(in_app), statistics.median(harness)))
    finally:
        model.close()
    ref = statistics.median(ref_harness)
    print(
        f"{'demo':<14} {'in-app median ms':>16} {'in-app max':>10} {'harness median ms':>17} {'harness × help':>14}"
    )
    print(f"{'(help screen)':<14} {'-':>16} {'':>10} {ref:17.1f} {1.0:14.2f}")
    for demo, median, worst, harness in rows:
        print(f"{demo:<14} {median:16.1f} {worst:10.1f} {harness:17.1f} {harness / ref:14.2f}")
    print(f"runs={runs} (medians; torch and checkpoints warm in the model process)")
    print(f"demo_first_frame_ms_median_max={max(m for _, m, _, _ in rows):.1f}")
    print(f"demo_first_frame_ms_max={max(w for _, _, w, _ in rows):.1f}")


if __name__ == "__main__":
    asyncio.run(main())
