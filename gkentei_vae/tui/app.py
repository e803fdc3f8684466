"""The application shell shared by every mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    # Imported lazily: the model client brings numpy, which the first question doesn't need.
    from gkentei_vae.model_client import ModelClient

WARM_DELAY = 0.3
"""Seconds after start-up before the model process is spawned: the first screen paints first."""


class GkenteiApp(App[int]):
    """Hosts one mode's first screen; modes push their own screens from there.

    A real run (``run()``, not ``run_test()``) gets a model process for the demos,
    started in the background once the first screen is up, if that screen declares
    ``USES_MODEL = True``; tests pass ``model=`` explicitly when they need one.
    """

    TITLE = "G検定 VAE覚えうた"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("question_mark", "help", "ヘルプ", key_display="?")]

    def __init__(
        self,
        first_screen: Callable[[], Screen],
        help_keys: list[tuple[str, str]],
        model: ModelClient | None = None,
    ) -> None:
        super().__init__()
        self._first_screen = first_screen
        self.help_keys = help_keys
        """(key, description) pairs the help screen lists for this mode."""
        self.model = model
        """The model process serving demos (None: demos say the model is unavailable)."""
        self._wants_model = False
        self._closes_model = False
        """True under ``run()``, which owns the model process (tests share theirs)."""

    def get_default_screen(self) -> Screen:
        # The mode's screen *is* the base screen: no empty screen to lay out first.
        # Textual loads a screen's CSS_PATH only when it is pushed, so load it here.
        screen = self._first_screen()
        self._load_screen_css(screen)
        return screen

    def end_mode(self) -> None:
        """The mode's session is over (its quit, its summary's q): leave the app.

        The home app overrides this to go back to the home screen instead.
        """
        self.exit(0)

    def action_end_mode(self) -> None:
        self.end_mode()

    def on_mount(self) -> None:
        self.set_timer(WARM_DELAY, self.warm_model)

    def warm_model(self) -> None:
        """Spawn the model process and wait for it in a thread (the UI never waits)."""
        if self.model is None and self._wants_model:
            # Imported only now: the client brings numpy, which the first screen doesn't need.
            from gkentei_vae.model_client import ModelClient, default_log_path

            self.model = ModelClient(log_path=default_log_path())
        model = self.model
        if model is not None and not model.started:
            model.start()
            self.run_worker(model.wait_ready, thread=True, group="warm-model")

    def on_unmount(self) -> None:
        # run() returns only after asyncio has joined the worker threads, and the thread
        # waiting for a warming model would hold the exit (q, a closed browser tab) until
        # torch has loaded: end the model process already as the app shuts down.
        if self._closes_model and self.model is not None:
            self.model.close()

    def run(self, *args: Any, **kwargs: Any) -> int | None:
        base = self._first_screen

        def first() -> Screen:
            screen = base()
            self._wants_model = bool(getattr(screen, "USES_MODEL", False))
            return screen

        self._first_screen = first
        self._closes_model = True
        try:
            return super().run(*args, **kwargs)
        finally:
            if self.model is not None:
                self.model.close()

    def action_help(self) -> None:
        from gkentei_vae.tui.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_keys))
