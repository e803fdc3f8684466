"""Memory: the app process and the model process, with the model loaded and after it is let go.

Runs the quiz headless with a model whose idle time is short, opens a demo, goes back,
waits for the model process to be released, and reads VmRSS from /proc (Linux) at each
step. The reference is the same app before any model exists.

    .venv/bin/python benchmarks/memory.py [--idle-seconds S]

The last line is ``app_rss_mb_after_release=<x> model_rss_mb_loaded=<y> released=<0|1>``.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.study.selection import load_default_banks, with_demo
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.launch import quiz_app


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def measure(idle_seconds: float) -> list[tuple[str, float, float]]:
    model = ModelClient(idle_seconds=idle_seconds)
    pick = with_demo(load_default_banks(), "samples")
    app = quiz_app(QuizSession.from_picks([pick], seed=0), model=model)
    rows = []
    try:
        async with app.run_test(size=(110, 45)) as pilot:
            await pilot.pause(0.5)
            rows.append(("quiz shown, no model yet", rss_mb(), 0.0))
            await pilot.press("1", "e")
            screen = app.screen
            assert isinstance(screen, DemoScreen)
            while screen.data is None and screen.error is None:
                await pilot.pause(0.05)
            pid = model.pid
            rows.append(("demo shown, model loaded", rss_mb(), rss_mb(pid or 0)))
            await pilot.press("escape")
            while model.releases == 0:
                await pilot.pause(0.1)
            await pilot.pause(0.5)
            rows.append(("after the idle release", rss_mb(), rss_mb(pid or 0)))
    finally:
        model.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    args = parser.parse_args()
    rows = asyncio.run(measure(args.idle_seconds))
    print(f"{'moment':<28} {'app RSS MB':>10} {'model RSS MB':>13}")
    for moment, app, model in rows:
        print(f"{moment:<28} {app:10.1f} {model:13.1f}")
    reference = rows[0][1]
    after = rows[-1]
    print(f"app after release / app before any model = {after[1] / reference:.2f}")
    print(
        f"app_rss_mb_after_release={after[1]:.1f} model_rss_mb_loaded={rows[1][2]:.1f}"
        f" released={int(after[2] == 0.0)}"
    )


if __name__ == "__main__":
    main()
