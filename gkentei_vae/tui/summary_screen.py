"""The result of a quiz or mock exam: score against the pass line, per topic and lyric line, missed questions."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.banks.vocab import LEVELS, TOPICS
from gkentei_vae.study.exam import PASS_MARK
from gkentei_vae.study.session import Answer, QuizSession, Tally
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.question_view import QuestionView
from gkentei_vae.tui.widgets import DEMO_TOOLTIP, KeyBar

BAR_WIDTH = 40


def tally_table(title: str, rows: list[tuple[str, str, Tally]]) -> Table:
    """A score table: id, label, right/answered and a bar."""
    table = Table(title=title, title_justify="left", expand=True, show_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("内容", ratio=1)
    table.add_column("正解", justify="right", no_wrap=True)
    table.add_column("正答率", no_wrap=True)
    for key, label, tally in rows:
        filled = round(tally.percent / 10)
        style = "green" if tally.percent >= PASS_MARK * 100 else "red"
        bar = Text("█" * filled, style=style) + Text("░" * (10 - filled), style="dim")
        bar.append(f" {tally.percent:3.0f}%")
        table.add_row(key, JaText(label), f"{tally.right}/{tally.total}", bar)
    return table


def score_bar(right: int, total: int) -> Text:
    """The score as a bar with the 70 % pass line marked (▼ above, │ inside the bar)."""
    ratio = right / total if total else 0.0
    filled = round(ratio * BAR_WIDTH)
    mark = round(PASS_MARK * BAR_WIDTH)
    passed = ratio >= PASS_MARK
    top = Text(" " * mark + f"▼ 合格ライン {PASS_MARK:.0%}\n", style="bold yellow")
    bar = Text()
    for i in range(BAR_WIDTH):
        if i == mark:
            bar.append("│", style="bold yellow")
        bar.append(
            "█" if i < filled else "░",
            style=("green" if passed else "red") if i < filled else "dim",
        )
    bar.append(f"  {ratio:.0%}", style="bold")
    return top + bar


def lyric_sort_key(line_id: str) -> tuple[str, int]:
    digits = line_id.lstrip("L")
    return (line_id[: len(line_id) - len(digits)], int(digits) if digits.isdigit() else 0)


class SummaryScreen(Screen[None]):
    """Shown once a session ends; `w` walks through the missed questions one by one."""

    CSS_PATH = "summary_screen.tcss"
    BINDINGS = [
        Binding("w", "walk", "間違えた問題を振り返る", tooltip="間違えた問題を1問ずつ振り返る"),
        Binding("q", "app.end_mode", "終了", tooltip="終了する"),
        Binding("escape", "app.end_mode", "終了", show=False, tooltip="終了する"),
    ]

    def __init__(self, session: QuizSession, title: str = "結果", note: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.title_text = title
        self.note = note
        """A line under the headline (the mock exam: what the forecast said before it)."""

    def compose(self) -> ComposeResult:
        s = self.session
        total = len(s.answers)
        unanswered = sum(a.chosen is None for a in s.answers)
        percent = 100 * s.score / total if total else 0
        verdict = "合格ライン以上" if percent >= PASS_MARK * 100 else "合格ライン未満"
        headline = Text(
            f"{self.title_text}: {s.score}/{total} 問正解 ({percent:.0f}%) — {verdict}",
            style="bold",
        )
        if unanswered:
            headline.append(f"  (未解答 {unanswered} 問)", style="bold red")
        with VerticalScroll(id="summary-body"):
            yield Static(JaText(headline), id="headline")
            if self.note:
                yield Static(JaText(Text(self.note, style="italic")), id="note")
            yield Static(score_bar(s.score, total), id="score-bar")
            topics = s.by_topic()
            rows = [(t, TOPICS.get(t, t), topics[t]) for t in TOPICS if t in topics]
            yield Static(tally_table("トピック別", rows), id="by-topic")
            lines = s.by_line()
            lyrics = {a.item.pick.lyric.id: a.item.pick.lyric.text for a in s.answers}
            lyric_rows = [
                (lid, lyrics[lid], lines[lid]) for lid in sorted(lyrics, key=lyric_sort_key)
            ]
            yield Static(tally_table("歌詞の行別", lyric_rows), id="by-line")
            levels = s.by_level()
            level_rows = [(k, LEVELS[k], levels[k]) for k in LEVELS if k in levels]
            yield Static(tally_table("レベル別", level_rows), id="by-level")
            yield Static(JaText(self.missed_text()), id="missed")
        yield KeyBar()

    def missed_text(self) -> Text:
        missed = self.session.missed()
        if not missed:
            return Text("間違えた問題はありません。全問正解です！", style="bold green")
        text = Text(f"間違えた問題 ({len(missed)} 問) — w で1問ずつ振り返る\n", style="bold")
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.session.missed()) if action == "walk" else True

    def action_walk(self) -> None:
        missed = self.session.missed()
        if missed:
            self.app.push_screen(MissedWalkScreen(missed))


class MissedWalkScreen(Screen[None]):
    """Each missed question in full: the options, the correct one, the explanation."""

    BINDINGS = [
        Binding("n", "move(1)", "次", key_display="n/→", tooltip="次の問題へ"),
        Binding("right", "move(1)", "次", show=False, tooltip="次の問題へ"),
        Binding("p", "move(-1)", "前", key_display="p/←", tooltip="前の問題へ"),
        Binding("left", "move(-1)", "前", show=False, tooltip="前の問題へ"),
        Binding("e", "demo", "モデルで確かめる", tooltip=DEMO_TOOLTIP),
        Binding("escape", "app.pop_screen", "結果に戻る", key_display="Esc", tooltip="結果に戻る"),
    ]
    DEFAULT_CSS = """
    MissedWalkScreen #walk-bar { height: 1; background: $primary; }
    MissedWalkScreen #walk-body { padding: 0 1; }
    """

    index: var[int] = var(0, bindings=True)
    """Which missed answer is shown."""

    def __init__(self, missed: list[Answer]) -> None:
        super().__init__()
        self.missed = missed

    def compose(self) -> ComposeResult:
        yield Static(id="walk-bar")
        with VerticalScroll(id="walk-body"):
            yield QuestionView(self.missed[0].item)
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_current()

    def show_current(self) -> None:
        answer = self.missed[self.index]
        view = self.query_one(QuestionView)
        view.show(answer.item)
        view.reveal(answer)
        bar = Text(f" 振り返り {self.index + 1}/{len(self.missed)}", style="bold")
        self.query_one("#walk-bar", Static).update(bar)
        self.query_one("#walk-body", VerticalScroll).scroll_home(animate=False)

    def action_move(self, step: int) -> None:
        self.index = max(0, min(self.index + step, len(self.missed) - 1))
        self.show_current()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "demo":
            return self.missed[self.index].item.pick.question.demo is not None
        return True

    def action_demo(self) -> None:
        demo = self.missed[self.index].item.pick.question.demo
        if demo is not None:
            from gkentei_vae.tui.demo_screen import open_demo

            open_demo(self, demo, seed=self.index)
