"""The ring of eight Gaussians and how mode coverage and mode collapse are measured on it.

The data (Metz et al. 2016, *Unrolled GANs*, Fig. 1): eight Gaussians of standard
deviation :data:`SIGMA` at equal angles on a circle of radius :data:`RADIUS`.
Every measurement of samples against it lives here, once, and is used by the
``mode-collapse`` demo, its sentences, ``benchmarks/mode_collapse.py``, the
recording script and docs/gan.md:

- **share near a mode**: the share of *all* samples within :data:`NEAR` (0.2) of
  that mode. 0.2 is about a seventh of the 1.53 spacing between neighbouring modes
  (and 10σ), so a sample that near one mode is on it, not between two.
- **high-quality share**: the share of all samples within :data:`HQ_SIGMAS` σ
  (0.06) of their nearest mode (VEEGAN, Srivastava et al. 2017, §5.1).
- **modes covered**: modes holding at least :data:`COVER_SHARE` of the samples
  within 3σ (VEEGAN's rule: a mode is captured when high-quality samples land on it).
- **collapse** (this ring's form of the one definition of モード崩壊 in docs/gan.md):
  at least :data:`COLLAPSE_SHARE` of all samples within 0.2 of one mode while every
  other mode holds at most :data:`OTHER_MAX` of them. Samples in a blob between
  modes are near none, so a blob is "not learned yet", never collapse.

numpy only at import, so every layer can read the numbers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

MODES = 8
"""Gaussians on the ring."""
RADIUS = 2.0
"""Radius of the ring."""
SIGMA = 0.02
"""Standard deviation of each Gaussian (per coordinate)."""
NEAR = 0.2
"""A sample within this distance of a mode is *on* it (a seventh of the 1.53 spacing)."""
HQ_SIGMAS = 3.0
"""High quality: within this many σ of the nearest mode."""
COVER_SHARE = 0.01
"""A mode is covered when at least this share of all samples lies within 3σ of it."""
COLLAPSE_SHARE = 0.5
"""Collapse: at least this share of all samples within :data:`NEAR` of one mode …"""
OTHER_MAX = 0.05
"""… while no other mode holds more than this share within :data:`NEAR`."""
TRAIN_POINTS = 64_000
"""Training points of the ``ring8`` dataset (an epoch is one pass over them)."""
HELDOUT_POINTS = 2_048
"""Held-out points of ``ring8``."""
DATA_SEED = 8
"""The seed the ``ring8`` points are drawn from (the same data for every run)."""
SPACING = 2 * RADIUS * math.sin(math.pi / MODES)
"""Distance between neighbouring modes (≈ 1.53)."""


def mode_centres() -> np.ndarray:
    """The eight means, float64 [8, 2], mode k at angle 2πk/8."""
    angles = 2 * np.pi * np.arange(MODES) / MODES
    return RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_points(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points drawn from the ring (float32 [N, 2]) and their modes (int64 [N])."""
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, MODES, count)
    points = mode_centres()[modes] + SIGMA * rng.standard_normal((count, 2))
    return points.astype(np.float32), modes.astype(np.int64)


def sample_points(model: Any, count: int, seed: int) -> np.ndarray:
    """``count`` points from a ``point`` GAN (G(z)) or VAE (decoded means), z from ``seed``.

    The same z every call with the same seed, so a scatter redrawn during training
    shows the model moving, not the noise. Float32 [N, 2].
    """
    import torch

    gen = torch.Generator().manual_seed(seed)
    z = torch.randn((count, model.config.latent_dim), generator=gen)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model.generate(z) if hasattr(model, "generate") else model.decode(z)
    model.train(was_training)
    return np.asarray(out.cpu().numpy(), dtype=np.float32)


@dataclass(frozen=True)
class ModeMeasure:
    """Samples measured against the eight modes."""

    near: tuple[float, ...]
    """Per mode: share of all samples within :data:`NEAR` of it."""
    hq: tuple[float, ...]
    """Per mode: share of all samples within 3σ of it."""
    samples: int
    """How many samples were measured."""

    @property
    def hq_share(self) -> float:
        """Share of all samples within 3σ of their nearest mode."""
        return sum(self.hq)

    @property
    def near_share(self) -> float:
        """Share of all samples within :data:`NEAR` of some mode."""
        return sum(self.near)

    @property
    def covered(self) -> int:
        """Modes holding at least :data:`COVER_SHARE` of the samples within 3σ."""
        return sum(1 for h in self.hq if h >= COVER_SHARE)

    @property
    def top_mode(self) -> int:
        """The mode with the largest share within :data:`NEAR` (lowest index on ties)."""
        return int(np.argmax(self.near))

    @property
    def top_share(self) -> float:
        """The largest share of all samples within :data:`NEAR` of one mode."""
        return max(self.near)

    @property
    def collapsed(self) -> bool:
        """Mode collapse by the ring's definition (see the module docstring)."""
        others = [s for k, s in enumerate(self.near) if k != self.top_mode]
        return self.top_share >= COLLAPSE_SHARE and max(others) <= OTHER_MAX

    def to_dict(self) -> dict[str, Any]:
        """Plain types (a record in JSON)."""
        return asdict(self)


def measure(points: np.ndarray) -> ModeMeasure:
    """Measure samples ``points`` [N, 2] (N ≥ 1) against the eight modes."""
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0:
        raise ValueError(f"points must be [N, 2] with N ≥ 1, not {pts.shape}")
    dist = np.linalg.norm(pts[:, None, :] - mode_centres()[None, :, :], axis=2)
    nearest = dist.argmin(axis=1)
    dmin = dist[np.arange(len(pts)), nearest]
    # NaN or inf samples (a diverged generator) are near no mode: they count against shares.
    n = len(pts)
    near = np.bincount(nearest[dmin < NEAR], minlength=MODES) / n
    hq = np.bincount(nearest[dmin < HQ_SIGMAS * SIGMA], minlength=MODES) / n
    return ModeMeasure(
        tuple(round(float(v), 6) for v in near), tuple(round(float(v), 6) for v in hq), n
    )
