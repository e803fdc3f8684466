"""The mode-collapse demo as a PNG: both models' final samples over the ring, shares over time."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from gkentei_vae.demo_data import ModeCollapseRecord, RingFrame
from gkentei_vae.demos.png_font import font_for
from gkentei_vae.demos.vae_png import BG, CYAN, MAGENTA, label, paragraph, stack
from gkentei_vae.models.ring import MODES, mode_centres

SIDE = 300
"""Pixels of each scatter's square."""
EXTENT = 2.6
"""The square shows ±EXTENT on both axes."""
RED = (230, 70, 70)


def _frame(record: ModeCollapseRecord, side: str) -> RingFrame | None:
    return record.get("vae") if side == "vae" else record.get("gan")


def _last(records: list[ModeCollapseRecord], side: str) -> tuple[int, RingFrame]:
    for record in reversed(records):
        frame = _frame(record, side)
        if frame is not None:
            return frame["step"], frame
    raise ValueError(f"no {side} frame")


def _scatter(points: np.ndarray, colour: tuple[int, int, int]) -> Image.Image:
    img = Image.new("RGB", (SIDE, SIDE), BG)
    draw = ImageDraw.Draw(img)

    def px(x: float, y: float) -> tuple[float, float]:
        return ((x + EXTENT) / (2 * EXTENT) * SIDE, (EXTENT - y) / (2 * EXTENT) * SIDE)

    font = font_for("01234567")
    for k, (x, y) in enumerate(mode_centres()):
        cx, cy = px(x, y)
        draw.line((cx - 6, cy, cx + 6, cy), fill=RED, width=2)
        draw.line((cx, cy - 6, cx, cy + 6), fill=RED, width=2)
        draw.text(
            (cx + 1.12 * (cx - SIDE / 2) / 8, cy + 1.12 * (cy - SIDE / 2) / 8 - 7),
            str(k),
            fill=RED,
            font=font,
        )
    for x, y in np.asarray(points, dtype=np.float64):
        if np.isfinite(x) and np.isfinite(y):
            cx, cy = px(x, y)
            draw.point((cx, cy), fill=colour)
    return img


def _history(
    records: list[ModeCollapseRecord], side: str, colour: tuple[int, int, int]
) -> Image.Image:
    frames = [f for f in (_frame(r, side) for r in records) if f is not None]
    cell_w = max(1, SIDE // max(1, len(frames)))
    img = Image.new("RGB", (SIDE, MODES * 10), BG)
    draw = ImageDraw.Draw(img)
    for t, frame in enumerate(frames):
        for k in range(MODES):
            share = min(1.0, frame["near"][k] / 0.5)
            fill = (
                int(BG[0] + (colour[0] - BG[0]) * share),
                int(BG[1] + (colour[1] - BG[1]) * share),
                int(BG[2] + (colour[2] - BG[2]) * share),
            )
            draw.rectangle((t * cell_w, k * 10, (t + 1) * cell_w - 1, k * 10 + 8), fill=fill)
    return img


def _side(records: list[ModeCollapseRecord], side: str, title: str) -> Image.Image:
    colour = CYAN if side == "vae" else MAGENTA
    step, frame = _last(records, side)
    return stack(
        [
            label(title, SIDE, colour),
            _scatter(frame["points"], colour),
            label(f"ステップ {step}: 最大のモードに {frame['top_share']:.0%}", SIDE),
            label(f"覆ったモード {frame['covered']}/8  高品質 {frame['hq_share']:.0%}", SIDE),
            label("モード 0–7 (上から) の上 (0.2 以内) の割合の推移", SIDE),
            _history(records, side, colour),
        ],
        gap=6,
    )


def png_mode_collapse(records: list[ModeCollapseRecord]) -> Image.Image:
    """``mode_collapse.mode_collapse()``'s records: the final state of both models."""
    left = _side(records, "vae", "VAE (その場で学習)")
    right = _side(records, "gan", "GAN (記録した実行)")
    row = Image.new("RGB", (left.width + right.width + 24, max(left.height, right.height)), BG)
    row.paste(left, (0, 0))
    row.paste(right, (left.width + 24, 0))
    parts = [row]
    last = records[-1]
    for sentence in last.get("sentences", []):
        parts.append(paragraph(sentence, row.width))
    return stack(parts)
