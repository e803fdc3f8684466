"""The application shell shared by every mode."""

from __future__ import annotations

import gc
import inspect
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from gkentei_vae import paths, startup_gc
from gkentei_vae.study.settings import MODEL_IDLE_DEFAULT
from gkentei_vae.tui.jawrap import notify

if TYPE_CHECKING:
    # Imported lazily: the model client brings numpy, which the first question doesn't need.
    from gkentei_vae.model_process.client import ModelClient

WARM_DELAY = 0.3
"""Seconds after start-up before the model process is spawned: the first screen paints first."""


class GkenteiApp(App[int]):
    """Hosts one mode's first screen; modes push their own screens from there.

    The model process is started only when the code that builds the app asks for it
    (``warm_model=True``, what the CLI does for modes that offer demos): tests and
    snapshots of other screens never spawn it. Tests that need the model pass a
    ``model`` they started themselves.
    """

    TITLE = "G検定 VAE覚えうた"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    DEFAULT_MODE = "study"
    BINDINGS = [
        Binding(
            "question_mark",
            "help",
            "ヘルプ",
            key_display="?",
            tooltip="この画面のキーの一覧(Esc / ? / q で閉じる)",
        ),
        # Textual's own: ctrl+q quits at once, ctrl+c shows an English toast. Both take
        # the learner's one way out instead: the front screen's q (see action_quit_request).
        Binding("ctrl+q", "quit_request", "終了", show=False, priority=True),
        Binding("ctrl+c", "quit_request", "終了", show=False, priority=True),
    ]
    QUIT_KEYS: tuple[str, ...] = ("q", "escape")
    """The keys whose action Ctrl+C / Ctrl+Q run: the first the front screen binds."""

    def __init__(
        self,
        first_screen: Callable[[], Screen[Any]],
        *,
        model: ModelClient | None = None,
        warm_model: bool = False,
        warm_at_start: bool = True,
        idle_minutes: float = MODEL_IDLE_DEFAULT,
    ) -> None:
        super().__init__()
        # A mode, not get_default_screen(): Textual then loads the screen's CSS_PATH itself.
        self.add_mode(self.DEFAULT_MODE, first_screen)
        self.model = model
        """The model process serving demos (None: demos say the model is unavailable)."""
        self.warm_model = warm_model
        """This app may start a model process (at the first demo that asks for it)."""
        self.warm_at_start = warm_at_start
        """With ``warm_model``: start it as soon as the first screen is up, not at the first
        demo (``serve`` turns this off: tabs that never open a demo cost no model process)."""
        self.idle_minutes = idle_minutes
        """Minutes without a request before the model process exits (0: never)."""
        self._owns_model = False
        self._warming = False
        self.demos: list[str] = []
        """The demos this app's sessions can open (``prepare_demos``), in the order named."""
        self.warmed = False
        """True once the model is warm and the demo screens are imported (benchmarks wait)."""

    def end_mode(self) -> None:
        """The mode's session is over (its quit, its summary's q): leave the app.

        The home app overrides this to go back to the home screen instead.
        """
        self.exit(0)

    def action_end_mode(self) -> None:
        self.end_mode()

    def on_mount(self) -> None:
        # The collector held off while the command built the app (startup_gc.held) is
        # back once the first screen is on the terminal.
        self.call_after_refresh(startup_gc.release)
        if self.warm_model and self.warm_at_start:
            self.set_timer(WARM_DELAY, self.model_client)

    def prepare_demos(self, demos: list[str]) -> None:
        """The session being opened can open ``demos``: the model process runs each once in
        the background when it is warm (``ModelClient.prepare``); no other demo is loaded
        before it is asked for."""
        self.demos += [d for d in demos if d not in self.demos]
        if self.model is not None:
            self.model.prepare(self.demos)

    def model_client(self) -> ModelClient | None:
        """The model process for a demo, created now if this app may have one and has none yet.

        Screens ask for it when they need it (never read ``model`` in ``on_mount``): the
        warm-up timer may not have fired yet. None: this app runs without a model.
        """
        if self.warm_model and not self._warming:
            self.start_model()
        return self.model

    def start_model(self) -> None:
        """Create the model client if needed and warm the child in a thread (the UI never waits)."""
        if self.model is None:
            # Imported only now: the client brings numpy, which the first screen doesn't need.
            from gkentei_vae.model_process.client import ModelClient

            # In a serve tab, serve's one model process (shared by every tab); else our own.
            self.model = ModelClient(
                paths.model_log_path(),
                idle_seconds=self.idle_minutes * 60,
                socket_path=paths.model_socket(),
            )
            self._owns_model = True
            self.model.prepare(self.demos)
        self._warming = True
        self._warm(self.model)  # waits for nothing if it is warm already

    @work(thread=True, group="warm-model", exit_on_error=False)
    def _warm(self, model: ModelClient) -> None:
        model.wait_ready()
        # The demo screens' own imports (plotext for the live plots: ~0.9 s) happen now,
        # while the learner reads, not when `e` is pressed.
        from gkentei_vae.demo_registry import DEMOS, resolve

        for demo in DEMOS.values():
            resolve(demo.view)
        from gkentei_vae.tui.image import prewarm

        prewarm()
        self.call_from_thread(self._read_demo_css)
        # What the warm-up loaded (modules, classes, stylesheets) lives as long as the app:
        # frozen, the collector's full passes stop walking it (they took 40–60 ms, at
        # random presses of `e`; issue 19). See startup_gc.py.
        gc.freeze()
        self.warmed = True

    def _read_demo_css(self) -> None:
        """The demo screens' stylesheets, read while the learner reads the question.

        Pushing a screen whose CSS_PATH the app has not read yet re-parses every stylesheet
        of the app and re-applies them to every widget (Textual's ``_load_screen_css``):
        the first open of each kind of demo paid for that, and no later one (issue 19).
        Done here, once, the push finds its stylesheet read and re-parses nothing.
        """
        from gkentei_vae.demo_registry import DEMOS, ONE_SHOT_SCREEN, resolve

        views = [ONE_SHOT_SCREEN, *(d.view for d in DEMOS.values() if d.streams)]
        screens: list[type[Screen[Any]]] = [resolve(view) for view in views]
        read = False
        for screen in screens:
            css = screen.CSS_PATH
            for name in [] if css is None else [css] if isinstance(css, str | PurePath) else css:
                path = (Path(inspect.getfile(screen)).parent / name).resolve()
                if not self.stylesheet.has_source(str(path), ""):
                    self.stylesheet.read(path)
                    read = True
        if read:
            self.stylesheet.reparse()
            self.stylesheet.update(self)

    def model_status(self) -> str:
        """One line for the learner: is the demos' model loaded, and when it lets go."""
        model = self.model
        if model is None:
            return "デモのモデル: 未読み込み(デモを開くと読み込みます)"
        if model.error:
            return f"デモのモデル: 使えません({model.error})"
        if model.ready:
            idle = model.idle_seconds / 60
            if model.socket_path is not None:  # serve's, shared by every tab
                let_go = f"。どのタブも {idle:g} 分使わなければ終了してメモリを返します"
                return f"デモのモデル: 読み込み済み(全てのタブで共有){let_go if idle > 0 else ''}"
            let_go = f"。{idle:g} 分使わなければ終了してメモリを返します" if idle > 0 else ""
            return f"デモのモデル: 読み込み済み{let_go}"
        if model.started:
            return "デモのモデル: 準備中(torch とチェックポイントを読み込んでいます)"
        if model.releases:
            return "デモのモデル: 休止中(メモリを返しました。次にデモを開くと読み込み直します)"
        return "デモのモデル: 未読み込み(デモを開くと読み込みます)"

    def on_unmount(self) -> None:
        # A model handed in (tests share one) belongs to whoever started it.
        if self.model is not None and self._owns_model:
            self.model.close()

    def report_store_errors(self, hook: Callable[..., object]) -> Callable[..., None]:
        """``hook`` with a store failure shown on screen instead of ending the session."""
        from gkentei_vae.study.store import StoreError

        def call(*args: object) -> None:
            try:
                hook(*args)
            except StoreError as exc:
                notify(self, f"解答を保存できませんでした: {exc}", severity="error", timeout=15)

        return call

    async def action_quit_request(self) -> None:
        """Ctrl+C / Ctrl+Q: what q does on the screen in front (its Japanese confirmation where
        it has one; Esc on a screen without q); on a confirmation already shown, yes."""
        from gkentei_vae.tui.confirm_screen import ConfirmScreen
        from gkentei_vae.tui.keys import bindings_of

        screen = self.screen
        if isinstance(screen, ConfirmScreen):
            screen.dismiss(True)
            return
        bound = {
            key.strip(): binding.action
            for binding in bindings_of(type(screen))
            for key in binding.key.split(",")
        }
        action = next((bound[key] for key in self.QUIT_KEYS if key in bound), None)
        if action is None:
            self.exit(0)
        else:
            await screen.run_action(action)

    def action_help(self) -> None:
        from gkentei_vae.tui.help_screen import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        # The keys of the screen under any dialog (a modal has its own y/n buttons).
        screen = next(s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen))
        status = self.model_status() if (self.model is not None or self.warm_model) else None
        self.push_screen(HelpScreen(type(screen), type(self), status))
