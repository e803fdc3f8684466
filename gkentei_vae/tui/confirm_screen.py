"""A yes/no question (used to confirm quitting a session)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from gkentei_vae.tui.jawrap import JaText


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True for y/はい, False for n/Esc/いいえ."""

    CSS_PATH = "confirm_screen.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "はい"),
        Binding("n", "answer(False)", "いいえ"),
        Binding("escape", "answer(False)", "戻る", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(JaText(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("はい (y)", id="yes", variant="error")
                yield Button("いいえ (n)", id="no", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
