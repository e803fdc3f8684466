"""The home screen (`gkentei-vae` with no command): today's work, mastery per line, one key per mode.

Every mode opens inside the same app, pushed over home, and comes back to home when it ends.
The mode screens end a session with ``app.end_mode()`` (each is also a whole app on its own,
as ``gkentei-vae quiz`` etc., where that exits); ``HomeApp`` makes it "back to home".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.banks import Bank
from gkentei_vae.study.defaults import DEFAULT_QUIZ_COUNT
from gkentei_vae.study.exam import EXAM_LEVELS, SECONDS_PER_QUESTION
from gkentei_vae.study.flashcards import flashcard_items
from gkentei_vae.study.review import (
    FLASHCARD_KINDS,
    QUESTION_KINDS,
    ReviewSession,
    StudyItem,
    build_queue,
    next_due,
    question_items,
)
from gkentei_vae.study.selection import matching
from gkentei_vae.study.session import QuizSession
from gkentei_vae.study.srs import Srs, describe_due
from gkentei_vae.study.stats import Stats, compute_stats
from gkentei_vae.study.store import Store, StoreError
from gkentei_vae.study.weak_spots import AGAIN
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.readiness import ExamDateScreen, ReadinessPanel
from gkentei_vae.tui.stats_screen import recall_bar
from gkentei_vae.tui.widgets import KeyBar


@dataclass
class HomeContext:
    """What every mode opened from home shares: the store, the banks, the clock."""

    store: Store
    banks: Sequence[Bank]
    srs: Srs
    clock: Callable[[], datetime]
    seed: int | None = None
    """Fixes question order and option order in every mode (tests); None: random."""

    @property
    def tz(self) -> tzinfo | None:
        return self.srs.tz


@dataclass(frozen=True)
class Today:
    """The numbers home shows."""

    stats: Stats
    questions_due: int
    questions_new: int
    cards_due: int
    cards_new: int
    missed: int
    """Questions whose latest answer was wrong (the weak-spot drill serves them first)."""


def today(context: HomeContext) -> Today:
    """Due and new counts for review and flashcards, and the per-line stats, at ``clock()``."""
    now = context.clock()
    context.srs.sync_exam_cap(now)  # as a session start would: the counts match what it serves
    store, banks = context.store, context.banks

    def counts(items: list[StudyItem], family: Sequence[str] = QUESTION_KINDS) -> tuple[int, int]:
        queue = build_queue(store, items, family=family, now=now, srs=context.srs)
        return len(queue.due), len(queue.new)

    questions = counts(question_items(banks))
    cards = counts(flashcard_items(banks), FLASHCARD_KINDS)
    stats = compute_stats(store, banks, now=now, tz=context.tz)
    latest = store.latest_ratings()
    missed = sum(latest.get(pick.card_id) == AGAIN for pick in matching(banks))
    return Today(stats, *questions, *cards, missed)


def today_text(numbers: Today) -> Text:
    text = Text(f"今日 {numbers.stats.today.isoformat()}\n", style="bold")
    due = numbers.questions_due + numbers.cards_due
    text.append(f"期限が来た復習 {due} 件", style="bold cyan" if due else "bold")
    text.append(
        f"  (問題 {numbers.questions_due} 問 + 新しい問題 {numbers.questions_new} 問、"
        f"フラッシュカード {numbers.cards_due} 枚 + 新しいカード {numbers.cards_new} 枚)\n"
    )
    answered_today = numbers.stats.heatmap[-1][1] if numbers.stats.heatmap else 0
    text.append(f"今日の解答 {answered_today} 回 / これまで {numbers.stats.total_answers} 回")
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
    for line in stats.lines:
        table.add_row(
            line.line_id,
            Text(line.text),
            recall_bar(line.retrievability),
            f"{line.seen}/{line.cards}",
        )
    return table


def modes_table(context: HomeContext, numbers: Today) -> Table:
    questions = len(matching(context.banks, levels=EXAM_LEVELS))
    minutes = round(questions * SECONDS_PER_QUESTION / 60)
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    rows = [
        ("1", "クイズ", f"G検定形式の4択を{DEFAULT_QUIZ_COUNT}問"),
        (
            "2",
            "復習",
            f"期限の問題 {numbers.questions_due} 問 + 新しい問題 {numbers.questions_new} 問",
        ),
        (
            "3",
            "フラッシュカード",
            f"期限のカード {numbers.cards_due} 枚 + 新しいカード {numbers.cards_new} 枚",
        ),
        ("4", "学習状況", "行ごとの習熟度・今後14日の予定・8週間の記録"),
        (
            "5",
            "模擬試験",
            f"基本レベル全 {questions} 問・{minutes} 分(1問{SECONDS_PER_QUESTION}秒)",
        ),
        ("6", "弱点ドリル", f"最後に間違えた問題 {numbers.missed} 問から、想起率の低い順に"),
    ]
    for key, name, what in rows:
        table.add_row(Text(f" {key} ", style="bold reverse"), name, Text(what))
    return table


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
        Binding("t", "exam_date", "試験日", tooltip="試験日を設定・変更・解除する"),
        Binding("q", "quit_home", "終了", tooltip="終了する"),
    ]
    HELP_NOTES = ("各モードを終えるとこの画面に戻る", "各モードでは ? でそのモードのキーが出る")

    def __init__(self, context: HomeContext) -> None:
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
            line.update(Text(status, style="dim"))

    def on_screen_resume(self) -> None:
        # First shown, and back from every mode: the numbers have moved.
        self.refresh_numbers()

    def refresh_numbers(self) -> None:
        try:
            self.numbers = numbers = today(self.context)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self.query_one("#today", Static).update(today_text(numbers))
        self.query_one("#mastery", Static).update(mastery_table(numbers.stats))
        self.query_one("#modes", Static).update(modes_table(self.context, numbers))
        self.show_model_status()
        c = self.context
        # In a worker: home is drawn and answers keys while the forecast is computed.
        panel = self.query_one(ReadinessPanel)
        panel.update_from(c.store, c.banks, c.srs.scheduler, c.clock, c.tz)

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
            self.notify(str(exc), severity="error", timeout=15)

    def action_quit_home(self) -> None:
        app = self.app
        assert isinstance(app, HomeApp)
        app.quit_home()


class HomeApp(GkenteiApp):
    """Home as the base screen; modes are pushed over it and pop back to it."""

    def __init__(self, context: HomeContext, **options: Any) -> None:
        super().__init__(lambda: HomeScreen(context), **options)
        self.context = context

    # -- opening and closing modes ---------------------------------------------------------

    def open_mode(self, mode: str) -> None:
        """Push the screen of ``mode`` (or say why there is nothing to do)."""
        opener: Callable[[], Screen[Any] | str] = getattr(self, f"_open_{mode}")
        made = opener()
        if isinstance(made, str):
            self.notify(made, timeout=6)
            return
        self.push_screen(made)

    def _open_quiz(self) -> Screen[Any] | str:
        c = self.context
        return self._quiz(QuizSession.select(c.banks, count=DEFAULT_QUIZ_COUNT, seed=c.seed))

    def _open_weak(self) -> Screen[Any] | str:
        from gkentei_vae.study.weak_spots import NOTHING_WEAK, weak_spots

        c = self.context
        weak = weak_spots(c.store, matching(c.banks), now=c.clock(), srs=c.srs)
        if not weak:
            return NOTHING_WEAK
        return self._quiz(QuizSession.from_picks(weak[:DEFAULT_QUIZ_COUNT], c.seed))

    def _quiz(self, session: QuizSession) -> Screen[Any] | str:
        """A quiz over ``session`` whose answers are recorded (mode ``quiz``)."""
        from gkentei_vae.study.recorders import quiz_recorder
        from gkentei_vae.tui.quiz_screen import QuizScreen

        if not session.items:
            return "出題できる問題がありません。"
        c = self.context
        record = quiz_recorder(c.store, c.srs, c.clock)
        return QuizScreen(session, on_answer=self.report_store_errors(record))

    def _open_review(self) -> Screen[Any] | str:
        from gkentei_vae.tui.review_screen import ReviewScreen

        c = self.context
        session = ReviewSession.for_questions(c.store, c.banks, srs=c.srs, clock=c.clock)
        if session.finished:
            return self._nothing_due(session, "問題")
        return ReviewScreen(session, seed=c.seed)

    def _open_flashcards(self) -> Screen[Any] | str:
        from gkentei_vae.study.flashcards import flashcard_session
        from gkentei_vae.tui.flashcard_screen import FlashcardScreen

        c = self.context
        session = flashcard_session(c.store, c.banks, srs=c.srs, clock=c.clock)
        if session.finished:
            return self._nothing_due(session, "カード")
        return FlashcardScreen(session)

    def _open_stats(self) -> Screen[Any] | str:
        from gkentei_vae.tui.stats_screen import StatsScreen

        c = self.context
        return StatsScreen(c.store, c.banks, clock=c.clock, tz=c.tz)

    def _open_exam(self) -> Screen[Any] | str:
        from gkentei_vae.study.exam import ExamSession
        from gkentei_vae.study.recorders import exam_recorder
        from gkentei_vae.tui.exam_screen import ExamScreen

        c = self.context
        exam = ExamSession.select(c.banks, seed=c.seed)
        if not exam.items:
            return "出題できる問題がありません。"
        record = exam_recorder(c.store, c.srs, c.clock)
        return ExamScreen(exam, on_submit=self.report_store_errors(record))

    def _nothing_due(self, session: ReviewSession, what: str) -> str:
        later = next_due(self.context.store, session.queue.items)
        if later is None:
            return f"いま復習する{what}はありません。"
        when = describe_due(later, now=self.context.clock(), tz=self.context.tz)
        return f"いま復習する{what}はありません。次は{when}です。"

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
