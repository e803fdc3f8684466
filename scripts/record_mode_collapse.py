"""Record the GAN runs the ``mode-collapse`` demo replays (and the docs' claims count over).

    python scripts/record_mode_collapse.py [--jobs N] [--out PATH] [--search-out runs.jsonl]

Trains the demo's GAN configuration and its remedy (``demos.mode_collapse.GAN_SETUP``,
``REMEDY_SETUP``) for seeds 0–4 with one torch thread through the project's training
code, and writes ``gkentei_vae/demos/recorded/mode_collapse.npz``. ``--search-out``
also appends the runs as search lines (``scripts/mode_collapse_search.py --table``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    import torch

    from gkentei_vae.demos.mode_collapse import RECORDING, record

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RECORDING)
    parser.add_argument("--search-out", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one thread each)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    meta, rows = record(args.out, jobs=args.jobs)
    if args.search_out:
        with args.search_out.open("a", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    for name, run in meta["runs"].items():
        for seed, s in run["summaries"].items():
            print(
                f"{name} seed {seed}: peak {s['peak_share']:.0%} at {s['peak_step']},"
                f" collapsed at {s['collapse_steps'][:3]}, final covered {s['final_covered']}"
                f" hq {s['final_hq']:.0%}"
            )
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
