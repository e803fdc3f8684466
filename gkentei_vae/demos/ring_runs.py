"""Training a GAN and a VAE on the ring of eight Gaussians, measured as they learn.

The ``mode-collapse`` demo, its recording script, ``benchmarks/mode_collapse.py``
and the configuration search (``scripts/mode_collapse_search.py``) all train
through here: the project's one training machinery (``make_trainer``) with the
``point`` arch on ``ring8``, every :data:`EVERY` steps the model's samples for a
fixed z measured by ``models.ring.measure``.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from gkentei_vae.demo_data import RingSummary
from gkentei_vae.models.ring import TRAIN_POINTS, ModeMeasure, measure, sample_points
from gkentei_vae.models.train import TrainConfig, make_trainer

SAMPLES = 2048
"""Samples measured at each snapshot (z drawn from :data:`Z_SEED`)."""
Z_SEED = 999
"""The fixed z of every snapshot, so the scatter shows the model move, not the noise."""
EVERY = 100
"""Steps between snapshots."""


@dataclass(frozen=True)
class Setup:
    """One named configuration: how to train, for how long, and what the screen calls it."""

    label: str
    """Japanese: the setting, as the screen and docs name it."""
    options: Mapping[str, Any]
    """``TrainConfig`` fields beyond the ring's (model, dataset, arch, epochs, eval)."""
    steps: int
    """Optimizer steps (each: one D update and ``gan_g_steps`` G updates)."""
    model: str = "gan"
    """``gan`` or ``vae``."""
    note: str = ""
    """Why it is in the search (docs)."""

    def config(self, seed: int) -> TrainConfig:
        """The full training config of this setup for ``seed``."""
        return ring_config(self.model, seed, self.steps, **self.options)


def ring_config(model: str, seed: int, steps: int, **options: Any) -> TrainConfig:
    """A ``point``-arch config on ``ring8`` whose epochs hold at least ``steps`` steps.

    (A cosine learning rate then decays over the epochs: exactly ``steps`` when the
    batch divides :data:`ring.TRAIN_POINTS`, as every setup's does.)
    """
    per_epoch = math.ceil(TRAIN_POINTS / options.get("batch_size", 64))
    return TrainConfig(
        model=model,
        dataset="ring8",
        arch="point",
        epochs=math.ceil(steps / per_epoch),
        eval_every=0,
        seed=seed,
        **options,
    )


def _gan(label: str, steps: int, note: str, **options: Any) -> Setup:
    base: dict[str, Any] = {"latent_dim": 256, "batch_size": 64, "lr": 2e-4, "gan_g_steps": 2}
    return Setup(label, MappingProxyType({**base, **options}), steps, "gan", note)


SETUPS: Mapping[str, Setup] = MappingProxyType(
    {
        "demo": _gan(
            "z 256・バッチ 64・学習率 2e-4・D 1 回に G 2 回",
            3000,
            "the demo's configuration until published was recorded: 4/5 within 3,000 steps",
        ),
        "published": Setup(
            "Metz ら (2016) の設定: z 256・バッチ 512・学習率 1e-4・D 1 回に G 1 回",
            MappingProxyType({"latent_dim": 256, "batch_size": 512, "lr": 1e-4}),
            25_000,
            "gan",
            "the published configuration (Metz et al. 2016), full length",
        ),
        "published_pack2": Setup(
            "PacGAN (識別器が 2 サンプルずつ判定)",
            MappingProxyType({"latent_dim": 256, "batch_size": 512, "lr": 1e-4, "gan_pack": 2}),
            25_000,
            "gan",
            "remedy for the published configuration: PacGAN packing 2 (Lin et al. 2018)",
        ),
        "ratio1": _gan(
            "D 1 回に G 1 回",
            3000,
            "D:G step ratio 1:1 instead of 1:2",
            gan_g_steps=1,
        ),
        "lr1e-3": _gan("学習率 1e-3", 3000, "a 5x larger learning rate", lr=1e-3),
        "lr5e-5": _gan("学習率 5e-5", 3000, "a 4x smaller learning rate", lr=5e-5),
        "z16": _gan("z 16", 3000, "a smaller latent (z 16)", latent_dim=16),
        "pack2": _gan(
            "PacGAN (識別器が 2 サンプルずつ判定)",
            3000,
            "remedy: PacGAN packing 2 (Lin et al. 2018)",
            gan_pack=2,
        ),
        "vae": Setup(
            "VAE: z 2・バッチ 64・学習率 3e-3",
            MappingProxyType({"latent_dim": 2, "batch_size": 64, "lr": 3e-3}),
            3000,
            "vae",
            "the VAE beside the GAN",
        ),
    }
)
"""Name → setup: the demo's GAN, its remedy (``b``), the VAE and the rest of the search."""


@dataclass
class Snapshot:
    """The model at one step: its samples measured against the modes."""

    step: int
    """Optimizer steps so far."""
    seconds: float
    """Training seconds so far (measurement excluded)."""
    measure: ModeMeasure
    """The :data:`SAMPLES` samples measured."""
    points: np.ndarray = field(repr=False)
    """The samples themselves, float32 [SAMPLES, 2]."""


def snapshot_steps(steps: int) -> list[int]:
    """The steps :func:`train_ring` snapshots in a run of ``steps``: 0, every :data:`EVERY`,
    and the last."""
    return sorted({0, *range(EVERY, steps, EVERY), steps})


def train_ring(setup: Setup, seed: int, steps: int | None = None) -> Iterator[Snapshot]:
    """Train ``setup`` with ``seed``; a snapshot at step 0 and every :data:`EVERY` steps."""
    steps = setup.steps if steps is None else steps
    trainer = make_trainer(setup.config(seed))
    due = set(snapshot_steps(steps))

    def snap() -> Snapshot:
        points = sample_points(trainer.model, SAMPLES, Z_SEED)
        return Snapshot(trainer.step, trainer.seconds, measure(points), points)

    yield snap()
    for rec in trainer.run():
        if rec.kind != "step":
            continue
        if rec.step in due:
            yield snap()
        if rec.step >= steps:
            return


@dataclass(frozen=True)
class RunSummary:
    """What one run measured, for the sentences, the benchmark and the docs tables."""

    peak_share: float
    """The largest share of all samples within 0.2 of one mode, over the snapshots."""
    peak_step: int
    """The step of that peak (the first, on ties)."""
    peak_mode: int
    """The mode it sat on."""
    collapse_steps: tuple[int, ...]
    """Steps whose snapshot met the collapse definition (``ModeMeasure.collapsed``)."""
    collapse_modes: tuple[int, ...]
    """The distinct modes the collapsed snapshots sat on, in order of first visit."""
    final_covered: int
    """Modes covered at the last snapshot."""
    final_hq: float
    """High-quality share at the last snapshot."""
    final_near: float
    """Share within 0.2 of some mode at the last snapshot."""
    steps: int
    """The last snapshot's step."""
    seconds: float
    """Training seconds."""

    @property
    def collapsed(self) -> bool:
        """Whether any snapshot met the collapse definition."""
        return bool(self.collapse_steps)

    def to_dict(self) -> RingSummary:
        """Plain types (JSON)."""
        return {
            "peak_share": self.peak_share,
            "peak_step": self.peak_step,
            "peak_mode": self.peak_mode,
            "collapse_steps": list(self.collapse_steps),
            "collapse_modes": list(self.collapse_modes),
            "final_covered": self.final_covered,
            "final_hq": self.final_hq,
            "final_near": self.final_near,
            "steps": self.steps,
            "seconds": self.seconds,
        }


def summarize(steps: list[int], measures: list[ModeMeasure], seconds: float) -> RunSummary:
    """The summary of a run's snapshots (at least one)."""
    if not measures or len(steps) != len(measures):
        raise ValueError("one step per measure, at least one")
    peak_at = max(range(len(measures)), key=lambda i: (measures[i].top_share, -i))
    collapsed = [i for i, m in enumerate(measures) if m.collapsed]
    modes = tuple(dict.fromkeys(measures[i].top_mode for i in collapsed))
    last = measures[-1]
    return RunSummary(
        peak_share=measures[peak_at].top_share,
        peak_step=steps[peak_at],
        peak_mode=measures[peak_at].top_mode,
        collapse_steps=tuple(steps[i] for i in collapsed),
        collapse_modes=modes,
        final_covered=last.covered,
        final_hq=round(last.hq_share, 6),
        final_near=round(last.near_share, 6),
        steps=steps[-1],
        seconds=round(seconds, 2),
    )


def summary_of(snapshots: list[Snapshot]) -> RunSummary:
    """:func:`summarize` over snapshots."""
    return summarize(
        [s.step for s in snapshots], [s.measure for s in snapshots], snapshots[-1].seconds
    )


def search_row(name: str, seed: int, snaps: list[Snapshot], wall: float) -> dict[str, Any]:
    """One run as a line of the search's JSONL: summary, wall seconds, the measures' history."""
    return {
        "setup": name,
        "seed": seed,
        **summary_of(snaps).to_dict(),
        "wall_seconds": round(wall, 2),
        "history": [{"step": s.step, **s.measure.to_dict()} for s in snaps],
    }


def run_summary(name: str, seed: int, steps: int | None = None) -> dict[str, Any]:
    """Train ``SETUPS[name]`` with ``seed`` and return its search row."""
    t0 = time.perf_counter()
    snaps = list(train_ring(SETUPS[name], seed, steps))
    return search_row(name, seed, snaps, time.perf_counter() - t0)


def median(values: list[float]) -> float:
    """The median (a helper so every table uses the same)."""
    return float(statistics.median(values))
