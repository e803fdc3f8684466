"""Checkpoints: safe to load, self-describing, and one clear message when they are bad.

A checkpoint is a ``torch.save`` of a dict of plain types and tensors only::

    {"format": "gkentei-vae-checkpoint", "version": 1, "model": "vae" | "gan" | "classifier",
     "config": <the kind's config>.to_dict(), "meta": {...}, "state_dict": {...}}

Files written before GANs and the classifier existed have no ``"model"`` key:
they are VAEs. It is read with ``torch.load(weights_only=True)``, which refuses
any pickle that would build arbitrary objects or run code.
"""

from __future__ import annotations

import os
import shlex
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import torch
from torch import nn

from gkentei_vae.models.classifier import ClassifierConfig, DigitClassifier
from gkentei_vae.models.gan import GAN, GANConfig
from gkentei_vae.models.model import VAE, VAEConfig
from gkentei_vae.models.train_config import KIND_LABELS
from gkentei_vae.paths import checkpoints_dir

FORMAT = "gkentei-vae-checkpoint"
VERSION = 1
MODEL_CLASSES: dict[str, tuple[type[Any], type[nn.Module]]] = {
    "vae": (VAEConfig, VAE),
    "gan": (GANConfig, GAN),
    "classifier": (ClassifierConfig, DigitClassifier),
}
"""Model kind → (its config class, its network class)."""
ModelT = TypeVar("ModelT", bound=nn.Module)


@dataclass(frozen=True)
class Bundled:
    """A checkpoint shipped in ``checkpoints/`` and the options that rebuild it."""

    name: str
    filename: str
    train_args: tuple[str, ...]
    purpose: str

    def path(self) -> Path:
        return checkpoints_dir() / self.filename


# The exact training commands behind the bundled files (docs/vae.md quotes them;
# a test checks each file's recorded command against these).
_COMMON = ("--arch", "conv", "--batch-size", "64", "--lr", "0.002", "--lr-schedule", "cosine")
BUNDLED: dict[str, Bundled] = {
    b.name: b
    for b in (
        Bundled(
            "main",
            "vae-main.pt",
            (*_COMMON, "--latent-dim", "32", "--epochs", "100", "--beta", "1",
             "--beta-schedule", "warmup:5ep", "--shift", "1", "--seed", "0"),
            "最良の本体モデル (サンプル・再構成・エンコード・補間)",
        ),
        Bundled(
            "z2",
            "vae-z2.pt",
            (*_COMMON, "--latent-dim", "2", "--epochs", "30", "--beta", "1",
             "--beta-schedule", "const", "--shift", "0", "--seed", "0", "--eval-every", "5"),
            "潜在空間 2 次元のモデル (多様体の表示)",
        ),
        Bundled(
            "beta0",
            "vae-beta0.pt",
            (*_COMMON, "--latent-dim", "32", "--epochs", "20", "--beta", "0",
             "--beta-schedule", "const", "--shift", "0", "--seed", "0", "--eval-every", "5"),
            "KL 項なし (β=0) で学習したモデル (β の比較)",
        ),
        Bundled(
            "classifier",
            "digit-classifier.pt",
            ("--model", "classifier", "--arch", "conv", "--epochs", "20", "--batch-size", "64",
             "--lr", "0.002", "--lr-schedule", "cosine", "--shift", "2", "--seed", "0",
             "--eval-every", "5"),
            "GAN と VAE の画像を判定する数字の分類器 (クラス分布・Fréchet 距離)",
        ),
        Bundled(
            "gan",
            "gan.pt",
            ("--model", "gan", "--arch", "conv", "--latent-dim", "64", "--epochs", "150",
             "--batch-size", "64", "--lr", "0.001", "--lr-schedule", "cosine",
             "--gan-loss", "nonsaturating", "--gan-beta1", "0.5", "--shift", "0", "--seed", "0",
             "--threads", "1", "--eval-every", "25"),
            "オフラインで長めに学習した小さな DCGAN (VAE との比較)",
        ),
    )
}  # fmt: skip


class CheckpointError(Exception):
    """A checkpoint that cannot be used; the message names the file and the fix."""


def rebuild_command(path: Path) -> str:
    """The ``gkentei-vae train ...`` command that (re)creates ``path``."""
    args: tuple[str, ...] = ()
    for b in BUNDLED.values():
        if b.filename == path.name:
            args = b.train_args
            break
    return shlex.join(["gkentei-vae", "train", *args, "--out", str(path)])


def _fail(path: Path, problem: str) -> CheckpointError:
    return CheckpointError(
        f"チェックポイント {path} {problem}。\n"
        f"  作り直すには次を実行してください: {rebuild_command(path)}"
    )


def kind_of(model: nn.Module) -> str:
    """The model kind of a network: ``vae``, ``gan`` or ``classifier``."""
    for kind, (_, cls) in MODEL_CLASSES.items():
        if isinstance(model, cls):
            return kind
    raise TypeError(f"not a model this package saves: {type(model).__name__}")


def save_checkpoint(path: Path, model: VAE | GAN | DigitClassifier, meta: dict[str, Any]) -> None:
    """Write atomically (temp file + rename) so an interrupted save leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "model": kind_of(model),
        "config": model.config.to_dict(),
        "meta": meta,
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
    }
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


@dataclass
class Loaded(Generic[ModelT]):
    """A usable model (in eval mode) and what its checkpoint says about it."""

    model: ModelT
    config: Any
    """The model's config: a ``VAEConfig``, ``GANConfig`` or ``ClassifierConfig``."""
    meta: dict[str, Any]
    path: Path
    kind: str = "vae"
    """``vae``, ``gan`` or ``classifier``."""


def load_checkpoint(
    path: Path, device: str | torch.device = "cpu", kind: str | None = None
) -> Loaded[Any]:
    """Load safely; every failure is one :class:`CheckpointError` naming the file.

    With ``kind``, a checkpoint of another model kind is refused with a message
    that says which kind it is.
    """
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "がありません")
    try:
        with warnings.catch_warnings():
            # torch warns about pickle protocols on odd files; the error below says it all.
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        # weights_only=True refuses any pickle that names a global outside its
        # allow-list (the way a pickle runs code); other failures mean a damaged
        # or foreign file.
        if "Unsupported global" in str(exc):
            raise _fail(
                path,
                "は任意のコードを実行しうる pickle を含むため、読み込みを拒否しました",
            ) from None
        raise _fail(
            path,
            f"を読めません (壊れているか途中で切れているか、チェックポイントではありません:"
            f" {type(exc).__name__})",
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise _fail(path, "は gkentei-vae のチェックポイントではありません")
    if payload.get("version") != VERSION:
        raise _fail(path, f"の形式バージョン {payload.get('version')!r} には対応していません")
    # Files from before the other kinds existed are VAEs.
    found = payload.get("model", "vae")
    if found not in MODEL_CLASSES:
        raise _fail(path, f"のモデルの種類 {found!r} は知りません")
    if kind is not None and found != kind:
        raise _fail(
            path,
            f"は {KIND_LABELS[found]} のチェックポイントです ({KIND_LABELS[kind]} が必要です)",
        )
    config_cls, model_cls = MODEL_CLASSES[found]
    try:
        config = config_cls.from_dict(payload["config"])
        model = model_cls(config)
        model.load_state_dict(payload["state_dict"])
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise _fail(path, f"の中身がモデルと合いません ({exc})") from None
    meta = payload.get("meta")
    if not isinstance(meta, dict):
        raise _fail(path, "にメタデータがありません")
    model.to(device).eval()
    return Loaded(model, config, meta, path, found)


def load_bundled(name: str = "main", device: str | torch.device = "cpu") -> Loaded[Any]:
    """One of the checkpoints shipped in ``checkpoints/`` (see :data:`BUNDLED`)."""
    return load_checkpoint(BUNDLED[name].path(), device)
