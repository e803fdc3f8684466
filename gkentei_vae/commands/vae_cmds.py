"""VAE commands: ``train``, ``sample``, ``reconstruct``, ``interpolate``, ``manifold``.

torch is imported only inside the handlers, so ``gkentei-vae --help`` stays light.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from dataclasses import Field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gkentei_vae.commands.common import (
    UsageError,
    float_above,
    int_at_least,
    non_negative_int,
    positive_int,
    say,
)
from gkentei_vae.models.train_config import (
    Option,
    TrainConfig,
    TrainConfigError,
    default_of,
    flag,
    from_options,
    kinds_note,
    option_fields,
)
from gkentei_vae.models.train_config import (
    train_command as config_command,
)

if TYPE_CHECKING:
    import numpy as np

    from gkentei_vae.models.checkpoint import Loaded

BUNDLED_NAMES = ("main", "z2", "beta0")


def _argparse_type(f: Field[Any], opt: Option) -> Callable[[str], Any]:
    """The argparse type of a TrainConfig field (``str`` for a string)."""
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
    if kind == "int":
        return int_at_least(int(opt.minimum)) if opt.minimum is not None else int
    if kind == "float":
        return float_above(opt.minimum, inclusive=True) if opt.minimum is not None else float
    return str


def add_train_options(p: argparse.ArgumentParser) -> None:
    """One option per TrainConfig field, help and choices from its metadata.

    The argparse default is None so that :func:`train_config_from_args` can tell the
    options the user gave (and refuse those of another model kind) from the rest,
    which take the dataclass defaults; ``--help`` shows those defaults.
    """
    for f, opt in option_fields():
        notes = [kinds_note(opt)] if kinds_note(opt) else []
        if default_of(f) is not None:
            notes.append(f"既定: {default_of(f)}")
        help_text = opt.help + (f" [{' / '.join(notes)}]" if notes else "")
        p.add_argument(
            flag(f.name),
            dest=f.name,
            default=None,
            type=_argparse_type(f, opt),
            choices=opt.choices,
            metavar=opt.metavar,
            help=help_text.replace("%", "%%"),
        )


def train_config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig for ``train``'s options; options of another model kind are a usage error."""
    given = {f.name: getattr(args, f.name) for f, _ in option_fields()}
    try:
        return from_options({k: v for k, v in given.items() if v is not None})
    except TrainConfigError as exc:
        raise UsageError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train",
        help="VAE・GAN・数字の分類器を学習してチェックポイントを保存する",
        description="VAE (既定)、GAN、数字の分類器のどれかを学習し、チェックポイントと各ステップの"
        "ログ (.jsonl) を保存します。進捗バーにステップごとの損失を、エポックごとに検証データでの"
        "評価 (VAE: −ELBO / GAN: 同梱の分類器による Fréchet 距離など / 分類器: 正解率) を表示します。"
        " 「GAN のみ」などと書いたオプションは、ほかの --model では使えません。",
    )
    add_train_options(p)
    p.add_argument(
        "--out",
        type=Path,
        default=Path("vae.pt"),
        help="保存先のチェックポイント (ログは拡張子を .jsonl にした同じ場所) [既定: %(default)s]",
    )
    p.set_defaults(handler=run_train)

    def images_parser(name: str, help_text: str, default_ckpt: str) -> argparse.ArgumentParser:
        q = subparsers.add_parser(name, help=help_text, description=help_text)
        q.add_argument(
            "--checkpoint",
            default=default_ckpt,
            metavar="PATH|NAME",
            help=f"チェックポイントのファイル、または同梱モデルの名前 ({' / '.join(BUNDLED_NAMES)})",
        )
        q.add_argument("--seed", type=int, default=0, help="乱数シード (同じシードで同じ画像)")
        q.add_argument(
            "--png", type=Path, metavar="PATH", help="端末に描かずに PNG ファイルへ保存する"
        )
        q.add_argument(
            "--columns",
            type=positive_int,
            help="端末に描く幅 (文字数。既定は端末の幅)",
        )
        return q

    q = images_parser(
        "sample", "事前分布 N(0, I) から z を引いてデコードした画像を表示する", "main"
    )
    q.add_argument("--count", type=positive_int, default=20, help="画像の枚数")
    q.set_defaults(handler=run_sample)

    q = images_parser("reconstruct", "検証データの画像と、その再構成を上下に並べて表示する", "main")
    q.add_argument("--count", type=positive_int, default=10, help="画像の枚数")
    q.add_argument(
        "--data-dir", type=Path, help="mnist / fashion-mnist で学習したモデルのデータのフォルダ"
    )
    q.set_defaults(handler=run_reconstruct)

    q = images_parser(
        "interpolate", "2 つの数字の潜在表現 μ の間を直線で結んでデコードする", "main"
    )
    q.add_argument("--steps", type=positive_int, default=10, help="途中の画像の数 (両端を含む)")
    q.add_argument(
        "--from",
        dest="start",
        type=non_negative_int,
        help="始点にする検証画像の番号 (省略時はシードで選ぶ)",
    )
    q.add_argument(
        "--to",
        dest="end",
        type=non_negative_int,
        help="終点にする検証画像の番号 (省略時はシードで選ぶ)",
    )
    q.add_argument(
        "--data-dir", type=Path, help="mnist / fashion-mnist で学習したモデルのデータのフォルダ"
    )
    q.set_defaults(handler=run_interpolate)

    q = images_parser("manifold", "潜在変数 2 次元のモデルで、潜在平面を格子状にデコードする", "z2")
    q.add_argument("--size", type=positive_int, default=10, help="格子の一辺の数")
    q.set_defaults(handler=run_manifold)


def train_command(args: argparse.Namespace) -> str:
    """The full ``gkentei-vae train`` command for ``args`` (every weight-changing option spelled out)."""
    return config_command(train_config_from_args(args), str(args.out))


def run_train(args: argparse.Namespace) -> int:
    from gkentei_vae.models.schedule import ScheduleError, parse_beta_schedule

    config = train_config_from_args(args)
    try:
        parse_beta_schedule(config.beta_schedule, config.beta)
    except ScheduleError as exc:
        raise UsageError(str(exc)) from None
    if args.out.is_dir():
        raise UsageError(
            f"--out {args.out} はフォルダです。ファイル名 (例: vae.pt) を指定してください"
        )

    from gkentei_vae.models.checkpoint import (
        BUNDLED,
        CheckpointError,
        rebuild_command,
        save_checkpoint,
    )
    from gkentei_vae.models.data import DataUnavailableError
    from gkentei_vae.models.model import parameter_count
    from gkentei_vae.models.train import (
        GANTrainer,
        ProgressBar,
        log_line,
        log_path_for,
        make_trainer,
    )

    try:
        trainer = make_trainer(config)
        if isinstance(trainer, GANTrainer):
            # Its evaluations and its metadata need the bundled classifier: fail now,
            # not after the training.
            trainer.prepare_judge()
    except (DataUnavailableError, RuntimeError) as exc:
        # RuntimeError: --device cuda without CUDA.
        raise UsageError(str(exc)) from None
    except CheckpointError as exc:
        raise UsageError(
            f"{exc}\n  (GAN の評価には同梱の数字の分類器を使います。"
            f"先に {rebuild_command(BUNDLED['classifier'].path())} を実行してください)"
        ) from None
    z = f" z={config.latent_dim}" if config.model in ("vae", "gan") else ""
    say(
        f"学習: {config.model} {config.dataset} {len(trainer.train_images)} 枚 /"
        f" 検証 {len(trainer.heldout_images)} 枚, {config.arch}{z}"
        f" ({parameter_count(trainer.model):,} パラメータ), {trainer.device}",
        err=True,
    )
    log_path = log_path_for(args.out)
    try:
        # Open the log first: an unwritable --out fails now, not after the training.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        log = log_path.open("w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{log_path} に書き込めません: {exc.strerror or exc}") from None
    bar = ProgressBar(config.epochs, trainer.steps_per_epoch)
    with log:
        for rec in trainer.run():
            log.write(log_line(rec) + "\n")
            bar.update(rec)
            if rec.kind == "epoch":
                log.flush()
    meta = trainer.metadata(train_command(args))
    try:
        save_checkpoint(args.out, trainer.model, meta)
    except OSError as exc:
        raise UsageError(f"{args.out} に書き込めません: {exc.strerror or exc}") from None
    say(
        f"保存しました: {args.out} ({_result_summary(meta)}, 学習 {meta['train_seconds']:.0f} 秒) / ログ: {log_path}"
    )
    return 0


def _result_summary(meta: dict[str, Any]) -> str:
    """The checkpoint's headline number, in the words of its kind."""
    if meta["model"] == "gan":
        j = meta["judge"]
        if "ring" in j:
            r = j["ring"]
            return (
                f"8 つのモードで判定: 覆ったモード {j['classes']}/8,"
                f" 3σ 以内 {sum(r['hq']):.0%}, 最大のモードに {max(r['near']):.0%}"
            )
        return f"分類器による判定: FD {j['fd']:.1f}, 灰色 {j['grey']:.0%}, 数字 {j['classes']} 種類"
    if meta["model"] == "classifier":
        return f"検証の正解率 {meta['heldout_accuracy']:.1%}"
    return f"検証 −ELBO {meta['heldout_neg_elbo']:.2f} nats"


def _load(args: argparse.Namespace, need_z2: bool = False) -> Loaded:
    from gkentei_vae.models.checkpoint import BUNDLED, CheckpointError, load_checkpoint

    ref = args.checkpoint
    path = BUNDLED[ref].path() if ref in BUNDLED else Path(ref)
    try:
        # A GAN or classifier file gets a message naming its kind, not a shape error.
        loaded = load_checkpoint(path, kind="vae")
    except CheckpointError as exc:
        raise UsageError(str(exc)) from None
    if need_z2 and loaded.config.latent_dim != 2:
        raise UsageError(
            f"{path}: manifold には潜在変数 2 次元のモデルが必要です"
            f" (このモデルは {loaded.config.latent_dim} 次元。--checkpoint z2 を使ってください)"
        )
    return loaded


def _show(
    images: np.ndarray, args: argparse.Namespace, nrow: int, caption: str, padding: int = 2
) -> None:
    """Write the grid to ``--png`` or draw it in the terminal."""
    if args.png is not None:
        from gkentei_vae.models.images import save_png

        try:
            if args.png.parent != Path():
                args.png.parent.mkdir(parents=True, exist_ok=True)
            save_png(images, args.png, nrow=nrow, padding=padding)
        except (OSError, ValueError) as exc:
            # ValueError: Pillow does not know the file extension.
            raise UsageError(
                f"{args.png} に書き込めません: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        say(f"保存しました: {args.png} ({caption})")
        return
    from gkentei_vae.halfblock import render_grid

    columns = args.columns or shutil.get_terminal_size((80, 24)).columns
    say(caption)
    print(render_grid(images, columns, nrow=nrow, padding=padding))


def _terminal_row(args: argparse.Namespace, count: int) -> int:
    from gkentei_vae.halfblock import per_row

    if args.png is not None:
        return min(count, 10)
    return per_row(args.columns or shutil.get_terminal_size((80, 24)).columns, count)


def run_sample(args: argparse.Namespace) -> int:
    from gkentei_vae.demos.vae_demos import prior_samples

    loaded = _load(args)
    images = prior_samples(loaded.model, args.count, args.seed)
    _show(images, args, _terminal_row(args, args.count), _caption(loaded, "z ~ N(0, I) からの生成"))
    return 0


def _heldout(loaded: Loaded, args: argparse.Namespace) -> Any:
    from gkentei_vae.models.data import DataUnavailableError, load_dataset

    name = loaded.meta.get("dataset", "mnist5k")
    try:
        return load_dataset(name, getattr(args, "data_dir", None))
    except DataUnavailableError as exc:
        raise UsageError(str(exc)) from None


def run_reconstruct(args: argparse.Namespace) -> int:
    import torch

    from gkentei_vae.demos.vae_demos import reconstruct
    from gkentei_vae.halfblock import paired_rows

    loaded = _load(args)
    data = _heldout(loaded, args)
    count = min(args.count, len(data.heldout))
    gen = torch.Generator().manual_seed(args.seed)
    pick = torch.randperm(len(data.heldout), generator=gen)[:count]
    originals, recons = reconstruct(loaded.model, data.heldout[pick])
    nrow = _terminal_row(args, count)
    _show(
        paired_rows(originals, recons, nrow),
        args,
        nrow,
        _caption(loaded, "上: 検証データの元画像 / 下: 再構成 (z = μ をデコード)"),
    )
    return 0


def run_interpolate(args: argparse.Namespace) -> int:
    import torch

    from gkentei_vae.demos.vae_demos import interpolate

    loaded = _load(args)
    data = _heldout(loaded, args)
    n = len(data.heldout)
    for value in (args.start, args.end):
        if value is not None and value >= n:
            raise UsageError(f"検証画像の番号は 0〜{n - 1} です (指定: {value})")
    gen = torch.Generator().manual_seed(args.seed)
    order = torch.randperm(n, generator=gen).tolist()
    start = args.start if args.start is not None else order[0]
    if args.end is not None:
        end = args.end
    else:
        # A different digit class makes the path through latent space visible.
        label = int(data.heldout_labels[start])
        end = next(i for i in order if int(data.heldout_labels[i]) != label)
    images = interpolate(loaded.model, data.heldout[start], data.heldout[end], args.steps)
    caption = _caption(
        loaded,
        f"検証画像 {start} (数字 {int(data.heldout_labels[start])}) → "
        f"{end} (数字 {int(data.heldout_labels[end])}) の μ を結ぶ直線上",
    )
    _show(images, args, _terminal_row(args, args.steps), caption)
    return 0


def run_manifold(args: argparse.Namespace) -> int:
    from gkentei_vae.demos.vae_demos import manifold

    loaded = _load(args, need_z2=True)
    grid = manifold(loaded.model, args.size)
    images = grid.reshape(-1, *grid.shape[2:])
    caption = _caption(
        loaded, f"潜在平面 (z₁ 横, z₂ 縦) を {args.size}×{args.size} の格子でデコード"
    )
    _show(images, args, args.size, caption, padding=0)
    return 0


def _caption(loaded: Loaded, what: str) -> str:
    elbo = loaded.meta.get("heldout_neg_elbo")
    score = f", 検証 −ELBO {elbo:.1f}" if isinstance(elbo, float) else ""
    return f"{what} — {loaded.path.name} (z={loaded.config.latent_dim}{score})"
