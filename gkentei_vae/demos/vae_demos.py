"""What the demos show, as plain numbers: numpy arrays in [0, 1] and small dataclasses.

Every function takes a loaded model and a seed and returns data a UI can draw
(``halfblock.render`` or any image widget); nothing here prints or plots.
Decoded images are Bernoulli means, sigmoid(logits), shape [N, 28, 28].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from gkentei_vae.models.model import VAE
from gkentei_vae.models.seeding import global_seed


def _device(model: VAE) -> torch.device:
    return next(model.parameters()).device


def _images(logits: Tensor) -> np.ndarray:
    """Logits [N, 1, 28, 28] → pixel means [N, 28, 28] as float32 numpy."""
    return torch.sigmoid(logits).squeeze(1).detach().cpu().numpy().astype(np.float32)


def _as_batch(images: np.ndarray | Tensor, device: torch.device) -> Tensor:
    """[N, 28, 28] or [N, 1, 28, 28] (numpy or tensor) → float tensor [N, 1, 28, 28]."""
    t = torch.as_tensor(np.asarray(images) if not isinstance(images, Tensor) else images)
    t = t.to(torch.float32)
    if t.dim() == 2:
        t = t[None]
    if t.dim() == 3:
        t = t.unsqueeze(1)
    return t.to(device)


@torch.no_grad()
def prior_samples(model: VAE, count: int = 16, seed: int = 0) -> np.ndarray:
    """Decode ``count`` draws z ~ N(0, I): new digits that were never in the data."""
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn((count, model.config.latent_dim), generator=gen).to(_device(model))
    return _images(model.decode(z))


@torch.no_grad()
def reconstruct(
    model: VAE, images: np.ndarray | Tensor, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(originals, reconstructions), both [N, 28, 28].

    With ``seed=None`` the decoder gets z = μ (the most typical reconstruction);
    with a seed, one z ~ q(z|x) per image.
    """
    x = _as_batch(images, _device(model))
    mu, logvar = model.encode(x)
    z = mu
    if seed is not None:
        gen = torch.Generator().manual_seed(seed)
        eps = torch.randn(mu.shape, generator=gen).to(mu.device)
        z = mu + torch.exp(0.5 * logvar) * eps
    return x.squeeze(1).cpu().numpy(), _images(model.decode(z))


@dataclass
class Encoding:
    """One image through the encoder: q(z|x) = N(μ, σ²) and decodes of several z from it."""

    image: np.ndarray  # [28, 28]
    mu: np.ndarray  # [K]
    sigma: np.ndarray  # [K] standard deviation σ (not the variance σ²)
    z: np.ndarray  # [D, K] draws z = μ + σ⊙ε
    decoded: np.ndarray  # [D, 28, 28]
    mean_decoded: np.ndarray  # [28, 28] decode of z = μ


@torch.no_grad()
def encode_one(model: VAE, image: np.ndarray | Tensor, draws: int = 6, seed: int = 0) -> Encoding:
    """Encode one image to μ and σ, then decode ``draws`` samples of z ~ q(z|x)."""
    x = _as_batch(image, _device(model))[:1]
    mu, logvar = model.encode(x)
    sigma = torch.exp(0.5 * logvar)
    gen = torch.Generator().manual_seed(seed)
    eps = torch.randn((draws, mu.shape[1]), generator=gen).to(mu.device)
    z = mu + sigma * eps  # [D, K]
    return Encoding(
        image=x[0, 0].cpu().numpy(),
        mu=mu[0].cpu().numpy(),
        sigma=sigma[0].cpu().numpy(),
        z=z.cpu().numpy(),
        decoded=_images(model.decode(z)),
        mean_decoded=_images(model.decode(mu))[0],
    )


@torch.no_grad()
def interpolate(
    model: VAE, start: np.ndarray | Tensor, end: np.ndarray | Tensor, steps: int = 10
) -> np.ndarray:
    """Decode evenly spaced points on the line between the μ's of two images: [steps, 28, 28]."""
    device = _device(model)
    mu_a, _ = model.encode(_as_batch(start, device)[:1])
    mu_b, _ = model.encode(_as_batch(end, device)[:1])
    t = torch.linspace(0.0, 1.0, steps, device=device)[:, None]  # [S, 1]
    return _images(model.decode((1 - t) * mu_a + t * mu_b))


@torch.no_grad()
def manifold(model: VAE, size: int = 10, quantile: float = 0.95) -> np.ndarray:
    """The 2-D latent plane decoded on a ``size``×``size`` grid: [size, size, 28, 28].

    Grid points are spaced by the prior's quantiles (central ``quantile`` of N(0, 1)),
    so every cell is equally likely under p(z); row 0 is the top (largest z₂).
    """
    if model.config.latent_dim != 2:
        raise ValueError(f"manifold needs a z=2 model, this one has z={model.config.latent_dim}")
    tail = (1 - quantile) / 2
    probs = torch.linspace(tail, 1 - tail, size)
    values = torch.distributions.Normal(0.0, 1.0).icdf(probs)
    z2, z1 = torch.meshgrid(values.flip(0), values, indexing="ij")  # [S, S] each
    z = torch.stack([z1, z2], dim=-1).reshape(-1, 2).to(_device(model))
    return _images(model.decode(z)).reshape(size, size, 28, 28)


@dataclass
class ReparamGradients:
    """z = μ + σ⊙ε with real numbers and the gradients autograd computes."""

    mu: list[float]
    sigma: list[float]
    eps: list[float]
    z: list[float]
    dz_dmu: list[float]
    """∂z/∂μ through ``rsample``: all ones."""
    dz_dsigma: list[float]
    """∂z/∂σ through ``rsample``: equal to ε."""
    sample_requires_grad: bool
    """Whether ``Normal(μ, σ).sample()`` is attached to the graph: always False."""
    sample_error: str
    """What ``backward`` says when called through ``sample()``."""


def reparam_gradients(
    mu: list[float] | None = None, sigma: list[float] | None = None, seed: int = 0
) -> ReparamGradients:
    """Gradients of z w.r.t. μ and σ through ``rsample`` and (not) through ``sample``."""
    # float64 so that ε recovered as (z − μ)/σ matches the drawn noise to ~1e-15.
    mu_t = torch.tensor(
        mu if mu is not None else [0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True
    )
    sigma_t = torch.tensor(
        sigma if sigma is not None else [1.0, 0.5, 0.2], dtype=torch.float64, requires_grad=True
    )
    dist = torch.distributions.Normal(mu_t, sigma_t)
    with global_seed(seed):  # rsample takes no generator
        z = dist.rsample()
        plain = dist.sample()
    eps = ((z - mu_t) / sigma_t).detach()
    # Each z_i depends only on μ_i and σ_i, so the gradient of Σz is ∂z_i/∂μ_i, ∂z_i/∂σ_i.
    dz_dmu, dz_dsigma = torch.autograd.grad(z.sum(), (mu_t, sigma_t))
    try:
        plain.sum().backward()
        error = ""
    except RuntimeError as exc:
        error = str(exc).splitlines()[0]
    return ReparamGradients(
        mu=mu_t.detach().tolist(),
        sigma=sigma_t.detach().tolist(),
        eps=eps.tolist(),
        z=z.detach().tolist(),
        dz_dmu=dz_dmu.tolist(),
        dz_dsigma=dz_dsigma.tolist(),
        sample_requires_grad=plain.requires_grad,
        sample_error=error,
    )
