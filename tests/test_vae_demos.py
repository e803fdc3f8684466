"""Demo helpers on the bundled models: plain arrays in [0, 1], deterministic by seed."""

from __future__ import annotations

import numpy as np
import pytest

from gkentei_vae.demos.vae_demos import (
    encode_one,
    interpolate,
    manifold,
    prior_samples,
    reconstruct,
)
from gkentei_vae.models.checkpoint import Loaded, load_bundled
from gkentei_vae.models.data import load_dataset


@pytest.fixture(scope="module")
def main_model() -> Loaded:
    return load_bundled("main")


@pytest.fixture(scope="module")
def heldout() -> np.ndarray:
    return load_dataset("mnist5k").heldout[:, 0].numpy()


def test_prior_samples(main_model: Loaded) -> None:
    a = prior_samples(main_model.model, 6, seed=1)
    assert a.shape == (6, 28, 28) and a.dtype == np.float32
    assert 0.0 <= a.min() and a.max() <= 1.0
    assert np.array_equal(a, prior_samples(main_model.model, 6, seed=1))
    assert not np.array_equal(a, prior_samples(main_model.model, 6, seed=2))
    assert a.max() > 0.9  # strokes, not a uniform grey


def test_reconstructions_resemble_their_originals(main_model: Loaded, heldout: np.ndarray) -> None:
    originals, recons = reconstruct(main_model.model, heldout[:10])
    assert np.array_equal(originals, heldout[:10])
    own = np.abs(recons - originals).mean(axis=(1, 2))
    shuffled = np.abs(recons - originals[::-1]).mean(axis=(1, 2))
    assert (own < shuffled).all()
    _, sampled = reconstruct(main_model.model, heldout[:10], seed=0)
    assert not np.array_equal(sampled, recons)


def test_encode_one(main_model: Loaded, heldout: np.ndarray) -> None:
    enc = encode_one(main_model.model, heldout[0], draws=5, seed=0)
    k = main_model.config.latent_dim
    assert enc.mu.shape == enc.sigma.shape == (k,)
    assert (enc.sigma > 0).all()
    assert enc.z.shape == (5, k) and enc.decoded.shape == (5, 28, 28)
    np.testing.assert_allclose(enc.z.mean(axis=0), enc.mu, atol=4 * enc.sigma.max())
    assert enc.mean_decoded.shape == (28, 28)


def test_interpolation_runs_from_one_digit_to_the_other(
    main_model: Loaded, heldout: np.ndarray
) -> None:
    path = interpolate(main_model.model, heldout[0], heldout[499], steps=6)
    _, ends = reconstruct(main_model.model, heldout[[0, 499]])
    assert path.shape == (6, 28, 28)
    np.testing.assert_allclose(path[0], ends[0], atol=1e-5)
    np.testing.assert_allclose(path[-1], ends[1], atol=1e-5)


def test_manifold_needs_the_z2_model(main_model: Loaded) -> None:
    grid = manifold(load_bundled("z2").model, size=5)
    assert grid.shape == (5, 5, 28, 28)
    assert not np.allclose(grid[0, 0], grid[-1, -1])
    with pytest.raises(ValueError, match="z=2"):
        manifold(main_model.model)
