"""Progress: per lyric line, the due forecast, the 8-week heatmap, the exam countdown and the
mock-exam results.

The figures come from ``study.stats.compute_stats`` (the same as ``stats --plain``); this
module only lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.banks import Bank
from gkentei_vae.study.clock import utcnow
from gkentei_vae.study.srs import EXAM_WINDOW_DAYS
from gkentei_vae.study.stats import (
    FORECAST_DAYS,
    HEAT_LEVELS,
    HEATMAP_DAYS,
    RECENT_SITTINGS,
    Stats,
    compute_stats,
    forecast_cell,
    heatmap_rows,
    sitting_cells,
    sitting_text,
    song_headings,
)
from gkentei_vae.study.store import Store
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.bars import percent, recall_bar
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.readiness import ReadinessPanel, lines_text
from gkentei_vae.tui.widgets import KeyBar

_WEEKDAYS = "月火水木金土日"


def lines_table(stats: Stats) -> Table:
    """Per lyric line: cards answered of those the banks make, accuracy, mean recall now."""
    table = Table(title="歌詞の行ごとの習熟度", title_justify="left", expand=True, show_edge=False)
    table.add_column("行", no_wrap=True)
    table.add_column("歌詞", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("学習済み", justify="right", no_wrap=True)
    table.add_column("解答", justify="right", no_wrap=True)
    table.add_column("正答率", justify="right", no_wrap=True)
    table.add_column("いまの想起率", no_wrap=True)
    for heading, line in song_headings(stats.lines):
        if heading:
            table.add_row("", Text(heading, style="bold"))
        table.add_row(
            line.line_id,
            Text(line.text),
            f"{line.seen}/{line.cards}",
            str(line.answers),
            percent(line.accuracy),
            recall_bar(line.retrievability),
        )
    return table


def forecast_text(stats: Stats, width: int = 24) -> Text:
    """The next FORECAST_DAYS days, a row each with its count and a bar."""
    text = Text(f"今後{FORECAST_DAYS}日の復習予定\n", style="bold")
    text.append("(今日の分は期限切れを含む)\n", style="dim")
    peak = max((n for _, n in stats.forecast), default=0)
    for i, (day, count) in enumerate(stats.forecast):
        label = f"{day.month:>2}/{day.day:02d}({_WEEKDAYS[day.weekday()]})"
        text.append(label, style="bold" if i == 0 else "")
        text.append(f" {count:>4} ")
        text.append("█" * (math.ceil(width * count / peak) if peak else 0), style="cyan")
        text.append("\n")
    text.rstrip()
    return text


def heatmap_text(stats: Stats) -> Text:
    """Answers per day over the last 8 weeks: a row per weekday, a column per week."""
    total = sum(n for _, n in stats.heatmap)
    peak = max((n for _, n in stats.heatmap), default=0)
    text = Text(f"直近{HEATMAP_DAYS // 7}週間の解答数\n", style="bold")
    text.append(f"(左が古い週。計 {total} 回、最多 {peak} 回/日)\n", style="dim")
    for row in heatmap_rows(stats.heatmap):
        text.append(row[0], style="bold")
        text.append(row[1:], style="green")
        text.append("\n")
    text.append("\n· なし  ", style="dim")
    text.append(" ".join(HEAT_LEVELS), style="green")
    text.append("  多い", style="dim")
    return text


def exam_text(stats: Stats) -> Text:
    """The exam date and what is left before it, or how to set one."""
    exam = stats.exam
    if exam is not None:
        text = Text(f"試験日 {exam.exam_date.isoformat()}", style="bold")
        text.append(f"  あと {exam.days_left} 日\n", style="bold yellow")
        text.append(f"試験までに復習するカード {exam.to_review} 枚、未学習 {exam.unseen} 枚。\n")
        start = exam.window_start
        text.append(
            f"{start.month}/{start.day} からの最後の{EXAM_WINDOW_DAYS}日間に"
            "学習済みの全カードが出題されます。",
            style="dim",
        )
        return text
    if stats.exam_date is not None:
        return Text(
            f"試験日 {stats.exam_date.isoformat()} は過ぎました"
            "(gkentei-vae config unset exam-date で解除)。",
            style="dim",
        )
    return Text("試験日: 未設定(gkentei-vae config set exam-date YYYY-MM-DD)", style="dim")


def sittings_text(stats: Stats) -> Text:
    """「模擬試験の結果」: the best and the latest score, then the recent sittings."""
    text = Text("模擬試験の結果", style="bold")
    if not stats.sittings or stats.best_sitting is None:
        text.append(
            "\nまだありません(ホーム画面の 5 か gkentei-vae exam で受験できます)", style="dim"
        )
        return text
    text.append(
        f"  全 {stats.sitting_count} 回(新しい順に最大 {RECENT_SITTINGS} 回)\n", style="dim"
    )
    text.append("最高 ", style="bold")
    text.append(sitting_text(stats.best_sitting), style="bold green")
    text.append("   最新 ", style="bold")
    text.append(sitting_text(stats.sittings[0]))
    for sitting in stats.sittings:
        when, score, percent_text, verdict, timed_out = sitting_cells(sitting)
        text.append(f"\n{when}  {score:>7}  {percent_text:>4}  ")
        text.append(verdict, style="green" if sitting.passed else "red")
        if timed_out:
            text.append(f"  {timed_out}", style="yellow")
        if forecast_cell(sitting):
            text.append(f"  {forecast_cell(sitting)}", style="dim")
    return text


def levels_text(stats: Stats) -> Text:
    """Per question level: questions answered, accuracy; then retired questions with history."""
    text = Text("レベル別", style="bold")
    for level in stats.levels:
        text.append(f"\n{level.label}: ", style="bold")
        text.append(f"学習済み {level.seen}/{level.questions} 問、正答率 {percent(level.accuracy)}")
    if stats.retired:
        text.append(
            f"\n退役した問題の記録 {len(stats.retired)} 問(出題はされません): ", style="dim"
        )
        text.append(
            "、".join(f"{r.card_id}(解答 {r.answers} 回)" for r in stats.retired), style="dim"
        )
    return text


def headline_text(stats: Stats) -> Text:
    text = Text(f"学習状況 {stats.today.isoformat()}", style="bold")
    text.append(f"   今すぐ復習できるカード {stats.due_now} 枚", style="bold cyan")
    text.append(f" / 未学習 {stats.unseen} 枚 / これまでの解答 {stats.total_answers} 回")
    return text


class StatsScreen(Screen[None]):
    """The figures at the moment the screen is made; read-only."""

    CSS_PATH = "stats_screen.tcss"
    BINDINGS = [
        Binding("q", "close", "閉じる", key_display="q/Esc", tooltip="閉じる"),
        Binding("escape", "close", "閉じる", show=False, tooltip="閉じる"),
    ]
    HELP_NOTES = ("↑ / ↓ でスクロールする",)

    def __init__(
        self,
        store: Store,
        banks: Sequence[Bank],
        clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        stats: Stats | None = None,
    ) -> None:
        """``stats``: already computed (the CLI computes them first, so a store error
        is reported before the screen starts); computed here otherwise."""
        super().__init__()
        self.stats = stats or compute_stats(store, banks, now=(clock or utcnow)(), tz=tz)
        self._source = (store, banks, clock or utcnow, tz)

    def compose(self) -> ComposeResult:
        stats = self.stats
        yield Static(Text(" 学習状況", style="bold"), id="progress")
        with VerticalScroll(id="body"):
            yield Static(JaText(headline_text(stats)), id="headline")
            yield Static(lines_table(stats), id="lines")
            with Horizontal(id="charts"):
                yield Static(JaText(forecast_text(stats)), id="forecast")
                yield Static(JaText(heatmap_text(stats)), id="heatmap")
            yield Static(JaText(exam_text(stats)), id="exam")
            yield ReadinessPanel(render=lines_text, id="line-forecast")
            yield Static(JaText(sittings_text(stats)), id="sittings")
            yield Static(JaText(levels_text(stats)), id="levels")
        yield KeyBar()

    def on_mount(self) -> None:
        from gkentei_vae.study.parameters import scheduler_for

        store, banks, clock, tz = self._source
        # In a worker, as on home: the figures above are shown at once.
        self.query_one(ReadinessPanel).update_from(store, banks, scheduler_for(store), clock, tz)

    def action_close(self) -> None:
        app = self.app
        assert isinstance(app, GkenteiApp)
        app.end_mode()
