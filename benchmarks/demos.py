"""Demo latency: pressing `e` on an answered question → the demo's first frame, torch warm.

Headless Pilot on the real quiz and the real bundled model (in its process, warmed
before timing). For each demo id: median over several presses. The reference,
measured in the same run, is pressing `?` → the help screen (a screen push with no
model work). The last line is ``demo_first_frame_ms_max=<x>`` (target ≤ 150).

    .venv/bin/python benchmarks/demos.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from gkentei_vae.banks.vocab import DEMOS
from gkentei_vae.model_client import ModelClient
from gkentei_vae.study.selection import Pick, load_default_banks
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.help_screen import HelpScreen
from gkentei_vae.tui.kl_training_screen import KlTrainingScreen
from gkentei_vae.tui.launch import quiz_app


def session_for(demo: str) -> QuizSession:
    for bank in load_default_banks():
        for q in bank.questions:
            if q.demo == demo:
                return QuizSession.from_picks([Pick(bank, q)], seed=0)
    raise SystemExit(f"no question has demo {demo}")


def first_frame(screen: object) -> bool:
    if isinstance(screen, KlTrainingScreen):
        return bool(screen.records)
    if isinstance(screen, DemoScreen):
        return screen.data is not None
    return isinstance(screen, HelpScreen)


async def measure(model: ModelClient, demo: str | None, runs: int) -> list[float]:
    """Milliseconds from the key press to the first frame, ``runs`` times."""
    times = []
    app = quiz_app(session_for(demo or "samples"))
    app.model = model
    async with app.run_test(size=(110, 45)) as pilot:
        await pilot.press("1")
        for _ in range(runs):
            start = time.perf_counter()
            await pilot.press("e" if demo else "question_mark")
            while not first_frame(app.screen):
                await asyncio.sleep(0.001)
            await pilot.pause()  # the frame is on screen once the refresh has run
            times.append((time.perf_counter() - start) * 1000)
            await pilot.press("escape")
            await pilot.pause()
    return times


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=[], help="measure only these demo ids")
    parsed = parser.parse_args()
    runs, only = parsed.runs, parsed.only
    model = ModelClient()
    model.start()
    if not model.wait_ready():
        raise SystemExit(model.error)
    try:
        reference = statistics.median(await measure(model, None, runs))
        rows = []
        for demo in [d for d in DEMOS if not only or d in only]:
            times = await measure(model, demo, runs)
            rows.append((demo, statistics.median(times), max(times)))
    finally:
        model.close()
    print(f"{'demo':<14} {'median ms':>10} {'max ms':>8} {'× help screen':>14}")
    print(f"{'(help screen)':<14} {reference:10.1f} {'':>8} {1.0:14.2f}")
    for demo, median, worst in rows:
        print(f"{demo:<14} {median:10.1f} {worst:8.1f} {median / reference:14.2f}")
    print(f"runs={runs} (median per demo; torch and checkpoints warm in the model process)")
    print(f"demo_first_frame_ms_max={max(m for _, m, _ in rows):.1f}")


if __name__ == "__main__":
    asyncio.run(main())
