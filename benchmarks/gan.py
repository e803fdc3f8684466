"""GAN vs VAE, measured: the bundled models, and how often the live demo's claims hold.

    .venv/bin/python benchmarks/gan.py [--seeds 5] [--steps N]

With one torch thread (as the model process runs), it measures:

- the bundled GAN, the bundled main VAE and real digits with ``judge.py`` (the
  numbers ``gan_vs_vae`` shows), and how long the demo takes: the one-off
  ``prepare_gan_vs_vae`` and the first frame after it (median of 20);
- ``gan_training`` for every seed: wall-clock and CPU seconds, which of its claims
  held (``live_claims``), and the same for ``failing=True`` with the step at
  which the discriminator had won (D calls ≥ 95 % of fakes fake for 10 steps in a row).

It prints a table per part; the last line is
``gan_grey=… vae_grey=… real_grey=… fd_gan=… fd_vae=… gan_classes=… live_s=… live_claims_held=K/N``
where ``live_s`` is the median wall-clock seconds of one live run and K/N counts
(claim, seed) pairs of the normal live run that held.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import print_table
from gkentei_vae import paths
from gkentei_vae.demos import gan_demos


def table(rows: list[tuple[str, ...]]) -> None:
    print_table(rows)
    print()


def timed_run(**kwargs: Any) -> tuple[list[dict[str, Any]], float, float]:
    """All records of one gan_training run, its wall-clock and its CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    records = list(gan_demos.gan_training(**kwargs))
    return records, time.perf_counter() - wall, time.process_time() - cpu


def won_at(records: list[dict[str, Any]], run: int = 10) -> int | None:
    """First step after which D called ≥ 95 % of fakes fake ``run`` steps in a row."""
    streak = 0
    for r in records:
        streak = streak + 1 if r["d_fake"] >= 0.95 else 0
        if streak == run:
            return r["step"] - run + 1
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="live runs of each kind")
    parser.add_argument("--steps", type=int, default=gan_demos.LIVE_STEPS, help="live steps")
    args = parser.parse_args()
    torch.set_num_threads(paths.torch_threads())  # as the model process has it

    t0 = time.perf_counter()
    gan_demos._state()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    measured = gan_demos.prepare_gan_vs_vae()
    prepare_s = time.perf_counter() - t0
    frames = []
    for seed in range(20):
        t0 = time.perf_counter()
        gan_demos.gan_vs_vae(seed=seed)
        frames.append(time.perf_counter() - t0)
    frame_ms = 1000 * statistics.median(frames)

    gan, vae, real = measured["gan"], measured["vae"], measured["real"]
    rows = [("bundled models (1,000 samples; real: 500 held-out)", "GAN", "VAE main", "real")]
    rows += [
        ("grey share of ink pixels", *(f"{m['grey']:.1%}" for m in (gan, vae, real))),
        ("Laplacian variance", *(f"{m['laplacian']:.3f}" for m in (gan, vae, real))),
        ("classes covered (>= 2 %)", *(f"{m['classes']}/10" for m in (gan, vae, real))),
        (
            "FD to held-out (real: 1,000 training digits)",
            *(f"{m['fd']:.1f}" for m in (gan, vae, real)),
        ),
        (
            "realistic (inside real k-NN balls)",
            *(f"{m['realistic']:.1%}" for m in (gan, vae, real)),
        ),
        ("mode collapse measured", *(str(m["mode_collapse"]) for m in (gan, vae, real))),
    ]
    table(rows)
    table(
        [
            ("gan_vs_vae timing, 1 torch thread", "seconds"),
            ("load models + held-out digits (once)", f"{load_s:.2f}"),
            ("prepare_gan_vs_vae: 1,000-sample measurement (once)", f"{prepare_s:.2f}"),
            ("first frame after prepare, median of 20", f"{frame_ms / 1000:.3f}"),
        ]
    )

    live: list[tuple[int, float, float, dict[str, bool], dict[str, Any]]] = []
    for seed in range(args.seeds):
        records, wall, cpu = timed_run(seed=seed, steps=args.steps)
        last = records[-1]
        live.append((seed, wall, cpu, last["claims"], last["final"]))
        print(f"live seed {seed}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    failing = []
    for seed in range(args.seeds):
        records, wall, cpu = timed_run(seed=seed, failing=True)
        step = won_at(records)
        seconds = records[step - 1]["seconds"] if step else None
        failing.append(
            (seed, wall, records[-1]["claims"], step, seconds, records[-1]["final_spread"])
        )
        print(f"failing seed {seed}: {wall:.1f} s wall, D won at step {step}", flush=True)
    print()

    claims = list(live[0][3])
    rows = [("live claim (normal run)", *(f"seed {s}" for s, *_ in live), "held")]
    for claim in claims:
        held = [run[3][claim] for run in live]
        rows.append((claim, *("yes" if h else "no" for h in held), f"{sum(held)}/{len(held)}"))
    rows.append(
        (
            "GAN FD / VAE FD at the end",
            *(f"{f['gan']['fd']:.0f}/{f['vae']['fd']:.0f}" for *_, f in live),
            "",
        )
    )
    rows.append(
        (
            "GAN grey / VAE grey",
            *(f"{f['gan']['grey']:.0%}/{f['vae']['grey']:.0%}" for *_, f in live),
            "",
        )
    )
    rows.append(
        (
            "GAN classes / VAE classes",
            *(f"{f['gan']['classes']}/{f['vae']['classes']}" for *_, f in live),
            "",
        )
    )
    rows.append(("wall seconds", *(f"{w:.1f}" for _, w, *_ in live), ""))
    rows.append(("CPU seconds", *(f"{c:.1f}" for _, _, c, *_ in live), ""))
    table(rows)

    rows = [("failing claim", *(f"seed {s}" for s, *_ in failing), "held")]
    for claim in failing[0][2]:
        held = [run[2][claim] for run in failing]
        rows.append((claim, *("yes" if h else "no" for h in held), f"{sum(held)}/{len(held)}"))
    rows.append(("D won at step", *(str(f[3]) for f in failing), ""))
    rows.append(
        ("... at second", *(f"{f[4]:.2f}" if f[4] is not None else "-" for f in failing), "")
    )
    rows.append(("G pixel variance across z", *(f"{f[5]:.1e}" for f in failing), ""))
    rows.append(("wall seconds", *(f"{f[1]:.1f}" for f in failing), ""))
    table(rows)

    held = sum(v for run in live for v in run[3].values())
    total = sum(len(run[3]) for run in live)
    live_s = statistics.median(w for _, w, *_ in live)
    print(
        f"gan_grey={gan['grey']:.3f} vae_grey={vae['grey']:.3f} real_grey={real['grey']:.3f}"
        f" fd_gan={gan['fd']:.1f} fd_vae={vae['fd']:.1f} gan_classes={gan['classes']}"
        f" live_s={live_s:.1f} live_claims_held={held}/{total}"
    )


if __name__ == "__main__":
    main()
