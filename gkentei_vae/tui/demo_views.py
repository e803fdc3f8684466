"""What each demo shows, drawn from the numbers the model process just computed.

One function per demo, named by its entry in ``gkentei_vae.demo_registry``:
``view(data, columns)`` → a Rich renderable.
No number here is written in: every value shown comes from ``data``.
"""

from __future__ import annotations

import numpy as np
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gkentei_vae.demo_data import (
    BetaCompareResult,
    EncodeResult,
    GanVsVaeResult,
    InterpolateResult,
    ManifoldResult,
    ReconstructResult,
    ReparamResult,
    SamplesResult,
    reparam_columns,
)
from gkentei_vae.halfblock import paired_rows, tile
from gkentei_vae.tui.image import PixelImage, image_grid
from gkentei_vae.tui.jawrap import JaText

MAX_DIMS = 8
"""Latent dimensions listed in the tables (the rest are summarised)."""


def _para(*parts: str | tuple[str, str], hang: int = 0) -> JaText:
    """A paragraph of styled parts, wrapped by phrase (jatext.py)."""
    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            text.append(*part)
        else:
            text.append(part)
    return JaText(text, hang=hang)


def _bar(value: float, scale: float, width: int = 12, signed: bool = False) -> Text:
    """A bar of |value|/scale; signed bars grow left (negative) or right (positive) of a centre."""
    fill = min(width, round(abs(value) / scale * width)) if scale > 0 else 0
    if not signed:
        return Text("█" * fill, style="cyan") + Text("·" * (width - fill), style="dim")
    left = (
        Text(" " * (width - fill) + "█" * fill, style="magenta") if value < 0 else Text(" " * width)
    )
    right = (
        Text("█" * fill + " " * (width - fill), style="cyan") if value >= 0 else Text(" " * width)
    )
    return left + Text("│", style="dim") + right


def view_samples(data: SamplesResult, columns: int) -> RenderableType:
    images = data["images"]
    return Group(
        _para(
            ("z ~ N(0, I) ", "bold"),
            f"を {len(images)} 個引き、デコーダだけを通した画像(潜在変数は {data['latent_dim']} 次元、seed {data['seed']})。",
        ),
        Text(""),
        image_grid(images, columns),
        Text(""),
        _para(
            ("訓練データにない新しい数字", "bold"),
            "が生まれる(生成モデル)一方で、輪郭はぼやけています。\n",
            ("ぼやける理由: ", "bold"),
            "再構成誤差(画素ごとのベルヌーイ尤度)は、ありうる画像を平均した出力で小さくなるため、"
            "迷う部分が灰色ににじみます。GAN はくっきりした画像を作れますが、学習は不安定になりがちです。",
        ),
    )


def view_reconstruct(data: ReconstructResult, columns: int) -> RenderableType:
    originals, recons = data["originals"], data["reconstructions"]
    n = len(originals)
    picture = tile(paired_rows(originals, recons, n), n, padding=2, pad_value=0.12)
    errors = "  ".join(f"{e:.1f}" for e in data["recon_error"])
    return Group(
        _para("上の段: 検証用の元画像  /  下の段: エンコーダの μ をデコーダに通した再構成"),
        Text(""),
        PixelImage(picture, columns),
        Text(""),
        _para(("再構成誤差 (BCE, nats): ", "bold"), errors),
        _para("細部が消えて平均的な形になっている: VAE の画像がぼやける様子そのものです。"),
    )


def view_encode(data: EncodeResult, columns: int) -> RenderableType:
    mu, sigma = np.asarray(data["mu"]), np.asarray(data["sigma"])
    table = Table(
        title="q(z|x) = N(μ, σ²)  (σ は標準偏差、分散は σ²)", title_justify="left", show_edge=False
    )
    table.add_column("次元", justify="right")
    table.add_column("平均 μ", justify="right")
    table.add_column("")
    table.add_column("標準偏差 σ", justify="right")
    table.add_column("")
    scale = max(1.0, float(np.abs(mu).max()))
    for k in range(min(MAX_DIMS, len(mu))):
        table.add_row(
            str(k + 1),
            f"{mu[k]:+.2f}",
            _bar(float(mu[k]), scale, 8, signed=True),
            f"{sigma[k]:.2f}",
            _bar(float(sigma[k]), 1.0, 10),
        )
    rest = len(mu) - MAX_DIMS
    decodes = data["decodes"]
    return Group(
        _para(("入力(検証用の画像、ラベル ", "bold"), (f"{data['label']}", "bold"), ("):", "bold")),
        PixelImage(data["image"], columns),
        table,
        _para(
            f"(ほか {rest} 次元)  " if rest > 0 else "",
            ("KL(q(z|x) ‖ N(0, I)) = ", "bold"),
            f"{data['kl']:.2f} nats",
        ),
        Text(""),
        _para(("z = μ + σ⊙ε を ", "bold"), (f"{len(decodes)} 回引いてデコードした画像:", "bold")),
        image_grid(decodes, columns),
        _para(
            "エンコーダは固定のベクトルではなく分布のパラメータ(μ と σ)を出すので、同じ入力からでも少しずつ違う画像になります。"
        ),
    )


def view_beta_compare(data: BetaCompareResult, columns: int) -> RenderableType:
    half = max(30, (columns - 4) // 2)
    parts: list[RenderableType] = []
    for d, title in (
        (data["beta0"], "β = 0 (KL 項なしで学習)"),
        (data["main"], "β = 1 (通常の VAE)"),
    ):
        parts += [
            _para(
                (title, "bold"),
                f"   検証データの平均 KL = {d['kl']:.1f} nats、再構成誤差 = {d['recon']:.1f}",
            ),
            image_grid(d["images"], min(columns, half * 2)),
            Text(""),
        ]
    parts.append(
        _para(
            "どちらも z ~ N(0, I) から生成。KL 項がないとエンコーダの分布は標準正規分布から離れ(KL が大きい)、"
            "事前分布から引いた z はデコーダの知らない場所になるため、崩れた画像になります。"
        )
    )
    return Group(*parts)


def view_reparam(data: ReparamResult, columns: int) -> RenderableType:
    table = Table(
        show_edge=False, title="z = μ + σ⊙ε (ε ~ N(0, I) は外から与える入力)", title_justify="left"
    )
    for head in ("次元", "μ", "σ", "ε", "z", "∂z/∂μ", "∂z/∂σ", "∂L/∂μ", "∂L/∂log σ²"):
        table.add_column(head, justify="right")
    cols = [np.asarray(values) for values in reparam_columns(data).values()]
    for k in range(min(MAX_DIMS, len(cols[0]))):
        table.add_row(str(k + 1), *(f"{c[k]:+.3f}" for c in cols))
    sample_line = Text("Normal(μ, σ).sample(): ", style="bold")
    sample_line.append(f"requires_grad = {data['sample_requires_grad']} → 勾配は流れない")
    if data.get("sample_error"):
        sample_line.append(f"(backward: {data['sample_error']})", style="dim")
    return Group(
        PixelImage(data["image"], columns),
        _para(("損失 L = 再構成誤差 + KL = ", "bold"), f"{data['loss']:.2f} nats(この画像 1 枚)"),
        table,
        _para(
            ("rsample()(再パラメータ化): ", "bold"),
            "∂z/∂μ = 1、∂z/∂σ = ε。乱数 ε を入力として分離したので、L の勾配が μ と log σ² まで届き、"
            "誤差逆伝播法でエンコーダを学習できます。",
        ),
        JaText(sample_line),
    )


def view_interpolate(data: InterpolateResult, columns: int) -> RenderableType:
    a, b = data["labels"]
    return Group(
        _para(f"検証用の {a} と {b} をエンコードし、その μ を結ぶ直線上の点をデコード:"),
        image_grid(data["images"], columns, nrow=min(len(data["images"]), max(1, columns // 12))),
        _para(
            "KL 項が潜在空間を連続にするので、途中の z もそれらしい数字になります(普通のオートエンコーダとの違い)。"
        ),
    )


def view_manifold(data: ManifoldResult, columns: int) -> RenderableType:
    size = data["size"]
    return Group(
        _para(f"潜在変数 2 次元のモデルで、z 平面の {size}×{size} 点(事前分布の分位点)をデコード:"),
        # 72 columns keep every cell a readable digit and the picture quick to draw.
        image_grid(data["images"], min(columns, 72), nrow=size),
        _para("近い z は似た数字に、離れるにつれて別の数字へ滑らかに移り変わります。"),
    )


def _histogram(counts: list[int]) -> Text:
    """Ten bars, one per digit 0–9, scaled to the largest count."""
    peak = max(counts) or 1
    text = Text()
    for digit, count in enumerate(counts):
        text.append(f"{digit}", style="bold")
        text.append(
            _SPARK[min(len(_SPARK) - 1, round(count / peak * (len(_SPARK) - 1)))], style="cyan"
        )
        text.append(" ")
    return text


_SPARK = " ▁▂▃▄▅▆▇█"


def view_gan_vs_vae(data: GanVsVaeResult, columns: int) -> RenderableType:
    sets = (
        (data["gan"], "GAN(同梱)", "magenta"),
        (data["vae"], "VAE(同梱)", "cyan"),
        (data["real"], "本物(検証用)", "green"),
    )
    count = len(data["gan"]["images"])
    nrow = min(count, max(1, columns // 10))
    parts: list[RenderableType] = [
        _para(
            f"画像は各行 {nrow} 枚(seed {data['seed']} で引いた {count} 枚のうち、画面の幅に入る分)。"
            f"下の数値は GAN と VAE が各 "
            f"{data['gan']['samples']} 枚、本物が検証用の {data['real']['samples']} 枚を、いま測ったものです。"
        ),
        Text(""),
    ]
    for d, label, style in sets:
        parts += [
            Text(label, style=f"bold {style}"),
            image_grid(d["images"][:nrow], columns, nrow=nrow),
        ]
    table = Table(show_edge=False, title="測定", title_justify="left")
    table.add_column("")
    table.add_column("灰色の割合", justify="right")
    table.add_column("鮮明さ(ラプラシアン分散)", justify="right")
    table.add_column("数字の種類", justify="right")
    table.add_column("FD", justify="right")
    table.add_column("数字ごとの枚数(分類器)")
    for d, label, style in sets:
        table.add_row(
            Text(label, style=style),
            f"{d['grey']:.0%}",
            f"{d['laplacian']:.3f}",
            f"{d['classes']}/10",
            f"{d['fd']:.1f}",
            _histogram(d["histogram"]),
        )
    parts += [Text(""), table, Text("")]
    for sentence in data["sentences"]:
        parts.append(_para(f"・{sentence}", hang=cell_len("・")))
    parts += [Text(""), _para((data["fid_note"], "dim"))]
    return Group(*parts)
