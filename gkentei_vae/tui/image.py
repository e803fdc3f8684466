"""Pixel-accurate pictures in any terminal, as Rich renderables for Textual widgets.

Two pixels per cell: "▀" painted with the upper pixel as foreground and the lower
one as background, in 24-bit colour, so it works in every terminal and in SVG
snapshots alike. Tiling and shrinking reuse ``gkentei_vae.halfblock`` (numpy
only), which also renders the same pictures as ANSI text for the CLI.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from gkentei_vae.halfblock import fit_width, per_row, tile, to_rgb

_STYLES: dict[tuple[tuple[int, ...], tuple[int, ...]], Style] = {}

LEVELS = 32
"""Grey levels kept per channel: far fewer distinct styles for Textual to render (a 7×7
grid draws ~3× faster), and no visible banding in 28×28 digits."""


def _style(top: tuple[int, ...], bottom: tuple[int, ...]) -> Style:
    key = (top, bottom)
    style = _STYLES.get(key)
    if style is None:
        style = _STYLES[key] = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
    return style


def prewarm() -> None:
    """Make every style a picture can use (LEVELS² grey pairs, ~60 ms) ahead of the first
    picture, which would otherwise pay for each new pair as it meets it; and shrink one
    picture, so that the first one shown doesn't import Pillow (issue 19)."""
    greys = [round(255 * i / (LEVELS - 1)) for i in range(LEVELS)]
    for top in greys:
        for bottom in greys:
            _style((top, top, top), (bottom, bottom, bottom))
    fit_width(np.zeros((2, 4), dtype=np.float32), 2)


class PixelImage:
    """A picture ([H, W] grey or [H, W, 3], values in [0, 1]) at most ``columns`` wide."""

    def __init__(self, pixels: np.ndarray, columns: int = 10_000) -> None:
        shrunk = np.clip(fit_width(np.asarray(pixels, dtype=np.float32), columns), 0.0, 1.0)
        rgb = to_rgb(np.round(shrunk * (LEVELS - 1)) / (LEVELS - 1))
        if rgb.shape[0] % 2:
            rgb = np.concatenate([rgb, np.zeros_like(rgb[:1])], axis=0)
        self.rgb = rgb

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        """Terminal rows."""
        return int(self.rgb.shape[0] // 2)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        new_line = Segment.line()
        for top, bottom in zip(self.rgb[0::2], self.rgb[1::2], strict=True):
            for t, b in zip(map(tuple, top.tolist()), map(tuple, bottom.tolist()), strict=True):
                yield Segment("▀", _style(t, b))
            yield new_line


def image_grid(images: np.ndarray, columns: int, nrow: int | None = None) -> PixelImage:
    """[N, 28, 28] tiled ``nrow`` per row (or as many as keep digits ≥ 16 columns wide)."""
    nrow = nrow or per_row(columns, len(images))
    return PixelImage(tile(images, nrow, padding=2, pad_value=0.12), columns)
