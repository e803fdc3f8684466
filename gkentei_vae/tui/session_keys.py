"""What review and flashcards share: ``u`` takes back the last answer, ``q`` ends the
session (after a confirmation while cards are left), and the end panel's upcoming cards."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from gkentei_vae.study.review import ReviewSession, learning_later, next_due
from gkentei_vae.study.srs import describe_due
from gkentei_vae.study.store import StoreError
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.confirm_screen import ConfirmScreen
from gkentei_vae.tui.jawrap import notify


def undo_last(screen: Screen[None], session: ReviewSession, what: str) -> bool:
    """Take back the session's last answer; True if done. A refusal is shown, not raised
    (another session answered the card since, or the store failed)."""
    if not session.can_undo:
        return False
    from gkentei_vae.study.srs import UndoError

    try:
        session.undo()
    except (UndoError, StoreError) as exc:
        notify(screen.app, str(exc), severity="error", timeout=10)
        return False
    notify(screen.app, f"直前の{what}を取り消しました", timeout=3)
    return True


def quit_session(screen: Screen[None], session: ReviewSession, question: str) -> None:
    """End the mode: at once when the queue is empty, else after ``question`` is confirmed."""
    app = screen.app
    assert isinstance(app, GkenteiApp)
    if session.finished:
        app.end_mode()
        return

    def done(yes: bool | None) -> None:
        if yes:
            app.end_mode()

    screen.app.push_screen(ConfirmScreen(question), done)


def append_upcoming(text: Text, session: ReviewSession) -> bool:
    """The end panel's 「次の復習」 and the cards still in learning; False if none was answered."""
    now = session.clock()
    later = next_due(session.srs.store, session.queue.items)
    if later is None:
        return False
    text.append(f"次の復習: {describe_due(later, now=now, tz=session.srs.tz)}\n", style="bold")
    count, first = learning_later(session.srs.store, session.queue.items, now)
    if first is not None:
        when = describe_due(first, now=now, tz=session.srs.tz)
        text.append(f"学習中のカード {count} 枚はまだ期限前です(最初は{when})。\n")
    return True
