"""What each demo's computation returns: one ``TypedDict`` per result and per live record.

The model process computes these (``gkentei_vae.demos``), the wire carries them, the
terminal views (``tui.demo_views``, the live screens) and the PNG writers read them; all
of them are typed by the dicts here, so mypy checks that what is drawn is what is
computed. Each demo's entry in ``demo_registry`` names its type (``Demo.data``); the
recorded results the demo snapshots replay (``tests/recorded/``) are checked against
these types, and so is a real run. Imports neither torch nor Textual: every layer may
read it.

Arrays arrive as numpy arrays (the wire restores them); images are float32
``[N, 28, 28]`` in [0, 1].
"""

from typing import NotRequired, TypedDict

import numpy as np
from numpy.typing import NDArray

Images = NDArray[np.float32]
"""Digits, float32 ``[N, 28, 28]`` in [0, 1] (or one image ``[28, 28]``)."""
Floats = NDArray[np.float32]
"""One float32 value per image or per latent dimension."""


class SamplesResult(TypedDict):
    """``samples``: decodes of z ~ N(0, I)."""

    images: Images
    latent_dim: int
    seed: int


class ReconstructResult(TypedDict):
    """``reconstruct``: held-out digits and their reconstructions."""

    originals: Images
    reconstructions: Images
    recon_error: Floats
    labels: NDArray[np.int64]


class EncodeResult(TypedDict):
    """``encode``: one digit's μ and σ per latent dimension, and decodes of z ~ q(z|x)."""

    image: Images
    label: int
    mu: Floats
    sigma: Floats
    kl: float
    decodes: Images


class KlRecord(TypedDict):
    """``kl-training``: one training step (β=0, then β=1)."""

    step: int
    steps: int
    phase: int
    beta: float
    recon: float
    kl: float
    samples: NotRequired[Images]
    """Prior samples, on the first step, at the phase switch, at the end and on a timer."""


class BetaModel(TypedDict):
    """One model of ``beta-compare``: its prior samples and held-out loss terms."""

    images: Images
    kl: float
    recon: float


class BetaCompareResult(TypedDict):
    """``beta-compare``: the β=0 model beside the main (β=1) one."""

    beta0: BetaModel
    main: BetaModel


class ReparamResult(TypedDict):
    """``reparam``: z = μ + σ⊙ε for one digit, and the gradients through it."""

    image: Images
    mu: Floats
    logvar: Floats
    sigma: Floats
    eps: Floats
    z: Floats
    dz_dmu: Floats
    dz_dsigma: Floats
    sample_requires_grad: bool
    sample_error: str
    loss: float
    grad_mu: Floats
    grad_logvar: Floats


def reparam_columns(data: ReparamResult) -> dict[str, Floats]:
    """The per-dimension values the reparam demo lists, in the order shown."""
    return {
        "mu": data["mu"],
        "sigma": data["sigma"],
        "eps": data["eps"],
        "z": data["z"],
        "dz_dmu": data["dz_dmu"],
        "dz_dsigma": data["dz_dsigma"],
        "grad_mu": data["grad_mu"],
        "grad_logvar": data["grad_logvar"],
    }


class InterpolateResult(TypedDict):
    """``interpolate``: decodes along the line between two digits' μ."""

    images: Images
    ends: Images
    labels: list[int]


class ManifoldResult(TypedDict):
    """``manifold``: the z=2 decoder over a size × size grid."""

    images: Images
    size: int


class Measurement(TypedDict):
    """A set of digits judged by the classifier (``models.judge.Judgement.to_dict``)."""

    samples: int
    grey: float
    laplacian: float
    histogram: list[int]
    classes: int
    fd: float
    realistic: float
    realistic_classes: int
    mode_collapse: bool


class ShownMeasurement(Measurement):
    """A measurement with the digits shown of it."""

    images: Images


class RealFloor(Measurement):
    """The held-out digits' measurement; its ``fd`` is that of training digits to them
    (the floor of the measure at these sample sizes)."""

    fd_samples: int


class RealMeasurement(ShownMeasurement, RealFloor):
    """The held-out digits' measurement, with the digits shown and their labels."""

    labels: list[int]


class Thresholds(TypedDict):
    """The judge's pixel thresholds, as the screen explains them."""

    ink: float
    solid: float
    covered_share: float


class GanVsVaeResult(TypedDict):
    """``gan-vs-vae``: the bundled GAN, the main VAE and real digits, measured."""

    gan: ShownMeasurement
    vae: ShownMeasurement
    real: RealMeasurement
    sentences: list[str]
    fid_note: str
    thresholds: Thresholds
    seed: int


class GanFinal(TypedDict):
    """Both models of a ``gan-training`` run, judged at its end."""

    gan: Measurement
    vae: Measurement


class GanRecord(TypedDict):
    """``gan-training``: one round (a VAE step and two GAN steps)."""

    step: int
    steps: int
    images: int
    gan_steps: int
    seconds: float
    vae_loss: float
    vae_recon: float
    vae_kl: float
    d_loss: float
    g_loss: float
    d_real: float
    d_fake: float
    failing: bool
    vae_samples: NotRequired[Images]
    """Both models' images of the same z's: first and last round, and on a timer."""
    gan_samples: NotRequired[Images]
    gan_spread: NotRequired[float]
    change: NotRequired[str]
    """First and last round: the failing run's changed settings, else ""."""
    final: NotRequired[GanFinal]
    """Last round only, as are the keys below."""
    final_spread: NotRequired[float]
    early_fd: NotRequired[float]
    early_step: NotRequired[int]
    claims: NotRequired[dict[str, bool]]
    sentences: NotRequired[list[str]]
