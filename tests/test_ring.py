"""The ring of eight Gaussians: its data, the measures of mode coverage and collapse, and
the ``point`` VAE and GAN trained on it by the one training machinery."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from gkentei_vae.cli import main
from gkentei_vae.models.checkpoint import load_checkpoint
from gkentei_vae.models.data import ring_split
from gkentei_vae.models.ring import (
    COLLAPSE_SHARE,
    HQ_SIGMAS,
    MODES,
    NEAR,
    OTHER_MAX,
    RADIUS,
    SIGMA,
    SPACING,
    measure,
    mode_centres,
)
from gkentei_vae.models.train import TrainConfig, TrainConfigError, evaluate, make_trainer

pytestmark = pytest.mark.usefixtures("torch_threads")


def at(mode: int, count: int, offset: float = 0.0) -> np.ndarray:
    """``count`` points ``offset`` outwards from mode ``mode``."""
    angle = 2 * math.pi * mode / MODES
    r = RADIUS + offset
    return np.tile([r * math.cos(angle), r * math.sin(angle)], (count, 1))


def test_the_ring_geometry() -> None:
    centres = mode_centres()
    assert centres.shape == (MODES, 2)
    assert np.allclose(np.linalg.norm(centres, axis=1), RADIUS)
    assert np.linalg.norm(centres[0] - centres[1]) == pytest.approx(SPACING)
    # The "on a mode" radius is well inside half the spacing: no sample is near two modes.
    assert NEAR < SPACING / 2 and HQ_SIGMAS * SIGMA < NEAR


def test_all_samples_on_one_mode_is_collapse() -> None:
    m = measure(at(3, 100))
    assert m.near[3] == 1.0 and m.top_mode == 3 and m.top_share == 1.0
    assert m.collapsed and m.covered == 1 and m.hq_share == 1.0


def test_a_blob_between_modes_is_not_collapse() -> None:
    # Halfway between modes 0 and 1: every sample's nearest mode is the same one,
    # but none lies on it. "Not learned yet", never collapse.
    angle = math.pi / MODES * 0.9
    blob = np.tile([RADIUS * math.cos(angle), RADIUS * math.sin(angle)], (500, 1))
    m = measure(blob)
    assert m.near_share == 0.0 and m.top_share == 0.0
    assert not m.collapsed and m.covered == 0


def test_collapse_needs_the_other_modes_nearly_empty() -> None:
    pts = np.concatenate([at(0, 60), at(1, 10), at(4, 30, offset=0.7)])
    m = measure(pts)
    assert m.top_share == pytest.approx(0.6) and m.near[1] == pytest.approx(0.1)
    assert m.near[1] > OTHER_MAX and not m.collapsed
    pts = np.concatenate([at(0, 60), at(1, 4), at(4, 36, offset=0.7)])
    assert measure(pts).collapsed
    # Just under the share: not collapse.
    pts = np.concatenate([at(0, 49), at(4, 51, offset=0.7)])
    assert measure(pts).top_share < COLLAPSE_SHARE and not measure(pts).collapsed


def test_sharpness_is_measured_apart_from_position() -> None:
    # On a mode by the 0.2 rule but outside 3σ: near, not high quality.
    m = measure(at(2, 50, offset=0.1))
    assert m.near[2] == 1.0 and m.hq_share == 0.0 and m.covered == 0 and m.collapsed


def test_every_mode_evenly_covers_eight_and_non_finite_samples_count_against() -> None:
    pts = np.concatenate([at(k, 10) for k in range(MODES)] + [np.full((20, 2), np.nan)])
    m = measure(pts)
    assert m.covered == MODES and m.hq_share == pytest.approx(80 / 100)
    assert not m.collapsed
    with pytest.raises(ValueError):
        measure(np.zeros((0, 2)))
    with pytest.raises(ValueError):
        measure(np.zeros((5, 3)))


def test_the_ring8_dataset_is_the_ring() -> None:
    data = ring_split()
    assert data.train.shape[1] == 2 and data.heldout.shape[1] == 2
    m = measure(data.train.numpy())
    # Real data: every point on its mode, every mode holds about an eighth, nothing collapsed.
    assert m.near_share == pytest.approx(1.0) and m.covered == MODES and not m.collapsed
    assert max(m.near) - min(m.near) < 0.02
    assert m.hq_share > 0.95  # 3σ in 2-D holds ≈ 98.9 %
    assert set(data.train_labels.unique().tolist()) == set(range(MODES))


def test_point_arch_needs_the_ring_and_pack_needs_point() -> None:
    with pytest.raises(TrainConfigError):
        TrainConfig(model="gan", arch="point", dataset="mnist5k")
    with pytest.raises(TrainConfigError):
        TrainConfig(model="vae", arch="mlp", dataset="ring8")
    with pytest.raises(TrainConfigError):
        TrainConfig(model="gan", arch="mlp", gan_pack=2)
    with pytest.raises(TrainConfigError):
        TrainConfig(model="gan", arch="point", dataset="ring8", batch_size=63, gan_pack=2)


def _ring(model: str, **options: object) -> TrainConfig:
    base: dict[str, object] = {"dataset": "ring8", "arch": "point", "epochs": 1, "eval_every": 0}
    return TrainConfig(model=model, **{**base, **options})  # type: ignore[arg-type]


def test_point_gan_trains_with_two_generator_steps_per_discriminator_step() -> None:
    trainer = make_trainer(_ring("gan", latent_dim=8, batch_size=64, lr=2e-4, gan_g_steps=2))
    steps = []
    for rec in trainer.run():
        if rec.kind == "step":
            steps.append(rec)
        if len(steps) == 30:
            break
    assert all(math.isfinite(s.d_loss) and math.isfinite(s.g_loss) for s in steps)
    # Adam counts its own updates: G took two per step, D one.
    g_state = next(iter(trainer.g_optimizer.state.values()))
    d_state = next(iter(trainer.d_optimizer.state.values()))
    assert int(g_state["step"]) == 60 and int(d_state["step"]) == 30
    out = trainer.model.generate(torch.zeros(5, 8))
    assert out.shape == (5, 2)
    # Linear output: a point GAN is not squashed into [−1, 1] like an image GAN.
    assert not any(isinstance(m, torch.nn.Tanh) for m in trainer.model.generator)


def test_packed_discriminator_judges_pairs() -> None:
    trainer = make_trainer(_ring("gan", latent_dim=4, batch_size=64, gan_pack=2))
    assert trainer.model.discriminate(torch.zeros(64, 2)).shape == (32,)
    assert trainer.model.discriminate(torch.zeros(7, 2)).shape == (3,)
    assert trainer.config.gan_pack == 2


def test_point_vae_learns_the_ring_with_a_gaussian_likelihood() -> None:
    trainer = make_trainer(_ring("vae", latent_dim=2, batch_size=64, lr=3e-3))
    held = trainer.heldout_images[:500]
    before = evaluate(trainer.model, held).neg_elbo
    for rec in trainer.run():
        if rec.kind == "step" and rec.step == 400:
            break
    after = evaluate(trainer.model, held).neg_elbo
    assert after < before - 0.2
    assert trainer.model.log_var is not None and trainer.model.log_var.shape == (2,)
    # An image VAE keeps exactly its parameters (bundled checkpoints load strictly).
    image_vae = make_trainer(TrainConfig(model="vae", arch="mlp", latent_dim=2, limit=64))
    assert image_vae.model.log_var is None


def test_train_a_point_gan_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "ring.pt"
    argv = ["train", "--model", "gan", "--dataset", "ring8", "--arch", "point", "--epochs", "1"]
    argv += ["--batch-size", "512", "--latent-dim", "8", "--gan-g-steps", "2", "--gan-pack", "2"]
    assert main([*argv, "--eval-every", "0", "--device", "cpu", "--out", str(out)]) == 0
    loaded = load_checkpoint(out, kind="gan")
    assert loaded.config.pack == 2 and loaded.config.arch == "point"
    judged = loaded.meta["judge"]
    assert judged["classifier"] == "ring modes" and judged["fd"] is None
    assert 0 <= judged["classes"] <= MODES
    assert "--gan-g-steps 2" in loaded.meta["command"] and "--gan-pack 2" in loaded.meta["command"]
