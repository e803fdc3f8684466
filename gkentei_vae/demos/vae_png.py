"""Demo results as PNG pictures (``gkentei-vae demo ID --png PATH``), drawn with Pillow.

One renderer per demo, named by its entry in ``gkentei_vae.demo_registry``.

Digits are tiled at 3× scale; numbers become bar charts and curves, labelled in
Japanese with a font found by ``png_font`` (glyph coverage checked; its fallback stated there).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from gkentei_vae.demo_data import (
    BetaCompareResult,
    EncodeResult,
    InterpolateResult,
    KlRecord,
    ManifoldResult,
    ReconstructResult,
    ReparamResult,
    SamplesResult,
    reparam_columns,
)
from gkentei_vae.demos.png_font import font_for
from gkentei_vae.halfblock import paired_rows, tile
from gkentei_vae.jatext import wrap

SCALE = 3
BG = (24, 24, 24)
FG = (230, 230, 230)
CYAN = (80, 200, 230)
MAGENTA = (230, 90, 200)
LABEL_HEIGHT = 18
"""Pixels of one line of label text."""


def digits(images: np.ndarray, nrow: int) -> Image.Image:
    """[N, 28, 28] in [0, 1] tiled ``nrow`` per row, at ``SCALE``× size."""
    grid = tile(np.asarray(images, np.float32), nrow, padding=2, pad_value=0.1)
    pil = Image.fromarray((np.clip(grid, 0, 1) * 255).astype(np.uint8), mode="L").convert("RGB")
    return pil.resize((pil.width * SCALE, pil.height * SCALE), Image.Resampling.NEAREST)


def stack(parts: list[Image.Image], gap: int = 12) -> Image.Image:
    """The parts one under another, on the background, with a margin."""
    width = max(p.width for p in parts)
    height = sum(p.height for p in parts) + gap * (len(parts) - 1)
    out = Image.new("RGB", (width + 2 * gap, height + 2 * gap), BG)
    y = gap
    for p in parts:
        out.paste(p, (gap, y))
        y += p.height + gap
    return out


def label(text: str, width: int, colour: tuple[int, int, int] = FG) -> Image.Image:
    """One line of text in a font that has all its glyphs (``png_font.font_for``)."""
    img = Image.new("RGB", (width, LABEL_HEIGHT), BG)
    ImageDraw.Draw(img).text((0, 1), text, fill=colour, font=font_for(text))
    return img


def paragraph(text: str, width: int, colour: tuple[int, int, int] = FG) -> Image.Image:
    """``text`` wrapped by phrase with 禁則 (``jatext``, as on screen) into lines no wider
    than ``width`` pixels: a cell is half a CJK glyph's advance; a line that still does
    not fit (wide Latin glyphs) is cut where it overflows."""
    font = font_for(text)
    cell = font.getlength("あ") / 2
    lines: list[str] = []
    for phrased in wrap(text, max(1, int(width // cell))):
        line = ""
        for ch in phrased:
            if line and font.getlength(line + ch) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return stack([label(t, width, colour) for t in lines], gap=0)


def _bars(series: dict[str, np.ndarray], width: int = 640, row: int = 110) -> Image.Image:
    """One signed bar chart per named vector (one bar per latent dimension)."""
    img = Image.new("RGB", (width, row * len(series)), BG)
    draw = ImageDraw.Draw(img)
    for r, (name, values) in enumerate(series.items()):
        top = r * row
        mid = top + row // 2 + 6
        draw.text((0, top + 2), name, fill=FG, font=font_for(name))
        draw.line((0, mid, width, mid), fill=(90, 90, 90))
        scale = max(1e-6, float(np.abs(values).max()))
        step = width / max(1, len(values))
        for i, v in enumerate(values):
            h = (row // 2 - 14) * float(v) / scale
            x0 = i * step + 2
            draw.rectangle(
                (x0, min(mid, mid - h), x0 + step - 4, max(mid, mid - h)),
                fill=CYAN if v >= 0 else MAGENTA,
            )
    return img


def _curve(
    name: str, values: list[float], switch: int | None, width: int = 640, height: int = 180
) -> Image.Image:
    img = Image.new("RGB", (width, height), BG)
    draw = ImageDraw.Draw(img)
    text = f"ステップごとの{name} (最初 {values[0]:.1f}、最後 {values[-1]:.1f})"
    draw.text((4, 2), text, fill=FG, font=font_for(text))
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    pts = [
        (
            4 + (width - 8) * i / max(1, len(values) - 1),
            height - 6 - (height - 28) * (v - lo) / span,
        )
        for i, v in enumerate(values)
    ]
    if switch is not None:
        x = 4 + (width - 8) * switch / max(1, len(values) - 1)
        draw.line((x, 18, x, height), fill=(120, 120, 60))
    draw.line(pts, fill=CYAN, width=2)
    return img


def _digit_rows(images: np.ndarray) -> Image.Image:
    return stack([digits(images, min(10, len(images)))])


def png_samples(data: SamplesResult) -> Image.Image:
    return _digit_rows(data["images"])


def png_interpolate(data: InterpolateResult) -> Image.Image:
    return _digit_rows(data["images"])


def png_manifold(data: ManifoldResult) -> Image.Image:
    return stack([digits(data["images"], data["size"])])


def png_reconstruct(data: ReconstructResult) -> Image.Image:
    n = len(data["originals"])
    return stack(
        [
            label("上: 検証用の元画像 / 下: 再構成", 400),
            digits(paired_rows(data["originals"], data["reconstructions"], n), n),
        ]
    )


def png_encode(data: EncodeResult) -> Image.Image:
    return stack(
        [
            digits(data["image"][None], 1),
            _bars({"μ (平均)": data["mu"], "σ (標準偏差)": data["sigma"]}),
            label("q(z|x) から引いた z のデコード", 300),
            digits(data["decodes"], len(data["decodes"])),
        ]
    )


def png_beta_compare(data: BetaCompareResult) -> Image.Image:
    parts = []
    for d, title in ((data["beta0"], "β=0 のモデル"), (data["main"], "β=1 のモデル (同梱)")):
        parts += [
            label(f"{title}: 検証データの KL {d['kl']:.1f} nats", 400),
            digits(d["images"], len(d["images"])),
        ]
    return stack(parts)


REPARAM_LABELS = {
    "mu": "μ (平均)",
    "sigma": "σ (標準偏差)",
    "eps": "ε (標準正規分布のノイズ)",
    "z": "z = μ + σ⊙ε",
    "dz_dmu": "∂z/∂μ (常に 1)",
    "dz_dsigma": "∂z/∂σ (= ε)",
    "grad_mu": "損失の μ についての勾配",
    "grad_logvar": "損失の log σ² についての勾配",
}
"""The reparam PNG's name for each of ``reparam_columns``' values."""


def png_reparam(data: ReparamResult) -> Image.Image:
    columns = {REPARAM_LABELS[k]: np.asarray(v) for k, v in reparam_columns(data).items()}
    return stack([digits(data["image"][None], 1), _bars(columns)])


def png_kl_training(records: list[KlRecord]) -> Image.Image:
    """A streaming demo's PNG gets every record of its (short) run."""
    switch = next((i for i, r in enumerate(records) if r["phase"] == 2), None)
    last_samples = [r["samples"] for r in records if "samples" in r][-1]
    return stack(
        [
            _curve("再構成誤差", [r["recon"] for r in records], switch),
            _curve("KL", [r["kl"] for r in records], switch),
            label("学習後の事前分布からのサンプル", 300),
            digits(last_samples, len(last_samples)),
        ]
    )
