"""The live gan-training demo: a VAE and a GAN trained from scratch side by side.

L9 「画像はぼやけるが学習は安定」, measured: the VAE's loss falls smoothly, the GAN's
generator loss is no progress signal, both sets of samples improve from the same z, and
at the end both are judged by the digit classifier (grey share, FD, classes covered).
`b` runs a GAN configuration that fails: the discriminator wins and the generator gives
one repeated image. Every sentence shown comes from the run (``gan_demos.live_sentences``).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from gkentei_vae.demo_data import GanRecord
from gkentei_vae.tui.demo_base import LiveDemoScreen
from gkentei_vae.tui.image import image_grid
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.live_plot import LivePlot
from gkentei_vae.tui.widgets import KeyBar

ROUND = "ラウンド"
"""The live run's unit, the same in the header, the charts and the sentences."""


def round_note(record: GanRecord) -> str:
    """The line that says what a round is, from the record's own counts."""
    rounds = record["step"]
    return (
        f"1 {ROUND} = VAE の学習 1 ステップ + GAN の学習 {record['gan_steps'] // rounds} ステップ"
        f"(同じ数字 {record['images'] // rounds} 枚)"
    )


class GanTrainingScreen(LiveDemoScreen[GanRecord]):
    """Plots the VAE's loss and the GAN's D and G losses; shows both models' samples."""

    CSS_PATH = "gan_training_screen.tcss"
    BINDINGS = [
        Binding(
            "b",
            "switch",
            "失敗例/成功例",
            tooltip="GAN を失敗する設定(または元の設定)にして、最初から学習し直す",
        ),
    ]
    PICTURE_KEYS = ("vae_samples", "gan_samples")

    def __init__(self, demo_id: str = "gan-training", seed: int = 0, **args: Any) -> None:
        super().__init__(demo_id, seed, **args)

    @property
    def failing(self) -> bool:
        """Whether the GAN of the current run has the failing configuration."""
        return bool(self.args.get("failing", False))

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield Static(id="gan-status")
        # Everything below the header scrolls: at 80×24 the charts alone would fill the screen.
        with VerticalScroll(id="gan-scroll"):
            yield Static(id="gan-note")
            with Horizontal(id="gan-plots"):
                yield LivePlot("VAE の損失", ROUND, id="plot-vae")
                yield LivePlot("GAN: D と G の損失", ROUND, id="plot-gan")
            yield Static(id="gan-samples")
            yield Static(id="gan-result")
        yield KeyBar()

    def draw(self, batch: list[GanRecord], done: bool) -> None:
        last = self.records[-1]
        which = "GAN は失敗する設定" if last["failing"] else "GAN は成功する設定"
        status = Text(f"{ROUND} {last['step']}/{last['steps']}   {which}", style="bold")
        status.append("   このラウンドの値:\n", style="dim")
        status.append(
            f"VAE の損失 {last['vae_loss']:.1f} │ D の損失 {last['d_loss']:.2f}"
            f" │ G の損失 {last['g_loss']:.2f} │ D の正答 本物 {last['d_real']:.0%}"
            f" 偽物 {last['d_fake']:.0%}"
        )
        change = next((r["change"] for r in self.records if r.get("change")), "")
        if change:
            status.append(f"\n{change}", style="yellow")
        self.query_one("#gan-status", Static).update(JaText(status))
        note = self.query_one("#gan-note", Static)
        if not note.content:
            note.update(JaText(Text(round_note(last), style="dim")))
        rounds = [r["step"] for r in self.records]
        self.query_one("#plot-vae", LivePlot).show(
            rounds, [([r["vae_loss"] for r in self.records], None)]
        )
        self.query_one("#plot-gan", LivePlot).show(
            rounds,
            [
                ([r["d_loss"] for r in self.records], "D"),
                ([r["g_loss"] for r in self.records], "G"),
            ],
        )
        pictures = [r for r in batch if "gan_samples" in r]
        if pictures:
            self.query_one("#gan-samples", Static).update(self.samples_view(pictures[-1]))
        if done and "final" in last:
            self.query_one("#gan-result", Static).update(result_view(last))

    def samples_view(self, record: GanRecord) -> RenderableType:
        width = max(40, self.size.width - 8)  # padding and the scrollbar
        nrow = min(len(record["vae_samples"]), max(1, width // 10))
        return Group(
            Text(f" {ROUND} {record['step']}: 同じ z から(最初から最後まで同じ乱数)", style="bold"),
            Text(" VAE", style="bold cyan"),
            image_grid(record["vae_samples"], width, nrow=nrow),
            Text(" GAN", style="bold magenta"),
            image_grid(record["gan_samples"], width, nrow=nrow),
        )

    def action_switch(self) -> None:
        for plot in self.query(LivePlot):
            plot.clear()
        for selector in ("#gan-note", "#gan-samples", "#gan-result"):
            self.query_one(selector, Static).update("")
        self.start_run(failing=not self.failing)


def result_view(last: GanRecord) -> RenderableType:
    """The final measurements of both models and the sentences this run's numbers support."""
    table = Table(title="学習後の判定(各 1,000 枚、数字の分類器で)", title_justify="left")
    table.add_column("モデル")
    table.add_column("灰色の割合", justify="right")
    table.add_column("FD(小さいほど本物に近い)", justify="right")
    table.add_column("数字の種類", justify="right")
    final = last["final"]
    for m, label in ((final["vae"], "VAE"), (final["gan"], "GAN")):
        table.add_row(label, f"{m['grey']:.0%}", f"{m['fd']:.1f}", f"{m['classes']}/10")
    text = Text()
    for sentence in last["sentences"]:
        text.append(f"・{sentence}\n")
    text.append(
        "\n学習が終わりました。b で GAN の設定を切り替えて学習し直せます。Esc で問題に戻ります。",
        style="bold green",
    )
    return Group(table, JaText(text))
