"""The 「勘」 key (g): before answering, mark the answer as a guess.

A guessed answer is logged as not recalled (FSRS Again, even when right: srs.py says why)
and the forecast counts the question as not yet known (forecast.py). Quiz, review and
the mock exam share the binding and the marker defined here.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

GUESS_BINDING = Binding(
    "g",
    "guess",
    "勘",
    tooltip="思い出せず当て推量で答えるとき、解答の前に押す(正解でも「もう一度」と記録し、予測では未学習として数える)",
)
"""The key that marks (or unmarks) the next answer as a guess."""
GUESS_MARK = "【勘】"
"""Shown beside the progress while the answer is marked as a guess."""
GUESS_NOTE = "勘で解答: 正解でも覚えていなかったものとして「もう一度」と記録しました。"
"""Shown in the feedback of a guessed answer."""


def guess_marker(on: bool) -> Text:
    """The marker for the progress line (empty when off)."""
    return Text(f"   {GUESS_MARK}", style="bold magenta") if on else Text("")
