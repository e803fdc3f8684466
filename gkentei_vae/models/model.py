"""The VAE itself: encoder → (μ, log σ²), z = μ + σ⊙ε, decoder → Bernoulli logits.

Images are float tensors of shape [B, 1, 28, 28] with values in [0, 1]. Two
architectures share one interface: a small MLP (the one pytorch/examples uses,
fast enough for a live training demo) and a small convolutional net (the
bundled main model; better held-out ELBO for the same size). A third, ``point``,
models 2-D points (the ``ring8`` mode-collapse demo) with a Gaussian likelihood:
the decoder gives the mean, one learned log-variance per coordinate the spread.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
ARCHS = ("mlp", "conv", "point")
POINT_DIMS = 2
"""``point`` arch: the data are 2-D points."""
ACTIVATIONS = {"relu": nn.ReLU, "silu": nn.SiLU, "elu": nn.ELU}


@dataclass(frozen=True)
class VAEConfig:
    """Everything needed to rebuild the network; saved inside every checkpoint."""

    arch: str = "conv"
    latent_dim: int = 16
    hidden: tuple[int, ...] = (400,)
    """MLP / point: widths of the encoder's hidden layers (the decoder mirrors them)."""
    channels: tuple[int, ...] = (32, 64)
    """Conv: channels after each stride-2 convolution (28 → 14 → 7)."""
    fc: int = 0
    """Conv: width of a dense layer between the conv features and z (0: none)."""
    refine: int = 0
    """Conv: extra 3×3 convolutions at full 28×28 resolution at the end of the decoder."""
    activation: str = "relu"

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}, not {self.arch!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}")
        if self.latent_dim < 1:
            raise ValueError("latent_dim must be at least 1")
        if self.arch == "conv" and len(self.channels) != 2:
            raise ValueError("conv needs exactly two channel counts (28 → 14 → 7)")

    def to_dict(self) -> dict[str, Any]:
        """Plain types only, so ``torch.load(weights_only=True)`` accepts it."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VAEConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error, missing ones take defaults."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return cls(**values)


PRESETS: dict[str, dict[str, Any]] = {
    # pytorch/examples' VAE (784-400-z, ReLU): trains in seconds, for the live demo.
    "mlp": {"arch": "mlp", "hidden": (400,), "activation": "relu"},
    # The bundled main model: ELU (ReLU left this net with worse held-out ELBO) and a
    # 3×3 refinement at full resolution; ~0.9 M parameters, 3.6 MB as float32.
    "conv": {"arch": "conv", "channels": (32, 64), "fc": 128, "refine": 1, "activation": "elu"},
    # 2-D points, Gaussian likelihood: as wide as the ring GAN's networks.
    "point": {"arch": "point", "hidden": (128, 128), "activation": "relu"},
}


def preset_config(name: str, latent_dim: int) -> VAEConfig:
    """The named architecture (see :data:`PRESETS`) with ``latent_dim`` latent dimensions."""
    return VAEConfig(latent_dim=latent_dim, **PRESETS[name])


class Output(NamedTuple):
    """One forward pass."""

    logits: Tensor  # [B, 1, 28, 28] Bernoulli logits of p(x|z) (point: means [B, 2])
    mu: Tensor  # [B, K]
    logvar: Tensor  # [B, K] log σ²
    z: Tensor  # [B, K]


class LossTerms(NamedTuple):
    """Per-image terms of the negative ELBO (nats)."""

    recon: Tensor  # [B] −log p(x|z): BCE summed over pixels
    kl: Tensor  # [B] KL(q(z|x) ‖ N(0, I)), closed form
    loss: Tensor  # [B] recon + β·kl


def kl_divergence(mu: Tensor, logvar: Tensor) -> Tensor:
    """Closed-form KL(N(μ, σ²) ‖ N(0, I)) per image: −½ Σ (1 + log σ² − μ² − σ²)."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)


def reconstruction_error(logits: Tensor, x: Tensor) -> Tensor:
    """Bernoulli negative log-likelihood per image, summed over the 784 pixels."""
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    return bce.flatten(1).sum(dim=1)


def gaussian_nll(mean: Tensor, log_var: Tensor, x: Tensor) -> Tensor:
    """−log N(x; mean, diag(exp log_var)) per point [B], summed over coordinates."""
    return 0.5 * ((x - mean).pow(2) / log_var.exp() + log_var + math.log(2 * math.pi)).sum(dim=1)


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor | None = None) -> Tensor:
    """z = μ + σ⊙ε with ε ~ N(0, I) as an input, so gradients reach μ and σ."""
    if eps is None:
        eps = torch.randn_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps


class VAE(nn.Module):
    """Encoder q(z|x) = N(μ, σ²), prior p(z) = N(0, I), decoder p(x|z) = Bernoulli(logits)."""

    def __init__(self, config: VAEConfig) -> None:
        super().__init__()
        self.config = config
        act = ACTIVATIONS[config.activation]
        k = config.latent_dim
        # point: log σ² of p(x|z) per coordinate, learned. Only there, so the image
        # models' checkpoints keep exactly their parameters.
        self.log_var: nn.Parameter | None = None
        if config.arch == "point":
            self.log_var = nn.Parameter(torch.zeros(POINT_DIMS))
        if config.arch in ("mlp", "point"):
            out = POINT_DIMS if config.arch == "point" else IMAGE_PIXELS
            enc: list[nn.Module] = [nn.Flatten()]
            width = out
            for h in config.hidden:
                enc += [nn.Linear(width, h), act()]
                width = h
            self.encoder = nn.Sequential(*enc)
            dec: list[nn.Module] = []
            prev = k
            for h in reversed(config.hidden):
                dec += [nn.Linear(prev, h), act()]
                prev = h
            dec += [nn.Linear(prev, out)]
            if config.arch == "mlp":
                dec += [nn.Unflatten(1, (1, IMAGE_SIDE, IMAGE_SIDE))]
            self.decoder = nn.Sequential(*dec)
        else:
            c1, c2 = config.channels
            feat = c2 * 7 * 7
            enc = [
                nn.Conv2d(1, c1, 4, stride=2, padding=1),  # [B, c1, 14, 14]
                act(),
                nn.Conv2d(c1, c2, 4, stride=2, padding=1),  # [B, c2, 7, 7]
                act(),
                nn.Flatten(),  # [B, c2·49]
            ]
            width = feat
            if config.fc:
                enc += [nn.Linear(feat, config.fc), act()]
                width = config.fc
            self.encoder = nn.Sequential(*enc)
            dec = []
            if config.fc:
                dec += [nn.Linear(k, config.fc), act(), nn.Linear(config.fc, feat)]
            else:
                dec += [nn.Linear(k, feat)]
            dec += [
                act(),
                nn.Unflatten(1, (c2, 7, 7)),
                nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1),  # [B, c1, 14, 14]
                act(),
            ]
            if config.refine:
                dec += [
                    nn.ConvTranspose2d(c1, c1, 4, stride=2, padding=1),
                    act(),
                ]  # [B, c1, 28, 28]
                for _ in range(config.refine - 1):
                    dec += [nn.Conv2d(c1, c1, 3, padding=1), act()]
                dec += [nn.Conv2d(c1, 1, 3, padding=1)]  # [B, 1, 28, 28]
            else:
                dec += [nn.ConvTranspose2d(c1, 1, 4, stride=2, padding=1)]  # [B, 1, 28, 28]
            self.decoder = nn.Sequential(*dec)
        # One layer for both heads: [B, width] → [B, 2K], split into μ and log σ².
        self.head = nn.Linear(width, 2 * k)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """x [B, 1, 28, 28] → μ [B, K], log σ² [B, K]."""
        mu, logvar = self.head(self.encoder(x)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: Tensor) -> Tensor:
        """z [B, K] → Bernoulli logits [B, 1, 28, 28]; sigmoid gives pixel means."""
        return self.decoder(z)

    def recon_error(self, decoded: Tensor, x: Tensor) -> Tensor:
        """−log p(x|z) per item: Bernoulli over pixels, or (point) Gaussian over 2 coordinates."""
        if self.log_var is None:
            return reconstruction_error(decoded, x)
        return gaussian_nll(decoded, self.log_var, x)

    def forward(self, x: Tensor, eps: Tensor | None = None) -> Output:
        mu, logvar = self.encode(x)
        z = reparameterize(mu, logvar, eps)
        return Output(self.decode(z), mu, logvar, z)

    def loss_terms(self, x: Tensor, beta: float = 1.0, eps: Tensor | None = None) -> LossTerms:
        """Reconstruction and KL per image; ``loss`` weights KL by β."""
        out = self(x, eps)
        recon = self.recon_error(out.logits, x)
        kl = kl_divergence(out.mu, out.logvar)
        return LossTerms(recon, kl, recon + beta * kl)


def parameter_count(model: nn.Module) -> int:
    """Number of trainable numbers in the model."""
    return sum(p.numel() for p in model.parameters())
