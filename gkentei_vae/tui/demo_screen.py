"""「モデルで確かめる」: a demo computed by the bundled VAE, opened from a question with `e`."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static
from textual.worker import get_current_worker

from gkentei_vae.banks.vocab import DEMOS
from gkentei_vae.model_client import ModelClient, ModelError
from gkentei_vae.tui.widgets import KeyBar

REDRAWABLE = {"samples", "reconstruct", "encode", "beta-compare", "reparam", "interpolate"}
"""Demos where `r` draws new random numbers (the manifold grid is fixed)."""

HELP_KEYS: list[tuple[str, str]] = [
    ("r", "乱数を引き直して計算し直す"),
    ("Esc", "問題に戻る(実行中の学習も止まります)"),
    ("?", "このヘルプ"),
]

NO_MODEL = "モデルを使えません"
WARMING = "モデルを準備しています(torch とチェックポイントを読み込み中)…"
LOADING_AFTER = 0.15
"""Seconds a demo may take before the loading indicator appears."""


def model_of(screen: Screen[Any]) -> ModelClient | None:
    """The app's model process, if the app has one."""
    return getattr(screen.app, "model", None)


class DemoScreen(Screen[None]):
    """Computes one demo in the model process (never in the UI thread) and shows it."""

    CSS_PATH = "demo_screen.tcss"
    BINDINGS = [
        Binding("escape", "close", "戻る", key_display="Esc"),
        Binding("r", "redraw", "引き直す"),
    ]
    USES_MODEL = True

    def __init__(self, demo_id: str, seed: int = 0, **args: Any) -> None:
        super().__init__()
        self.demo_id = demo_id
        self.seed = seed
        self.args = args
        self.data: dict[str, Any] | None = None
        """The latest result from the model process (tests read it)."""
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f" モデルで確かめる: {DEMOS[self.demo_id]}  [{self.demo_id}]", style="bold"),
            id="demo-title",
        )
        yield LoadingIndicator(id="demo-loading")
        yield Static(id="demo-status")
        with VerticalScroll(id="demo-scroll"):
            yield Static(id="demo-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.compute()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "redraw":
            return self.demo_id in REDRAWABLE and self.data is not None
        return True

    def compute(self) -> None:
        model = model_of(self)
        if model is None:
            self.show_error(f"{NO_MODEL}(このモードではモデルを読み込んでいません)")
            return
        self.data = None
        if model.ready:
            # Most demos answer in milliseconds: show the spinner only if this one doesn't,
            # so the usual first frame costs one layout, not three.
            self.set_timer(LOADING_AFTER, self._still_loading)
        else:
            self._still_loading()
        self.run_worker(lambda: self._work(model), thread=True, exclusive=True, group="demo")

    def _still_loading(self) -> None:
        if self.data is None and self.error is None:
            model = model_of(self)
            if model is not None and not model.ready:
                self.query_one("#demo-status", Static).update(WARMING)
            self.query_one("#demo-loading").display = True

    def _work(self, model: ModelClient) -> None:
        try:
            data = model.call(self.demo_id, seed=self.seed, **self.args)
        except ModelError as exc:
            message = str(exc)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self.show_error, f"{NO_MODEL}: {message}")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, data)

    def show(self, data: dict[str, Any]) -> None:
        from gkentei_vae.tui.demo_views import VIEWS

        self.data = data
        self.query_one("#demo-loading").display = False
        status = self.query_one("#demo-status", Static)
        if status.content:
            status.update("")
        width = max(40, self.size.width - 8)  # padding and the scrollbar
        self.query_one("#demo-body", Static).update(VIEWS[self.demo_id](data, width))
        self.refresh_bindings()

    def show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#demo-loading").display = False
        self.query_one("#demo-status", Static).update(Text(message, style="bold red"))

    def action_redraw(self) -> None:
        self.seed += 1
        self.compute()

    def action_close(self) -> None:
        leave(self)


def leave(screen: Screen[Any]) -> None:
    """Back to the question; a demo run on its own (``gkentei-vae demo``) ends the app."""
    if len(screen.app.screen_stack) > 1:
        screen.app.pop_screen()
    else:
        screen.app.end_mode()


def open_demo(screen: Screen[Any], demo_id: str, seed: int = 0, **args: Any) -> None:
    """Push the screen for ``demo_id`` over ``screen``."""
    if demo_id == "kl-training":
        from gkentei_vae.tui.kl_training_screen import KlTrainingScreen

        screen.app.push_screen(KlTrainingScreen(seed, **args))
    else:
        screen.app.push_screen(DemoScreen(demo_id, seed, **args))
