"""The demos: one entry per demo, naming where each of its parts lives.

A demo is computed in the model process (torch), drawn in the terminal (Textual) and
written as a PNG (Pillow). Those parts live in their own layers, so an entry names them
as ``"module:attribute"`` strings, resolved only by the code that runs them: bank
validation reads this module without importing torch or Textual. Adding a demo is one
entry here plus the functions it names (docs/design.md §6.3).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Demo:
    """One demo and where its parts live."""

    id: str
    """Stable id: a question's ``demo``, ``gkentei-vae demo ID``."""
    title: str
    """Japanese title, shown on the demo screen and in ``demo --help``."""
    shows: str
    """What the learner sees, in one Japanese sentence (docs tables, ``demo --help``)."""
    compute: str
    """``module:function`` run in the model process: keyword args (``seed`` first) → a dict,
    or for a streaming demo an iterator of dicts, of JSON values and numpy arrays."""
    view: str
    """``module:function`` ``(data, columns) → Rich renderable``; for a streaming demo a
    ``module:Class`` of a live screen (``tui.demo_base.LiveDemoScreen``)."""
    png: str
    """``module:function`` ``(data) → PIL.Image`` for ``demo ID --png``."""
    data: str
    """``module:TypedDict`` of what ``compute`` returns (of each record, for a streaming demo)."""
    streams: bool = False
    """True: ``compute`` yields records step by step (live training); Esc stops it."""
    redraw: bool = True
    """True: ``r`` computes it again with new random numbers."""
    png_args: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """Arguments for ``compute`` when writing a PNG (e.g. a shorter live run)."""
    prepare: str | None = None
    """``module:function`` the model process runs once, in a thread, after it warms up:
    slow measurements the demo's first frame must not wait for."""


ONE_SHOT_SCREEN = "gkentei_vae.tui.demo_screen:DemoScreen"
"""The screen a demo that does not stream is shown on (a streaming one names its own ``view``)."""

_VAE = "gkentei_vae.demos.ops"
_GAN = "gkentei_vae.demos.gan_demos"
_VIEWS = "gkentei_vae.tui.demo_views"
_PNG = "gkentei_vae.demos.vae_png"
_DATA = "gkentei_vae.demo_data"

DEMOS: Mapping[str, Demo] = MappingProxyType(
    {
        demo.id: demo
        for demo in (
            Demo(
                "samples",
                "事前分布からのサンプル",
                "z ~ N(0, I) をデコードした、新しいがぼやけた数字",
                f"{_VAE}:samples",
                f"{_VIEWS}:view_samples",
                f"{_PNG}:png_samples",
                f"{_DATA}:SamplesResult",
            ),
            Demo(
                "reconstruct",
                "再構成(元画像と復元画像)",
                "検証用の元画像と、その再構成(ぼやけが目に見える)",
                f"{_VAE}:reconstruct",
                f"{_VIEWS}:view_reconstruct",
                f"{_PNG}:png_reconstruct",
                f"{_DATA}:ReconstructResult",
            ),
            Demo(
                "encode",
                "エンコーダの平均と標準偏差",
                "1 枚の画像の μ と σ(次元ごと)、q(z|x) から引いた z のデコード",
                f"{_VAE}:encode",
                f"{_VIEWS}:view_encode",
                f"{_PNG}:png_encode",
                f"{_DATA}:EncodeResult",
            ),
            Demo(
                "kl-training",
                "再構成誤差とKLの学習曲線",
                "その場での学習: 再構成誤差と KL の曲線、良くなっていくサンプル",
                f"{_VAE}:kl_training",
                "gkentei_vae.tui.kl_training_screen:KlTrainingScreen",
                f"{_PNG}:png_kl_training",
                f"{_DATA}:KlRecord",
                streams=True,
                redraw=False,
                png_args=MappingProxyType({"phase_steps": 120}),
            ),
            Demo(
                "beta-compare",
                "β=0 と β=1 の比較",
                "KL 項なし(β=0)で学習したモデルと β=1 のモデルの事前分布からのサンプル",
                f"{_VAE}:beta_compare",
                f"{_VIEWS}:view_beta_compare",
                f"{_PNG}:png_beta_compare",
                f"{_DATA}:BetaCompareResult",
            ),
            Demo(
                "reparam",
                "再パラメータ化トリックの勾配",
                "z = μ + σ⊙ε の実際の値と、rsample を通る勾配・sample() では流れない勾配",
                f"{_VAE}:reparam",
                f"{_VIEWS}:view_reparam",
                f"{_PNG}:png_reparam",
                f"{_DATA}:ReparamResult",
            ),
            Demo(
                "interpolate",
                "潜在空間の補間",
                "2 つの数字の μ を結ぶ直線上のデコード",
                f"{_VAE}:interpolate",
                f"{_VIEWS}:view_interpolate",
                f"{_PNG}:png_interpolate",
                f"{_DATA}:InterpolateResult",
            ),
            Demo(
                "manifold",
                "2次元潜在空間の多様体",
                "潜在変数 2 次元のモデルの潜在平面を格子状にデコード",
                f"{_VAE}:manifold",
                f"{_VIEWS}:view_manifold",
                f"{_PNG}:png_manifold",
                f"{_DATA}:ManifoldResult",
                redraw=False,  # the grid is fixed by the prior's quantiles
            ),
            Demo(
                "gan-vs-vae",
                "GAN と VAE の画像を測って比べる",
                "同梱の GAN・VAE のサンプルと本物の数字を並べ、灰色の割合・鮮明さ・数字の種類・FD をその場で測る",
                f"{_GAN}:gan_vs_vae",
                f"{_VIEWS}:view_gan_vs_vae",
                "gkentei_vae.demos.gan_png:png_gan_vs_vae",
                f"{_DATA}:GanVsVaeResult",
                prepare=f"{_GAN}:prepare_gan_vs_vae",
            ),
            Demo(
                "gan-training",
                "VAE と GAN を並べて学習する",
                "VAE と GAN をその場でゼロから同時に学習し、損失とサンプルの変化を並べる。b で失敗する GAN の設定",
                f"{_GAN}:gan_training",
                "gkentei_vae.tui.gan_training_screen:GanTrainingScreen",
                "gkentei_vae.demos.gan_png:png_gan_training",
                f"{_DATA}:GanRecord",
                streams=True,
                redraw=False,
                png_args=MappingProxyType({"steps": 300}),
            ),
            Demo(
                "mode-collapse",
                "モード崩壊: 8 つのガウス分布の輪",
                "円周上の 8 つのモードに GAN(記録した実行)と VAE(その場で学習)のサンプルを点で描き、"
                "モードごとの割合・覆ったモード・高品質な割合を測る。b でモード崩壊への対策",
                "gkentei_vae.demos.mode_collapse:mode_collapse",
                "gkentei_vae.tui.mode_collapse_screen:ModeCollapseScreen",
                "gkentei_vae.demos.mode_collapse_png:png_mode_collapse",
                f"{_DATA}:ModeCollapseRecord",
                streams=True,
                redraw=False,
            ),
        )
    }
)
"""Demo id → its entry, in the order the docs list them."""


def resolve(reference: str) -> Any:
    """The object a ``module:attribute`` reference names (imports the module)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)
