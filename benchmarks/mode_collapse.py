"""The mode-collapse demo, measured over seeds: does the GAN collapse, does the VAE blur?

    .venv/bin/python benchmarks/mode_collapse.py [--seeds 5] [--recorded] [--jobs N]

For each seed it trains the demo's GAN configuration (``mode_collapse.GAN_SETUP``,
the command that made the replayed recording) and the live VAE
(``mode_collapse.VAE_SETUP``) through the project's training code, one torch thread
each, and measures both with ``models.ring.measure`` every 100 steps. ``--recorded``
reads the GAN's numbers from the bundled recording instead of training it again
(the VAE, the live part, is always trained). Per seed: the GAN's peak single-mode
share and its step, whether and when it collapsed (``ModeMeasure.collapsed``), its
final modes covered and high-quality share; the same for the VAE; the seconds. The
last line is

``gan_peak_mode_share_median=… gan_collapse_seeds=K/N vae_modes_min=… vae_modes6_seeds=K/N
vae_hq_median=… gan_hq_median=… vae_hq_below_gan_seeds=K/N live_s=…``

where ``live_s`` is the largest wall-clock seconds of one seed's live VAE (training
and measuring), which must stay within the demo's 15 s; then the remedy's (``b``,
always from the recording): ``remedy_collapse_seeds=K/N vae_hq_below_remedy_seeds=K/N``.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import print_table
from gkentei_vae.demos.mode_collapse import GAN_SETUP, REMEDY_SETUP, VAE_SETUP, load_recording
from gkentei_vae.demos.ring_runs import median, run_summary


def _timed(name: str, seed: int) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    row = run_summary(name, seed)
    row["wall"] = time.perf_counter() - t0
    return row


def _cells(row: dict[str, Any]) -> tuple[str, ...]:
    collapsed = row["collapse_steps"]
    return (
        f"{row['peak_share']:.0%}@{row['peak_step']}",
        f"{collapsed[0]} ({len(collapsed)})" if collapsed else "-",
        f"{row['final_covered']}/8",
        f"{row['final_hq']:.0%}",
        f"{row['wall']:.1f}" if "wall" in row else "recorded",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--recorded", action="store_true", help="GAN numbers from the recording")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one thread each)")
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    work = [(VAE_SETUP, s) for s in seeds]
    if not args.recorded:
        work += [(GAN_SETUP, s) for s in seeds]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(_timed, *zip(*work, strict=True)))
    vae = {r["seed"]: r for r in rows if r["setup"] == VAE_SETUP}
    recording = load_recording()
    if args.recorded:
        summaries = recording[GAN_SETUP].summaries
        gan = {s: {"seed": s, **summaries[s].to_dict()} for s in seeds}
    else:
        gan = {r["seed"]: r for r in rows if r["setup"] == GAN_SETUP}
    # The remedy (``b``) is always read from the recording: it is replayed, never live.
    remedy = {
        s: {"seed": s, **recording[REMEDY_SETUP].summaries[s].to_dict()}
        for s in seeds
        if s in recording[REMEDY_SETUP].summaries
    }

    header = ("seed", "peak@step", "collapsed at (n)", "covered", "HQ", "s")
    print(f"GAN ({GAN_SETUP})")
    print_table([header, *[(str(s), *_cells(gan[s])) for s in seeds]])
    if remedy:
        print(f"GAN remedy ({REMEDY_SETUP}, recorded)")
        print_table([header, *[(str(s), *_cells(remedy[s])) for s in remedy]])
    print(f"VAE ({VAE_SETUP}, the live part)")
    print_table([header, *[(str(s), *_cells(vae[s])) for s in seeds]])

    n = len(seeds)
    collapsed = sum(1 for s in seeds if gan[s]["collapse_steps"])
    vae6 = sum(1 for s in seeds if vae[s]["final_covered"] >= 6)
    below = sum(1 for s in seeds if vae[s]["final_hq"] < gan[s]["final_hq"])
    print(
        f"gan_peak_mode_share_median={median([gan[s]['peak_share'] for s in seeds]):.3f}"
        f" gan_collapse_seeds={collapsed}/{n}"
        f" vae_modes_min={min(vae[s]['final_covered'] for s in seeds)}"
        f" vae_modes6_seeds={vae6}/{n}"
        f" vae_hq_median={median([vae[s]['final_hq'] for s in seeds]):.3f}"
        f" gan_hq_median={median([gan[s]['final_hq'] for s in seeds]):.3f}"
        f" vae_hq_below_gan_seeds={below}/{n}"
        f" live_s={max(vae[s]['wall'] for s in seeds):.1f}"
        f" remedy_collapse_seeds={sum(1 for r in remedy.values() if r['collapse_steps'])}/{len(remedy)}"
        f" vae_hq_below_remedy_seeds={sum(1 for s, r in remedy.items() if vae[s]['final_hq'] < r['final_hq'])}/{len(remedy)}"
    )


if __name__ == "__main__":
    main()
