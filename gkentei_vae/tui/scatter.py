"""Scatter plots of 2-D points in braille: 2×4 dots per terminal cell, plain text.

Used by the mode-collapse demo, where every sample of a model is a dot on the ring.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text

BRAILLE_BASE = 0x2800
# Dot bits of a braille cell, by (row 0–3, column 0–1).
_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int64)


def braille_cells(points: np.ndarray, columns: int, rows: int, extent: float) -> np.ndarray:
    """Braille code points [rows, columns] of ``points`` [N, 2] within ±``extent``.

    y grows upwards; points outside the square (or not finite) are left out.
    """
    cells = np.zeros((rows, columns), dtype=np.int64)
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    dx = ((pts[:, 0] + extent) / (2 * extent) * columns * 2).astype(np.int64)
    dy = ((extent - pts[:, 1]) / (2 * extent) * rows * 4).astype(np.int64)
    keep = (dx >= 0) & (dx < columns * 2) & (dy >= 0) & (dy < rows * 4)
    dx, dy = dx[keep], dy[keep]
    np.bitwise_or.at(cells, (dy // 4, dx // 2), _BITS[dy % 4, dx % 2])
    return cells


def scatter_text(
    points: np.ndarray,
    marks: np.ndarray,
    columns: int,
    rows: int,
    extent: float,
    style: str = "",
    mark_style: str = "bold red",
) -> Text:
    """``points`` as braille dots in ``style``; mark k of ``marks`` [M, 2] as its digit k
    (in ``mark_style``) where its cell holds no dot."""
    cells = braille_cells(points, columns, rows, extent)
    mark_cells: dict[tuple[int, int], str] = {}
    for k, (x, y) in enumerate(np.asarray(marks, dtype=np.float64).reshape(-1, 2)):
        c = int((x + extent) / (2 * extent) * columns)
        r = int((extent - y) / (2 * extent) * rows)
        if 0 <= c < columns and 0 <= r < rows:
            mark_cells[(r, c)] = str(k % 10)
    text = Text(no_wrap=True, overflow="crop")
    for r in range(rows):
        for c in range(columns):
            if (r, c) in mark_cells and not cells[r, c]:
                text.append(mark_cells[(r, c)], style=mark_style)
            else:
                text.append(chr(BRAILLE_BASE + int(cells[r, c])), style=style)
        if r < rows - 1:
            text.append("\n")
    return text
