"""The live kl-training demo: a VAE trained from scratch while the two loss terms are plotted.

Phase 1 trains without the KL term (β=0): reconstruction improves and the KL climbs,
since nothing pulls q(z|x) towards N(0, I). Phase 2 switches it on (β=1): the KL
shrinks and samples from the prior become plausible digits. Training runs in the
model process; this screen only draws, so keys answer at once, and Esc stops it.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from gkentei_vae.demo_data import KlRecord
from gkentei_vae.tui.demo_base import LiveDemoScreen
from gkentei_vae.tui.image import image_grid
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.live_plot import LivePlot
from gkentei_vae.tui.widgets import KeyBar

PHASE_TEXT = {
    1: "フェーズ1: β=0(KL 項なし)。再構成誤差だけを下げるので、エンコーダの分布は標準正規分布から離れ、KL が増えていきます。",
    2: "フェーズ2: β=1(KL 項あり)。KL が正則化項として分布を N(0, I) に引き寄せるので KL が減り、事前分布から引いた z の画像が数字らしくなります。",
}


STEP = "ステップ"
"""The run's unit (one VAE step on one batch), the same in the header and the charts."""


class KlTrainingScreen(LiveDemoScreen[KlRecord]):
    """Plots the reconstruction and KL terms per step; shows prior samples as they improve."""

    CSS_PATH = "kl_training_screen.tcss"

    def __init__(self, demo_id: str = "kl-training", seed: int = 0, **args: Any) -> None:
        super().__init__(demo_id, seed, **args)
        self.kl_at_switch: float | None = None
        """The KL of the last β=0 step (the curve's peak, for the phase-2 comparison)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield Static(id="kl-phase")
        # The charts and the samples scroll: at 80×24 they do not fit together.
        with VerticalScroll(id="kl-scroll"):
            with Horizontal(id="kl-plots"):
                yield LivePlot("再構成誤差", STEP, id="plot-recon")
                yield LivePlot("KL", STEP, id="plot-kl")
            yield Static(id="kl-samples")
        yield KeyBar()

    def draw(self, batch: list[KlRecord], done: bool) -> None:
        if self.kl_at_switch is None:
            first_of_two = next((i for i, r in enumerate(self.records) if r["phase"] == 2), None)
            if first_of_two:
                self.kl_at_switch = self.records[first_of_two - 1]["kl"]
        last = self.records[-1]
        text = Text(
            f" {STEP} {last['step']}/{last['steps']}   β={last['beta']:.0f}   ", style="bold"
        )
        text.append(f"再構成誤差 {last['recon']:.1f}   KL {last['kl']:.2f}\n")
        text.append(PHASE_TEXT[last["phase"]])
        if done:
            text.append("\n学習が終わりました。Esc で問題に戻ります。", style="bold green")
        self.query_one("#kl-phase", Static).update(JaText(text))
        steps = [r["step"] for r in self.records]
        recon, kl = [r["recon"] for r in self.records], [r["kl"] for r in self.records]
        for plot_id, values in (("#plot-recon", recon), ("#plot-kl", kl)):
            self.query_one(plot_id, LivePlot).show(steps, [(values, None)])
        with_samples = [r for r in batch if "samples" in r]
        if with_samples:
            width = max(40, self.size.width - 8)  # padding and the scrollbar
            grid = image_grid(with_samples[-1]["samples"], width, nrow=min(10, width // 16))
            label = Text(
                " 事前分布 N(0, I) から引いた z のデコード(同じ z を使い続けています)\n",
                style="bold",
            )
            self.query_one("#kl-samples", Static).update(Group(JaText(label), grid))
