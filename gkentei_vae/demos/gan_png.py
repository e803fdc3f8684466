"""The GAN-vs-VAE demos as PNG pictures, drawn with Pillow in the style of ``demo_png``.

Digits are tiled at 3× scale; numbers become labelled bars and curves, labelled in
Japanese with a font found by ``png_font`` (glyph coverage checked).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PIL import Image, ImageDraw

from gkentei_vae.demo_data import GanRecord, GanVsVaeResult, Measurement, ShownMeasurement
from gkentei_vae.demos.png_font import font_for
from gkentei_vae.demos.vae_png import BG, CYAN, FG, MAGENTA, digits, label, stack

YELLOW = (230, 200, 80)
GREY = (90, 90, 90)
SERIES_COLOURS = {"gan": MAGENTA, "vae": CYAN, "real": YELLOW}


def _row(parts: list[Image.Image], gap: int = 16) -> Image.Image:
    out = Image.new(
        "RGB",
        (sum(p.width for p in parts) + gap * (len(parts) - 1), max(p.height for p in parts)),
        BG,
    )
    x = 0
    for p in parts:
        out.paste(p, (x, 0))
        x += p.width + gap
    return out


def _histograms(
    data: Mapping[str, Measurement], width: int = 640, height: int = 130
) -> Image.Image:
    """Class histograms of the three sets side by side per digit (shares of each set)."""
    img = Image.new("RGB", (width, height), BG)
    draw = ImageDraw.Draw(img)
    title = "分類器が付けた数字の分布 (各組の中の割合)"
    draw.text((0, 0), title, fill=FG, font=font_for(title))
    font = font_for("0123456789")
    names = [n for n in ("gan", "vae", "real") if n in data]
    top, bottom = 18, height - 14
    slot = width / 10
    bar = (slot - 8) / len(names)
    peak = max(max(data[n]["histogram"]) / max(1, sum(data[n]["histogram"])) for n in names)
    for digit in range(10):
        x0 = digit * slot + 4
        for i, name in enumerate(names):
            hist = data[name]["histogram"]
            share = hist[digit] / max(1, sum(hist))
            h = (bottom - top) * share / max(peak, 1e-9)
            draw.rectangle(
                (x0 + i * bar, bottom - h, x0 + (i + 1) * bar - 1, bottom),
                fill=SERIES_COLOURS[name],
            )
        draw.text((x0 + slot / 2 - 6, bottom + 1), str(digit), fill=FG, font=font)
    return img


def png_gan_vs_vae(data: GanVsVaeResult) -> Image.Image:
    """``gan_demos.gan_vs_vae()``'s result: the three sets of digits, their numbers, histograms."""
    shown: dict[str, ShownMeasurement] = {
        "gan": data["gan"],
        "vae": data["vae"],
        "real": data["real"],
    }
    columns = []
    for name, title in (
        ("gan", "GAN (同梱)"),
        ("vae", "VAE (同梱の主モデル)"),
        ("real", "本物 (検証用)"),
    ):
        d = shown[name]
        n = len(d["images"])
        grid = digits(d["images"], min(8, n))
        lines = [
            title,
            f"インクのうち灰色 {d['grey']:.0%}",
            f"ラプラシアンの分散 {d['laplacian']:.3f}",
            f"数字の種類 {d['classes']}/10",
            f"検証データとの FD {d['fd']:.1f}",
        ]
        columns.append(
            stack(
                [grid]
                + [
                    label(t, grid.width, SERIES_COLOURS[name] if i == 0 else FG)
                    for i, t in enumerate(lines)
                ],
                gap=4,
            )
        )
    row = _row(columns)
    return stack([row, _histograms(shown, width=row.width)])


def _smooth(values: list[float], window: int) -> list[float]:
    """Moving average over ``window`` steps (GAN losses jump from step to step)."""
    if window <= 1 or len(values) < window:
        return list(values)
    kernel = np.ones(window) / window
    return np.convolve(np.asarray(values, np.float64), kernel, mode="valid").tolist()


def _curves(
    title: str,
    series: dict[str, list[float]],
    colours: dict[str, tuple[int, int, int]],
    width: int = 640,
    height: int = 170,
) -> Image.Image:
    """Several per-step curves on one shared y axis, smoothed, with their first and last values."""
    window = max(1, max(len(v) for v in series.values()) // 100)
    series = {k: _smooth(v, window) for k, v in series.items()}
    img = Image.new("RGB", (width, height), BG)
    draw = ImageDraw.Draw(img)
    legend = "  ".join(f"{k} {v[0]:.2f}→{v[-1]:.2f}" for k, v in series.items())
    text = f"{title}: {legend}"
    draw.text((4, 2), text, fill=FG, font=font_for(text))
    values = [x for v in series.values() for x in v if np.isfinite(x)]
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    for name, v in series.items():
        pts = [
            (4 + (width - 8) * i / max(1, len(v) - 1), height - 6 - (height - 28) * (x - lo) / span)
            for i, x in enumerate(v)
        ]
        draw.line(pts, fill=colours[name], width=1)
    draw.line((4, height - 6, width - 4, height - 6), fill=GREY)
    return img


def png_gan_training(records: list[GanRecord]) -> Image.Image:
    """``gan_demos.gan_training()``'s records: loss curves, first and last samples, final numbers."""
    with_samples = [r for r in records if "gan_samples" in r]
    first, last = with_samples[0], with_samples[-1]
    n = len(first["gan_samples"])
    parts = [
        _curves("VAE の損失 (nats)", {"vae": [r["vae_loss"] for r in records]}, {"vae": CYAN}),
        _curves(
            "GAN の損失",
            {"D": [r["d_loss"] for r in records], "G": [r["g_loss"] for r in records]},
            {"D": YELLOW, "G": MAGENTA},
        ),
        label(f"ラウンド {first['step']}: 上 VAE / 下 GAN (固定した z)", 400),
        digits(np.concatenate([first["vae_samples"], first["gan_samples"]]), n),
        label(f"ラウンド {last['step']}: 上 VAE / 下 GAN (同じ z)", 400),
        digits(np.concatenate([last["vae_samples"], last["gan_samples"]]), n),
    ]
    final = records[-1].get("final")
    if final:
        for name in ("vae", "gan"):
            m = final[name]
            parts.append(
                label(
                    f"{name.upper()}: 灰色 {m['grey']:.0%}  FD {m['fd']:.1f}"
                    f"  数字の種類 {m['classes']}/10  本物らしい {m['realistic']:.0%}",
                    640,
                    SERIES_COLOURS[name],
                )
            )
        parts.append(
            label(f"z を変えたときの GAN の画素の分散: {records[-1]['final_spread']:.2e}", 640)
        )
    return stack(parts)
