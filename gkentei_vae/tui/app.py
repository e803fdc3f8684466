"""The application shell shared by every mode."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from gkentei_vae.tui.help_screen import HelpScreen


class GkenteiApp(App[int]):
    """Hosts one mode's first screen; modes push their own screens from there."""

    TITLE = "G検定 VAE覚えうた"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("question_mark", "help", "ヘルプ", key_display="?")]

    def __init__(
        self, first_screen: Callable[[], Screen], help_keys: list[tuple[str, str]]
    ) -> None:
        super().__init__()
        self._first_screen = first_screen
        self.help_keys = help_keys
        """(key, description) pairs the help screen lists for this mode."""

    def get_default_screen(self) -> Screen:
        # The mode's screen *is* the base screen: no empty screen to lay out first.
        return self._first_screen()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_keys))
