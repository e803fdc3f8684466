"""`demo ID`: run one demo on its own screen, or write its picture to a PNG."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gkentei_vae.banks.vocab import DEMOS
from gkentei_vae.commands import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    listing = "、".join(f"{k}({v})" for k, v in DEMOS.items())
    demo = sub.add_parser(
        "demo",
        help="同梱の VAE を動かすデモを単独で実行する",
        description=f"デモ: {listing}",
    )
    demo.add_argument("demo_id", metavar="ID", help=f"デモ id ({', '.join(DEMOS)})")
    demo.add_argument("--seed", type=int, default=0, metavar="S", help="乱数シード(既定: 0)")
    demo.add_argument(
        "--png", type=Path, default=None, metavar="PATH", help="画面の代わりに PNG 画像に書き出す"
    )
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    if args.demo_id not in DEMOS:
        raise UsageError(f"未知のデモ id '{args.demo_id}'(使えるもの: {', '.join(DEMOS)})")
    if args.png is not None:
        return write_png(args.demo_id, args.seed, args.png)
    from gkentei_vae.tui.launch_demo import run_demo_app

    return run_demo_app(args.demo_id, args.seed)


def write_png(demo_id: str, seed: int, path: Path) -> int:
    """Compute the demo in this process and draw it (kl-training: a short run)."""
    from gkentei_vae.vae.checkpoint import CheckpointError
    from gkentei_vae.vae.demo_ops import OPS
    from gkentei_vae.vae.demo_png import save_demo_png

    try:
        if demo_id == "kl-training":
            data = list(OPS[demo_id](seed=seed, phase_steps=120))
        else:
            data = OPS[demo_id](seed=seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        save_demo_png(demo_id, data, path)
    except CheckpointError as exc:
        print(f"gkentei-vae demo: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"gkentei-vae demo: {path} に書き込めません: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"書き出しました: {path}")
    return 0
