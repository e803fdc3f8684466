"""Japanese text as a Rich renderable that wraps itself with ``gkentei_vae.jatext``.

Textual wraps ``Text`` only at ASCII spaces; a ``JaText`` breaks it by phrase with 禁則
instead, at render time, so it re-wraps when the terminal is resized. Every widget that
shows learner-facing prose uses it (docs/design.md §6.4): give it a ``Text`` (styles are
kept) or a plain ``str`` (shown literally, never parsed as markup).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from textual.app import App

from gkentei_vae.jatext import fill, line_spans, max_width, min_width


class JaText:
    """``text`` wrapped by phrase (jatext.py) to whatever width it is given; each
    paragraph's lines after its first are indented by ``hang`` cells."""

    def __init__(self, text: Text | str, style: str = "", hang: int = 0) -> None:
        self.text = text if isinstance(text, Text) else Text(text, style=style)
        self.hang = hang

    @property
    def plain(self) -> str:
        return self.text.plain

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text, plain = self.text, self.text.plain
        for start, end in line_spans(plain, options.max_width, self.hang):
            if start and plain[start - 1] != "\n":
                yield Segment(" " * self.hang)
            yield from text[start:end].render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        widest = max_width(plain)
        return Measurement(min(widest, min_width(plain) + self.hang), widest).clamp(
            max_width=options.max_width
        )


TOAST_WIDTH = 60
"""A toast's width in cells, at most half the screen (Textual's Toast CSS)."""
TOAST_CHROME = 3
"""Cells of a toast that are not text: its left border and its padding."""


def notify(app: App[Any], message: str, **settings: Any) -> None:
    """``app.notify`` with ``message`` broken by jatext for the toast's width, shown literally.

    A toast lives a few seconds and Textual draws it from a string, so the breaks are put
    in for the screen's size when it appears.
    """
    width = min(TOAST_WIDTH, app.size.width // 2) - TOAST_CHROME
    app.notify(fill(message, width), markup=False, **settings)
