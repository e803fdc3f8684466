"""The home screen (`gkentei-vae` with no command): today's work, mastery per line, one key per mode.

Every mode opens inside the same app, pushed over home, and comes back to home when it ends.
The mode screens end a session with ``app.end_mode()`` (each is also a whole app on its own,
as ``gkentei-vae quiz`` etc., where that exits); ``HomeApp`` makes it "back to home".
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.study.context import StudyContext
from gkentei_vae.study.defaults import DEFAULT_QUIZ_COUNT
from gkentei_vae.study.exam import SECONDS_PER_QUESTION, duration_text, time_limit_for
from gkentei_vae.study.selection import matching
from gkentei_vae.study.settings import LEVEL_CHOICES, LEVEL_KEY, level_label, levels_for
from gkentei_vae.study.stats import Stats, song_headings
from gkentei_vae.study.store import StoreError
from gkentei_vae.study.today import Today, today
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.bars import recall_bar
from gkentei_vae.tui.jawrap import JaText, notify
from gkentei_vae.tui.readiness import ExamDateScreen, ReadinessPanel
from gkentei_vae.tui.widgets import KeyBar


def today_text(numbers: Today) -> Text:
    text = Text(f"今日 {numbers.stats.today.isoformat()}\n", style="bold")
    due = numbers.questions_due + numbers.cards_due
    text.append(f"期限が来た復習 {due} 件", style="bold cyan" if due else "bold")
    text.append(
        f"  (問題 {numbers.questions_due} 問 + 新しい問題 {numbers.questions_new} 問、"
        f"フラッシュカード {numbers.cards_due} 枚 + 新しいカード {numbers.cards_new} 枚)\n"
    )
    answered_today = numbers.stats.heatmap[-1][1] if numbers.stats.heatmap else 0
    text.append(f"今日の解答 {answered_today} 回 / これまで {numbers.stats.total_answers} 回\n")
    text.append("出題レベル: ", style="bold")
    text.append(level_label(numbers.level), style="bold magenta")
    text.append(f"  ({LEVEL_KEY_NAME} で切り替え。クイズ・復習・模擬試験・弱点ドリルに効く)")
    exam = numbers.stats.exam
    if exam is not None:
        text.append(f"\n試験日 {exam.exam_date.isoformat()} まで", style="bold")
        text.append(f" あと {exam.days_left} 日", style="bold yellow")
        text.append(f"(試験までに復習するカード {exam.to_review} 枚、未学習 {exam.unseen} 枚)")
    return text


def mastery_table(stats: Stats) -> Table:
    """Per lyric line: mean recall now as a bar, and how many of its cards were answered."""
    table = Table(
        title="歌詞の行ごとの習熟度(いまの想起率)",
        title_justify="left",
        expand=True,
        show_edge=False,
        show_header=False,
    )
    table.add_column("行", no_wrap=True, style="bold")
    table.add_column("歌詞", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("想起率", no_wrap=True)
    table.add_column("学習済み", justify="right", no_wrap=True)
    for heading, line in song_headings(stats.lines):
        if heading:
            table.add_row("", Text(heading, style="bold"))
        table.add_row(
            line.line_id,
            Text(line.text),
            recall_bar(line.retrievability),
            f"{line.seen}/{line.cards}",
        )
    return table


def mode_keys() -> dict[str, str]:
    """Mode → the home key that opens it, in key order (from ``HomeScreen.BINDINGS``)."""
    opens = [
        b for b in HomeScreen.BINDINGS if isinstance(b, Binding) and b.action.startswith("open(")
    ]
    return {b.action.removeprefix("open('").removesuffix("')"): b.key for b in opens}


def modes_table(context: StudyContext, numbers: Today) -> Table:
    questions = len(matching(context.banks, levels=levels_for(numbers.level)))
    limit = duration_text(time_limit_for(questions))
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    rows = {
        "quiz": ("クイズ", f"G検定形式の4択を{DEFAULT_QUIZ_COUNT}問"),
        "review": (
            "復習",
            f"期限の問題 {numbers.questions_due} 問 + 新しい問題 {numbers.questions_new} 問",
        ),
        "flashcards": (
            "フラッシュカード",
            f"期限のカード {numbers.cards_due} 枚 + 新しいカード {numbers.cards_new} 枚",
        ),
        "stats": ("学習状況", "行ごとの習熟度・今後14日の予定・8週間の記録"),
        "exam": (
            "模擬試験",
            f"出題レベルの全 {questions} 問・{limit}(1問{SECONDS_PER_QUESTION}秒)",
        ),
        "weak": ("弱点ドリル", f"最後に間違えた問題 {numbers.missed} 問から、想起率の低い順に"),
    }
    for mode, key in mode_keys().items():
        name, what = rows[mode]
        table.add_row(Text(f" {key} ", style="bold reverse"), name, JaText(what))
    return table


LEVEL_KEY_NAME = "l"
"""Home's key that switches the question level."""


class HomeScreen(Screen[None]):
    """The app's base screen when started without a command."""

    CSS_PATH = "home_screen.tcss"
    BINDINGS = [
        Binding(
            "1",
            "open('quiz')",
            "クイズ",
            tooltip=f"クイズ({DEFAULT_QUIZ_COUNT}問。解答は学習記録に残る)",
        ),
        Binding("2", "open('review')", "復習", tooltip="復習(期限の問題、続けて今日の新しい問題)"),
        Binding(
            "3", "open('flashcards')", "カード", tooltip="フラッシュカード(歌詞の穴埋めと用語)"
        ),
        Binding("4", "open('stats')", "学習状況", tooltip="学習状況(習熟度・復習予定・解答の記録)"),
        Binding("5", "open('exam')", "模擬試験", tooltip="模擬試験(時間制限つき)"),
        Binding(
            "6",
            "open('weak')",
            "弱点",
            tooltip=f"弱点ドリル(最後に間違えた問題、続けて想起率の低い問題を{DEFAULT_QUIZ_COUNT}問)",
        ),
        Binding(
            LEVEL_KEY_NAME,
            "next_level",
            "レベル",
            tooltip="出題レベルを切り替える(" + " → ".join(LEVEL_CHOICES) + "。設定に保存)",
        ),
        Binding("t", "exam_date", "試験日", tooltip="試験日を設定・変更・解除する"),
        Binding("q", "quit_home", "終了", tooltip="終了する"),
    ]
    HELP_NOTES = ("各モードを終えるとこの画面に戻る", "各モードでは ? でそのモードのキーが出る")

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context
        self.numbers: Today | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" G検定 VAE覚えうた — ホーム", style="bold"), id="progress")
        with VerticalScroll(id="body"):
            yield Static(id="today")
            yield ReadinessPanel(id="readiness")
            yield Static(id="mastery")
            yield Static(Text("モード", style="bold"), id="modes-title")
            yield Static(id="modes")
            yield Static(id="model-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.show_model_status)

    def show_model_status(self) -> None:
        app = self.app
        assert isinstance(app, GkenteiApp)
        line = self.query_one("#model-status", Static)
        status = app.model_status()
        if str(line.content) != status:
            line.update(JaText(status, style="dim"))

    def on_screen_resume(self) -> None:
        # First shown, and back from every mode: the numbers have moved.
        self.refresh_numbers()

    def refresh_numbers(self) -> None:
        try:
            self.numbers = numbers = today(self.context)
        except StoreError as exc:
            notify(self.app, str(exc), severity="error", timeout=15)
            return
        self.query_one("#today", Static).update(JaText(today_text(numbers)))
        self.query_one("#mastery", Static).update(mastery_table(numbers.stats))
        self.query_one("#modes", Static).update(modes_table(self.context, numbers))
        self.show_model_status()
        c = self.context
        # In a worker: home is drawn and answers keys while the forecast is computed.
        panel = self.query_one(ReadinessPanel)
        panel.update_from(c.store, c.banks, c.scheduler().scheduler, c.clock, c.tz)

    def action_exam_date(self) -> None:
        from gkentei_vae.study.settings import EXAM_DATE_KEY

        c = self.context

        def done(changed: bool | None) -> None:
            if changed:
                self.refresh_numbers()

        current = c.store.get_setting(EXAM_DATE_KEY)
        self.app.push_screen(ExamDateScreen(c.store, current, c.clock(), c.tz), done)

    def action_open(self, mode: str) -> None:
        app = self.app
        assert isinstance(app, HomeApp)
        try:
            app.open_mode(mode)
        except StoreError as exc:
            notify(self.app, str(exc), severity="error", timeout=15)

    def action_next_level(self) -> None:
        """The next of ``LEVEL_CHOICES``, saved like the exam date (``config set level``)."""
        from gkentei_vae.study.config import set_config

        c = self.context
        level = LEVEL_CHOICES[(LEVEL_CHOICES.index(c.level) + 1) % len(LEVEL_CHOICES)]
        try:
            set_config(c.store, LEVEL_KEY, level)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self.notify(f"出題レベル: {level_label(level)}", timeout=4)
        self.refresh_numbers()

    def action_quit_home(self) -> None:
        app = self.app
        assert isinstance(app, HomeApp)
        app.quit_home()


class HomeApp(GkenteiApp):
    """Home as the base screen; modes are pushed over it and pop back to it."""

    def __init__(self, context: StudyContext, seed: int | None = None, **options: Any) -> None:
        super().__init__(lambda: HomeScreen(context), **options)
        self.context = context
        self.seed = seed
        """Fixes question order and option order in every mode (tests); None: random."""

    # -- opening and closing modes ---------------------------------------------------------

    def open_mode(self, mode: str) -> None:
        """Push the screen of ``mode`` (or say why there is nothing to do)."""
        from gkentei_vae.study.selection import SelectionError
        from gkentei_vae.tui.modes import ModeOptions, NothingToStudy, open_mode

        try:
            options = ModeOptions(levels=self.context.levels, seed=self.seed)
            make = open_mode(mode, self.context, options)
        except (NothingToStudy, SelectionError) as exc:
            notify(self, str(exc), timeout=6)
            return
        self.push_screen(make(self))

    @property
    def mode_open(self) -> bool:
        return len(self.screen_stack) > 1 and isinstance(self.screen_stack[0], HomeScreen)

    def back_home(self) -> None:
        """Close the open mode (every screen above home)."""
        self.screen_stack[0].pop_until_active()

    def quit_home(self) -> None:
        self.exit(0)

    def end_mode(self) -> None:
        """A mode's own quit (its q, its summary's q/Esc) comes back to home."""
        if self.mode_open:
            self.back_home()
        else:
            self.exit(0)
