"""Measuring generated digits: how grey, how sharp, which digits, how close to real ones.

All functions take images as float arrays [N, 28, 28] in [0, 1] (numpy or torch);
the classifier-based ones need the bundled digit classifier (``classifier.py``).

- :func:`grey_fraction`: of the *ink* pixels (value > :data:`INK`), the share that
  is *grey* (below :data:`SOLID`). Blur spreads a stroke into grey edges, so a
  blurry sampler scores high. Noise scores high too, since its values are spread
  evenly; this is why the number is read together with the Fréchet distance.
- :func:`laplacian_variance`: variance of the 3×3 Laplacian, the usual focus
  measure. It rewards any high-frequency content, so pure noise scores as
  "sharp": never read it alone.
- :func:`class_histogram`, :func:`classes_covered`: the classifier's verdicts.
- :func:`frechet_distance` between the classifier's penultimate-layer feature
  statistics of two sets: the idea of FID (Heusel et al. 2017), which computes
  the same formula on Inception-v3 features of natural images.
- :func:`realistic_mask`: whether each image's features lie inside the k-nearest-
  neighbour balls of real features (the "precision" of Kynkäänniemi et al. 2019),
  keeping only the tighter half of the balls as their realism score does: the
  few real outliers have balls so wide that a failed generator's single blob
  image falls inside one (measured: 6/6 such images "realistic" with all balls,
  0/6 with the tighter half; real training digits score ~48 %). The classifier's
  confidence is no test of realism: it is ≥ 0.98 on those blobs.
- Mode collapse (:attr:`Judgement.mode_collapse`), as docs/gan.md defines it once
  for the app: the generator maps many different z to similar outputs, measured as
  samples that fall into at most :data:`COLLAPSE_CLASSES` digit kinds. Whether the
  outputs look like digits at all (``realistic``) is reported beside it, never
  part of it: one noise blob for every z is mode collapse in its extreme form.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import torch
from torch import Tensor

from gkentei_vae.models.classifier import CLASSES, DigitClassifier, predict

if TYPE_CHECKING:
    from gkentei_vae.demo_data import Measurement

INK = 0.1
"""A pixel is ink above this value: ~26/255, where the eye stops seeing black.
Real mnist5k digits' anti-aliased edges lie mostly above it."""
SOLID = 0.9
"""Ink at or above this value is solid; ink between :data:`INK` and this is grey.
Symmetric to :data:`INK`: a pixel within 0.1 of either end counts as decided."""
COVERED_SHARE = 0.02
"""A class is *covered* when at least this share of the samples is classified as it
(1/5 of a uniform 10 %: a class this rare is effectively missing)."""
NEIGHBOURS = 3
"""k of the k-NN balls in :func:`realistic_mask` (Kynkäänniemi et al. 2019 use 3)."""
COLLAPSE_CLASSES = 2
"""Mode collapse: the samples cover (:data:`COVERED_SHARE` each) at most this many of
the 10 digit classes (docs/gan.md, "Mode collapse")."""


def _numpy(images: np.ndarray | Tensor) -> np.ndarray:
    arr = images.detach().cpu().numpy() if isinstance(images, Tensor) else np.asarray(images)
    return arr.reshape(-1, 28, 28).astype(np.float32)


def _tensor(images: np.ndarray | Tensor) -> Tensor:
    t = torch.as_tensor(np.asarray(images)) if not isinstance(images, Tensor) else images
    return t.to(torch.float32).reshape(-1, 1, 28, 28)


def grey_fraction(images: np.ndarray | Tensor) -> float:
    """Share of ink pixels (> :data:`INK`) that are grey (< :data:`SOLID`), over all images."""
    x = _numpy(images)
    ink = x > INK
    total = int(ink.sum())
    if total == 0:
        return 0.0
    return float((ink & (x < SOLID)).sum() / total)


def laplacian_variance(images: np.ndarray | Tensor) -> float:
    """Mean over images of the variance of the 4-neighbour Laplacian on the 26×26 interior."""
    x = _numpy(images)
    lap = x[:, :-2, 1:-1] + x[:, 2:, 1:-1] + x[:, 1:-1, :-2] + x[:, 1:-1, 2:] - 4 * x[:, 1:-1, 1:-1]
    return float(lap.reshape(len(x), -1).var(axis=1).mean())


def class_histogram(probs: Tensor | np.ndarray) -> list[int]:
    """How many images the classifier assigns to each digit (argmax of the probabilities)."""
    labels = np.asarray(probs).argmax(axis=1)
    return np.bincount(labels, minlength=CLASSES).astype(int).tolist()


def classes_covered(histogram: list[int], share: float = COVERED_SHARE) -> int:
    """Number of classes holding at least ``share`` of the images."""
    total = sum(histogram)
    if total == 0:
        return 0
    return sum(1 for n in histogram if n / total >= share)


@dataclass
class FeatureStats:
    """Mean and covariance (float64) of a set of feature vectors."""

    mean: np.ndarray
    """[F]"""
    cov: np.ndarray
    """[F, F], unbiased (divides by N − 1), as FID does."""
    count: int
    """How many vectors the statistics come from."""


def feature_stats(features: Tensor | np.ndarray) -> FeatureStats:
    """Mean and covariance of features [N, F]."""
    f = np.asarray(features, dtype=np.float64)
    return FeatureStats(f.mean(axis=0), np.cov(f, rowvar=False), len(f))


def _sqrt_psd(m: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh((m + m.T) / 2)
    return (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T


def frechet_distance(a: FeatureStats, b: FeatureStats) -> float:
    """‖μ_a − μ_b‖² + tr(Σ_a + Σ_b − 2 (Σ_a^½ Σ_b Σ_a^½)^½): the Fréchet distance of two Gaussians.

    tr((Σ_a Σ_b)^½) is computed as the sum of square roots of the eigenvalues of
    the symmetric Σ_a^½ Σ_b Σ_a^½, which avoids scipy's ``sqrtm`` and its complex
    round-off.
    """
    root_a = _sqrt_psd(a.cov)
    middle = root_a @ b.cov @ root_a
    eig = np.linalg.eigvalsh((middle + middle.T) / 2)
    trace_sqrt = float(np.sqrt(np.clip(eig, 0, None)).sum())
    diff = a.mean - b.mean
    value = float(diff @ diff + np.trace(a.cov) + np.trace(b.cov) - 2 * trace_sqrt)
    return max(value, 0.0)


@dataclass
class RealReference:
    """Real digits as the judge sees them: feature statistics and k-NN balls."""

    stats: FeatureStats
    """Feature mean and covariance of all the real digits."""
    features: Tensor
    """[M, F] the centres of the kept balls: real features whose k-NN radius is at most the median."""
    radii: Tensor
    """[M] their radii: distance to the k-th nearest real neighbour."""


def real_reference(classifier: DigitClassifier, images: np.ndarray | Tensor) -> RealReference:
    """The reference every generated set is compared with (the 500 held-out digits)."""
    feats, _ = predict(classifier, _tensor(images))
    dist = torch.cdist(feats, feats)
    # Column 0 of the sorted distances is each point to itself (0).
    radii = dist.sort(dim=1).values[:, NEIGHBOURS]
    keep = radii <= radii.median()
    return RealReference(feature_stats(feats), feats[keep], radii[keep])


def realistic_mask(features: Tensor, reference: RealReference) -> np.ndarray:
    """Whether each feature vector lies within some real feature's k-NN ball: bool [N]."""
    dist = torch.cdist(features, reference.features)  # [N, R]
    return (dist <= reference.radii[None, :]).any(dim=1).numpy()


@dataclass
class Judgement:
    """What the judge measured on one set of images (plain types, JSON-able)."""

    samples: int
    """How many images were measured."""
    grey: float
    """:func:`grey_fraction`."""
    laplacian: float
    """:func:`laplacian_variance`."""
    histogram: list[int]
    """:func:`class_histogram`: images per digit 0–9."""
    classes: int
    """:func:`classes_covered` (≥ 2 % of the images)."""
    fd: float
    """Fréchet distance of the classifier features to the real reference."""
    realistic: float
    """Share of images inside the real features' k-NN balls (:func:`realistic_mask`)."""
    realistic_classes: int
    """Classes covered (≥ 2 %) among the realistic images only."""

    @property
    def mode_collapse(self) -> bool:
        """Many z, few kinds of output: at most ``COLLAPSE_CLASSES`` digit classes covered."""
        return self.classes <= COLLAPSE_CLASSES

    def to_dict(self) -> Measurement:
        """Plain JSON-able dict, with ``mode_collapse`` spelled out (its keys are checked
        against ``Measurement`` by tests/test_demo_recordings.py)."""
        return cast("Measurement", {**asdict(self), "mode_collapse": self.mode_collapse})


def judge(
    classifier: DigitClassifier, reference: RealReference, images: np.ndarray | Tensor
) -> Judgement:
    """Measure ``images`` [N, 28, 28] in [0, 1] against the real ``reference``."""
    x = _tensor(images)
    feats, probs = predict(classifier, x)
    hist = class_histogram(probs)
    real = realistic_mask(feats, reference)
    real_hist = class_histogram(probs[torch.from_numpy(real)]) if real.any() else [0] * CLASSES
    return Judgement(
        samples=len(x),
        grey=grey_fraction(x),
        laplacian=laplacian_variance(x),
        histogram=hist,
        classes=classes_covered(hist),
        fd=frechet_distance(feature_stats(feats), reference.stats),
        realistic=float(real.mean()),
        realistic_classes=classes_covered(real_hist),
    )
