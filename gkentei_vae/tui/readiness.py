"""Readiness on screen: the home panel (the exam-day forecast, computed in a worker after the
first paint), the exam-date dialog, and the forecast as a screen of its own (``forecast``).

The figures and their wording come from ``study.forecast`` and ``study.forecast_text``; this
module only lays them out and keeps home from waiting for them. Both are imported by the
worker, not here: the forecast brings numpy, which home's first paint must not wait for
(``tests/test_layers.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from gkentei_vae.banks import Bank
from gkentei_vae.study.store import Store, StoreError
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.widgets import KeyBar

if TYPE_CHECKING:
    from fsrs import Scheduler

    from gkentei_vae.study.forecast import Forecast

EXAM_DATE_KEY_HINT = "t で試験日を設定"
"""How home says the exam date can be set."""
COMPUTING = "試験日の予測を計算中…"
"""The panel while its worker runs."""


OPTIMIZE_HINT = (
    "復習の記録が十分たまりました: gkentei-vae optimize で自分の記憶のパラメータを最適化できます。"
)
"""Home's hint when ``optimize`` would fit (calibration.optimize_would_help)."""


def panel_text(forecast: Forecast | None, hint: bool = False) -> Text:
    """The readiness panel's text (None: no exam date set; ``hint``: suggest optimize)."""
    text = _panel_text(forecast)
    if hint:
        text.append(f"\n{OPTIMIZE_HINT}", style="bold")
    return text


def _panel_text(forecast: Forecast | None) -> Text:
    if forecast is None:
        return Text(
            f"試験日が未設定です({EXAM_DATE_KEY_HINT})。設定すると、試験日の予測と必要なペースを表示します。",
            style="dim",
        )
    from gkentei_vae.study.forecast_text import headline, pace_text, prior_note

    text = Text(headline(forecast), style="bold")
    text.append(f"\n{pace_text(forecast)}")
    note = prior_note(forecast)
    if note:
        text.append(f"\n{note}", style="italic")
    text.append(f"\n({EXAM_DATE_KEY_HINT}。詳しくは gkentei-vae forecast)", style="dim")
    return text


def lines_text(forecast: Forecast | None, hint: bool = False) -> Text:
    """The per-line forecast for the stats screen (None: no exam date set)."""
    if forecast is None:
        return Text(
            "試験日の予測: 試験日が未設定です(ホームの t か config set exam-date)。", style="dim"
        )
    from gkentei_vae.study.forecast_text import line_rows

    rows = line_rows(forecast)
    return Text(rows[0], style="bold") + Text("\n" + "\n".join(rows[1:]))


class ReadinessPanel(Static):
    """The forecast on home; ``update_from`` starts a worker and returns at once."""

    def __init__(
        self,
        *,
        render: Callable[[Forecast | None, bool], Text] = panel_text,
        id: str | None = None,
    ) -> None:
        super().__init__(JaText(Text(COMPUTING, style="dim")), id=id)
        self.render_forecast = render
        """How the forecast is shown (home's panel, the stats screen's lines)."""
        self.forecast: Forecast | None = None
        self.computed = 0
        """How many forecasts have been shown (tests wait on it)."""

    def update_from(
        self,
        store: Store,
        banks: Sequence[Bank],
        scheduler: Scheduler,
        clock: Callable[[], datetime],
        tz: tzinfo | None,
    ) -> None:
        from gkentei_vae.study.calibration import optimize_would_help
        from gkentei_vae.study.srs import exam_date

        now = clock()
        dated = exam_date(store) is not None
        if not dated:
            self._show(None, False)  # one settings read: nothing to compute, nothing to wait for
        else:
            self.update(JaText(Text(COMPUTING, style="dim")))

        def work() -> None:
            from gkentei_vae.study.forecast import compute_forecast

            try:
                forecast = compute_forecast(store, banks, now=now, tz=tz, scheduler=scheduler)
                hint = optimize_would_help(store)
            except StoreError as exc:
                self.app.call_from_thread(self.update, JaText(Text(str(exc), style="red")))
                return
            if dated or hint:
                self.app.call_from_thread(self._show, forecast, hint)

        self.run_worker(work, thread=True, exclusive=True, group="forecast")

    def _show(self, forecast: Forecast | None, hint: bool) -> None:
        self.forecast = forecast
        self.computed += 1
        self.update(JaText(self.render_forecast(forecast, hint)))


class ExamDateScreen(ModalScreen[bool]):
    """Set (or clear) the exam date as ``config set exam-date`` does; dismissed True on a change."""

    BINDINGS = [Binding("escape", "cancel", "やめる")]
    DEFAULT_CSS = """
    ExamDateScreen { align: center middle; }
    ExamDateScreen > #date-box { width: 64; height: auto; border: round $accent;
        background: $panel; padding: 1 2; }
    ExamDateScreen #date-error { color: $error; height: auto; }
    """

    def __init__(self, store: Store, current: str | None, now: datetime, tz: tzinfo | None) -> None:
        super().__init__()
        self.store = store
        self.current = current
        self.now = now
        self.tz = tz

    def compose(self) -> ComposeResult:
        with Vertical(id="date-box"):
            yield Static(Text("試験日の設定", style="bold"))
            yield Static(
                "YYYY-MM-DD で入力して Enter(空にして Enter で解除、Esc でやめる)。"
                "最後の7日間に学習済みの全カードが出題されます。"
            )
            yield Input(value=self.current or "", placeholder="2026-06-14", id="date-input")
            yield Static(id="date-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from gkentei_vae.study.config import set_config, unset_config
        from gkentei_vae.study.settings import EXAM_DATE_KEY, ConfigError

        value = event.value.strip()
        try:
            if value:
                set_config(self.store, EXAM_DATE_KEY, value, now=self.now, tz=self.tz)
            else:
                unset_config(self.store, EXAM_DATE_KEY, now=self.now, tz=self.tz)
        except (ConfigError, StoreError) as exc:
            self.query_one("#date-error", Static).update(Text(str(exc)))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ForecastScreen(Screen[None]):
    """``gkentei-vae forecast``: the whole forecast (the ``--plain`` text) in a scroll view."""

    BINDINGS = [
        Binding("q", "close", "閉じる", key_display="q/Esc", tooltip="閉じる"),
        Binding("escape", "close", "閉じる", show=False, tooltip="閉じる"),
    ]
    DEFAULT_CSS = """
    ForecastScreen #forecast-body { padding: 1 2; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="forecast-body"):
            yield Static(Text(self.text), id="forecast-text")
        yield KeyBar()

    def action_close(self) -> None:
        app = self.app
        assert isinstance(app, GkenteiApp)
        app.end_mode()
