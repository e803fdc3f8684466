"""A question as the learner sees it: lyric hook, stem, four options and, once answered, feedback.

Quiz, review, exam and the walk through missed questions all render questions with
this one widget, so a question looks the same in every mode.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from gkentei_vae.banks.vocab import KINDS, LEVELS
from gkentei_vae.study.session import Answer, Item
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.widgets import LyricHook, OptionCard

LEVEL_STYLES = {"basic": "bold cyan", "advanced": "bold magenta"}
"""How each level's tag stands out on the question (advanced goes beyond G検定)."""


def kind_line(kind: str, level: str) -> Text:
    """The question's instruction and its level (基本/発展), shown on every question."""
    text = Text(f"【{KINDS[kind]}】", style="bold")
    text.append("  ")
    text.append(LEVELS[level], style=LEVEL_STYLES.get(level, "bold"))
    return text


def feedback_text(answer: Answer, footer: str = "") -> Text:
    """Right or wrong, the correct option, the explanation and why the chosen option is wrong."""
    item = answer.item
    q = item.pick.question
    text = Text()
    if answer.correct:
        text.append("○ 正解！\n", style="bold green")
    else:
        text.append("× 不正解" if answer.chosen is not None else "— 未解答", style="bold red")
        text.append(f"  正解は {item.correct_index + 1}. {q.answer}\n", style="bold")
    text.append("\n解説: ", style="bold")
    text.append(q.explanation)
    if answer.chosen is not None and not answer.correct:
        text.append(f"\n\nあなたの選んだ {answer.chosen + 1} が誤りの理由: ", style="bold")
        text.append(item.why_wrong(answer.chosen) or "")
    if answer.guessed:
        from gkentei_vae.tui.guess import GUESS_NOTE

        text.append(f"\n\n{GUESS_NOTE}", style="bold magenta")
    text.append("\n\n出典: ", style="dim bold")
    text.append(q.source, style="dim")
    if footer:
        text.append(f"\n\n{footer}", style="italic")
    return text


class QuestionView(Vertical):
    """Renders one Item; ``reveal`` adds the feedback, ``select`` marks a choice without it."""

    DEFAULT_CSS = """
    QuestionView { height: auto; }
    QuestionView #hook { margin: 1 0 0 0; padding: 0 1; border-left: thick $accent; color: $accent; }
    QuestionView #kind { margin-top: 1; }
    QuestionView #stem { margin-bottom: 1; }
    QuestionView .option { padding: 0 1; margin-bottom: 1; }
    QuestionView .option:hover { background: $boost; }
    QuestionView .option.-correct { background: $success 40%; text-style: bold; }
    QuestionView .option.-wrong { background: $error 40%; }
    QuestionView .option.-selected { background: $primary 50%; text-style: bold; }
    QuestionView .option.-dim { color: $text-muted; }
    QuestionView #feedback { padding: 1 2; border: round $primary; display: none; }
    QuestionView #feedback.-shown { display: block; }
    QuestionView #feedback.-right { border: round $success; }
    QuestionView #feedback.-missed { border: round $error; }
    """

    def __init__(self, item: Item, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item = item

    def compose(self) -> ComposeResult:
        yield LyricHook(self.item.pick.lyric, id="hook")
        yield Static(id="kind")
        yield Static(id="stem")
        for i in range(4):
            yield OptionCard(i, classes="option")
        yield Static(id="feedback")

    def on_mount(self) -> None:
        self.show(self.item)

    def show(self, item: Item) -> None:
        """Show ``item`` fresh: no choice, no feedback."""
        self.item = item
        q = item.pick.question
        self.query_one("#hook", LyricHook).show(item.pick.lyric)
        self.query_one("#kind", Static).update(JaText(kind_line(q.kind, q.level)))
        self.query_one("#stem", Static).update(JaText(q.stem))
        for card in self.query(OptionCard):
            card.remove_class("-correct", "-wrong", "-dim", "-selected")
            card.show(item.options[card.index])
        feedback = self.query_one("#feedback", Static)
        feedback.update("")
        feedback.remove_class("-shown", "-right", "-missed")

    def select(self, index: int | None) -> None:
        """Mark the learner's current choice (exam mode: no right/wrong shown)."""
        for card in self.query(OptionCard):
            card.set_class(card.index == index, "-selected")
            card.show(self.item.options[card.index], "← 選択中" if card.index == index else "")

    def reveal(self, answer: Answer, footer: str = "") -> Static:
        """Highlight the correct option and the chosen one; show the feedback panel."""
        item = answer.item
        for card in self.query(OptionCard):
            card.remove_class("-selected")
            if card.index == item.correct_index:
                card.add_class("-correct")
                card.show(item.options[card.index], "← 正解")
            elif card.index == answer.chosen:
                card.add_class("-wrong")
                card.show(item.options[card.index], "← あなたの解答")
            else:
                card.add_class("-dim")
                card.show(item.options[card.index])
        feedback = self.query_one("#feedback", Static)
        feedback.update(JaText(feedback_text(answer, footer)))
        feedback.add_class("-shown")
        feedback.set_class(answer.correct, "-right")
        feedback.set_class(not answer.correct, "-missed")
        return feedback
