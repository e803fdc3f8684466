"""Lyric L9's 「モード崩壊」 measured: a GAN and a VAE on the ring of eight Gaussians.

The GAN configuration that collapses most reliably (Metz et al.'s, 5/5 seeds) collapses
after 3,600–6,400 steps and ends sharp after 25,000 (minutes on one CPU thread), far
too slow to be live, so its run is **recorded** offline by the same training
code (``scripts/record_mode_collapse.py`` → :data:`RECORDING`) and replayed, with
「記録した実行」 on screen; the VAE beside it trains live. Every number and
sentence comes from ``models.ring.measure`` on those runs (:func:`ring_sentences`).

The recording is an ``.npz`` (``allow_pickle=False``): per setup, the shown seed's
measures at every snapshot and a subsample of its points at every replayed one, and every recorded
seed's summary (the docs' claims table), plus a JSON string of metadata.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gkentei_vae.demo_data import ModeCollapseRecord, RingFrame
from gkentei_vae.demos.ring_runs import (
    SAMPLES,
    SETUPS,
    RunSummary,
    Snapshot,
    search_row,
    snapshot_steps,
    summarize,
    summary_of,
    train_ring,
)
from gkentei_vae.models.ring import (
    COLLAPSE_SHARE,
    COVER_SHARE,
    HQ_SIGMAS,
    MODES,
    NEAR,
    OTHER_MAX,
    SIGMA,
    SPACING,
    ModeMeasure,
)

RECORDING = Path(__file__).resolve().parent / "recorded" / "mode_collapse.npz"
"""The recorded GAN runs the demo replays (made by ``scripts/record_mode_collapse.py``)."""
RECORD_COMMAND = "python scripts/record_mode_collapse.py"
"""The command that makes :data:`RECORDING` again (docs/gan.md names it)."""
GAN_SETUP = "published"
"""The GAN configuration shown first: the most reliable collapse of the search (5/5)."""
REMEDY_SETUP = "published_pack2"
"""``b``: the remedy, PacGAN packing 2 with everything else as ``GAN_SETUP``, same seeds."""
VAE_SETUP = "vae"
"""The VAE trained live beside the replay."""
RECORD_SEEDS = (0, 1, 2, 3, 4)
"""Seeds recorded for every setup (the claims table counts over them)."""
SHOWN_SEED = 3
"""The recorded seed the demo replays: of the five ``GAN_SETUP`` runs, the one whose final
high-quality share is the median (52 %), so the screen shows a typical run, not the best."""
SHOWN_POINTS = 400
"""Points per replayed snapshot kept in the recording and drawn in the scatter."""
REPLAY_EVERY = 500
"""Steps between the recorded GAN snapshots the demo replays (and whose points it keeps).
Every snapshot's measures are kept (the summaries count over them); the screen's
history strip is at most ~30 columns wide, so a frame every 500 of 25,000 steps is plenty."""
RADIUS_NOTE = (
    f"「モードの上」= モードの中心から {NEAR} 以内。隣のモードまでの距離 {SPACING:.2f} の約 1/7"
    f" (σ {SIGMA} の 10 倍) なので、2 つのモードの間の点はどちらにも数えません。"
    f"高品質 = {HQ_SIGMAS:.0f}σ ({HQ_SIGMAS * SIGMA:.2f}) 以内。"
    f"モード崩壊 = 全サンプルの {COLLAPSE_SHARE:.0%} 以上が 1 つのモードの上にあり、"
    f"他のどのモードも {OTHER_MAX:.0%} 以下。"
)
"""Which radius the screen uses and why (shown under the scatter)."""


@dataclass
class RecordedRun:
    """One setup's recorded runs: the shown seed's snapshots and every seed's summary."""

    setup: str
    """Name in ``ring_runs.SETUPS``."""
    seed: int
    """The seed whose snapshots are replayed."""
    steps: list[int]
    """Snapshot steps."""
    seconds: list[float]
    """Training seconds at each snapshot (the recording machine's)."""
    measures: list[ModeMeasure]
    """The measures at each snapshot (all :data:`ring_runs.SAMPLES` samples)."""
    shown: list[int]
    """Indices (into ``steps``) of the snapshots the demo replays (:func:`replayed`)."""
    points: np.ndarray
    """float16 [len(shown), SHOWN_POINTS, 2]: the first points of each replayed snapshot."""
    summaries: dict[int, RunSummary]
    """Seed → summary, every recorded seed."""


def _summary_from(d: dict[str, Any]) -> RunSummary:
    return RunSummary(
        peak_share=d["peak_share"],
        peak_step=d["peak_step"],
        peak_mode=d["peak_mode"],
        collapse_steps=tuple(d["collapse_steps"]),
        collapse_modes=tuple(d["collapse_modes"]),
        final_covered=d["final_covered"],
        final_hq=d["final_hq"],
        final_near=d["final_near"],
        steps=d["steps"],
        seconds=d["seconds"],
    )


def replayed(steps: list[int]) -> list[int]:
    """Indices of the snapshots replayed: every :data:`REPLAY_EVERY` steps, and the last."""
    last = len(steps) - 1
    return [i for i, step in enumerate(steps) if step % REPLAY_EVERY == 0 or i == last]


def _record_run(name: str, seed: int, keep: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Train one recorded run: (its search row, its arrays if ``keep`` else {})."""
    import torch

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    snaps = list(train_ring(SETUPS[name], seed))
    row = search_row(name, seed, snaps, time.perf_counter() - t0)
    if not keep:
        return row, {}
    shown = replayed([s.step for s in snaps])
    return row, {
        f"{name}_steps": np.array([s.step for s in snaps], dtype=np.int64),
        f"{name}_seconds": np.array([s.seconds for s in snaps], np.float64),
        f"{name}_near": np.array([s.measure.near for s in snaps], np.float64),
        f"{name}_hq": np.array([s.measure.hq for s in snaps], np.float64),
        f"{name}_shown": np.array(shown, dtype=np.int64),
        f"{name}_points": np.stack([snaps[i].points[:SHOWN_POINTS] for i in shown]).astype(
            np.float16
        ),
    }


def record(
    path: Path,
    seeds: tuple[int, ...] = RECORD_SEEDS,
    shown: int = SHOWN_SEED,
    jobs: int = 1,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train the demo's GAN and its remedy for ``seeds``, one torch thread a run, ``jobs``
    runs at a time; save to ``path``. Returns the metadata and one search row per run
    (``ring_runs.search_row``: the runs count in the docs' search table, trained once)."""
    from concurrent.futures import ProcessPoolExecutor

    import torch

    work = [(name, seed, seed == shown) for name in (GAN_SETUP, REMEDY_SETUP) for seed in seeds]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(_record_run, *zip(*work, strict=True)))
    arrays: dict[str, np.ndarray] = {}
    rows = [row for row, _ in results]
    for _, kept in results:
        arrays.update(kept)
    meta: dict[str, Any] = {
        "command": RECORD_COMMAND,
        "torch_version": str(torch.__version__),
        "threads": 1,
        "runs": {
            name: {
                "seed": shown,
                "samples": SAMPLES,
                "options": dict(SETUPS[name].options),
                "summaries": {
                    str(r["seed"]): {k: r[k] for k in RunSummary.__dataclass_fields__}
                    for r in rows
                    if r["setup"] == name
                },
            }
            for name in (GAN_SETUP, REMEDY_SETUP)
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    # numpy's stub types **kwds as the allow_pickle flag; the arrays are what it saves.
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]
    return meta, rows


def load_recording(path: Path | None = None) -> dict[str, RecordedRun]:
    """The recorded runs (default :data:`RECORDING`), setup name → :class:`RecordedRun`.

    Never unpickles (``allow_pickle=False``).
    """
    with np.load(path or RECORDING, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        runs: dict[str, RecordedRun] = {}
        for name, info in meta["runs"].items():
            samples = int(info["samples"])
            near, hq = data[f"{name}_near"], data[f"{name}_hq"]
            runs[name] = RecordedRun(
                setup=name,
                seed=int(info["seed"]),
                steps=[int(s) for s in data[f"{name}_steps"]],
                seconds=[float(s) for s in data[f"{name}_seconds"]],
                measures=[
                    ModeMeasure(tuple(map(float, n)), tuple(map(float, h)), samples)
                    for n, h in zip(near, hq, strict=True)
                ],
                shown=[int(i) for i in data[f"{name}_shown"]],
                points=np.asarray(data[f"{name}_points"]),
                summaries={int(k): _summary_from(v) for k, v in info["summaries"].items()},
            )
    return runs


def _frame(step: int, m: ModeMeasure, points: np.ndarray) -> RingFrame:
    return {
        "step": step,
        "near": [float(v) for v in m.near],
        "hq": [float(v) for v in m.hq],
        "covered": m.covered,
        "hq_share": m.hq_share,
        "top_share": m.top_share,
        "top_mode": m.top_mode,
        "collapsed": m.collapsed,
        "points": np.asarray(points, dtype=np.float32),
    }


def _progress(count: int) -> list[float]:
    """Where each of ``count`` snapshots falls on a 0–1 timeline (the last at 1)."""
    return [i / (count - 1) if count > 1 else 1.0 for i in range(count)]


def mode_collapse(
    seed: int = 0, remedy: bool = False, vae_steps: int | None = None
) -> Iterator[ModeCollapseRecord]:
    """Replay the recorded GAN run beside a VAE trained live on the ring; a record per snapshot.

    The two runs have different lengths (the GAN's recording 25,000 steps, the live VAE
    3,000), so both are laid on one timeline from start to end: a record carries each
    side's frame that falls at its point of the timeline (a side without a new frame
    leaves its key out), and both end on the last record. Every record::

        {"gan_steps": int, "vae_steps": int, "setup": str, "label": str, "remedy": bool,
         "recorded_seed": int, "live_seconds": float, "gan": frame, "vae": frame}

    where a frame is ``{"step", "near": [8], "hq": [8], "covered", "hq_share",
    "top_share", "top_mode", "collapsed", "points": float32 [N, 2]}``. The last record
    also has ``final`` ({"gan": RunSummary dict, "vae": ...}), ``claims`` ({name: bool}),
    ``sentences`` ([str]) and ``note`` (:data:`RADIUS_NOTE`). ``seed`` seeds the live VAE;
    the GAN is the recording's seed. ``vae_steps`` shortens the live part (tests).
    """
    name = REMEDY_SETUP if remedy else GAN_SETUP
    run = load_recording()[name]
    vae_setup = SETUPS[VAE_SETUP]
    steps = vae_setup.steps if vae_steps is None else vae_steps
    start = time.perf_counter()
    live = train_ring(vae_setup, seed, steps)
    vae_count = len(snapshot_steps(steps))
    gan_at = _progress(len(run.shown))
    vae_at = _progress(vae_count)
    vae_snaps: list[Snapshot] = []
    g = 0
    while g < len(gan_at) or len(vae_snaps) < vae_count:
        now = min(
            gan_at[g] if g < len(gan_at) else 2.0,
            vae_at[len(vae_snaps)] if len(vae_snaps) < vae_count else 2.0,
        )
        record: ModeCollapseRecord = {
            "gan_steps": run.steps[-1],
            "vae_steps": steps,
            "setup": name,
            "label": SETUPS[name].label,
            "remedy": remedy,
            "recorded_seed": run.seed,
            "live_seconds": 0.0,
        }
        if len(vae_snaps) < vae_count and vae_at[len(vae_snaps)] <= now:
            vae = next(live)
            vae_snaps.append(vae)
            record["vae"] = _frame(vae.step, vae.measure, vae.points[:SHOWN_POINTS])
        if g < len(gan_at) and gan_at[g] <= now:
            i = run.shown[g]
            record["gan"] = _frame(run.steps[i], run.measures[i], run.points[g])
            g += 1
        record["live_seconds"] = time.perf_counter() - start
        if g == len(gan_at) and len(vae_snaps) == vae_count:
            gan_sum = summarize(run.steps, run.measures, run.seconds[-1])
            vae_sum = summary_of(vae_snaps)
            record["final"] = {"gan": gan_sum.to_dict(), "vae": vae_sum.to_dict()}
            record["claims"] = ring_claims(gan_sum, vae_sum)
            record["sentences"] = ring_sentences(gan_sum, vae_sum, run.measures[-1].near)
            record["note"] = RADIUS_NOTE
        yield record


def ring_claims(gan: RunSummary, vae: RunSummary) -> dict[str, bool]:
    """What the screen may claim, each a measured fact (docs/gan.md's claims table)."""
    return {
        "gan_collapsed": gan.collapsed,
        "gan_collapse_moved": len(gan.collapse_modes) > 1,
        "vae_covers_6": vae.final_covered >= 6,
        "vae_hq_below_gan": vae.final_hq < gan.final_hq,
        "vae_collapsed": vae.collapsed,
    }


def _modes(modes: tuple[int, ...]) -> str:
    return "→".join(f"モード {m}" for m in modes)


def ring_sentences(
    gan: RunSummary, vae: RunSummary, gan_near: tuple[float, ...] | list[float] = ()
) -> list[str]:
    """Japanese sentences for what these two runs measured, and nothing more.

    ``gan_near``: the GAN's last per-mode shares within 0.2 (how its mass is spread).
    """
    out: list[str] = []
    if gan.collapsed:
        first = gan.collapse_steps[0]
        out.append(
            f"GAN は {first} ステップ目に、8 つのモードのうち 1 つに全サンプルの"
            f" {COLLAPSE_SHARE:.0%} 以上を集め、他のモードはそれぞれ {OTHER_MAX:.0%} 以下でした"
            f" (モード崩壊)。最も集中したのは {gan.peak_step} ステップ目の"
            f" {gan.peak_share:.0%} (モード {gan.peak_mode})。"
        )
        if len(gan.collapse_modes) > 1:
            out.append(f"崩壊した先のモードは学習中に移りました: {_modes(gan.collapse_modes)}。")
    else:
        out.append(
            f"この実行の GAN は、どの時点でも 1 つのモードに {COLLAPSE_SHARE:.0%} 以上を"
            f"集めませんでした (最大 {gan.peak_share:.0%}、{gan.peak_step} ステップ目)。"
            "モード崩壊は測定されていません。"
        )
    out.append(
        f"最後に GAN が覆ったモードは 8 つのうち {gan.final_covered}、"
        f"モードから 3σ 以内の高品質なサンプルは {gan.final_hq:.0%}。"
    )
    reached = [s for s in gan_near if s >= COVER_SHARE]
    if len(reached) >= 2 and not gan.collapsed:
        out.append(
            f"GAN の最後のサンプルは 8 つのうち {len(reached)} つのモードの上 ({NEAR} 以内) に"
            f"分かれていました (モードごとに {min(reached):.0%}〜{max(reached):.0%}、"
            f"合計 {sum(gan_near):.0%})。1 つに集まってはいません。"
        )
    blur = "(ぼやけ)" if vae.final_hq < gan.final_hq else ""
    covered = (
        "8 モードすべて" if vae.final_covered == MODES else f"8 モードのうち {vae.final_covered}"
    )
    out.append(
        f"VAE は {covered}を覆いましたが、モードから 3σ 以内のサンプルは"
        f" {vae.final_hq:.0%}{blur}。"
        + (
            f"GAN の {gan.final_hq:.0%} より少なく、残りはモードの間ににじんでいます。"
            if blur
            else f"GAN の {gan.final_hq:.0%} 以上でした。"
        )
    )
    if vae.collapsed:
        out.append("この実行では VAE にもモード崩壊が測定されました。")
    return out
