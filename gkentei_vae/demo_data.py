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
    """Decodes of ``count`` z ~ N(0, I)."""
    latent_dim: int
    """Dimensions of z."""
    seed: int
    """The seed the z were drawn with."""


class ReconstructResult(TypedDict):
    """``reconstruct``: held-out digits and their reconstructions."""

    originals: Images
    """Held-out digits."""
    reconstructions: Images
    """The decoder's mean output for each original's μ."""
    recon_error: Floats
    """Each reconstruction's error (BCE, nats)."""
    labels: NDArray[np.int64]
    """Each original's digit."""


class EncodeResult(TypedDict):
    """``encode``: one digit's μ and σ per latent dimension, and decodes of z ~ q(z|x)."""

    image: Images
    """The held-out digit, [28, 28]."""
    label: int
    """Its digit."""
    mu: Floats
    """μ per latent dimension."""
    sigma: Floats
    """σ per latent dimension."""
    kl: float
    """KL(q(z|x) ‖ N(0, I)) of this digit, nats."""
    decodes: Images
    """Decodes of z drawn from q(z|x)."""


class KlRecord(TypedDict):
    """``kl-training``: one training step (β=0, then β=1)."""

    step: int
    """This step, from 1."""
    steps: int
    """Steps of the whole run (both phases)."""
    phase: int
    """1: β=0, 2: β=1."""
    beta: float
    """The KL weight of this step."""
    recon: float
    """Mean reconstruction error of the batch, nats."""
    kl: float
    """Mean KL of the batch, nats."""
    samples: NotRequired[Images]
    """Prior samples, on the first step, at the phase switch, at the end and on a timer."""


class BetaModel(TypedDict):
    """One model of ``beta-compare``: its prior samples and held-out loss terms."""

    images: Images
    """Prior samples."""
    kl: float
    """Mean KL on the held-out digits, nats."""
    recon: float
    """Mean reconstruction error on the held-out digits, nats."""


class BetaCompareResult(TypedDict):
    """``beta-compare``: the β=0 model beside the main (β=1) one."""

    beta0: BetaModel
    """The model trained without the KL term."""
    main: BetaModel
    """The bundled main model (β=1)."""


class ReparamResult(TypedDict):
    """``reparam``: z = μ + σ⊙ε for one digit, and the gradients through it."""

    image: Images
    """The held-out digit, [28, 28]."""
    mu: Floats
    """μ per latent dimension."""
    logvar: Floats
    """log σ² per latent dimension."""
    sigma: Floats
    """σ per latent dimension."""
    eps: Floats
    """ε ~ N(0, I), given from outside."""
    z: Floats
    """μ + σ⊙ε."""
    dz_dmu: Floats
    """∂z/∂μ through rsample (ones)."""
    dz_dsigma: Floats
    """∂z/∂σ through rsample (ε)."""
    sample_requires_grad: bool
    """Whether sample()'s z carries a gradient (it does not)."""
    sample_error: str
    """What autograd says when asked for sample()'s gradient."""
    loss: float
    """−ELBO of this digit for this ε, nats."""
    grad_mu: Floats
    """∂loss/∂μ."""
    grad_logvar: Floats
    """∂loss/∂log σ²."""


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
    """Decodes along the line from one μ to the other."""
    ends: Images
    """The two held-out digits."""
    labels: list[int]
    """Their digits (different)."""


class ManifoldResult(TypedDict):
    """``manifold``: the z=2 decoder over a size × size grid."""

    images: Images
    """Decodes of the grid, row by row: size² images."""
    size: int
    """Grid points per axis."""


class Measurement(TypedDict):
    """A set of digits judged by the classifier (``models.judge.Judgement.to_dict``)."""

    samples: int
    """Images measured."""
    grey: float
    """Share of ink pixels that are grey (``judge.grey_fraction``)."""
    laplacian: float
    """Variance of the Laplacian: edge sharpness (``judge.laplacian_variance``)."""
    histogram: list[int]
    """Images the classifier calls each digit 0–9."""
    classes: int
    """Digits given to ≥ 2 % of the images."""
    fd: float
    """Fréchet distance to the held-out digits in classifier features."""
    realistic: float
    """Share of images near real ones in classifier features."""
    realistic_classes: int
    """Digits covered among the realistic images."""
    mode_collapse: bool
    """Realistic, but of very few digits (``Judgement.mode_collapse``)."""


class ShownMeasurement(Measurement):
    """A measurement with the digits shown of it."""

    images: Images
    """The digits shown."""


class RealFloor(Measurement):
    """The held-out digits' measurement; its ``fd`` is that of training digits to them
    (the floor of the measure at these sample sizes)."""

    fd_samples: int
    """Training digits ``fd`` was measured on."""


class RealMeasurement(ShownMeasurement, RealFloor):
    """The held-out digits' measurement, with the digits shown and their labels."""

    labels: list[int]
    """The shown digits' labels."""


class Thresholds(TypedDict):
    """The judge's pixel thresholds, as the screen explains them."""

    ink: float
    """A pixel above this is ink."""
    solid: float
    """Ink above this is solid; between ``ink`` and this, grey."""
    covered_share: float
    """Share of images a digit needs to count as covered."""


class GanVsVaeResult(TypedDict):
    """``gan-vs-vae``: the bundled GAN, the main VAE and real digits, measured."""

    gan: ShownMeasurement
    """The bundled GAN."""
    vae: ShownMeasurement
    """The bundled main VAE."""
    real: RealMeasurement
    """Real held-out digits."""
    sentences: list[str]
    """What the measurements support, in Japanese."""
    fid_note: str
    """How FD relates to FID, in Japanese."""
    thresholds: Thresholds
    """The judge's thresholds."""
    seed: int
    """The seed of the digits shown."""


class GanFinal(TypedDict):
    """Both models of a ``gan-training`` run, judged at its end."""

    gan: Measurement
    """The GAN's 1,000 samples."""
    vae: Measurement
    """The VAE's 1,000 prior samples."""


class GanRecord(TypedDict):
    """``gan-training``: one round (a VAE step and two GAN steps)."""

    step: int
    """This round, from 1."""
    steps: int
    """Rounds of the run."""
    images: int
    """Training digits the VAE has seen."""
    gan_steps: int
    """GAN steps so far."""
    seconds: float
    """Seconds since the run started."""
    vae_loss: float
    """The VAE's −ELBO this round, nats per image."""
    vae_recon: float
    """Its reconstruction term."""
    vae_kl: float
    """Its KL term."""
    d_loss: float
    """The discriminator's loss (mean of the round's steps)."""
    g_loss: float
    """The generator's loss −log D(G(z))."""
    d_real: float
    """Share of real digits D calls real."""
    d_fake: float
    """Share of fakes D calls fake."""
    failing: bool
    """The GAN has the failing configuration."""
    vae_samples: NotRequired[Images]
    """Both models' images of the same z's: first and last round, and on a timer."""
    gan_samples: NotRequired[Images]
    """The GAN's images of its fixed z's."""
    gan_spread: NotRequired[float]
    """Pixel variance of those images across z."""
    change: NotRequired[str]
    """First and last round: the failing run's changed settings, else ""."""
    final: NotRequired[GanFinal]
    """Last round only, as are the keys below."""
    final_spread: NotRequired[float]
    """Pixel variance across 1,000 z of the final GAN."""
    early_fd: NotRequired[float]
    """The GAN's FD at a quarter of the run."""
    early_step: NotRequired[int]
    """The round of ``early_fd``."""
    claims: NotRequired[dict[str, bool]]
    """The lyric's claims, each True where this run supports it."""
    sentences: NotRequired[list[str]]
    """What this run's numbers support, in Japanese."""


class RingFrame(TypedDict):
    """``mode-collapse``: one model's samples at one snapshot, measured by ``models.ring``."""

    step: int
    """That model's optimizer steps at this snapshot."""
    near: list[float]
    """Per mode: share of all samples within 0.2 of it."""
    hq: list[float]
    """Per mode: share of all samples within 3σ of it."""
    covered: int
    """Modes holding ≥ 1 % of the samples within 3σ."""
    hq_share: float
    """Share of all samples within 3σ of their nearest mode."""
    top_share: float
    """The largest share within 0.2 of one mode."""
    top_mode: int
    """That mode."""
    collapsed: bool
    """Mode collapse by the ring's definition (docs/gan.md)."""
    points: NDArray[np.float32]
    """The first samples, float32 ``[N, 2]`` (the scatter)."""


class RingSummary(TypedDict):
    """``mode-collapse``: what one run measured (``ring_runs.RunSummary.to_dict``)."""

    peak_share: float
    """The largest share within 0.2 of one mode over the snapshots."""
    peak_step: int
    """Its step."""
    peak_mode: int
    """Its mode."""
    collapse_steps: list[int]
    """Steps whose snapshot was collapsed."""
    collapse_modes: list[int]
    """The modes the collapsed snapshots sat on, in order of first visit."""
    final_covered: int
    """Modes covered at the last snapshot."""
    final_hq: float
    """High-quality share at the last snapshot."""
    final_near: float
    """Share within 0.2 of some mode at the last snapshot."""
    steps: int
    """The last snapshot's step."""
    seconds: float
    """Training seconds."""


class RingFinal(TypedDict):
    """``mode-collapse``: both runs' summaries."""

    gan: RingSummary
    """The recorded GAN's."""
    vae: RingSummary
    """The live VAE's."""


class ModeCollapseRecord(TypedDict):
    """``mode-collapse``: a point of the replay, where the recorded GAN, the live VAE or both
    have a new frame (the two runs laid on one timeline, ending together)."""

    gan_steps: int
    """Steps of the recorded GAN run."""
    vae_steps: int
    """Steps of the live VAE run."""
    setup: str
    """The replayed GAN setup's name (``ring_runs.SETUPS``)."""
    label: str
    """Its setting, in Japanese."""
    remedy: bool
    """The replayed GAN is the remedy configuration."""
    recorded_seed: int
    """The seed of the recorded GAN run."""
    live_seconds: float
    """Seconds since the live part started."""
    gan: NotRequired[RingFrame]
    """The recorded GAN's new frame at this point of the timeline, if any."""
    vae: NotRequired[RingFrame]
    """The live VAE's new frame at this point of the timeline, if any."""
    final: NotRequired[RingFinal]
    """Last record only, as are the keys below."""
    claims: NotRequired[dict[str, bool]]
    """Each on-screen claim, True where this run measured it."""
    sentences: NotRequired[list[str]]
    """What this run's numbers support, in Japanese."""
    note: NotRequired[str]
    """Which radius the measures use, and why."""
