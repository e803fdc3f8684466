"""The key help overlay (`?`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Lists every key of the current mode; any of Esc, ? or q closes it."""

    CSS_PATH = "help_screen.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "閉じる"),
        Binding("question_mark", "dismiss", "閉じる", show=False),
        Binding("q", "dismiss", "閉じる", show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in self.keys:
            table.add_row(Text(key, style="bold"), Text(what))
        with Vertical(id="help-box"):
            yield Static("キー操作", id="help-title")
            yield Static(table, id="help-table")
            yield Static("Esc / ? / q で閉じる", id="help-hint")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
