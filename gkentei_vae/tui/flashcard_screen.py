"""Flashcards: a lyric with its key term blanked, or a glossary term; flip, then rate 1–4.

The back shows the four ratings with the next due time each would give (FSRS without its
random fuzz, so the committed date may differ by a day or two on long intervals); after
rating, the next card appears with the committed 「次回」 of the card just rated.
"""

from __future__ import annotations

import time
from datetime import datetime

from fsrs import Card, Rating, Scheduler
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from gkentei_vae.study.flashcards import BLANK
from gkentei_vae.study.review import ReviewSession, StudyItem
from gkentei_vae.study.srs import RATING_LABELS, AnswerRecord, Srs, describe_due, fsrs_card_number
from gkentei_vae.study.store import StoreError
from gkentei_vae.tui.jawrap import JaText, notify
from gkentei_vae.tui.session_keys import append_upcoming, quit_session, undo_last
from gkentei_vae.tui.widgets import UNDO_TOOLTIP, KeyBar, LyricHook

KIND_LABELS = {"cloze": "歌詞の穴埋め", "term": "用語"}

RATING_MEANINGS: dict[Rating, str] = {
    Rating.Again: "思い出せなかった",
    Rating.Hard: "思い出せたが苦労した",
    Rating.Good: "思い出せた",
    Rating.Easy: "すぐに思い出せた",
}
"""What each self-rating means, for the help."""


def preview_dues(srs: Srs, card_id: str, now: datetime) -> dict[Rating, datetime]:
    """When the card would be served next after each rating at ``now`` (nothing is saved).

    Uses the session's scheduler without fuzz, so the preview is the central value of the
    interval FSRS will draw; the exam-date cap applies as it will on commit.
    """
    scheduler = Scheduler.from_dict({**srs.scheduler.to_dict(), "enable_fuzzing": False})
    card = srs.fsrs_card(card_id) or Card(card_id=fsrs_card_number(card_id), due=now)
    window = srs.window(now)
    dues = {}
    for rating in Rating:
        after, _ = scheduler.review_card(card, rating, now)
        dues[rating] = window.cap(after.due, after.last_review) if window else after.due
    return dues


class RatingCard(Static):
    """One of the four ratings under a flipped card; clicking it rates."""

    class Chosen(Message):
        """The learner clicked this rating."""

        def __init__(self, rating: Rating) -> None:
            super().__init__()
            self.rating = rating

    def __init__(self, rating: Rating, *, classes: str | None = None) -> None:
        super().__init__("", classes=classes)
        self.rating = rating

    def show(self, when: str) -> None:
        text = Text(f" {int(self.rating)} ", style="bold reverse")
        text.append(f" {RATING_LABELS[self.rating]}\n", style="bold")
        text.append(f" {when}")
        self.update(JaText(text))

    def on_click(self) -> None:
        self.post_message(self.Chosen(self.rating))


class FlashcardScreen(Screen[None]):
    """Front, Space to flip, 1–4 to rate; until the session's queue is empty."""

    CSS_PATH = "flashcard_screen.tcss"
    BINDINGS = [
        Binding(
            "space", "flip", "めくる", key_display="Space", tooltip="カードをめくって答えを見る"
        ),
        *(
            Binding(
                str(int(r)),
                f"rate({int(r)})",
                "採点",
                show=r == Rating.Again,
                key_display="1–4",
                tooltip=f"{RATING_LABELS[r]}({RATING_MEANINGS[r]})",
            )
            for r in Rating
        ),
        Binding("u", "undo", "取り消し", tooltip=UNDO_TOOLTIP.format(what="採点")),
        Binding("q", "quit_session", "終了", tooltip="終了する(確認あり。採点は保存済み)"),
    ]
    HELP_NOTES = ("1–4 はめくった後に(クリックでも可)", "採点はその場で学習記録に保存される")

    flipped: var[bool] = var(False, bindings=True)
    """Whether the back of the card is shown."""
    shown: var[str | None] = var(None, bindings=True)
    """The card id on screen (None once the session is done)."""
    undoable: var[bool] = var(False, bindings=True)
    """Whether `u` has a rating to take back (the session's ``can_undo``, as last shown)."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.last: AnswerRecord | None = None
        """The most recent rating (shown under the next card)."""
        self._shown_at = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        with VerticalScroll(id="body"):
            yield Static(id="kind")
            yield Static(id="front")
            yield Static(id="back")
            with Horizontal(id="ratings"):
                for rating in Rating:
                    yield RatingCard(rating, classes="rating")
            yield Static(id="hint")
            yield Static(id="last")
            yield Static(id="done")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_card()

    # -- rendering -------------------------------------------------------------

    @property
    def card(self) -> StudyItem | None:
        return self.session.current

    def show_card(self) -> None:
        """The current card's front (or the finished message)."""
        self.flipped = False
        self.set_class(False, "-flipped")
        card = self.card
        self.shown = card.card_id if card is not None else None
        self.undoable = self.session.can_undo
        self.set_class(card is None, "-finished")
        self.update_progress()
        self.update_last()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        if card is None:
            self.show_done()
        else:
            kind = Text(f"【{KIND_LABELS.get(card.kind, card.kind)}】", style="bold")
            kind.append(f" {card.line_id}", style="dim")
            self.query_one("#kind", Static).update(JaText(kind))
            front = Text(card.front, style="bold")
            if card.kind == "term":
                front.append("\n\nこの用語の意味は？", style="italic")
            else:
                front.append(f"\n\n{BLANK} に入る語句は？", style="italic")
            self.query_one("#front", Static).update(JaText(front))
            self.query_one("#back", Static).update("")
            self.query_one("#hint", Static).update(JaText("Space でめくる", style="italic"))
        self._shown_at = time.monotonic()

    def flip(self) -> None:
        card = self.card
        assert card is not None
        self.flipped = True
        self.set_class(True, "-flipped")
        back = Text("答え: ", style="bold")
        back.append(card.back, style="bold green")
        back.append("\n\n")
        back.append_text(LyricHook.render_lyric(card.lyric))
        self.query_one("#back", Static).update(JaText(back))
        s = self.session
        now = s.clock()
        dues = preview_dues(s.srs, card.card_id, now)
        for widget in self.query(RatingCard):
            widget.show(describe_due(dues[widget.rating], now=now, tz=s.srs.tz))
        hint = "1–4 で自己採点(数字の下は次に出る時期)   u で直前の採点を取り消し"
        self.query_one("#hint", Static).update(JaText(hint, style="italic"))

    def show_done(self) -> None:
        s = self.session
        text = Text("今日のフラッシュカードはここまでです。\n\n", style="bold green")
        if s.answered:
            text.append(f"このセッションで {s.answered} 枚を採点しました。\n")
        append_upcoming(text, s)
        text.append("\nq で終了", style="italic")
        if s.can_undo:
            text.append("   u で直前の採点を取り消し", style="italic")
        self.query_one("#done", Static).update(JaText(text))

    def update_progress(self) -> None:
        s = self.session
        number = s.answered + (1 if s.current is not None else 0)
        text = Text(f" フラッシュカード {number}", style="bold")
        text.append(f"   残り 期限 {s.due_left} / 新規 {s.new_left} / 学習中 {s.learning_left}")
        self.query_one("#progress", Static).update(text)

    def update_last(self) -> None:
        record = self.last
        widget = self.query_one("#last", Static)
        if record is None:
            widget.update("")
            return
        when = describe_due(record.due, now=record.reviewed_at, tz=self.session.srs.tz)
        text = Text("直前のカード: ", style="dim")
        text.append(f"{RATING_LABELS[record.rating]} → 次回 {when}", style="dim bold")
        widget.update(JaText(text))

    # -- actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "flip":
            return self.card is not None and not self.flipped
        if action == "rate":
            return self.card is not None and self.flipped
        if action == "undo":
            return self.undoable
        return True

    def action_flip(self) -> None:
        if self.card is not None and not self.flipped:
            self.flip()

    def action_rate(self, rating: int) -> None:
        if self.card is None or not self.flipped:
            return
        duration_ms = round((time.monotonic() - self._shown_at) * 1000)
        try:
            self.last = self.session.rate(rating, duration_ms)
        except StoreError as exc:
            notify(self.app, f"採点を保存できませんでした: {exc}", severity="error", timeout=15)
            return
        self.show_card()

    def on_rating_card_chosen(self, event: RatingCard.Chosen) -> None:
        self.action_rate(int(event.rating))

    def action_undo(self) -> None:
        if undo_last(self, self.session, "採点"):
            history = self.session.history
            self.last = history[-1] if history else None
            self.show_card()

    def action_quit_session(self) -> None:
        quit_session(self, self.session, "フラッシュカードを終了しますか？(採点は保存済みです)")
