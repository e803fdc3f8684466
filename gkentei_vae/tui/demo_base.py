"""What every demo screen shares: the title, the loading indicator, errors, Esc, and live runs.

A demo is computed in the model process and only drawn here (``gkentei_vae.demo_registry``
names both parts). ``DemoScreen`` (demo_screen.py) shows a one-shot result;
``LiveDemoScreen`` streams records from a live training run and redraws as they come,
and each live demo subclasses it with its own widgets.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static
from textual.worker import get_current_worker

from gkentei_vae.demo_registry import DEMOS
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.widgets import KeyBar

if TYPE_CHECKING:
    from gkentei_vae.model_process.client import ModelClient

NO_MODEL = "モデルを使えません"
WARMING = "モデルを準備しています(torch とチェックポイントを読み込み中)…"
LOADING_AFTER = 0.15
"""Seconds a demo may take before the loading indicator appears."""
DRAW_EVERY = 0.1
"""Seconds between redraws of a live run: records arrive every few ms, the eye needs far fewer."""


def model_of(screen: Screen[Any]) -> ModelClient | None:
    """The app's model process, created on demand if the app may have one."""
    app = screen.app
    return app.model_client() if isinstance(app, GkenteiApp) else getattr(app, "model", None)


def leave(screen: Screen[Any]) -> None:
    """Back to the question; a demo run on its own (``gkentei-vae demo``) ends the app."""
    app = screen.app
    if len(app.screen_stack) > 1:
        app.pop_screen()
    elif isinstance(app, GkenteiApp):
        app.end_mode()
    else:
        app.exit()


class DemoBase(Screen[None]):
    """A demo's frame: title, status line, loading indicator, key bar; Esc goes back."""

    BINDINGS = [Binding("escape", "close", "戻る", key_display="Esc", tooltip="問題に戻る")]
    DEFAULT_CSS = """
    DemoBase #demo-title { height: 1; background: $accent; color: $text; }
    DemoBase #demo-status { height: auto; padding: 0 1; }
    DemoBase #demo-loading { height: 3; display: none; }
    """

    def __init__(self, demo_id: str, seed: int = 0, **args: Any) -> None:
        super().__init__()
        self.demo = DEMOS[demo_id]
        self.demo_id = demo_id
        self.seed = seed
        self.args = args
        """Extra arguments for the computation (tests shorten live runs with them)."""
        self.error: str | None = None
        """Why the demo could not be computed (shown in the status line)."""

    def compose_title(self) -> ComposeResult:
        yield Static(
            Text(f" モデルで確かめる: {self.demo.title}  [{self.demo_id}]", style="bold"),
            id="demo-title",
        )
        yield Static(id="demo-status")
        yield LoadingIndicator(id="demo-loading")

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield KeyBar()

    def status(self, message: Text | str) -> None:
        line = self.query_one("#demo-status", Static)
        if message or line.content:  # clearing an empty line would cost a layout
            line.update(JaText(message) if message else "")

    def show_loading(self, shown: bool) -> None:
        indicator = self.query_one("#demo-loading")
        if indicator.display != shown:
            indicator.display = shown

    def show_error(self, message: str) -> None:
        self.error = message
        self.show_loading(False)
        self.status(Text(message, style="bold red"))

    def model_or_error(self) -> ModelClient | None:
        """The model, or None after saying there is none."""
        model = model_of(self)
        if model is None:
            self.show_error(f"{NO_MODEL}(このモードではモデルを読み込んでいません)")
        return model

    def wait_signs(self, model: ModelClient, waiting: Any) -> None:
        """Show the loading indicator if ``waiting()`` is still true after a moment
        (at once, with a note, if the model is still warming)."""

        def check() -> None:
            if waiting() and self.error is None:
                if not model.ready:
                    self.status(WARMING)
                self.show_loading(True)

        if model.ready:
            # Most demos answer in milliseconds: show the spinner only if this one doesn't,
            # so the usual first frame costs one layout, not three.
            self.set_timer(LOADING_AFTER, check)
        else:
            check()

    def action_close(self) -> None:
        leave(self)


RecordT = TypeVar("RecordT")
"""A live demo's record type (``gkentei_vae.demo_data``)."""


class LiveDemoScreen(DemoBase, Generic[RecordT]):
    """Streams a live run's records from the model process; ``draw`` shows each batch.

    Records are batched (every ``DRAW_EVERY`` seconds, or at once when one carries
    pictures) so the screen redraws a few times a second. Esc asks the model process to
    stop after its current step and returns at once.
    """

    BINDINGS = [
        Binding(
            "escape", "close", "止めて戻る", key_display="Esc", tooltip="学習を止めて問題に戻る"
        )
    ]
    PICTURE_KEYS: tuple[str, ...] = ("samples",)
    """Record keys holding pictures: a record with one is drawn at once, not batched."""

    def __init__(self, demo_id: str, seed: int = 0, **args: Any) -> None:
        super().__init__(demo_id, seed, **args)
        self.records: list[RecordT] = []
        """Every record of the current run received so far (tests read it)."""
        self._run = 0
        """Which run the records belong to: a restarted run ignores the old one's late batches."""
        self.finished = False
        """True once the run ended by itself (not stopped)."""
        self.after_stop = 0
        """Records that still arrived after Esc (the steps the model process finished)."""

    def on_mount(self) -> None:
        # Textual calls every class's on_mount: a subclass sets up its widgets in its own.
        self.start_run()

    def start_run(self, **args: Any) -> None:
        """Start (or, after ``stop``, start again) the live run, with ``args`` changed."""
        self.stop()
        self.args.update(args)
        self._run += 1
        self.records = []
        self.finished = False
        model = self.model_or_error()
        if model is not None:
            self.wait_signs(model, lambda: not self.records)
            self._stream(model, self._run)

    def draw(self, batch: list[RecordT], done: bool) -> None:
        """Show newly arrived records (``self.records`` already holds them)."""
        raise NotImplementedError

    @work(thread=True, group="live-demo", exit_on_error=False)
    def _stream(self, model: ModelClient, run: int) -> None:
        from gkentei_vae.model_process.client import ModelError

        worker = get_current_worker()
        pending: list[RecordT] = []
        last_draw = 0.0
        try:
            for record in model.stream(self.demo_id, seed=self.seed, **self.args):
                if worker.is_cancelled:
                    model.stop()  # the stream then ends after the current step
                    self.after_stop += 1
                    continue
                pending.append(cast(RecordT, record))  # the demo's compute yields RecordT
                now = time.monotonic()
                if now - last_draw >= DRAW_EVERY or any(k in record for k in self.PICTURE_KEYS):
                    batch, pending = pending, []
                    self.app.call_from_thread(self._add, batch, False, run)
                    last_draw = now
        except ModelError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.show_error, f"{NO_MODEL}: {exc}")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._add, pending, True, run)

    def _add(self, batch: list[RecordT], done: bool, run: int) -> None:
        if run != self._run:
            return  # a batch of a run that was stopped and replaced
        self.show_loading(False)
        if self.error is None:
            self.status("")
        self.records += batch
        self.finished = done
        if self.records:
            self.draw(batch, done)

    def stop(self) -> None:
        """Stop the run now: the model process ends it after its current step."""
        for worker in self.workers:
            if worker.node is self and worker.group == "live-demo" and worker.is_running:
                worker.cancel()
                model = getattr(self.app, "model", None)  # the run's: never start one here
                if model is not None:
                    model.stop()

    def action_close(self) -> None:
        self.stop()
        leave(self)

    def on_unmount(self) -> None:
        self.stop()
