"""A GAN for 28×28 digits: generator G(z) and discriminator D(x), trained against each other.

Images go into D and come out of G in [−1, 1] (tanh output, as DCGAN); the rest of
the package works in [0, 1], so :meth:`GAN.images` and :func:`to_gan_range`
convert at the boundary. Three architectures share one interface: small MLPs (fast
enough to train live beside a VAE), a small DCGAN (better samples, trained
offline for the bundled model) and ``point``, MLPs on 2-D points (the ``ring8``
mode-collapse demo) whose G has a linear output: points are not squashed into [−1, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from gkentei_vae.models.config_dict import DictConfig
from gkentei_vae.models.model import IMAGE_PIXELS, IMAGE_SIDE
from gkentei_vae.models.train_config import GAN_LOSSES

ARCHS = ("mlp", "conv", "point")
ACTIVATIONS = ("leaky_relu", "relu")
POINT_DIMS = 2
"""``point`` arch: G's output and D's input are 2-D points."""
LEAK = 0.2
"""Slope of LeakyReLU below 0 (DCGAN's value)."""


@dataclass(frozen=True)
class GANConfig(DictConfig):
    """Everything needed to rebuild both networks; saved inside every checkpoint."""

    arch: str = "mlp"
    """``mlp`` (fully connected), ``conv`` (a small DCGAN) or ``point`` (MLPs on 2-D points)."""
    latent_dim: int = 64
    """Dimensions of the noise z ~ N(0, I) that G turns into an image."""
    g_hidden: tuple[int, ...] = (128, 256)
    """MLP: widths of G's hidden layers, from z towards the image."""
    d_hidden: tuple[int, ...] = (256, 128)
    """MLP: widths of D's hidden layers, from the image towards the score."""
    channels: tuple[int, ...] = (32, 64)
    """Conv: D's channels after each stride-2 convolution (28 → 14 → 7); G mirrors them."""
    activation: str = "leaky_relu"
    """Hidden-layer activation of both networks: ``leaky_relu`` (slope 0.2) or ``relu``."""
    pack: int = 1
    """``point``: D judges this many samples at once, concatenated (PacGAN, Lin et al. 2018)."""

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}, not {self.arch!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}")
        if self.latent_dim < 1:
            raise ValueError("latent_dim must be at least 1")
        if self.arch == "conv" and len(self.channels) != 2:
            raise ValueError("conv needs exactly two channel counts (28 → 14 → 7)")
        if self.pack < 1 or (self.pack > 1 and self.arch != "point"):
            raise ValueError("pack is a positive count, above 1 only for the point arch")


PRESETS: dict[str, dict[str, Any]] = {
    # G 64-128-256-784 / D 784-256-128-1, LeakyReLU: ~8 ms a step on one core,
    # fast enough to train live beside a VAE.
    "mlp": {"arch": "mlp", "g_hidden": (128, 256), "d_hidden": (256, 128)},
    # A small DCGAN (strided convolutions, batch norm in G): slower a step, sharper digits.
    "conv": {"arch": "conv", "channels": (32, 64)},
    # Metz et al. 2016's ring networks, narrower: G z-128-128-2, D 2-128-128-1, ReLU.
    "point": {
        "arch": "point",
        "g_hidden": (128, 128),
        "d_hidden": (128, 128),
        "activation": "relu",
    },
}


def preset_config(name: str, latent_dim: int, pack: int = 1) -> GANConfig:
    """The named architecture (see :data:`PRESETS`) with ``latent_dim`` noise dimensions."""
    return GANConfig(latent_dim=latent_dim, pack=pack, **PRESETS[name])


def _act(name: str) -> nn.Module:
    return nn.LeakyReLU(LEAK) if name == "leaky_relu" else nn.ReLU()


def to_gan_range(x: Tensor) -> Tensor:
    """Pixels in [0, 1] → [−1, 1], the range D sees and G produces."""
    return x * 2 - 1


class GAN(nn.Module):
    """Generator G: z [B, K] → image [B, 1, 28, 28] in [−1, 1]; discriminator D: image → logit."""

    def __init__(self, config: GANConfig) -> None:
        super().__init__()
        self.config = config
        act = config.activation
        k = config.latent_dim
        self.points = config.arch == "point"
        if config.arch in ("mlp", "point"):
            out = POINT_DIMS if self.points else IMAGE_PIXELS
            g: list[nn.Module] = []
            prev = k
            for h in config.g_hidden:
                g += [nn.Linear(prev, h), _act(act)]
                prev = h
            g += [nn.Linear(prev, out)]
            if not self.points:
                g += [nn.Unflatten(1, (1, IMAGE_SIDE, IMAGE_SIDE))]
            d: list[nn.Module] = [nn.Flatten()]
            prev = out * config.pack
            for h in config.d_hidden:
                d += [nn.Linear(prev, h), _act(act)]
                prev = h
            d += [nn.Linear(prev, 1)]
        else:
            c1, c2 = config.channels
            g = [
                nn.Linear(k, c2 * 7 * 7),
                nn.BatchNorm1d(c2 * 7 * 7),
                _act(act),
                nn.Unflatten(1, (c2, 7, 7)),
                nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1),  # [B, c1, 14, 14]
                nn.BatchNorm2d(c1),
                _act(act),
                nn.ConvTranspose2d(c1, 1, 4, stride=2, padding=1),  # [B, 1, 28, 28]
            ]
            # No batch norm in D: real and fake batches go through it separately, and
            # per-batch statistics would let D tell them apart by the batch, not the image.
            d = [
                nn.Conv2d(1, c1, 4, stride=2, padding=1),  # [B, c1, 14, 14]
                _act(act),
                nn.Conv2d(c1, c2, 4, stride=2, padding=1),  # [B, c2, 7, 7]
                _act(act),
                nn.Flatten(),
                nn.Linear(c2 * 7 * 7, 1),
            ]
        self.generator = nn.Sequential(*g) if self.points else nn.Sequential(*g, nn.Tanh())
        self.discriminator = nn.Sequential(*d)

    def generate(self, z: Tensor) -> Tensor:
        """z [B, K] → images [B, 1, 28, 28] in [−1, 1] (``point``: points [B, 2])."""
        return self.generator(z)

    def to_model_space(self, x: Tensor) -> Tensor:
        """Training data as D sees it: pixels [0, 1] → [−1, 1]; points unchanged."""
        return x if self.points else to_gan_range(x)

    def discriminate(self, x: Tensor) -> Tensor:
        """Images in [−1, 1] → logits [B]: positive means "real".

        With ``pack`` p > 1, each p consecutive samples are judged together: [B / p] logits.
        """
        p = self.config.pack
        if p > 1:
            # A last batch that is not a multiple of p loses its few leftover samples.
            x = x[: len(x) - len(x) % p].reshape(len(x) // p, -1)
        return self.discriminator(x).squeeze(1)

    def images(self, z: Tensor) -> Tensor:
        """z → images [B, 1, 28, 28] in [0, 1], like the rest of the package."""
        return (self.generate(z) + 1) / 2


class GANLosses(NamedTuple):
    """One step's losses (batch means) and how well D tells real from fake."""

    d_loss: Tensor
    """−log D(x) − log(1 − D(G(z))): D's binary cross-entropy on a real and a fake batch."""
    d_real: Tensor
    """Fraction of the real batch D calls real (D(x) > ½)."""
    d_fake: Tensor
    """Fraction of the fake batch D calls fake (D(G(z)) < ½)."""


def discriminator_loss(gan: GAN, real: Tensor, fake: Tensor) -> GANLosses:
    """D's loss on real images and (detached) fakes, both in [−1, 1]."""
    real_logits = gan.discriminate(real)
    fake_logits = gan.discriminate(fake.detach())
    loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    with torch.no_grad():
        d_real = (real_logits > 0).float().mean()
        d_fake = (fake_logits < 0).float().mean()
    return GANLosses(loss, d_real, d_fake)


def generator_loss(gan: GAN, fake: Tensor, kind: str = "nonsaturating") -> tuple[Tensor, Tensor]:
    """(the loss G minimizes, −log D(G(z))) for fakes in [−1, 1].

    ``nonsaturating`` minimizes −log D(G(z)) (Goodfellow et al. 2014's practical
    fix); ``minimax`` minimizes log(1 − D(G(z))), whose gradient vanishes when D
    rejects the fakes confidently. The second value is the same number for both, so
    runs with either loss can be compared: it rises when D wins.
    """
    if kind not in GAN_LOSSES:
        raise ValueError(f"gan loss must be one of {GAN_LOSSES}, not {kind!r}")
    logits = gan.discriminate(fake)
    fooled = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    if kind == "nonsaturating":
        return fooled, fooled.detach()
    # log(1 − σ(l)) = −BCE(l, 0) = −softplus(l)
    return -F.softplus(logits).mean(), fooled.detach()


@torch.no_grad()
def gan_samples(gan: GAN, count: int = 16, seed: int = 0, batch: int = 500) -> np.ndarray:
    """``count`` images G(z), z ~ N(0, I) drawn from ``seed``: float32 [N, 28, 28] in [0, 1]."""
    device = next(gan.parameters()).device
    was_training = gan.training
    gan.eval()
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn((count, gan.config.latent_dim), generator=gen)
    out = [gan.images(z[i : i + batch].to(device)).squeeze(1).cpu() for i in range(0, count, batch)]
    gan.train(was_training)
    return torch.cat(out).numpy().astype(np.float32)
