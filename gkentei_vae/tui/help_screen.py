"""The key help overlay (`?`), derived from the screen's bindings (``tui/keys.py``)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.keys import screen_help


class HelpScreen(ModalScreen[None]):
    """Lists every key of the screen below it; any of Esc, ? or q closes it."""

    CSS_PATH = "help_screen.tcss"
    BINDINGS = [
        Binding("escape", "close", "閉じる"),
        Binding("question_mark", "close", "閉じる", show=False),
        Binding("q", "close", "閉じる", show=False),
    ]

    def __init__(
        self, screen_cls: type, app_cls: type | None = None, status: str | None = None
    ) -> None:
        super().__init__()
        self.rows = screen_help(screen_cls, app_cls)
        """The rows shown (tests read them)."""
        self.status = status
        """Whether the demos' model is loaded (modes that offer demos)."""

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for row in self.rows:
            table.add_row(Text(row.keys, style="bold"), JaText(row.what))
        with Vertical(id="help-box"):
            yield Static("キー操作", id="help-title")
            yield Static(table, id="help-table")
            if self.status:
                yield Static(JaText(self.status), id="help-model")
            yield Static("Esc / ? / q で閉じる", id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
