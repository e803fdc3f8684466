"""The keys that review and flashcards share: ``u`` takes back the last answer, ``q`` ends
the session (after a confirmation while cards are left)."""

from __future__ import annotations

from textual.screen import Screen

from gkentei_vae.study.review import ReviewSession
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
