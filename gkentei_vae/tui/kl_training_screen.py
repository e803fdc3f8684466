"""The live kl-training demo: a VAE trained from scratch while the two loss terms are plotted.

Phase 1 trains without the KL term (β=0): reconstruction improves and the KL climbs,
since nothing pulls q(z|x) towards N(0, I). Phase 2 switches it on (β=1): the KL
shrinks and samples from the prior become plausible digits. Training runs in the
model process; this screen only draws, so keys answer at once, and Esc stops it.
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker, get_current_worker
from textual_plotext import PlotextPlot

from gkentei_vae.model_client import ModelClient, ModelError
from gkentei_vae.tui.demo_screen import LOADING_AFTER, NO_MODEL, WARMING, leave, model_of
from gkentei_vae.tui.image import image_grid
from gkentei_vae.tui.widgets import KeyBar

PHASE_TEXT = {
    1: "フェーズ1: β=0(KL 項なし)。再構成誤差だけを下げるので、エンコーダの分布は標準正規分布から離れ、KL が増えていきます。",
    2: "フェーズ2: β=1(KL 項あり)。KL が正則化項として分布を N(0, I) に引き寄せるので KL が減り、事前分布から引いた z の画像が数字らしくなります。",
}
DRAW_EVERY = 0.1
"""Seconds between redraws: records arrive every few ms, the eye needs far fewer frames."""


class KlTrainingScreen(Screen[None]):
    """Streams training records from the model process and plots them as they come."""

    CSS_PATH = "kl_training_screen.tcss"
    BINDINGS = [Binding("escape", "close", "止めて戻る", key_display="Esc")]
    USES_MODEL = True

    def __init__(self, seed: int = 0, **args: Any) -> None:
        super().__init__()
        self.seed = seed
        self.args = args
        self.records: list[dict[str, Any]] = []
        """Every step record received so far (tests read it)."""
        self.kl_at_switch: float | None = None
        self.finished = False
        self.error: str | None = None
        self.worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(" モデルで確かめる: 再構成誤差と KL の学習曲線  [kl-training]", style="bold"),
            id="kl-title",
        )
        yield Static(id="kl-phase")
        yield LoadingIndicator(id="kl-loading")
        with Horizontal(id="kl-plots"):
            yield PlotextPlot(id="plot-recon")
            yield PlotextPlot(id="plot-kl")
        yield Static(id="kl-samples")
        yield KeyBar()

    def on_mount(self) -> None:
        for plot_id, title in (("#plot-recon", "再構成誤差"), ("#plot-kl", "KL")):
            plt = self.query_one(plot_id, PlotextPlot).plt
            plt.title(title)
            plt.xlabel("step")
        model = model_of(self)
        if model is None:
            self.show_error(f"{NO_MODEL}(このモードではモデルを読み込んでいません)")
            return
        if not model.ready:
            self.query_one("#kl-phase", Static).update(WARMING)
        self.set_timer(0 if not model.ready else LOADING_AFTER, self._still_loading)
        self.worker = self.run_worker(lambda: self._train(model), thread=True, group="kl-training")

    def _train(self, model: ModelClient) -> None:
        worker = get_current_worker()
        pending: list[dict[str, Any]] = []
        last_draw = 0.0
        try:
            for record in model.stream("kl-training", seed=self.seed, **self.args):
                if worker.is_cancelled:
                    model.stop()  # the stream then ends after the current step
                    continue
                pending.append(record)
                now = time.monotonic()
                if now - last_draw >= DRAW_EVERY or "samples" in record:
                    batch, pending = pending, []
                    self.app.call_from_thread(self.add_records, batch)
                    last_draw = now
        except ModelError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.show_error, f"{NO_MODEL}: {exc}")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.add_records, pending, True)

    def _still_loading(self) -> None:
        if not self.records and self.error is None:
            self.query_one("#kl-loading").display = True

    def add_records(self, batch: list[dict[str, Any]], done: bool = False) -> None:
        loading = self.query_one("#kl-loading")
        if loading.display:
            loading.display = False
        for record in batch:
            if record["phase"] == 2 and self.kl_at_switch is None and self.records:
                self.kl_at_switch = self.records[-1]["kl"]
            self.records.append(record)
        if not self.records:
            return
        last = self.records[-1]
        text = Text(f" step {last['step']}/{last['steps']}   β={last['beta']:.0f}   ", style="bold")
        text.append(f"再構成誤差 {last['recon']:.1f}   KL {last['kl']:.2f}\n")
        text.append(PHASE_TEXT[last["phase"]])
        if done:
            self.finished = True
            text.append("\n学習が終わりました。Esc で問題に戻ります。", style="bold green")
        self.query_one("#kl-phase", Static).update(text)
        steps = [r["step"] for r in self.records]
        for plot_id, key in (("#plot-recon", "recon"), ("#plot-kl", "kl")):
            plot = self.query_one(plot_id, PlotextPlot)
            plot.plt.clear_data()
            plot.plt.plot(steps, [r[key] for r in self.records], marker="braille")
            plot.refresh()
        with_samples = [r for r in batch if "samples" in r]
        if with_samples:
            width = max(40, self.size.width - 8)  # padding and the scrollbar
            grid = image_grid(with_samples[-1]["samples"], width, nrow=min(10, width // 16))
            label = Text(
                " 事前分布 N(0, I) から引いた z のデコード(同じ z を使い続けています)\n",
                style="bold",
            )
            from rich.console import Group

            self.query_one("#kl-samples", Static).update(Group(label, grid))

    def show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#kl-loading").display = False
        self.query_one("#kl-phase", Static).update(Text(message, style="bold red"))

    def stop(self) -> None:
        """Stop training now: the worker asks the model process to end after its current step."""
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            model = model_of(self)
            if model is not None:
                model.stop()

    def action_close(self) -> None:
        self.stop()
        leave(self)

    def on_unmount(self) -> None:
        self.stop()
