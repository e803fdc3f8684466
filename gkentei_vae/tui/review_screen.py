"""The review mode: due questions, then today's new ones, scheduled with FSRS.

Every answer is committed by the session before its feedback appears; the feedback shows
when the card comes back (「次回: 〜」). ``u`` takes back the last answer (the store's log row
and the card's state are restored by the session) and shows that card again.
"""

from __future__ import annotations

import random
import time

from fsrs import Rating
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.study.review import ReviewSession, StudyItem
from gkentei_vae.study.session import Answer, Item
from gkentei_vae.study.srs import FAST_ANSWER_MS, RATING_LABELS, AnswerRecord, describe_due
from gkentei_vae.study.store import StoreError
from gkentei_vae.tui.guess import GUESS_BINDING, guess_marker
from gkentei_vae.tui.jawrap import JaText, notify
from gkentei_vae.tui.question_view import QuestionView
from gkentei_vae.tui.session_keys import append_upcoming, quit_session, undo_last
from gkentei_vae.tui.widgets import DEMO_TOOLTIP, UNDO_TOOLTIP, KeyBar, OptionCard, choice_bindings


def right_text(session: ReviewSession) -> str:
    """「正解 n 問」 for the session's end, with the right guesses among them said apart."""
    text = f"正解 {session.right} 問"
    if session.right_guesses:
        text += f"、うち勘 {session.right_guesses} 問"
    return text


def rating_note(record: AnswerRecord) -> str:
    """How the answer was rated, in words (the fast-answer rule spelled out for Easy)."""
    label = RATING_LABELS[record.rating]
    if record.rating == Rating.Easy:
        return f"{label}({FAST_ANSWER_MS // 1000}秒以内に正解)"
    return label


def next_due_line(session: ReviewSession, record: AnswerRecord) -> str:
    """「次回: 〜」 for an answer, at the time it was given."""
    when = describe_due(record.due, now=record.reviewed_at, tz=session.srs.tz)
    line = f"次回: {when}   評価: {rating_note(record)}"
    if record.card_id in session.undone:
        line += "  ※取り消し後の解答(簡単にはならず、取り消した評価を超えません)"
    if record.capped:
        line += "  ※試験日に合わせて前倒し"
    return line


class ReviewScreen(Screen[None]):
    """Serves the session's cards one at a time until its queue is empty."""

    CSS_PATH = "review_screen.tcss"
    BINDINGS = [
        *choice_bindings("解答", "選択肢を選んで解答する(クリックでも可)"),
        Binding("n", "next", "次へ", key_display="n/Enter", tooltip="次のカードへ(解答後)"),
        Binding("enter", "next", "次へ", show=False, tooltip="次のカードへ(解答後)"),
        GUESS_BINDING,
        Binding("u", "undo", "取り消し", tooltip=UNDO_TOOLTIP.format(what="解答")),
        Binding("e", "demo", "モデルで確かめる", tooltip=DEMO_TOOLTIP),
        Binding("q", "quit_session", "終了", tooltip="終了する(確認あり。解答は保存済み)"),
    ]
    HELP_NOTES = (
        "解答はその場で学習記録に保存される",
        f"評価: 不正解→もう一度、正解→正解、{FAST_ANSWER_MS // 1000}秒以内の正解→簡単",
    )

    item: var[Item | None] = var(None, bindings=True)
    """The question on screen, its options in the order shown (None when the queue is done)."""
    last: var[tuple[Answer, AnswerRecord] | None] = var(None, bindings=True)
    """The answer whose feedback is on screen (None while a question waits)."""
    guessing: var[bool] = var(False)
    """The answer about to be given is marked 「勘」."""
    undoable: var[bool] = var(False, bindings=True)
    """Whether `u` has an answer to take back (the session's ``can_undo``, as last shown)."""

    def __init__(self, session: ReviewSession, seed: int | None = None) -> None:
        super().__init__()
        self.session = session
        self._rng = random.Random(None if seed is None else f"review:{seed}")
        self.set_reactive(
            ReviewScreen.item, self._serve(session.current) if session.current else None
        )
        self._answered_items: list[Item] = []
        """The Item shown for each answer of ``session.history``: undo shows it again as it was."""
        self._shown_at = time.monotonic()

    def _serve(self, study: StudyItem) -> Item:
        """The card as a multiple-choice Item with freshly shuffled options."""
        assert study.pick is not None, "review serves question cards only"
        options = list(study.pick.question.options)
        self._rng.shuffle(options)
        return Item(study.pick, tuple(options))

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        with VerticalScroll(id="body"):
            if self.item is not None:
                yield QuestionView(self.item, id="question")
            yield Static(id="done")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.item is None:
            self.show_done()
        else:
            self.show_item(self.item)

    # -- rendering -------------------------------------------------------------

    def show_item(self, item: Item) -> None:
        self.item = item
        self.last = None
        self.guessing = False
        self.query_one("#done", Static).remove_class("-shown")
        view = self.query_one(QuestionView)
        view.display = True
        view.show(item)
        self.update_progress()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self._shown_at = time.monotonic()

    def show_feedback(self, answer: Answer, record: AnswerRecord) -> None:
        footer = f"{next_due_line(self.session, record)}\nn / Enter で次へ   u で取り消し"
        feedback = self.query_one(QuestionView).reveal(answer, footer)
        self.update_progress()
        self.call_after_refresh(feedback.scroll_visible, animate=False)

    def show_done(self) -> None:
        self.item = None
        self.last = None
        s = self.session
        for view in self.query(QuestionView):
            view.display = False
        text = Text("今日の復習はここまでです。\n\n", style="bold green")
        if s.answered:
            text.append(f"このセッションで {s.answered} 問に解答しました({right_text(s)})。\n")
        if not append_upcoming(text, s):
            text.append("まだ解答したカードがありません。\n")
        text.append("\nq で終了", style="italic")
        if s.can_undo:
            text.append("   u で直前の解答を取り消し", style="italic")
        done = self.query_one("#done", Static)
        done.update(JaText(text))
        done.add_class("-shown")
        self.update_progress()

    def update_progress(self) -> None:
        s = self.session
        self.undoable = s.can_undo
        number = s.answered + (0 if self.last or self.item is None else 1)
        text = Text(f" 復習 {number}", style="bold")
        text.append(f"   残り 期限 {s.due_left} / 新規 {s.new_left} / 学習中 {s.learning_left}")
        text.append(f"   正解 {s.right}/{s.answered}")
        if s.right_guesses:
            text.append(f"(うち勘 {s.right_guesses})")
        text.append(guess_marker(self.guessing and self.last is None))
        self.query_one("#progress", Static).update(text)

    # -- actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "guess"):
            return self.item is not None and self.last is None
        if action == "next":
            return self.last is not None
        if action == "undo":
            return self.undoable
        if action == "demo":
            return self.last is not None and self.last[0].item.pick.question.demo is not None
        return True

    def action_choose(self, index: int) -> None:
        item = self.item
        if item is None or self.last is not None:
            return
        seconds = time.monotonic() - self._shown_at
        answer = Answer(item, index, seconds, self.guessing)
        try:
            record = self.session.answer(answer.correct, round(seconds * 1000), self.guessing)
        except StoreError as exc:
            notify(self.app, f"解答を保存できませんでした: {exc}", severity="error", timeout=15)
            return
        self._answered_items.append(item)
        self.last = (answer, record)
        self.show_feedback(answer, record)

    def action_guess(self) -> None:
        if self.item is not None and self.last is None:
            self.guessing = not self.guessing
            self.update_progress()

    def on_option_card_chosen(self, event: OptionCard.Chosen) -> None:
        self.action_choose(event.index)

    def action_next(self) -> None:
        if self.last is None:
            return
        current = self.session.current
        if current is None:
            self.show_done()
        else:
            self.show_item(self._serve(current))

    def action_demo(self) -> None:
        if self.last is None or self.last[0].item.pick.question.demo is None:
            return
        from gkentei_vae.tui.demo_screen import open_demo

        open_demo(self, self.last[0].item.pick.question.demo, seed=self.session.answered)

    def action_undo(self) -> None:
        if undo_last(self, self.session, "解答"):
            self.show_item(self._answered_items.pop())

    def action_quit_session(self) -> None:
        quit_session(self, self.session, "復習を終了しますか？(解答は保存済みです)")
