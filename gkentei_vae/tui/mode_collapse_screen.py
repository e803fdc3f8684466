"""The mode-collapse demo: a VAE (live) and a recorded GAN on the ring of eight Gaussians.

Each model's samples are braille dots over the eight modes (red digits 0–7); under each, the
share of all samples on each mode (within 0.2) over time, so mass that sits on one mode
and moves from mode to mode is seen, not told. ``b`` replays the remedy configuration.
Every sentence comes from the run (``demos.mode_collapse.ring_sentences``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from gkentei_vae.demo_data import ModeCollapseRecord, RingFrame
from gkentei_vae.tui.demo_base import LiveDemoScreen
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.scatter import scatter_text
from gkentei_vae.tui.widgets import KeyBar

MODES = 8
RADIUS = 2.0
"""The ring's radius (``models.ring.RADIUS``; a test checks they agree)."""
EXTENT = 2.6
"""The scatter shows ±EXTENT on both axes."""
SHADES = " ░▒▓█"
"""Share of samples on a mode: 0, < 12.5 %, < 25 %, < 50 %, ≥ 50 %."""
SHADE_AT = (0.005, 0.125, 0.25, 0.5)
"""Lower bounds of the shades after the blank (0.5 %: a few samples are not a mode)."""
RECORDED = "記録した実行"
LABEL_CELLS = 9
"""Cells before a history row's shades: 「モードk 」 (8) and a gap to the other side."""


def shade(share: float) -> str:
    """The shade character for a share of all samples."""
    return SHADES[sum(1 for b in SHADE_AT if share >= b)]


def mode_marks() -> np.ndarray:
    angles = 2 * np.pi * np.arange(MODES) / MODES
    return RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)


class ModeCollapseScreen(LiveDemoScreen[ModeCollapseRecord]):
    """Two scatters side by side, per-mode shares over time, the run's verdict at the end."""

    CSS_PATH = "mode_collapse_screen.tcss"
    BINDINGS = [
        Binding(
            "b",
            "switch",
            "対策あり/なし",
            tooltip="GAN をモード崩壊への対策(PacGAN)を入れた記録(または元の記録)に切り替える",
        ),
    ]
    PICTURE_KEYS = ("gan", "vae")

    def __init__(self, demo_id: str = "mode-collapse", seed: int = 0, **args: Any) -> None:
        super().__init__(demo_id, seed, **args)

    @property
    def remedy(self) -> bool:
        """Whether the replayed GAN is the remedy configuration."""
        return bool(self.args.get("remedy", False))

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with VerticalScroll(id="mc-scroll"):
            yield Static(id="mc-status")
            with Horizontal(id="mc-plots"):
                yield Static(id="mc-vae")
                yield Static(id="mc-gan")
            yield Static(id="mc-result")
        yield KeyBar()

    def draw(self, batch: list[ModeCollapseRecord], done: bool) -> None:
        last = self.records[-1]
        self.query_one("#mc-status", Static).update(JaText(status_text(self.records), hang=1))
        width = max(20, (self.size.width - 6) // 2)
        for side in ("vae", "gan"):
            self.query_one(f"#mc-{side}", Static).update(side_view(self.records, side, width))
        if done and "sentences" in last:
            self.query_one("#mc-result", Static).update(JaText(result_view(last), hang=2))

    def action_switch(self) -> None:
        for selector in ("#mc-vae", "#mc-gan", "#mc-result"):
            self.query_one(selector, Static).update("")
        self.start_run(remedy=not self.remedy)


def status_text(records: list[ModeCollapseRecord]) -> Text:
    """Each side's step, which GAN setting is replayed, and that it is a recording."""
    last = records[-1]
    gan, vae = (_last_frame(records, side) for side in ("gan", "vae"))
    text = Text(
        f" GAN ステップ {_step(gan)}/{last['gan_steps']}"
        f"  VAE ステップ {_step(vae)}/{last['vae_steps']}\n",
        style="bold",
    )
    which = "対策あり" if last["remedy"] else "対策なし"
    text.append(f" GAN ({which}): {last['label']}\n", style="bold magenta")
    text.append(
        f" GAN は{RECORDED} (seed {last['recorded_seed']}、同じ学習コードで事前に記録して再生)。"
        "VAE はいまこの場で学習しています。",
        style="yellow",
    )
    return text


def frame_of(record: ModeCollapseRecord, side: str) -> RingFrame | None:
    """The ``vae`` or ``gan`` frame of a record."""
    return record.get("vae") if side == "vae" else record.get("gan")


def _last_frame(records: list[ModeCollapseRecord], side: str) -> RingFrame | None:
    for record in reversed(records):
        frame = frame_of(record, side)
        if frame is not None:
            return frame
    return None


def _step(frame: RingFrame | None) -> int:
    return frame["step"] if frame is not None else 0


def side_view(records: list[ModeCollapseRecord], side: str, width: int) -> RenderableType:
    """One model: scatter, its numbers now, and the per-mode shares over time."""
    frame = _last_frame(records, side)
    name = "VAE (この場で学習)" if side == "vae" else f"GAN ({RECORDED})"
    title = Text(f"{name}", style="bold cyan" if side == "vae" else "bold magenta")
    if frame is None:
        return title
    columns = min(width - 2, 36)
    rows = max(6, columns // 2 - 2)
    scatter = scatter_text(
        frame["points"],
        mode_marks(),
        columns,
        rows,
        EXTENT,
        style="cyan" if side == "vae" else "magenta",
    )
    numbers = Text(
        f"ステップ {frame['step']}: 最大のモードに {frame['top_share']:.0%}"
        f" (モード {frame['top_mode']})\n"
        f"覆ったモード {frame['covered']}/8  高品質 {frame['hq_share']:.0%}"
        + ("  モード崩壊" if frame["collapsed"] else "")
    )
    history = [f for f in (frame_of(r, side) for r in records) if f is not None]
    span = max(1, columns - LABEL_CELLS)
    if len(history) > span:
        picks = np.linspace(0, len(history) - 1, span).round().astype(int)
        history = [history[i] for i in picks]
    lines = Text("モードごとの割合の推移 (0.2 以内、左が最初)\n", style="bold")
    for k in range(MODES):
        lines.append(f"モード{k} ")
        lines.append("".join(shade(h["near"][k]) for h in history))
        if k < MODES - 1:
            lines.append("\n")
    return Group(title, scatter, numbers, lines)


def result_view(last: ModeCollapseRecord) -> Text:
    """The sentences this run's numbers support, the radius used, and the keys."""
    text = Text()
    for sentence in last.get("sentences", []):
        text.append(f"・{sentence}\n")
    text.append(f"\n{last.get('note', '')}\n", style="dim")
    other = "元の設定" if last["remedy"] else "対策 (PacGAN) を入れた設定"
    text.append(
        f"\n再生が終わりました。b で GAN を{other}の記録に切り替えます。Esc で問題に戻ります。",
        style="bold green",
    )
    return text
