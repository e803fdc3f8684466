"""「モデルで確かめる」: a demo computed by the bundled models, opened from a question with `e`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from gkentei_vae.demo_registry import DEMOS, resolve
from gkentei_vae.tui.demo_base import NO_MODEL, DemoBase
from gkentei_vae.tui.widgets import KeyBar

if TYPE_CHECKING:
    from gkentei_vae.model_process.client import ModelClient


class DemoScreen(DemoBase):
    """Computes one demo in the model process (never in the UI thread) and shows it."""

    CSS_PATH = "demo_screen.tcss"
    BINDINGS = [
        Binding("r", "redraw", "引き直す", tooltip="乱数を引き直して計算し直す"),
    ]

    data: var[dict[str, Any] | None] = var(None, always_update=True, bindings=True)
    """The latest result from the model process (tests read it)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with VerticalScroll(id="demo-scroll"):
            yield Static(id="demo-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.compute()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "redraw":
            return self.demo.redraw and self.data is not None
        return True

    def compute(self) -> None:
        model = self.model_or_error()
        if model is None:
            return
        self.data = None
        self.wait_signs(model, lambda: self.data is None)
        self._work(model)

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def _work(self, model: ModelClient) -> None:
        from gkentei_vae.model_process.client import ModelError

        try:
            data = model.call(self.demo_id, seed=self.seed, **self.args)
        except ModelError as exc:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self.show_error, f"{NO_MODEL}: {exc}")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, data)

    def show(self, data: dict[str, Any]) -> None:
        self.show_loading(False)
        self.status("")
        width = max(40, self.size.width - 8)  # padding and the scrollbar
        self.query_one("#demo-body", Static).update(resolve(self.demo.view)(data, width))
        self.data = data

    def action_redraw(self) -> None:
        self.seed += 1
        self.compute()


def demo_screen(demo_id: str, seed: int = 0, **args: Any) -> Screen[None]:
    """The screen for ``demo_id``: a live screen for a streaming demo, else ``DemoScreen``."""
    demo = DEMOS[demo_id]
    screen: Screen[None] = (
        resolve(demo.view)(demo_id, seed, **args)
        if demo.streams
        else DemoScreen(demo_id, seed, **args)
    )
    return screen


def open_demo(screen: Screen[Any], demo_id: str, seed: int = 0, **args: Any) -> None:
    """Push the screen for ``demo_id`` over ``screen``."""
    screen.app.push_screen(demo_screen(demo_id, seed, **args))
