"""Recall as a bar and a percentage: what the stats screen and home both draw per lyric line."""

from __future__ import annotations

from rich.text import Text

BAR_WIDTH = 10


def percent(value: float | None) -> str:
    """``81%``, or ``—`` when there is nothing to measure."""
    return "—" if value is None else f"{round(100 * value)}%"


def recall_bar(value: float | None, width: int = BAR_WIDTH) -> Text:
    """Mean retrievability as a bar: green from 90 % (FSRS's target), yellow from 70 %, red below."""
    if value is None:
        return Text("未学習", style="dim")
    filled = round(value * width)
    style = "green" if value >= 0.9 else "yellow" if value >= 0.7 else "red"
    bar = Text("█" * filled, style=style) + Text("░" * (width - filled), style="dim")
    bar.append(f" {percent(value):>4}")
    return bar
