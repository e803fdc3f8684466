"""Demo latency: pressing `e` on an answered question → the demo's first frame, torch warm.

Headless Pilot on the real quiz and the real bundled model (in its process, warmed
before timing). Each demo gets a fresh app over one question that opens it, built as the
CLI builds it: the session's demo is prepared by the model process and the app has
finished its own warm-up (importing the demo screens, reading their stylesheets) before
the first press, as while a learner reads the question. Medians and the worst press
(the first open in the fresh app included) per demo id. Two clocks:

- in-app: from the moment the `e` key's action runs to the moment the first frame
  of the demo has been composed (a ``call_after_refresh`` after the data is drawn);
  this is what a learner waits for.
- harness: from ``pilot.press("e")`` to the same frame, which adds Pilot's own
  waits for idle; the help screen (`?`, no model work) is measured the same way in
  the same run as the reference.

The budget (issue 19) is on one clock, the harness's: for each demo, its worst press
divided by the median help-screen push of the same run; the last line is
``demo_first_frame_ratio_max=<the largest of those>`` (target ≤ 1.5). The frame timed is
the first one with the demo's data (a prepared demo has no loading frame before it), so
the harness column is also its time to data. A demo opened before the model process is
warm shows a loading line first: for ``COLD_DEMOS`` that case is measured too, and its
time to data printed (``cold_time_to_data_s_max``, budget 5 s).

    .venv/bin/python benchmarks/demos.py [--runs N] [--only ID ...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# Run as a script (``python benchmarks/NAME.py``): the repo's packages come first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import print_table
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
READ_S = 0.5
"""Seconds between the answer and the first `e`: the feedback is read first."""


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
    # As the CLI builds it: the app warms up (imports the demo screens, reads their
    # stylesheets) after start, and the model process prepares the session's demo.
    app = quiz_app(QuizSession.from_picks([pick], seed=0), model=model, warm_model=True)
    async with app.run_test(size=(110, 45)) as pilot:
        while not app.warmed:
            await pilot.pause(0.05)  # the learner reads the question meanwhile
        await asyncio.to_thread(model.call, PREPARED)
        await pilot.press("1")
        await pilot.pause(READ_S)  # the learner reads the feedback, then presses `e`
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


COLD_DEMOS = ("samples", "gan-vs-vae")
"""Demos also opened cold: the lightest VAE demo, and the GAN demo that loads the most
(the GAN, the classifier and a 1,000-sample judgement)."""


async def cold(demo: str) -> float:
    """Seconds from `e` to the demo's data when `e` is pressed at once after start-up, as
    the CLI builds the app (its own model process, started by that `e`): the demo's first
    frame is its loading line, and the data waits for torch, the checkpoints and the
    demo's preparation (issue 19 bounds this time to data: ≤ 5 s on 2 cores)."""
    pick = with_demo(load_default_banks(), demo)
    app = quiz_app(QuizSession.from_picks([pick], seed=0), warm_model=True)
    async with app.run_test(size=(110, 45)) as pilot:
        await pilot.press("1")
        MARKS.clear()
        start = time.perf_counter()
        await pilot.press("e")
        while "frame" not in MARKS:
            await asyncio.sleep(0.005)
        return MARKS["frame"] - start


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
    try:
        _, ref_harness = await measure(model, None, runs)
        rows = []
        for demo in [d for d in DEMOS if not only or d in only]:
            in_app, harness = await measure(model, demo, runs)
            rows.append((demo, in_app, harness))
    finally:
        model.close()
    colds = {demo: await cold(demo) for demo in COLD_DEMOS if not only or demo in only}
    ref = statistics.median(ref_harness)
    table = [
        (
            "demo",
            "in-app median ms",
            "in-app max",
            "harness first ms",
            "harness median",
            "harness max",
            "max × help",
        ),
        ("(help screen)", "-", "-", f"{ref_harness[0]:.1f}", f"{ref:.1f}", "", "1.00"),
    ]
    for demo, in_app, harness in rows:
        table.append(
            (
                demo,
                f"{statistics.median(in_app):.1f}",
                f"{max(in_app):.1f}",
                f"{harness[0]:.1f}",
                f"{statistics.median(harness):.1f}",
                f"{max(harness):.1f}",
                f"{max(harness) / ref:.2f}",
            )
        )
    print_table(table)
    print(f"runs={runs} (torch and checkpoints warm, each session's demo prepared)")
    for demo, seconds in colds.items():
        print(
            f"{demo}: pressed at once after start-up (model not warm): data after {seconds:.2f} s"
        )
    if colds:
        print(f"cold_time_to_data_s_max={max(colds.values()):.2f} (budget 5)")
    print(f"demo_first_frame_ms_max={max(max(h) for _, _, h in rows):.1f} (harness)")
    print(f"demo_first_frame_ratio_max={max(max(h) for _, _, h in rows) / ref:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
