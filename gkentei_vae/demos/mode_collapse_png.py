"""The mode-collapse demo as a PNG: both models' final samples over the ring, shares over time."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from gkentei_vae.demos.vae_png import BG, CYAN, FG, MAGENTA, label, stack
from gkentei_vae.models.ring import MODES, mode_centres

SIDE = 300
"""Pixels of each scatter's square."""
EXTENT = 2.6
"""The square shows ±EXTENT on both axes."""
RED = (230, 70, 70)


def _last(records: list[dict[str, Any]], side: str) -> dict[str, Any]:
    return next(r for r in reversed(records) if r[side] is not None)


def _scatter(points: np.ndarray, colour: tuple[int, int, int]) -> Image.Image:
    img = Image.new("RGB", (SIDE, SIDE), BG)
    draw = ImageDraw.Draw(img)

    def px(x: float, y: float) -> tuple[float, float]:
        return ((x + EXTENT) / (2 * EXTENT) * SIDE, (EXTENT - y) / (2 * EXTENT) * SIDE)

    for x, y in mode_centres():
        cx, cy = px(x, y)
        draw.line((cx - 6, cy, cx + 6, cy), fill=RED, width=2)
        draw.line((cx, cy - 6, cx, cy + 6), fill=RED, width=2)
    for x, y in np.asarray(points, dtype=np.float64):
        if np.isfinite(x) and np.isfinite(y):
            cx, cy = px(x, y)
            draw.point((cx, cy), fill=colour)
    return img


def _history(records: list[dict[str, Any]], side: str, colour: tuple[int, int, int]) -> Image.Image:
    frames = [r[side] for r in records if r[side] is not None]
    cell_w = max(1, SIDE // max(1, len(frames)))
    img = Image.new("RGB", (SIDE, MODES * 10), BG)
    draw = ImageDraw.Draw(img)
    for t, frame in enumerate(frames):
        for k in range(MODES):
            share = min(1.0, frame["near"][k] / 0.5)
            fill = tuple(int(BG[i] + (colour[i] - BG[i]) * share) for i in range(3))
            draw.rectangle((t * cell_w, k * 10, (t + 1) * cell_w - 1, k * 10 + 8), fill=fill)
    return img


def _side(records: list[dict[str, Any]], side: str, title: str) -> Image.Image:
    colour = CYAN if side == "vae" else MAGENTA
    record = _last(records, side)
    frame = record[side]
    return stack(
        [
            label(title, SIDE, colour),
            _scatter(frame["points"], colour),
            label(
                f"step {record['step']}: top mode {frame['top_share']:.0%}"
                f"  covered {frame['covered']}/8  HQ {frame['hq_share']:.0%}",
                SIDE,
            ),
            label("share within 0.2 of each mode over time", SIDE),
            _history(records, side, colour),
        ],
        gap=6,
    )


def png_mode_collapse(records: list[dict[str, Any]]) -> Image.Image:
    """``mode_collapse.mode_collapse()``'s records: the final state of both models."""
    left = _side(records, "vae", "VAE (trained live)")
    right = _side(records, "gan", "GAN (recorded run)")
    row = Image.new("RGB", (left.width + right.width + 24, max(left.height, right.height)), BG)
    row.paste(left, (0, 0))
    row.paste(right, (left.width + 24, 0))
    parts = [row]
    last = records[-1]
    for sentence in last.get("sentences", []):
        parts.append(label(sentence, row.width, FG))
    return stack(parts)
