"""`demo ID`: run one demo on its own screen, or write its picture to a PNG."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gkentei_vae.commands import common
from gkentei_vae.demo_registry import DEMOS

if TYPE_CHECKING:
    from gkentei_vae.tui.app import GkenteiApp


def register(sub: argparse._SubParsersAction) -> None:
    listing = "、".join(f"{d.id}({d.title})" for d in DEMOS.values())
    demo = sub.add_parser(
        "demo",
        help="同梱のモデルを動かすデモを単独で実行する",
        description=f"デモ: {listing}。",
        keys=demo_screen,
    )
    demo.add_argument("demo_id", metavar="ID", help=f"デモ id ({', '.join(DEMOS)})")
    demo.add_argument("--seed", type=int, default=0, metavar="S", help="乱数シード(既定: 0)")
    demo.add_argument(
        "--png", type=Path, default=None, metavar="PATH", help="画面の代わりに PNG 画像に書き出す"
    )
    demo.set_defaults(handler=run_demo)


def demo_screen() -> type:
    from gkentei_vae.tui.demo_screen import DemoScreen

    return DemoScreen


def run_demo(args: argparse.Namespace) -> int:
    if args.demo_id not in DEMOS:
        raise common.UsageError(f"未知のデモ id '{args.demo_id}'(使えるもの: {', '.join(DEMOS)})")
    if args.png is not None:
        return write_png(args.demo_id, args.seed, args.png)
    from gkentei_vae.tui.launch import run

    return run(interactive_app(args.demo_id, args.seed))


def interactive_app(demo_id: str, seed: int) -> GkenteiApp:
    """The app ``demo ID`` runs: the demo's screen, with a model process of its own."""
    from gkentei_vae.tui.launch import demo_app

    return demo_app(demo_id, seed, warm_model=True)


def write_png(demo_id: str, seed: int, path: Path) -> int:
    """Compute the demo in this process and draw it (a streaming demo: a short run, every record)."""
    from gkentei_vae.demo_registry import resolve
    from gkentei_vae.models.checkpoint import CheckpointError

    demo = DEMOS[demo_id]
    try:
        result: Any = resolve(demo.compute)(seed=seed, **demo.png_args)
        data = list(result) if demo.streams else result
        image = resolve(demo.png)(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, format="PNG")
    except CheckpointError as exc:
        common.say(f"gkentei-vae demo: {exc}", err=True)
        return 1
    except OSError as exc:
        common.say(f"gkentei-vae demo: {path} に書き込めません: {exc.strerror}", err=True)
        return 1
    from gkentei_vae.demos.png_font import missing_note

    note = missing_note()
    if note:
        common.say(f"gkentei-vae demo: {note}", err=True)
    common.say(f"書き出しました: {path}")
    return 0
