"""GAN vs VAE, measured: the judge, the bundled GAN and classifier, the live and failing runs.

Real models and real digits throughout; step counts are fixed and small so the file
runs in well under a minute on 2 cores. Speed is measured in benchmarks/gan.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from gkentei_vae.demos import gan_demos
from gkentei_vae.demos.gan_png import png_gan_training, png_gan_vs_vae
from gkentei_vae.demos.vae_demos import prior_samples
from gkentei_vae.models.checkpoint import load_bundled
from gkentei_vae.models.data import Split
from gkentei_vae.models.gan import gan_samples
from gkentei_vae.models.judge import (
    RealReference,
    feature_stats,
    frechet_distance,
    grey_fraction,
    judge,
    laplacian_variance,
    real_reference,
)
from gkentei_vae.models.train import classifier_accuracy

LIVE_TEST_STEPS = 300
FAILING_TEST_STEPS = 100  # rounds: 200 GAN steps


# One worker runs this module under pytest-xdist, so its module fixtures run once.
pytestmark = [pytest.mark.usefixtures("torch_threads"), pytest.mark.xdist_group("gan")]


@pytest.fixture(scope="module")
def data(mnist5k: Split) -> Split:
    return mnist5k


@pytest.fixture(scope="module")
def classifier() -> Any:
    return load_bundled("classifier").model


@pytest.fixture(scope="module")
def reference(classifier: Any, data: Split) -> RealReference:
    return real_reference(classifier, data.heldout)


@pytest.fixture(scope="module")
def live() -> list[dict[str, Any]]:
    return list(gan_demos.gan_training(seed=0, steps=LIVE_TEST_STEPS))


@pytest.fixture(scope="module")
def failing() -> list[dict[str, Any]]:
    return list(gan_demos.gan_training(seed=0, failing=True, steps=FAILING_TEST_STEPS))


def test_grey_fraction_counts_grey_among_ink_only() -> None:
    crisp = np.zeros((2, 28, 28), np.float32)
    crisp[:, 10:18, 12:16] = 1.0
    assert grey_fraction(crisp) == 0.0
    blurred = crisp.copy()
    blurred[:, 9, 12:16] = 0.5  # a grey edge: 4 of 36 ink pixels per image
    assert grey_fraction(blurred) == pytest.approx(4 / 36)
    faint = np.full((1, 28, 28), 0.05, np.float32)  # below the ink threshold: no ink at all
    assert grey_fraction(faint) == 0.0


def test_laplacian_variance_is_zero_on_flat_images_and_high_on_noise() -> None:
    assert laplacian_variance(np.full((3, 28, 28), 0.7, np.float32)) == 0.0
    noise = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    assert laplacian_variance(noise) > 1.0  # why it is never read alone


def test_frechet_distance_is_small_for_real_vs_real_and_large_for_noise(
    classifier: Any, reference: RealReference, data: Split
) -> None:
    gen = torch.Generator().manual_seed(0)
    train = data.train[torch.randperm(len(data.train), generator=gen)[:1000]]
    real = judge(classifier, reference, train)
    noise = judge(classifier, reference, torch.rand(1000, 28, 28, generator=gen))
    assert real.fd < 30 and noise.fd > 1000
    assert real.classes == 10 and real.realistic > 0.3
    # Noise is "sharp" by the Laplacian and grey by the ink measure, and not realistic.
    assert noise.laplacian > 5 * real.laplacian and noise.grey > 0.8 and noise.realistic < 0.01
    a = feature_stats(np.random.default_rng(1).normal(size=(400, 6)))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)


def test_mode_collapse_is_measured_not_assumed(
    classifier: Any, reference: RealReference, data: Split
) -> None:
    ones = data.train[data.train_labels == 1][:300]
    collapsed = judge(classifier, reference, ones)
    assert collapsed.classes == 1 and collapsed.realistic > 0.5
    assert collapsed.mode_collapse
    # One noise blob for every z: many z, one output. The extreme form of mode collapse
    # by the one definition (docs/gan.md); that it is no digit is reported beside it.
    one_noise_image = torch.rand(1, 28, 28, generator=torch.Generator().manual_seed(0))
    stuck = judge(classifier, reference, one_noise_image.repeat(300, 1, 1))
    assert stuck.classes == 1 and stuck.mode_collapse and stuck.realistic < 0.01
    assert not judge(classifier, reference, data.heldout).mode_collapse


def test_bundled_classifier_is_accurate_on_the_500_heldout_digits(
    classifier: Any, data: Split
) -> None:
    result = classifier_accuracy(classifier, data.heldout, data.heldout_labels)
    assert result.images == 500
    assert result.accuracy >= 0.97


def test_bundled_gan_is_sharper_than_the_vae_and_covers_the_digits(
    classifier: Any, reference: RealReference
) -> None:
    gan = judge(classifier, reference, gan_samples(load_bundled("gan").model, 1000, 1234))
    vae = judge(classifier, reference, prior_samples(load_bundled("main").model, 1000, 1234))
    assert gan.grey < vae.grey
    assert gan.classes >= 9
    assert not gan.mode_collapse


def test_live_run_records(live: list[dict[str, Any]]) -> None:
    assert [r["step"] for r in live] == list(range(1, LIVE_TEST_STEPS + 1))
    for r in live:
        for key in ("vae_loss", "vae_recon", "vae_kl", "d_loss", "g_loss", "d_real", "d_fake"):
            assert isinstance(r[key], float) and np.isfinite(r[key]), key
        assert r["failing"] is False
    shown = [r for r in live if "gan_samples" in r]
    assert shown[0]["step"] == 1 and shown[-1]["step"] == LIVE_TEST_STEPS
    for r in shown:
        for key in ("vae_samples", "gan_samples"):
            images = r[key]
            assert images.dtype == np.float32 and images.shape == (gan_demos.LIVE_SHOW, 28, 28)
            assert 0.0 <= images.min() and images.max() <= 1.0
    # JSON-able apart from the numpy images, as the worker sends it.
    last = {k: v for k, v in live[-1].items() if not k.endswith("_samples")}
    json.dumps(last)


def test_live_vae_loss_falls_and_sentences_come_from_this_run(
    live: list[dict[str, Any]],
) -> None:
    losses = [r["vae_loss"] for r in live]
    assert losses[-1] < losses[99]
    last = live[-1]
    assert last["claims"]["vae_loss_fell"]
    final = last["final"]
    for name in ("gan", "vae"):
        assert final[name]["samples"] == 1000
        assert sum(final[name]["histogram"]) == 1000
    text = "".join(last["sentences"])
    assert f"{final['gan']['fd']:.0f}" in text and f"{final['vae']['fd']:.0f}" in text
    if not (final["gan"]["mode_collapse"] or final["vae"]["mode_collapse"]):
        assert "モード崩壊" not in text


def test_failing_run_is_a_stuck_generator_in_the_extreme_form_of_mode_collapse(
    failing: list[dict[str, Any]], data: Split
) -> None:
    last = failing[-1]
    real_spread = float(data.heldout.var(dim=0).mean())
    assert last["final_spread"] < 0.01 * real_spread  # G makes one image, whatever z is
    assert last["claims"]["g_stuck"] and last["claims"]["d_wins"]
    assert np.mean([r["d_fake"] for r in failing[-gan_demos.WINDOW :]]) >= gan_demos.D_WINS_SHARE
    assert np.mean([r["g_loss"] for r in failing[-50:]]) > np.mean(
        [r["g_loss"] for r in failing[:10]]
    )
    assert "β1" in failing[0]["change"] and "β1" in last["change"]
    text = "".join(last["sentences"])
    assert last["final"]["gan"]["mode_collapse"]  # one image: the extreme form
    assert "モード崩壊の極端な形" in text and "ではなく" not in text


def test_closing_the_live_run_stops_it() -> None:
    run = gan_demos.gan_training(seed=1, steps=1000)
    assert [next(run)["step"] for _ in range(3)] == [1, 2, 3]
    run.close()
    with pytest.raises(StopIteration):
        next(run)


def test_gan_vs_vae_measures_once_and_shows_seeded_digits() -> None:
    first = gan_demos.gan_vs_vae(seed=0)
    again = gan_demos.gan_vs_vae(seed=0)
    other = gan_demos.gan_vs_vae(seed=1)
    prepared = gan_demos.prepare_gan_vs_vae()
    for name in ("gan", "vae", "real"):
        d = first[name]
        assert d["images"].dtype == np.float32 and d["images"].shape == (gan_demos.SHOW, 28, 28)
        np.testing.assert_array_equal(d["images"], again[name]["images"])
        assert not np.array_equal(d["images"], other[name]["images"])
        for key in ("grey", "laplacian", "fd", "classes", "histogram", "realistic"):
            assert d[key] == prepared[name][key] == other[name][key], key
    assert first["gan"]["grey"] < first["vae"]["grey"]
    assert first["real"]["samples"] == 500 and first["gan"]["samples"] == 1000
    assert any("灰色" in s for s in first["sentences"])
    assert "Inception" in first["fid_note"]
    json.dumps({k: v for k, v in first.items() if k not in ("gan", "vae", "real")})


def test_png_renderers_draw_both_demos(
    tmp_path: Path, live: list[dict[str, Any]], failing: list[dict[str, Any]]
) -> None:
    for image in (
        png_gan_vs_vae(gan_demos.gan_vs_vae(seed=2)),
        png_gan_training(live),
        png_gan_training(failing),
    ):
        assert image.width > 400 and image.height > 300
        pixels = np.asarray(image.convert("L"), np.float32)
        assert pixels.std() > 10  # not a flat picture
