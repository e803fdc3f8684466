"""Flashcards from the song: lyric cloze cards and glossary term cards.

A cloze card blanks a line's key term (``LyricLine.cloze``) in the lyric:
「そのままのサンプリングは微分ができない そこで使う＿＿＿」 → 再パラメータ化トリック.
A line without ``cloze`` gets no cloze card. Term cards (``Bank.terms``) show the term and
ask for its meaning. Both are self-rated 1–4 and scheduled with FSRS like the questions
(card ids ``bank:cloze:<line_id>`` and ``bank:term:<term_id>``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from gkentei_vae.banks import Bank, LyricLine
from gkentei_vae.banks.models import cloze_card_id, term_card_id
from gkentei_vae.study.clock import utcnow
from gkentei_vae.study.defaults import DEFAULT_NEW_PER_DAY
from gkentei_vae.study.review import FLASHCARD_KINDS, ReviewSession, StudyItem
from gkentei_vae.study.selection import validate_filters
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import Store

BLANK = "＿＿＿"
"""What replaces the key term on the front of a cloze card."""


def cloze_front(lyric: LyricLine) -> str:
    """The lyric with its key term blanked (first occurrence)."""
    if not lyric.cloze:
        raise ValueError(f"line {lyric.id} has no cloze term")
    return lyric.text.replace(lyric.cloze, BLANK, 1)


def flashcard_items(banks: Sequence[Bank], lines: Sequence[str] = ()) -> list[StudyItem]:
    """Cloze cards (song order), then term cards, of the lines asked for (all if empty).

    Raises SelectionError for an unknown line id.
    """
    validate_filters(banks, (), lines)
    items: list[StudyItem] = []
    for bank in banks:
        for lyric in bank.song.lines:
            if lyric.cloze and (not lines or lyric.id in lines):
                items.append(
                    StudyItem(
                        card_id=cloze_card_id(bank.id, lyric.id),
                        kind="cloze",
                        bank_id=bank.id,
                        line_id=lyric.id,
                        topics=(lyric.topic,) if lyric.topic else (),
                        front=cloze_front(lyric),
                        back=lyric.cloze,
                        lyric=lyric,
                    )
                )
    for bank in banks:
        for term in bank.terms:
            if not lines or term.line in lines:
                lyric = bank.line(term.line)
                items.append(
                    StudyItem(
                        card_id=term_card_id(bank.id, term.id),
                        kind="term",
                        bank_id=bank.id,
                        line_id=term.line,
                        topics=(lyric.topic,) if lyric.topic else (),
                        front=term.term,
                        back=term.meaning,
                        lyric=lyric,
                    )
                )
    return items


def flashcard_session(
    store: Store,
    banks: Sequence[Bank],
    lines: Sequence[str] = (),
    *,
    new_per_day: int = DEFAULT_NEW_PER_DAY,
    clock: Callable[[], datetime] = utcnow,
    srs: Srs | None = None,
    tz: tzinfo | None = None,
) -> ReviewSession:
    """A ``flashcard``-mode session: due flashcards, then today's new ones."""
    return ReviewSession.start(
        store,
        flashcard_items(banks, lines),
        mode="flashcard",
        new_per_day=new_per_day,
        family=FLASHCARD_KINDS,
        clock=clock,
        srs=srs,
        tz=tz,
    )
