"""Images as text: 24-bit-colour half blocks (▀), two pixel rows per text line.

Torch-free (numpy and Pillow only), so the TUI can reuse it without loading torch.
Each character is one pixel column: the foreground colour paints the upper pixel
(the ▀ glyph) and the background colour the lower one.
"""

from __future__ import annotations

import re

import numpy as np

UPPER_HALF = "▀"
RESET = "\x1b[0m"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def visible_width(line: str) -> int:
    """Columns a rendered line occupies (escape sequences take none)."""
    return len(_ANSI.sub("", line))


def fit_width(image: np.ndarray, columns: int) -> np.ndarray:
    """Shrink ``image`` ([H, W] or [H, W, 3], values in [0, 1]) to at most ``columns`` wide.

    Area averaging (Pillow's BOX filter) keeps thin strokes visible; the aspect
    ratio is kept. Images that already fit are returned unchanged.
    """
    h, w = image.shape[:2]
    if w <= columns:
        return image
    from PIL import Image

    new_w = max(1, columns)
    new_h = max(1, round(h * new_w / w))
    arr = np.clip(image, 0.0, 1.0)
    if arr.ndim == 2:
        pil = Image.fromarray((arr * 255).round().astype(np.uint8), mode="L")
    else:
        pil = Image.fromarray((arr * 255).round().astype(np.uint8), mode="RGB")
    return np.asarray(pil.resize((new_w, new_h), Image.Resampling.BOX), dtype=np.float32) / 255.0


def to_rgb(image: np.ndarray) -> np.ndarray:
    """[H, W] grey or [H, W, 3] colour in [0, 1] → uint8 [H, W, 3]."""
    arr = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"expected [H, W] or [H, W, 3], got shape {arr.shape}")
    return (arr * 255).round().astype(np.uint8)


def render(image: np.ndarray, columns: int = 80) -> str:
    """The image as lines of ``▀`` with fg/bg colours, at most ``columns`` wide.

    ``image`` is [H, W] (grey) or [H, W, 3] with values in [0, 1]; an odd last
    row is paired with black.
    """
    rgb = to_rgb(fit_width(np.asarray(image, dtype=np.float32), columns))
    if rgb.shape[0] % 2:
        rgb = np.concatenate([rgb, np.zeros_like(rgb[:1])], axis=0)
    lines = []
    for top, bottom in zip(rgb[0::2].tolist(), rgb[1::2].tolist(), strict=True):
        cells = []
        fg = bg = None
        for t, b in zip(top, bottom, strict=True):
            # Repeat a colour code only when it changes: a digit grid is mostly black,
            # so this cuts the output several-fold.
            if t != fg:
                cells.append(f"\x1b[38;2;{t[0]};{t[1]};{t[2]}m")
                fg = t
            if b != bg:
                cells.append(f"\x1b[48;2;{b[0]};{b[1]};{b[2]}m")
                bg = b
            cells.append(UPPER_HALF)
        lines.append("".join(cells) + RESET)
    return "\n".join(lines)


def tile(images: np.ndarray, nrow: int, padding: int = 2, pad_value: float = 0.0) -> np.ndarray:
    """[N, H, W] → one [rows·(H+p)+p, nrow·(W+p)+p] grid, like torchvision's make_grid."""
    n, h, w = images.shape
    nrow = max(1, min(nrow, n))
    rows = -(-n // nrow)
    grid = np.full(
        (rows * (h + padding) + padding, nrow * (w + padding) + padding), pad_value, np.float32
    )
    for i in range(n):
        r, c = divmod(i, nrow)
        y, x = padding + r * (h + padding), padding + c * (w + padding)
        grid[y : y + h, x : x + w] = images[i]
    return grid


def per_row(columns: int, count: int, min_cell: int = 16) -> int:
    """Images per grid row so that, once shrunk to ``columns``, each stays ≥ ``min_cell`` wide.

    At 80 columns this gives 5 digits a row, each drawn about 15 columns wide.
    """
    return max(1, min(count, columns // min_cell))


def render_grid(
    images: np.ndarray, columns: int = 80, nrow: int | None = None, padding: int = 2
) -> str:
    """[N, H, W] in [0, 1] → a tiled grid as half-block text at most ``columns`` wide."""
    if nrow is None:
        nrow = per_row(columns, len(images))
    return render(tile(images, nrow, padding), columns)


def paired_rows(top: np.ndarray, bottom: np.ndarray, nrow: int) -> np.ndarray:
    """Interleave two [N, H, W] stacks: ``nrow`` of ``top``, then ``nrow`` of ``bottom``, …

    Tiled with ``nrow`` per row, each original sits directly above its reconstruction.
    """
    out = []
    for start in range(0, len(top), nrow):
        a, b = top[start : start + nrow], bottom[start : start + nrow]
        pad = nrow - len(a)
        if pad:
            blank = np.zeros((pad, *a.shape[1:]), a.dtype)
            a, b = np.concatenate([a, blank]), np.concatenate([b, blank])
        out += [a, b]
    return np.concatenate(out)
