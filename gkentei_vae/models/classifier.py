"""A small CNN digit classifier: the judge of generated digits (see ``judge.py``).

It answers two questions about a set of images: which digit each one looks like
(the class histogram) and, through its penultimate layer, how the set's features
are distributed (the Fréchet distance compares those statistics, FID's idea with
this network instead of Inception). Images go in as [B, 1, 28, 28] in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from gkentei_vae.models.config_dict import DictConfig

ARCHS = ("conv",)
CLASSES = 10


@dataclass(frozen=True)
class ClassifierConfig(DictConfig):
    """Everything needed to rebuild the network; saved inside every checkpoint."""

    arch: str = "conv"
    """The only architecture: two 3×3 convolution + 2×2 max-pool stages, two dense layers."""
    channels: tuple[int, ...] = (32, 64)
    """Channels of the two convolution stages (28 → 14 → 7)."""
    features: int = 128
    """Width of the penultimate layer: the features the Fréchet distance compares."""
    classes: int = CLASSES
    """Number of classes (the ten digits)."""

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}, not {self.arch!r}")
        if len(self.channels) != 2:
            raise ValueError("the classifier needs exactly two channel counts (28 → 14 → 7)")


PRESETS: dict[str, dict[str, Any]] = {"conv": {}}


def preset_config(name: str) -> ClassifierConfig:
    """The named architecture (see :data:`PRESETS`)."""
    return ClassifierConfig(**PRESETS[name])


class DigitClassifier(nn.Module):
    """Image [B, 1, 28, 28] in [0, 1] → class logits [B, 10]; :meth:`features` gives the layer before."""

    def __init__(self, config: ClassifierConfig) -> None:
        super().__init__()
        self.config = config
        c1, c2 = config.channels
        self.body = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # [B, c1, 14, 14]
            nn.Conv2d(c1, c2, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # [B, c2, 7, 7]
            nn.Flatten(),
            nn.Linear(c2 * 7 * 7, config.features),
            nn.ReLU(),
        )
        self.head = nn.Linear(config.features, config.classes)

    def features(self, x: Tensor) -> Tensor:
        """Penultimate-layer activations [B, features]."""
        return self.body(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.body(x))


@torch.no_grad()
def predict(model: DigitClassifier, images: Tensor, batch: int = 500) -> tuple[Tensor, Tensor]:
    """(features [N, F], class probabilities [N, 10]) for images [N, 1, 28, 28] in [0, 1]."""
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    feats, probs = [], []
    for start in range(0, len(images), batch):
        f = model.features(images[start : start + batch].to(device))
        feats.append(f.cpu())
        probs.append(torch.softmax(model.head(f), dim=1).cpu())
    model.train(was_training)
    return torch.cat(feats), torch.cat(probs)
