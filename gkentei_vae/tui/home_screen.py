"""The home screen (`gkentei-vae` with no command): today's work, mastery per line, one key per mode.

Every mode opens inside the same app, pushed over home, and comes back to home when it ends.
The mode screens end a session with ``app.end_mode()`` (each is also a whole app on its own,
as ``gkentei-vae quiz`` etc., where that exits); ``HomeApp`` makes it "back to home".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.banks import Bank
from gkentei_vae.study.clock import utcnow
from gkentei_vae.study.exam import SECONDS_PER_QUESTION
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
from gkentei_vae.study.srs import Srs, describe_due
from gkentei_vae.study.stats import Stats, compute_stats
from gkentei_vae.study.store import Store, StoreError
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.help_screen import HelpScreen
from gkentei_vae.tui.stats_screen import recall_bar
from gkentei_vae.tui.widgets import KeyBar

QUIZ_COUNT = 10
"""Questions in a quiz started from home (as ``gkentei-vae quiz`` without ``--count``)."""

HELP_KEYS: list[tuple[str, str]] = [
    ("1", f"クイズ({QUIZ_COUNT}問。解答は学習記録に残る)"),
    ("2", "復習(期限の問題、続けて今日の新しい問題)"),
    ("3", "フラッシュカード(歌詞の穴埋めと用語)"),
    ("4", "学習状況(習熟度・復習予定・解答の記録)"),
    ("5", "模擬試験(時間制限つき)"),
    ("", "各モードを終えるとこの画面に戻る"),
    ("?", "ヘルプ(各モードではそのモードのキー)"),
    ("q", "終了する"),
    ("Esc", "ヘルプや確認を閉じる"),
]
"""Every key of the home screen, as the help screen lists them."""


@dataclass
class HomeContext:
    """What every mode opened from home shares: the store, the banks, the clock."""

    store: Store
    banks: Sequence[Bank]
    srs: Srs
    clock: Callable[[], datetime]
    seed: int | None = None
    """Fixes question order and option order in every mode (tests); None: random."""

    @classmethod
    def make(
        cls,
        store: Store,
        banks: Sequence[Bank],
        *,
        clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        srs: Srs | None = None,
        seed: int | None = None,
    ) -> HomeContext:
        return cls(store, banks, srs or Srs(store, tz=tz), clock or utcnow, seed)

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
    return Today(stats, *questions, *cards)


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
    questions = sum(len(bank.questions) for bank in context.banks)
    minutes = round(questions * SECONDS_PER_QUESTION / 60)
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    rows = [
        ("1", "クイズ", f"G検定形式の4択を{QUIZ_COUNT}問"),
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
        ("5", "模擬試験", f"全 {questions} 問・{minutes} 分(1問{SECONDS_PER_QUESTION}秒)"),
    ]
    for key, name, what in rows:
        table.add_row(Text(f" {key} ", style="bold reverse"), name, Text(what))
    return table


class HomeScreen(Screen[None]):
    """The app's base screen when started without a command."""

    CSS_PATH = "home_screen.tcss"
    BINDINGS = [
        Binding("1", "open('quiz')", "クイズ"),
        Binding("2", "open('review')", "復習"),
        Binding("3", "open('flashcards')", "カード"),
        Binding("4", "open('stats')", "学習状況"),
        Binding("5", "open('exam')", "模擬試験"),
        Binding("q", "quit_home", "終了"),
    ]
    USES_MODEL = True  # quiz and exam opened from here offer the model's demos (e)

    def __init__(self, context: HomeContext) -> None:
        super().__init__()
        self.context = context
        self.numbers: Today | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" G検定 VAE覚えうた — ホーム", style="bold"), id="progress")
        with VerticalScroll(id="body"):
            yield Static(id="today")
            yield Static(id="mastery")
            yield Static(Text("モード", style="bold"), id="modes-title")
            yield Static(id="modes")
        yield KeyBar()

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

    def __init__(self, context: HomeContext) -> None:
        super().__init__(lambda: HomeScreen(context), HELP_KEYS)
        self.context = context
        self._modes: list[tuple[Screen, list[tuple[str, str]]]] = []
        """Each open mode's first screen and its help keys."""

    # -- opening and closing modes ---------------------------------------------------------

    def open_mode(self, mode: str) -> None:
        """Push the screen of ``mode`` (or say why there is nothing to do)."""
        opener = getattr(self, f"_open_{mode}")
        made: tuple[Screen, list[tuple[str, str]]] | str = opener()
        if isinstance(made, str):
            self.notify(made, timeout=6)
            return
        screen, keys = made
        self._modes.append((screen, keys))
        self.push_screen(screen)

    def _open_quiz(self) -> tuple[Screen, list[tuple[str, str]]] | str:
        from gkentei_vae.study.session import QuizSession
        from gkentei_vae.tui.launch import quiz_recorder, reporting_errors
        from gkentei_vae.tui.quiz_screen import HELP_KEYS as QUIZ_KEYS
        from gkentei_vae.tui.quiz_screen import QuizScreen

        c = self.context
        session = QuizSession.select(c.banks, count=QUIZ_COUNT, seed=c.seed)
        if not session.items:
            return "出題できる問題がありません。"
        record = quiz_recorder(c.store, c.srs, c.clock)
        return QuizScreen(session, on_answer=reporting_errors(self, record)), QUIZ_KEYS

    def _open_review(self) -> tuple[Screen, list[tuple[str, str]]] | str:
        from gkentei_vae.tui.review_screen import HELP_KEYS as REVIEW_KEYS
        from gkentei_vae.tui.review_screen import ReviewScreen

        c = self.context
        session = ReviewSession.for_questions(c.store, c.banks, srs=c.srs, clock=c.clock)
        if session.finished:
            return self._nothing_due(session, "問題")
        return ReviewScreen(session, seed=c.seed), REVIEW_KEYS

    def _open_flashcards(self) -> tuple[Screen, list[tuple[str, str]]] | str:
        from gkentei_vae.study.flashcards import flashcard_session
        from gkentei_vae.tui.flashcard_screen import HELP_KEYS as CARD_KEYS
        from gkentei_vae.tui.flashcard_screen import FlashcardScreen

        c = self.context
        session = flashcard_session(c.store, c.banks, srs=c.srs, clock=c.clock)
        if session.finished:
            return self._nothing_due(session, "カード")
        return FlashcardScreen(session), CARD_KEYS

    def _open_stats(self) -> tuple[Screen, list[tuple[str, str]]] | str:
        from gkentei_vae.tui.stats_screen import HELP_KEYS as STATS_KEYS
        from gkentei_vae.tui.stats_screen import StatsScreen

        c = self.context
        return StatsScreen(c.store, c.banks, clock=c.clock, tz=c.tz), STATS_KEYS

    def _open_exam(self) -> tuple[Screen, list[tuple[str, str]]] | str:
        from gkentei_vae.study.exam import ExamSession
        from gkentei_vae.tui.exam_screen import HELP_KEYS as EXAM_KEYS
        from gkentei_vae.tui.exam_screen import ExamScreen
        from gkentei_vae.tui.launch import exam_recorder, reporting_errors

        c = self.context
        exam = ExamSession.select(c.banks, seed=c.seed)
        if not exam.items:
            return "出題できる問題がありません。"
        record = exam_recorder(c.store, c.srs, c.clock)
        return ExamScreen(exam, on_submit=reporting_errors(self, record)), EXAM_KEYS

    def _nothing_due(self, session: ReviewSession, what: str) -> str:
        later = next_due(self.context.store, session.queue.items)
        when = f"次は{describe_due(later, now=self.context.clock(), tz=self.context.tz)}です。"
        return f"いま復習する{what}はありません。" + (when if later else "")

    @property
    def mode_open(self) -> bool:
        return len(self.screen_stack) > 1 and isinstance(self.screen_stack[0], HomeScreen)

    def back_home(self) -> None:
        """Close the open mode (every screen above home)."""
        self._modes.clear()
        self.screen_stack[0].pop_until_active()

    def quit_home(self) -> None:
        self.exit(0)

    def end_mode(self) -> None:
        """A mode's own quit (its q, its summary's q/Esc) comes back to home."""
        if self.mode_open:
            self.back_home()
        else:
            self.exit(0)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        keys = self.help_keys
        stack = self.screen_stack
        for screen, mode_keys in reversed(self._modes):
            if screen in stack:
                keys = mode_keys
                break
        self.push_screen(HelpScreen(keys))
