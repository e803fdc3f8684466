"""The mode-collapse configuration search: each setup × each seed on the ring, one JSON line each.

    python scripts/mode_collapse_search.py --setups demo,ratio1 --seeds 0,1,2,3,4 --out runs.jsonl

Each line: the setup's name, the seed, ``ring_runs.RunSummary``'s fields and the
history of measures every 100 steps. docs/gan.md's search table is made from these
lines by ``--table``. One torch thread, so runs side by side do not fight.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default="", help="comma-separated names of ring_runs.SETUPS")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--steps", type=int, default=None, help="override the setup's steps")
    parser.add_argument("--out", type=Path, help="append JSON lines here (default: stdout)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one thread each)")
    parser.add_argument("--table", nargs="*", type=Path, help="print the docs table of these files")
    args = parser.parse_args(argv)
    if args.table is not None:
        print(table(args.table))
        return 0
    from concurrent.futures import ProcessPoolExecutor, as_completed

    work = [
        (name, int(seed))
        for name in [n for n in args.setups.split(",") if n]
        for seed in args.seeds.split(",")
    ]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(_one, name, seed, args.steps) for name, seed in work]
        for future in as_completed(futures):
            row = future.result()
            line = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
            if args.out:
                with args.out.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
            else:
                print(line, flush=True)
            print(
                f"{row['setup']} seed {row['seed']}: peak {row['peak_share']:.0%} at"
                f" {row['peak_step']}, collapsed {len(row['collapse_steps'])} snapshots,"
                f" final covered {row['final_covered']} hq {row['final_hq']:.0%},"
                f" {row['seconds']:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    return 0


def _one(name: str, seed: int, steps: int | None) -> dict:
    """One run in a worker process, one torch thread; progress every 1,000 steps on stderr."""
    import time

    import torch

    from gkentei_vae.demos.ring_runs import SETUPS, search_row, train_ring

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    snaps = []
    for snap in train_ring(SETUPS[name], seed, steps):
        snaps.append(snap)
        if snap.step % 1000 == 0:
            m = snap.measure
            print(
                f"  {name} seed {seed} step {snap.step}: top {m.top_share:.0%}"
                f" (mode {m.top_mode}) collapsed={m.collapsed} covered {m.covered}"
                f" hq {m.hq_share:.0%}",
                file=sys.stderr,
                flush=True,
            )
    return search_row(name, seed, snaps, time.perf_counter() - t0)


def table(paths: list[Path]) -> str:
    """Markdown: one row per setup (seeds aggregated), one line per seed inside the cells."""
    from gkentei_vae.demos.ring_runs import SETUPS

    rows: dict[str, list[dict]] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.setdefault(row["setup"], []).append(row)
    out = [
        "| setup | setting | steps | collapsed seeds | peak share @ step, per seed"
        " | final modes covered | final HQ share | s / seed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in rows.items():
        runs.sort(key=lambda r: r["seed"])
        setup = SETUPS[name]
        collapsed = sum(1 for r in runs if r["collapse_steps"])
        peaks = ", ".join(f"{r['peak_share']:.0%}@{r['peak_step']}" for r in runs)
        cov = ", ".join(str(r["final_covered"]) for r in runs)
        hq = ", ".join(f"{r['final_hq']:.0%}" for r in runs)
        secs = sum(r["seconds"] for r in runs) / len(runs)
        out.append(
            f"| `{name}` | {setup.label} | {runs[0]['steps']} | {collapsed}/{len(runs)}"
            f" | {peaks} | {cov} | {hq} | {secs:.0f} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
