"""The VAE demos as data: each returns numbers and numpy images, computed now.

Each function is named by its entry in ``gkentei_vae.demo_registry``; the model process
(worker.py) serves them to the UI and ``gkentei-vae demo ID --png`` calls them directly.
Images are float32 arrays in [0, 1], shape [N, 28, 28].

Nothing here is written in by hand: every number comes from the bundled models
(or, for kl-training, from a model trained from scratch while the learner watches).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from gkentei_vae import paths
from gkentei_vae.demo_data import (
    BetaCompareResult,
    BetaModel,
    EncodeResult,
    InterpolateResult,
    KlRecord,
    ManifoldResult,
    ReconstructResult,
    ReparamResult,
    SamplesResult,
)
from gkentei_vae.demos import vae_demos as demos
from gkentei_vae.models.adam import LiveAdam
from gkentei_vae.models.checkpoint import Loaded, load_bundled
from gkentei_vae.models.data import Split, load_dataset
from gkentei_vae.models.model import VAE, VAEConfig, kl_divergence, reconstruction_error
from gkentei_vae.models.seeding import global_seed

KL_PHASE_STEPS = 250
"""Steps per phase of the live kl-training run (β=0, then β=1): seconds each on 2 cores."""


@dataclass
class _Warm:
    models: dict[str, Loaded]
    data: Split
    heldout_terms: dict[str, tuple[float, float]]
    """Model name → (mean KL, mean reconstruction error) on the held-out digits."""


_STATE: _Warm | None = None


def warm(names: tuple[str, ...] = ("main", "z2", "beta0")) -> dict[str, Any]:
    """Load the bundled checkpoints and the held-out digits once; report what is loaded."""
    global _STATE
    if _STATE is None:
        # One thread by default: a core stays with the UI process (paths.torch_threads).
        torch.set_num_threads(paths.torch_threads())
        # The held-out terms (beta-compare's, 0.7 s) are not computed here: a session
        # that can open beta-compare has it prepared (worker.py's ``prepare``).
        _STATE = _Warm({name: load_bundled(name) for name in names}, load_dataset("mnist5k"), {})
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "models": {
            name: {
                "latent_dim": loaded.config.latent_dim,
                "heldout_neg_elbo": loaded.meta.get("heldout_neg_elbo"),
                "file": str(loaded.path),
            }
            for name, loaded in _STATE.models.items()
        },
    }


def _state() -> _Warm:
    if _STATE is None:
        warm()
    assert _STATE is not None
    return _STATE


def _model(name: str = "main") -> VAE:
    return _state().models[name].model


def _pick(seed: int, count: int) -> Tensor:
    """``count`` held-out indexes, chosen reproducibly by ``seed``."""
    held = _state().data.heldout
    gen = torch.Generator().manual_seed(seed)
    return torch.randperm(len(held), generator=gen)[:count]


def samples(seed: int = 0, count: int = 10, model: str = "main") -> SamplesResult:
    """Decode z ~ N(0, I): new digits that no training image is, and blurry ones."""
    vae = _model(model)
    images = demos.prior_samples(vae, count, seed)
    return {"images": images, "latent_dim": vae.config.latent_dim, "seed": seed}


@torch.no_grad()
def reconstruct(seed: int = 0, count: int = 5) -> ReconstructResult:
    """Held-out originals and the decoder's mean output for their μ, with each image's error."""
    idx = _pick(seed, count)
    originals, recons = demos.reconstruct(_model(), _state().data.heldout[idx])
    x = torch.from_numpy(originals).unsqueeze(1)
    logits = torch.logit(torch.from_numpy(recons).clamp(1e-6, 1 - 1e-6)).unsqueeze(1)
    return {
        "originals": originals,
        "reconstructions": recons,
        "recon_error": reconstruction_error(logits, x).numpy(),
        "labels": _state().data.heldout_labels[idx].numpy(),
    }


@torch.no_grad()
def encode(seed: int = 0, draws: int = 8) -> EncodeResult:
    """One held-out image → μ and σ per latent dim, and decodes of several z ~ q(z|x)."""
    (i,) = _pick(seed, 1).tolist()
    enc = demos.encode_one(_model(), _state().data.heldout[i], draws, seed)
    logvar = torch.from_numpy(2 * np.log(enc.sigma))[None]
    return {
        "image": enc.image,
        "label": int(_state().data.heldout_labels[i]),
        "mu": enc.mu,
        "sigma": enc.sigma,
        "kl": float(kl_divergence(torch.from_numpy(enc.mu)[None], logvar)[0]),
        "decodes": enc.decoded,
    }


def reparam(seed: int = 0) -> ReparamResult:
    """z = μ + σ⊙ε for one image, and the gradients that only the reparameterized path has."""
    vae = _model()
    (i,) = _pick(seed, 1).tolist()
    x = _state().data.heldout[i : i + 1]
    with torch.no_grad():
        mu0, logvar0 = vae.encode(x)
    sigma0 = torch.exp(0.5 * logvar0)
    # ∂z/∂μ, ∂z/∂σ through rsample, and what sample() gives, for this image's μ and σ.
    path = demos.reparam_gradients(mu0[0].tolist(), sigma0[0].tolist(), seed)
    # The learning signal itself: ∂(loss)/∂μ and ∂(loss)/∂log σ² through the same ε.
    mu = mu0.clone().requires_grad_(True)
    logvar = logvar0.clone().requires_grad_(True)
    eps = torch.tensor([path.eps], dtype=mu.dtype)
    z = mu + torch.exp(0.5 * logvar) * eps
    loss = reconstruction_error(vae.decode(z), x) + kl_divergence(mu, logvar)
    grad_mu, grad_logvar = torch.autograd.grad(loss.sum(), (mu, logvar))
    return {
        "image": x[0, 0].numpy().astype(np.float32),
        "mu": np.asarray(path.mu, np.float32),
        "logvar": logvar0[0].numpy(),
        "sigma": np.asarray(path.sigma, np.float32),
        "eps": np.asarray(path.eps, np.float32),
        "z": np.asarray(path.z, np.float32),
        "dz_dmu": np.asarray(path.dz_dmu, np.float32),
        "dz_dsigma": np.asarray(path.dz_dsigma, np.float32),
        "sample_requires_grad": path.sample_requires_grad,
        "sample_error": path.sample_error,
        "loss": float(loss.detach()[0]),
        "grad_mu": grad_mu[0].numpy(),
        "grad_logvar": grad_logvar[0].numpy(),
    }


@torch.no_grad()
def _heldout_terms(name: str) -> tuple[float, float]:
    """Mean KL and reconstruction error of a model on the 500 held-out digits (computed once)."""
    state = _state()
    if name not in state.heldout_terms:
        vae = _model(name)
        mu, logvar = vae.encode(state.data.heldout)
        kl = float(kl_divergence(mu, logvar).mean())
        recon = float(reconstruction_error(vae.decode(mu), state.data.heldout).mean())
        state.heldout_terms[name] = (kl, recon)
    return state.heldout_terms[name]


def beta_compare(seed: int = 0, count: int = 10) -> BetaCompareResult:
    """Prior samples of the β=0 model beside the main model's, with each model's held-out KL."""

    def model(name: str) -> BetaModel:
        kl, recon = _heldout_terms(name)
        return {"images": samples(seed, count, name)["images"], "kl": kl, "recon": recon}

    return {"beta0": model("beta0"), "main": model("main")}


def interpolate(seed: int = 0, steps: int = 10) -> InterpolateResult:
    """Decode along the straight line between the μ of two held-out digits of different classes."""
    data = _state().data
    order = _pick(seed, len(data.heldout)).tolist()
    a = order[0]
    b = next(j for j in order[1:] if int(data.heldout_labels[j]) != int(data.heldout_labels[a]))
    images = demos.interpolate(_model(), data.heldout[a], data.heldout[b], steps)
    return {
        "images": images,
        "ends": data.heldout[[a, b]].squeeze(1).numpy().astype(np.float32),
        "labels": [int(data.heldout_labels[a]), int(data.heldout_labels[b])],
    }


def manifold(seed: int = 0, size: int = 7) -> ManifoldResult:
    """The z=2 model's decoder over a grid of its latent plane (``seed`` is unused: it is fixed)."""
    grid = demos.manifold(_model("z2"), size)
    return {"images": grid.reshape(-1, 28, 28), "size": size}


def kl_training(
    seed: int = 0,
    phase_steps: int = KL_PHASE_STEPS,
    refresh_seconds: float = 1.0,
    sample_count: int = 10,
) -> Iterator[KlRecord]:
    """Train a small VAE from scratch: β=0 (the KL climbs), then β=1 (it shrinks).

    Yields one record per step; about every ``refresh_seconds`` a record also carries
    prior samples, so the UI can show them becoming plausible. Closing the generator
    between steps stops the run.
    """
    train = _state().data.train
    gen = torch.Generator().manual_seed(seed)
    config = VAEConfig(arch="mlp", latent_dim=8, hidden=(256,))
    with global_seed(seed):  # initial weights come from the global RNG
        vae = VAE(config)
    opt = LiveAdam(vae.parameters(), lr=2e-3)  # torch.optim would import torch._dynamo
    z_show = torch.randn((sample_count, config.latent_dim), generator=gen)
    last_refresh = -1e9
    total = 2 * phase_steps
    for step in range(1, total + 1):
        phase = 1 if step <= phase_steps else 2
        beta = 0.0 if phase == 1 else 1.0
        idx = torch.randint(0, len(train), (128,), generator=gen)
        x = train[idx]
        eps = torch.randn((len(x), config.latent_dim), generator=gen)
        terms = vae.loss_terms(x, beta, eps)
        opt.zero_grad()
        terms.loss.mean().backward()
        opt.step()
        record: KlRecord = {
            "step": step,
            "steps": total,
            "phase": phase,
            "beta": beta,
            "recon": float(terms.recon.detach().mean()),
            "kl": float(terms.kl.detach().mean()),
        }
        now = time.monotonic()
        if now - last_refresh >= refresh_seconds or step in (phase_steps, total):
            last_refresh = now
            with torch.no_grad():
                record["samples"] = torch.sigmoid(vae.decode(z_show)).squeeze(1).numpy()
        yield record
