"""The mock exam: a countdown, changeable answers, flags and a jump list; no feedback until the end."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from gkentei_vae.study.exam import ExamSession, duration_text
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.confirm_screen import ConfirmScreen
from gkentei_vae.tui.guess import GUESS_BINDING, guess_marker
from gkentei_vae.tui.question_view import QuestionView
from gkentei_vae.tui.widgets import KeyBar, OptionCard, choice_bindings

SubmitHook = Callable[[ExamSession, QuizSession], None]


class JumpScreen(ModalScreen[int | None]):
    """The unanswered and flagged questions; Enter jumps to one, Esc closes."""

    BINDINGS = [Binding("escape", "close", "閉じる"), Binding("j", "close", "閉じる", show=False)]
    DEFAULT_CSS = """
    JumpScreen { align: center middle; }
    JumpScreen > #jump-box { width: 80%; height: 70%; border: round $accent; background: $panel; }
    JumpScreen #jump-title { padding: 0 1; text-style: bold; }
    """

    def __init__(self, exam: ExamSession) -> None:
        super().__init__()
        self.exam = exam

    def compose(self) -> ComposeResult:
        pending = self.exam.pending()
        options = []
        for i in pending:
            q = self.exam.items[i].pick.question
            status = Text("⚑ フラグ " if i in self.exam.flags else "        ", style="bold yellow")
            status.append("未解答 " if i not in self.exam.choices else "解答済 ", style="bold")
            stem = q.stem if len(q.stem) <= 34 else q.stem[:33] + "…"
            label = Text(f"{i + 1:>3}  ") + status + Text(f"[{q.line}] ") + Text(stem)
            label.no_wrap = True
            options.append(Option(label, id=str(i)))
        with VerticalScroll(id="jump-box"):
            title = f"未解答・フラグ付き: {len(pending)} 問 (Enter で移動、Esc で閉じる)"
            yield Static(
                title if pending else "未解答・フラグ付きの問題はありません", id="jump-title"
            )
            yield OptionList(*options, id="jump-list")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if listing.option_count:
            listing.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_close(self) -> None:
        self.dismiss(None)


class ExamScreen(Screen[None]):
    """One sitting; submits by itself when the time is up."""

    CSS_PATH = "exam_screen.tcss"
    BINDINGS = [
        *choice_bindings("選ぶ", "選択肢を選ぶ(提出までは何度でも変更可、クリックでも可)"),
        Binding("p", "move(-1)", "前", key_display="p/←", tooltip="前の問題へ"),
        Binding("left", "move(-1)", "前", show=False, tooltip="前の問題へ"),
        Binding("n", "move(1)", "次", key_display="n/→", tooltip="次の問題へ"),
        Binding("right", "move(1)", "次", show=False, tooltip="次の問題へ"),
        Binding("f", "flag", "フラグ", tooltip="この問題にフラグを付ける/外す"),
        GUESS_BINDING,
        Binding("j", "jump", "一覧", tooltip="未解答・フラグ付きの問題の一覧から移動する"),
        Binding("s", "submit", "提出", tooltip="提出して採点する(確認あり)"),
        Binding("q", "abandon", "中断", tooltip="採点せずに中断する(確認あり)"),
    ]
    HELP_NOTES = ("時間切れになると自動で提出されます",)

    def __init__(self, exam: ExamSession, on_submit: SubmitHook | None = None) -> None:
        super().__init__()
        self.exam = exam
        self.on_submit = on_submit

    def compose(self) -> ComposeResult:
        yield Static(id="exam-bar")
        with VerticalScroll(id="body"):
            yield QuestionView(self.exam.current, id="question")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_current()
        self.set_interval(0.2, self.tick)

    def tick(self) -> None:
        if self.exam.submitted:
            return
        if self.exam.remaining() <= 0:
            self.submit(timed_out=True)
        else:
            self.update_bar()

    def update_bar(self) -> None:
        exam = self.exam
        left = exam.remaining()
        text = Text(" 模擬試験", style="bold")
        text.append(f"   問 {exam.position + 1}/{len(exam.items)}")
        text.append(f"   解答済 {len(exam.choices)}/{len(exam.items)}")
        text.append(f"   フラグ {len(exam.flags)}")
        if exam.position in exam.flags:
            text.append("   ⚑ この問題にフラグ", style="bold yellow")
        text.append(guess_marker(exam.position in exam.guesses))
        text.append(
            f"   残り {duration_text(left)} ",
            style="bold reverse red" if left < 60 else "bold reverse",
        )
        self.query_one("#exam-bar", Static).update(text)

    def show_current(self) -> None:
        view = self.query_one(QuestionView)
        view.show(self.exam.current)
        view.select(self.exam.choices.get(self.exam.position))
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.update_bar()

    def action_choose(self, index: int) -> None:
        self.exam.choose(index)
        self.query_one(QuestionView).select(index)
        self.update_bar()

    def on_option_card_chosen(self, event: OptionCard.Chosen) -> None:
        self.action_choose(event.index)

    def action_move(self, step: int) -> None:
        self.exam.go(self.exam.position + step)
        self.show_current()

    def action_flag(self) -> None:
        self.exam.toggle_flag()
        self.update_bar()

    def action_guess(self) -> None:
        self.exam.toggle_guess()
        self.update_bar()

    def action_jump(self) -> None:
        def jump(position: int | None) -> None:
            if position is not None:
                self.exam.go(position)
                self.show_current()

        self.app.push_screen(JumpScreen(self.exam), jump)

    def action_submit(self) -> None:
        left = len(self.exam.items) - len(self.exam.choices)
        question = "提出して採点しますか？" + (f"(未解答 {left} 問)" if left else "")

        def done(yes: bool | None) -> None:
            if yes:
                self.submit()

        self.app.push_screen(ConfirmScreen(question), done)

    def action_abandon(self) -> None:
        app = self.app
        assert isinstance(app, GkenteiApp)

        def done(yes: bool | None) -> None:
            if yes:
                app.end_mode()

        app.push_screen(ConfirmScreen("採点せずに模擬試験を中断しますか？"), done)

    def submit(self, timed_out: bool = False) -> None:
        if self.exam.submitted:
            return
        result = self.exam.submit(timed_out)
        if self.on_submit is not None:
            self.on_submit(self.exam, result)
        from gkentei_vae.tui.summary_screen import SummaryScreen

        title = "時間切れ: 自動で提出しました" if timed_out else "模擬試験の結果"
        note = None
        if self.exam.forecast is not None:
            from gkentei_vae.study.forecast_text import sitting_forecast_text

            note = sitting_forecast_text(self.exam.forecast)
        # A modal (confirm, jump list, help) may be open when time runs out.
        while self.app.screen is not self:
            self.app.pop_screen()
        self.app.push_screen(SummaryScreen(result, title=title, note=note))
