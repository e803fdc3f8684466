"""Small widgets shared by the question-based modes (quiz, review, exam)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from gkentei_vae.banks import LyricLine
from gkentei_vae.study.session import OPTION_LETTERS
from gkentei_vae.tui.jawrap import JaText

DEMO_TOOLTIP = "モデルで確かめる: 同梱のモデルを動かすデモ(解答後、デモのある問題だけ)"
"""Help text of `e` on every screen that shows an answered question."""
UNDO_TOOLTIP = "直前の{what}を取り消し、そのカードを再表示(続けて押すとさらに前の{what}へ)"
"""Help text of `u` in review and flashcards (``what``: 解答 or 採点)."""


def choice_bindings(description: str, tooltip: str) -> list[Binding]:
    """1–4 and a–d choose an option (only "1–4" is shown in the key bar)."""
    return [
        *(
            Binding(
                str(i + 1),
                f"choose({i})",
                description,
                show=i == 0,
                key_display="1–4",
                tooltip=tooltip,
            )
            for i in range(4)
        ),
        *(
            Binding(letter, f"choose({i})", description, show=False, tooltip=tooltip)
            for i, letter in enumerate(OPTION_LETTERS)
        ),
    ]


class LyricHook(Static):
    """The lyric line a question is keyed to: the mnemonic the learner sings back."""

    def __init__(self, lyric: LyricLine, *, id: str | None = None) -> None:
        super().__init__(JaText(self.render_lyric(lyric)), id=id)

    @staticmethod
    def render_lyric(lyric: LyricLine) -> Text:
        text = Text("♪ ", style="bold")
        text.append(f"{lyric.id}  ", style="bold")
        text.append(lyric.text)
        return text

    def show(self, lyric: LyricLine) -> None:
        self.update(JaText(self.render_lyric(lyric)))


class OptionCard(Static):
    """One answer option; clicking it chooses it. Text is shown literally."""

    class Chosen(Message):
        """The learner clicked this option."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, *, classes: str | None = None) -> None:
        super().__init__("", classes=classes)
        self.index = index

    def show(self, text: str, mark: str = "") -> None:
        label = Text(f" {self.index + 1} ", style="bold reverse")
        label.append(f" {OPTION_LETTERS[self.index]}. ", style="bold")
        hang = label.cell_len  # the option's lines line up after 「 1  a. 」
        label.append(text)
        if mark:
            label.append(f"  {mark}", style="bold")
        self.update(JaText(label, hang=hang))

    def on_click(self) -> None:
        self.post_message(self.Chosen(self.index))


class KeyBar(Static):
    """The keys that work right now, on one line.

    Textual's Footer costs ~50 ms at start-up (a widget per key); a single Static
    redrawn when the screen's bindings change keeps the first question fast.
    """

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.redraw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        if self.is_attached and screen is self.screen:
            self.redraw()

    def redraw(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or binding.description in seen:
                continue  # one entry per description: "1–4" stands for 1, 2, 3 and 4
            seen.add(binding.description)
            key = binding.key_display or self.app.get_key_display(binding)
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {binding.description}  ")
        self.update(text)
