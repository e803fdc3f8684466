"""The end-of-quiz summary: score per topic and per lyric line, then the missed questions."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from gkentei_vae.banks.vocab import TOPICS
from gkentei_vae.study.session import QuizSession, Tally


def tally_table(title: str, rows: list[tuple[str, str, Tally]]) -> Table:
    """A score table: id, label, right/answered and a bar."""
    table = Table(title=title, title_justify="left", expand=True, show_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("内容", ratio=1)
    table.add_column("正解", justify="right", no_wrap=True)
    table.add_column("正答率", no_wrap=True)
    for key, label, tally in rows:
        filled = round(tally.percent / 10)
        style = "green" if tally.percent >= 70 else "red"
        bar = Text("█" * filled, style=style) + Text("░" * (10 - filled), style="dim")
        bar.append(f" {tally.percent:3.0f}%")
        table.add_row(key, Text(label), f"{tally.right}/{tally.total}", bar)
    return table


class SummaryScreen(Screen[None]):
    """Shown once the last question is answered."""

    CSS_PATH = "summary_screen.tcss"
    BINDINGS = [
        Binding("q", "app.exit(0)", "終了"),
        Binding("escape", "app.exit(0)", "終了", show=False),
    ]

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        s = self.session
        total = len(s.answers)
        percent = 100 * s.score / total if total else 0
        verdict = "合格ライン(70%)以上" if percent >= 70 else "合格ライン(70%)未満"
        headline = Text(
            f"結果: {s.score}/{total} 問正解 ({percent:.0f}%) — {verdict}", style="bold"
        )
        with VerticalScroll(id="summary-body"):
            yield Static(headline, id="headline")
            topics = s.by_topic()
            yield Static(
                tally_table(
                    "トピック別", [(t, TOPICS.get(t, t), topics[t]) for t in TOPICS if t in topics]
                ),
                id="by-topic",
            )
            lines = s.by_line()
            lyric_rows = []
            seen: set[str] = set()
            for a in s.answers:
                lyric = a.item.pick.lyric
                if lyric.id not in seen:
                    seen.add(lyric.id)
                    lyric_rows.append((lyric.id, lyric.text, lines[lyric.id]))
            lyric_rows.sort(key=lambda row: int(row[0][1:]) if row[0][1:].isdigit() else 0)
            yield Static(tally_table("歌詞の行別", lyric_rows), id="by-line")
            yield Static(self.missed_text(), id="missed")
        yield Footer()

    def missed_text(self) -> Text:
        missed = self.session.missed()
        if not missed:
            return Text("間違えた問題はありません。全問正解です！", style="bold green")
        text = Text(f"間違えた問題 ({len(missed)} 問)\n", style="bold")
        for a in missed:
            q = a.item.pick.question
            text.append(f"\n■ {q.id} [{q.line}] ", style="bold")
            text.append(q.stem)
            text.append("\n  あなたの解答: ", style="red")
            text.append("(未解答)" if a.chosen is None else a.item.options[a.chosen])
            text.append("\n  正解: ", style="green bold")
            text.append(q.answer)
            text.append("\n  解説: ", style="bold")
            text.append(q.explanation)
            text.append("\n")
        return text
