"""Training as a generator of per-step records, so a UI can plot live and stop anytime.

One machinery trains every model kind of :data:`train_config.KINDS`:
``make_trainer(train_config, data).run()`` (or ``Trainer(model_config, ...)`` for
the VAE, ``GANTrainer`` and ``ClassifierTrainer``) yields a step record after
every optimizer step and an epoch record (with the held-out evaluation) after
every epoch; breaking out of the loop between steps is safe. All randomness
(init, shuffling, noise, augmentation) comes from ``seed``, so a CPU run is
reproducible bit for bit.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from gkentei_vae.demo_data import Measurement
from gkentei_vae.models import classifier as classifier_module
from gkentei_vae.models import gan as gan_module
from gkentei_vae.models.checkpoint import load_bundled
from gkentei_vae.models.classifier import ClassifierConfig, DigitClassifier
from gkentei_vae.models.data import Split, load_dataset
from gkentei_vae.models.gan import (
    GAN,
    GANConfig,
    discriminator_loss,
    gan_samples,
    generator_loss,
)
from gkentei_vae.models.judge import judge, real_reference
from gkentei_vae.models.model import (
    VAE,
    VAEConfig,
    kl_divergence,
    preset_config,
)
from gkentei_vae.models.schedule import parse_beta_schedule
from gkentei_vae.models.seeding import global_seed
from gkentei_vae.models.train_config import EVAL_DRAWS, TrainConfig, TrainConfigError

__all__ = [
    "EVAL_DRAWS",
    "ClassifierTrainer",
    "GANTrainer",
    "TrainConfig",
    "TrainConfigError",
    "Trainer",
    "make_trainer",
]

EVAL_SEED = 1234
GAN_EVAL_SAMPLES = 1000
"""GAN evaluation: how many samples the bundled classifier judges (z drawn from EVAL_SEED)."""


@dataclass
class StepRecord:
    """One VAE optimizer step: batch means of both loss terms (nats per image)."""

    step: int
    epoch: int
    recon: float
    kl: float
    beta: float
    loss: float
    lr: float
    images: int
    seconds: float
    kind: str = "step"

    def summary(self) -> str:
        """The progress bar's numbers for this step."""
        return f"再構成 {self.recon:7.2f}  KL {self.kl:6.2f}  β {self.beta:.2f}"


@dataclass
class EpochRecord:
    """End of a VAE epoch: training means and the held-out evaluation."""

    epoch: int
    step: int
    recon: float
    kl: float
    heldout_recon: float | None
    """None on epochs skipped by ``eval_every``, as are the next two."""
    heldout_kl: float | None
    heldout_neg_elbo: float | None
    seconds: float
    kind: str = "epoch"

    def summary(self) -> str:
        """The progress bar's permanent line for this epoch (without the epoch counter)."""
        heldout = ""
        if self.heldout_neg_elbo is not None:
            heldout = (
                f"  | 検証 −ELBO {self.heldout_neg_elbo:7.2f}"
                f" (再構成 {self.heldout_recon:.2f} + KL {self.heldout_kl:.2f})"
            )
        return f"再構成 {self.recon:7.2f}  KL {self.kl:6.2f}{heldout}"


@dataclass
class GANStepRecord:
    """One GAN step (a D update, then a G update on the same fakes): batch means."""

    step: int
    epoch: int
    d_loss: float
    """D's binary cross-entropy, real batch + fake batch (2·ln 2 ≈ 1.39 when D guesses)."""
    g_loss: float
    """−log D(G(z)) after D's update: rises when D wins, whatever loss G minimizes."""
    d_real: float
    """Share of the real batch D calls real."""
    d_fake: float
    """Share of the fake batch D calls fake."""
    lr: float
    images: int
    seconds: float
    kind: str = "step"

    def summary(self) -> str:
        """The progress bar's numbers for this step."""
        return (
            f"D 損失 {self.d_loss:5.2f}  G 損失 {self.g_loss:5.2f}"
            f"  D の正解 本物 {self.d_real:4.0%} 偽物 {self.d_fake:4.0%}"
        )


@dataclass
class GANEpochRecord:
    """End of a GAN epoch: training means and, when evaluated, the judge's numbers."""

    epoch: int
    step: int
    d_loss: float
    g_loss: float
    d_real: float
    d_fake: float
    fd: float | None
    """Fréchet distance of 1,000 samples' classifier features to the held-out digits;
    None on epochs skipped by ``eval_every``, as are the next two."""
    grey: float | None
    """Grey share of the samples' ink pixels (``judge.grey_fraction``)."""
    classes: int | None
    """Digits covered by ≥ 2 % of the samples."""
    seconds: float
    kind: str = "epoch"

    def summary(self) -> str:
        """The progress bar's permanent line for this epoch (without the epoch counter)."""
        judged = ""
        if self.fd is not None:
            judged = f"  | 判定 FD {self.fd:6.1f}  灰色 {self.grey:.0%}  数字 {self.classes} 種類"
        return f"D 損失 {self.d_loss:5.2f}  G 損失 {self.g_loss:5.2f}{judged}"


@dataclass
class ClassifierStepRecord:
    """One classifier step: batch means."""

    step: int
    epoch: int
    loss: float
    """Cross-entropy, nats per image."""
    accuracy: float
    lr: float
    images: int
    seconds: float
    kind: str = "step"

    def summary(self) -> str:
        """The progress bar's numbers for this step."""
        return f"損失 {self.loss:6.3f}  正解率 {self.accuracy:6.1%}"


@dataclass
class ClassifierEpochRecord:
    """End of a classifier epoch: training means and the held-out accuracy."""

    epoch: int
    step: int
    loss: float
    accuracy: float
    heldout_loss: float | None
    """None on epochs skipped by ``eval_every``, as is the next one."""
    heldout_accuracy: float | None
    seconds: float
    kind: str = "epoch"

    def summary(self) -> str:
        """The progress bar's permanent line for this epoch (without the epoch counter)."""
        heldout = ""
        if self.heldout_accuracy is not None:
            heldout = f"  | 検証 正解率 {self.heldout_accuracy:6.1%}  損失 {self.heldout_loss:.3f}"
        return f"損失 {self.loss:6.3f}  正解率 {self.accuracy:6.1%}{heldout}"


AnyStep = StepRecord | GANStepRecord | ClassifierStepRecord
AnyEpoch = EpochRecord | GANEpochRecord | ClassifierEpochRecord
AnyRecord = AnyStep | AnyEpoch


@dataclass
class EvalResult:
    """Held-out means per image (nats); ``neg_elbo = recon + kl``."""

    recon: float
    kl: float
    neg_elbo: float
    images: int


class EncoderDecoder(Protocol):
    """Anything with the VAE's ``encode`` (→ μ, log σ²) and ``decode`` (→ logits)."""

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]: ...
    def decode(self, z: Tensor) -> Tensor: ...
    def recon_error(self, decoded: Tensor, x: Tensor) -> Tensor: ...


def resolve_device(name: str) -> torch.device:
    """``auto`` picks CUDA when present, else CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("CUDA が使えません (--device cpu か auto を指定してください)")
    return torch.device(name)


@torch.no_grad()
def evaluate(
    model: EncoderDecoder,
    images: Tensor,
    draws: int = EVAL_DRAWS,
    seed: int = EVAL_SEED,
    batch_size: int = 500,
) -> EvalResult:
    """−ELBO per image: closed-form KL + reconstruction averaged over ``draws`` z's.

    The noise comes from its own generator, so evaluating never disturbs training.
    """
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    gen = torch.Generator().manual_seed(seed)
    total_recon = 0.0
    total_kl = 0.0
    for start in range(0, len(images), batch_size):
        x = images[start : start + batch_size]
        mu, logvar = model.encode(x)
        std = torch.exp(0.5 * logvar)
        recon = torch.zeros(len(x), device=x.device)
        for _ in range(draws):
            eps = torch.randn(mu.shape, generator=gen).to(mu.device)
            recon += model.recon_error(model.decode(mu + std * eps), x)
        total_recon += (recon / draws).sum().item()
        total_kl += kl_divergence(mu, logvar).sum().item()
    if was_training and hasattr(model, "train"):
        model.train()
    n = len(images)
    return EvalResult(total_recon / n, total_kl / n, (total_recon + total_kl) / n, n)


@dataclass
class Accuracy:
    """A classifier on labelled images: mean cross-entropy (nats) and accuracy."""

    loss: float
    accuracy: float
    images: int


@torch.no_grad()
def classifier_accuracy(
    model: DigitClassifier, images: Tensor, labels: Tensor, batch_size: int = 500
) -> Accuracy:
    """Held-out loss and accuracy (eval mode, restored afterwards)."""
    was_training = model.training
    model.eval()
    loss = correct = 0.0
    for start in range(0, len(images), batch_size):
        logits = model(images[start : start + batch_size])
        y = labels[start : start + batch_size]
        loss += F.cross_entropy(logits, y, reduction="sum").item()
        correct += (logits.argmax(dim=1) == y).sum().item()
    model.train(was_training)
    n = len(images)
    return Accuracy(loss / n, correct / n, n)


def random_shift(x: Tensor, max_shift: int, gen: torch.Generator) -> Tensor:
    """Translate each image by up to ``max_shift`` pixels (zero fill), independently."""
    b, _, h, w = x.shape
    s = max_shift
    padded = torch.nn.functional.pad(x, (s, s, s, s))
    dy = torch.randint(0, 2 * s + 1, (b,), generator=gen).to(x.device)
    dx = torch.randint(0, 2 * s + 1, (b,), generator=gen).to(x.device)
    rows = (torch.arange(h, device=x.device)[None, :] + dy[:, None])[:, :, None]  # [B, H, 1]
    cols = (torch.arange(w, device=x.device)[None, :] + dx[:, None])[:, None, :]  # [B, 1, W]
    batch = torch.arange(b, device=x.device)[:, None, None]
    return padded[batch, 0, rows, cols].unsqueeze(1)


def _adam(
    params: Iterator[nn.Parameter], config: TrainConfig, device: torch.device, beta1: float = 0.9
) -> torch.optim.Adam:
    # The fused Adam kernel updates all parameters in one pass: ~20 % more
    # images/s on 2 CPU cores than the per-tensor loop, same maths.
    return torch.optim.Adam(
        params,
        lr=config.lr,
        betas=(beta1, 0.999),
        weight_decay=config.weight_decay,
        fused=device.type in ("cpu", "cuda"),
    )


class BaseTrainer:
    """What every kind shares: data, seeding, epochs of shuffled batches, timing, metadata.

    A kind supplies :meth:`build_model`, :meth:`build_optimizers`, :meth:`step_on`
    (one optimizer step on the training images at some indexes) and
    :meth:`end_epoch` (its epoch record, with the held-out evaluation when due).
    """

    kind: ClassVar[str]
    epoch_means: ClassVar[tuple[str, ...]]
    """Step-record fields averaged (per image) into the epoch record."""

    def __init__(
        self,
        model_config: Any,
        train_config: TrainConfig,
        data: Split | None = None,
    ) -> None:
        self.model_config = model_config
        # The model config wins: the recorded training options describe this model.
        synced: dict[str, Any] = {"model": self.kind, "arch": model_config.arch}
        if hasattr(model_config, "latent_dim"):
            synced["latent_dim"] = model_config.latent_dim
        if hasattr(model_config, "pack"):
            synced["gan_pack"] = model_config.pack
        self.config = replace(train_config, **synced)
        if self.config.threads:
            torch.set_num_threads(self.config.threads)  # process-wide, as the option says
        self.device = resolve_device(self.config.device)
        if data is None:
            data_dir = Path(self.config.data_dir) if self.config.data_dir else None
            data = load_dataset(self.config.dataset, data_dir)
        self.gen = torch.Generator().manual_seed(self.config.seed)
        train, labels = data.train, data.train_labels
        if self.config.limit:
            keep = torch.randperm(len(train), generator=self.gen)[: self.config.limit]
            train, labels = train[keep], labels[keep]
        self.train_images = train.to(self.device)
        self.train_labels = labels.to(self.device)
        self.heldout_images = data.heldout.to(self.device)
        self.heldout_labels = data.heldout_labels.to(self.device)
        with global_seed(self.config.seed):  # initial weights come from the global RNG
            self.model = self.build_model().to(self.device)
        self.optimizers = self.build_optimizers()
        self.steps_per_epoch = math.ceil(len(self.train_images) / self.config.batch_size)
        self.total_steps = self.steps_per_epoch * self.config.epochs
        self.step = 0
        self.epoch = 0
        self.seconds = 0.0

    def build_model(self) -> nn.Module:
        raise NotImplementedError

    def build_optimizers(self) -> list[torch.optim.Optimizer]:
        return [_adam(self.model.parameters(), self.config, self.device)]

    def step_on(self, idx: Tensor) -> AnyStep:
        """One optimizer step on the training images at ``idx``."""
        raise NotImplementedError

    def end_epoch(self, means: dict[str, float], due: bool) -> AnyEpoch:
        """The record of the epoch just finished; evaluates on held-out data if ``due``."""
        raise NotImplementedError

    def kind_metadata(self) -> dict[str, Any]:
        """The kind's own entries in the checkpoint metadata."""
        raise NotImplementedError

    def lr_at(self, step: int) -> float:
        if self.config.lr_schedule == "cosine" and self.total_steps > 0:
            return self.config.lr * 0.5 * (1 + math.cos(math.pi * step / self.total_steps))
        return self.config.lr

    def set_lr(self) -> float:
        """Set this step's learning rate on every optimizer; returns it."""
        lr = self.lr_at(self.step)
        for optimizer in self.optimizers:
            for group in optimizer.param_groups:
                group["lr"] = lr
        return lr

    def augment(self, x: Tensor) -> Tensor:
        """The ``shift`` augmentation (random draws from the run's own generator)."""
        return random_shift(x, self.config.shift, self.gen) if self.config.shift else x

    def run(self) -> Iterator[AnyRecord]:
        """Train for ``epochs`` epochs, yielding after every step and every epoch."""
        cfg = self.config
        n = len(self.train_images)
        while self.epoch < cfg.epochs:
            self.model.train()
            order = torch.randperm(n, generator=self.gen).to(self.device)
            sums = dict.fromkeys(self.epoch_means, 0.0)
            for start in range(0, n, cfg.batch_size):
                t0 = time.perf_counter()
                rec = self.step_on(order[start : start + cfg.batch_size])
                self.seconds += time.perf_counter() - t0
                rec.seconds = self.seconds
                for key in sums:
                    sums[key] += getattr(rec, key) * rec.images
                yield rec
            self.epoch += 1
            due = cfg.eval_every > 0 and (
                self.epoch == cfg.epochs or self.epoch % cfg.eval_every == 0
            )
            yield self.end_epoch({k: v / n for k, v in sums.items()}, due)

    def metadata(self, command: str = "") -> dict[str, Any]:
        """What a checkpoint records about this run (plain types only)."""
        return {
            "model": self.kind,
            "dataset": self.config.dataset,
            "epochs": self.epoch,
            "steps": self.step,
            "seed": self.config.seed,
            **self.kind_metadata(),
            "train_images": len(self.train_images),
            "train_seconds": round(self.seconds, 2),
            "torch_version": str(torch.__version__),
            "train_config": self.config.to_dict(),
            "command": command,
        }


class Trainer(BaseTrainer):
    """The VAE: holds the model, optimizer and data; :meth:`run` trains and yields records."""

    kind = "vae"
    epoch_means = ("recon", "kl")
    model: VAE

    def __init__(
        self,
        model_config: VAEConfig,
        train_config: TrainConfig,
        data: Split | None = None,
    ) -> None:
        super().__init__(model_config, train_config, data)
        self.optimizer = self.optimizers[0]
        self.beta_at = parse_beta_schedule(
            self.config.beta_schedule, self.config.beta, self.steps_per_epoch
        ).at
        self.last_eval: EvalResult | None = None

    def build_model(self) -> VAE:
        return VAE(self.model_config)

    def train_step(self, x: Tensor) -> StepRecord:
        """One optimizer step on the batch ``x``."""
        beta = self.beta_at(self.step)
        lr = self.set_lr()
        x = self.augment(x)
        eps = torch.randn((len(x), self.model_config.latent_dim), generator=self.gen)
        terms = self.model.loss_terms(x, beta, eps.to(self.device))
        self.optimizer.zero_grad(set_to_none=True)
        terms.loss.mean().backward()
        self.optimizer.step()
        self.step += 1
        recon, kl = torch.stack([terms.recon.detach().mean(), terms.kl.detach().mean()]).tolist()
        return StepRecord(
            self.step, self.epoch + 1, recon, kl, beta, recon + beta * kl, lr, len(x), 0.0
        )

    def step_on(self, idx: Tensor) -> StepRecord:
        return self.train_step(self.train_images[idx])

    def end_epoch(self, means: dict[str, float], due: bool) -> EpochRecord:
        ev = evaluate(self.model, self.heldout_images, self.config.eval_draws) if due else None
        if ev is not None:
            self.last_eval = ev
        return EpochRecord(
            self.epoch,
            self.step,
            means["recon"],
            means["kl"],
            ev.recon if ev else None,
            ev.kl if ev else None,
            ev.neg_elbo if ev else None,
            self.seconds,
        )

    def kind_metadata(self) -> dict[str, Any]:
        ev = self.last_eval or evaluate(self.model, self.heldout_images, self.config.eval_draws)
        return {
            "beta": self.config.beta,
            "beta_schedule": self.config.beta_schedule,
            "heldout_neg_elbo": ev.neg_elbo,
            "heldout_recon": ev.recon,
            "heldout_kl": ev.kl,
            "heldout_images": ev.images,
            "eval_draws": self.config.eval_draws,
        }


VAETrainer = Trainer


class GANTrainer(BaseTrainer):
    """The GAN: per step, D learns on a real and a fake batch, then G on the same fakes.

    Evaluation (``eval_every``) judges 1,000 samples with the bundled digit classifier
    (``judge.py``): Fréchet distance to the held-out digits, grey share, digits covered.
    """

    kind = "gan"
    epoch_means = ("d_loss", "g_loss", "d_real", "d_fake")
    model: GAN

    def __init__(
        self,
        model_config: GANConfig,
        train_config: TrainConfig,
        data: Split | None = None,
    ) -> None:
        super().__init__(model_config, train_config, data)
        self.d_optimizer, self.g_optimizer = self.optimizers
        self.last_judgement: Measurement | None = None
        self._judge: Any = None

    def build_model(self) -> GAN:
        return GAN(self.model_config)

    def build_optimizers(self) -> list[torch.optim.Optimizer]:
        beta1 = self.config.gan_beta1
        return [
            _adam(self.model.discriminator.parameters(), self.config, self.device, beta1),
            _adam(self.model.generator.parameters(), self.config, self.device, beta1),
        ]

    def train_step(self, x: Tensor) -> GANStepRecord:
        """One D update, then ``gan_g_steps`` G updates, on the real batch ``x``.

        ``x`` is pixels in [0, 1] or (``point``) 2-D points. G's first update uses the
        fakes D just saw; each further one draws new z.
        """
        lr = self.set_lr()
        real = self.model.to_model_space(self.augment(x))
        fake = self.model.generate(self._noise(len(x)))
        d = discriminator_loss(self.model, real, fake)
        self.d_optimizer.zero_grad(set_to_none=True)
        d.d_loss.backward()
        self.d_optimizer.step()
        for extra in range(self.config.gan_g_steps):
            if extra:
                fake = self.model.generate(self._noise(len(x)))
            g_loss, fooled = generator_loss(self.model, fake, self.config.gan_loss)
            self.g_optimizer.zero_grad(set_to_none=True)
            g_loss.backward()
            self.g_optimizer.step()
        self.step += 1
        d_loss, d_real, d_fake, g = torch.stack(
            [d.d_loss.detach(), d.d_real, d.d_fake, fooled]
        ).tolist()
        return GANStepRecord(self.step, self.epoch + 1, d_loss, g, d_real, d_fake, lr, len(x), 0.0)

    def _noise(self, count: int) -> Tensor:
        z = torch.randn((count, self.model_config.latent_dim), generator=self.gen)
        return z.to(self.device)

    def step_on(self, idx: Tensor) -> GANStepRecord:
        return self.train_step(self.train_images[idx])

    def prepare_judge(self) -> None:
        """Load the bundled classifier and its view of the held-out digits (once).

        Raises ``CheckpointError`` if the classifier is missing: evaluations and the
        checkpoint metadata both need it. A ``point`` GAN needs none (the ring's modes judge it).
        """
        if self._judge is None and not self.model.points:
            clf = load_bundled("classifier").model
            self._judge = (clf, real_reference(clf, self.heldout_images.cpu()))

    def judgement(self) -> Measurement:
        """The bundled classifier's verdict on 1,000 samples (z from a fixed seed)."""
        self.prepare_judge()
        clf, reference = self._judge
        images = gan_samples(self.model, GAN_EVAL_SAMPLES, EVAL_SEED)
        return judge(clf, reference, images).to_dict()

    def ring_judgement(self) -> dict[str, Any]:
        """A ``point`` GAN's 1,000 samples measured against the ring's modes (``ring.measure``),
        in the judgement's keys: ``classes`` is the modes covered; there is no FD or grey share.
        """
        from gkentei_vae.models.ring import measure, sample_points

        m = measure(sample_points(self.model, GAN_EVAL_SAMPLES, EVAL_SEED))
        return {"fd": None, "grey": None, "classes": m.covered, "ring": m.to_dict()}

    def end_epoch(self, means: dict[str, float], due: bool) -> GANEpochRecord:
        j: Any = None
        if due:
            j = self.ring_judgement() if self.model.points else self.judgement()
        if j is not None:
            self.last_judgement = j
        return GANEpochRecord(
            self.epoch,
            self.step,
            means["d_loss"],
            means["g_loss"],
            means["d_real"],
            means["d_fake"],
            j["fd"] if j else None,
            j["grey"] if j else None,
            j["classes"] if j else None,
            self.seconds,
        )

    def kind_metadata(self) -> dict[str, Any]:
        j: Any = self.last_judgement
        if j is None:
            j = self.ring_judgement() if self.model.points else self.judgement()
        return {
            "gan_loss": self.config.gan_loss,
            "gan_beta1": self.config.gan_beta1,
            "judge": {
                **j,
                "classifier": "ring modes" if self.model.points else "bundled classifier",
                "eval_seed": EVAL_SEED,
            },
        }


class ClassifierTrainer(BaseTrainer):
    """The digit classifier: cross-entropy on labelled digits, held-out accuracy per epoch."""

    kind = "classifier"
    epoch_means = ("loss", "accuracy")
    model: DigitClassifier

    def __init__(
        self,
        model_config: ClassifierConfig,
        train_config: TrainConfig,
        data: Split | None = None,
    ) -> None:
        super().__init__(model_config, train_config, data)
        self.last_eval: Accuracy | None = None

    def build_model(self) -> DigitClassifier:
        return DigitClassifier(self.model_config)

    def step_on(self, idx: Tensor) -> ClassifierStepRecord:
        lr = self.set_lr()
        x = self.augment(self.train_images[idx])
        y = self.train_labels[idx]
        logits = self.model(x)
        loss = F.cross_entropy(logits, y)
        optimizer = self.optimizers[0]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        self.step += 1
        value, acc = torch.stack(
            [loss.detach(), (logits.detach().argmax(dim=1) == y).float().mean()]
        ).tolist()
        return ClassifierStepRecord(self.step, self.epoch + 1, value, acc, lr, len(x), 0.0)

    def end_epoch(self, means: dict[str, float], due: bool) -> ClassifierEpochRecord:
        ev = (
            classifier_accuracy(self.model, self.heldout_images, self.heldout_labels)
            if due
            else None
        )
        if ev is not None:
            self.last_eval = ev
        return ClassifierEpochRecord(
            self.epoch,
            self.step,
            means["loss"],
            means["accuracy"],
            ev.loss if ev else None,
            ev.accuracy if ev else None,
            self.seconds,
        )

    def kind_metadata(self) -> dict[str, Any]:
        ev = self.last_eval or classifier_accuracy(
            self.model, self.heldout_images, self.heldout_labels
        )
        return {
            "heldout_accuracy": ev.accuracy,
            "heldout_loss": ev.loss,
            "heldout_images": ev.images,
        }


AnyTrainer = Trainer | GANTrainer | ClassifierTrainer


def make_trainer(config: TrainConfig, data: Split | None = None) -> AnyTrainer:
    """The trainer for ``config.model``, its network built from the ``arch`` preset."""
    if config.model == "gan":
        model_config = gan_module.preset_config(config.arch, config.latent_dim, config.gan_pack)
        return GANTrainer(model_config, config, data)
    if config.model == "classifier":
        return ClassifierTrainer(classifier_module.preset_config(config.arch), config, data)
    if config.model == "vae":
        return Trainer(preset_config(config.arch, config.latent_dim), config, data)
    raise TrainConfigError(f"未知のモデル {config.model!r}")


@dataclass
class ProgressBar:
    """A one-line progress bar on stderr; one permanent line per epoch."""

    epochs: int
    steps_per_epoch: int
    stream: IO[str] = field(default_factory=lambda: sys.stderr)
    width: int = 24

    def update(self, rec: AnyRecord) -> None:
        tty = self.stream.isatty()
        if rec.kind == "step":
            if not tty:
                return
            done = (rec.step - 1) % self.steps_per_epoch + 1
            fill = self.width * done // self.steps_per_epoch
            bar = "#" * fill + "." * (self.width - fill)
            self.stream.write(f"\rエポック {rec.epoch}/{self.epochs} [{bar}] {rec.summary()}")
        else:
            self.stream.write(
                ("\r" if tty else "")
                + f"エポック {rec.epoch}/{self.epochs}  {rec.summary()}  {rec.seconds:.0f}s\n"
            )
        self.stream.flush()


def log_line(rec: AnyRecord) -> str:
    """One JSONL line; floats rounded so a 100-epoch log stays well under 1 MB."""
    row = {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(rec).items()}
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def log_path_for(checkpoint: Path) -> Path:
    """The per-step log that sits beside ``checkpoint``: ``vae.pt`` → ``vae.jsonl``."""
    return checkpoint.with_suffix(".jsonl")
