"""Small widgets shared by the question-based modes (quiz, review, exam)."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from gkentei_vae.banks import LyricLine
from gkentei_vae.study.session import OPTION_LETTERS


class LyricHook(Static):
    """The lyric line a question is keyed to: the mnemonic the learner sings back."""

    def __init__(self, lyric: LyricLine, **kwargs: object) -> None:
        super().__init__(self.render_lyric(lyric), **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def render_lyric(lyric: LyricLine) -> Text:
        text = Text("♪ ", style="bold")
        text.append(f"{lyric.id}  ", style="bold")
        text.append(lyric.text)
        return text

    def show(self, lyric: LyricLine) -> None:
        self.update(self.render_lyric(lyric))


class OptionCard(Static):
    """One answer option; clicking it chooses it. Text is shown literally."""

    class Chosen(Message):
        """The learner clicked this option."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.index = index

    def show(self, text: str, mark: str = "") -> None:
        label = Text(f" {self.index + 1} ", style="bold reverse")
        label.append(f" {OPTION_LETTERS[self.index]}. ", style="bold")
        label.append(text)
        if mark:
            label.append(f"  {mark}", style="bold")
        self.update(label)

    def on_click(self) -> None:
        self.post_message(self.Chosen(self.index))
