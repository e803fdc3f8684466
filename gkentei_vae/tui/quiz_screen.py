"""The quiz mode: one question at a time, feedback after each answer."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.study.session import Answer, QuizSession
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.confirm_screen import ConfirmScreen
from gkentei_vae.tui.guess import GUESS_BINDING, guess_marker
from gkentei_vae.tui.question_view import QuestionView
from gkentei_vae.tui.widgets import DEMO_TOOLTIP, KeyBar, OptionCard, choice_bindings

AnswerHook = Callable[[Answer], None]


class QuizScreen(Screen[None]):
    """Asks the session's items in order; pushes the summary when the last one is done."""

    CSS_PATH = "quiz_screen.tcss"
    BINDINGS = [
        *choice_bindings("解答", "選択肢を選んで解答する(クリックでも可)"),
        Binding("n", "next", "次へ", key_display="n/Enter", tooltip="次の問題へ(解答後)"),
        Binding("enter", "next", "次へ", show=False, tooltip="次の問題へ(解答後)"),
        GUESS_BINDING,
        Binding("e", "demo", "モデルで確かめる", tooltip=DEMO_TOOLTIP),
        Binding("q", "quit_session", "終了", tooltip="終了する(確認あり)"),
    ]

    last: var[Answer | None] = var(None, bindings=True)
    """The answer whose feedback is on screen (None while a question waits)."""
    guessing: var[bool] = var(False)
    """The answer about to be given is marked 「勘」."""

    def __init__(self, session: QuizSession, on_answer: AnswerHook | None = None) -> None:
        super().__init__()
        self.session = session
        self.on_answer = on_answer
        self._shown_at = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        with VerticalScroll(id="body"):
            yield QuestionView(self.session.current, id="question")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_question()

    # -- rendering -------------------------------------------------------------

    def show_question(self) -> None:
        self.last = None
        self.guessing = False
        self.query_one(QuestionView).show(self.session.current)
        self.update_progress()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self._shown_at = time.monotonic()

    def update_progress(self) -> None:
        s = self.session
        number = min(s.position + (0 if self.last else 1), len(s.items))
        text = Text(f" 問 {number}/{len(s.items)}", style="bold")
        text.append(f"   正解 {s.score}/{len(s.answers)}")
        text.append(guess_marker(self.guessing and self.last is None))
        self.query_one("#progress", Static).update(text)

    def show_feedback(self, answer: Answer) -> None:
        feedback = self.query_one(QuestionView).reveal(answer, "n / Enter で次へ")
        self.update_progress()
        self.call_after_refresh(feedback.scroll_visible, animate=False)

    # -- actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose", "guess"):
            return self.last is None
        if action == "next":
            return self.last is not None
        if action == "demo":
            return self.last is not None and self.last.item.pick.question.demo is not None
        return True

    def action_choose(self, index: int) -> None:
        if self.last is not None or self.session.finished:
            return
        answer = self.session.answer(index, time.monotonic() - self._shown_at, self.guessing)
        self.last = answer
        if self.on_answer is not None:
            self.on_answer(answer)
        self.show_feedback(answer)

    def action_guess(self) -> None:
        if self.last is None:
            self.guessing = not self.guessing
            self.update_progress()

    def on_option_card_chosen(self, event: OptionCard.Chosen) -> None:
        self.action_choose(event.index)

    def action_next(self) -> None:
        if self.last is None:
            return
        if self.session.finished:
            from gkentei_vae.tui.summary_screen import SummaryScreen

            self.app.push_screen(SummaryScreen(self.session))
        else:
            self.show_question()

    def action_demo(self) -> None:
        if self.last is None or self.last.item.pick.question.demo is None:
            return
        from gkentei_vae.tui.demo_screen import open_demo

        open_demo(self, self.last.item.pick.question.demo, seed=self.session.position)

    def action_quit_session(self) -> None:
        app = self.app
        assert isinstance(app, GkenteiApp)

        def done(yes: bool | None) -> None:
            if yes:
                app.end_mode()

        app.push_screen(ConfirmScreen("クイズを終了しますか？"), done)
