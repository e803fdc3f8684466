"""Spaced repetition: FSRS (the PyPI ``fsrs`` package) over the store, plus the exam-date cap.

Card ids are stable strings: ``bank_id:question_id`` for questions, ``bank_id:cloze:<line_id>``
for lyric cloze cards and ``bank_id:term:<term_id>`` for glossary cards. A card's history is
keyed on its id only, so an edited question (same id) keeps its history.

Ratings
    A multiple-choice answer is rated from the answer: wrong → Again; right → Good; right
    within ``FAST_ANSWER_MS`` (8 s) → Easy. A re-answer after undoing an answer whose key
    was shown is never Easy and never above the undone rating (``rating_for_answer``). Multiple choice never gives Hard: a slow right
    answer is still a successful retrieval. Flashcards are self-rated 1–4 (Again/Hard/Good/Easy).
    An answer the learner marked as a guess (「勘」, key g) before giving it is rated Again
    whether it was right or not: it was not recalled. Hard would tell FSRS (and its
    optimizer, which counts every rating above Again as a recall) that it was.

Which answers move the schedule
    Every logged answer does, whatever its mode (quiz, review, flashcard, exam). A quiz or
    mock-exam answer is a genuine retrieval from memory, and FSRS already accounts for an
    early review through the card's retrievability at that moment (an answer given long
    before the due date raises stability less). Ignoring such answers would make ``review``
    serve again, as "due", a question the learner answered minutes earlier in a quiz. The
    mode is kept in the log so that this choice can be revisited without losing data.

Exam date (``ExamWindow``)
    With an exam date D set and not yet reached, the "window" is the last 7 local days
    before it, [D − 7 days 00:00, D 00:00). A card last answered before the window whose FSRS
    due time is on or after D 00:00 would skip the window entirely; it is served at the
    window's start instead. Cards due before D keep their date: they come up before the
    exam anyway, and when answered before the window they are capped again. The FSRS state
    itself (``card_json``) is never altered; only the served due time is, so clearing the
    exam date, or the exam passing, restores the FSRS dates.

Undo
    ``Srs.undo`` deletes the answer's log row and puts back the exact ``card_json`` logged
    with it (or forgets the card if it was new). It refuses when a later answer to the same
    card exists (given in another session), since restoring would erase that answer's effect.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from fsrs import Card, Rating, Scheduler

from gkentei_vae.study.clock import as_utc, from_db, local_date, local_midnight, to_db, utcnow
from gkentei_vae.study.parameters import scheduler_for
from gkentei_vae.study.settings import EXAM_DATE_KEY
from gkentei_vae.study.store import CardRow, Store, card_kind

FAST_ANSWER_MS = 8_000
"""A right multiple-choice answer given within this many milliseconds is rated Easy."""
EXAM_WINDOW_DAYS = 7
"""Every card already seen comes up at least once in this many days before the exam."""
_EXAM_CAP_KEY = "_exam-cap"
"""Internal: the exam date the stored ``cards.due`` values are capped for ('' for none)."""

Mode = Literal["quiz", "review", "flashcard", "exam"]
MODES: tuple[Mode, ...] = ("quiz", "review", "flashcard", "exam")
"""Where an answer was given; every mode moves the FSRS schedule (see the module docstring)."""

RATING_LABELS: dict[Rating, str] = {
    Rating.Again: "もう一度",
    Rating.Hard: "難しい",
    Rating.Good: "正解",
    Rating.Easy: "簡単",
}
"""Japanese label of each rating, for the UI."""


class UndoError(Exception):
    """The answer cannot be undone; the message (Japanese) says why."""


def rating_for_answer(
    correct: bool, duration_ms: int, undone: Rating | None = None, *, guessed: bool = False
) -> Rating:
    """The FSRS rating of a multiple-choice answer (wrong or guessed → Again, fast right → Easy).

    ``undone``: the rating of an answer to this card that was taken back (``u``) after its
    feedback showed the key. The re-answer is then never Easy and never above ``undone``:
    knowing the key is not recall, and a quick re-answer must not earn what the first lost.
    ``guessed``: marked 「勘」 before answering: not recalled, whatever the outcome.
    """
    if not correct or guessed:
        return Rating.Again
    rating = Rating.Easy if duration_ms <= FAST_ANSWER_MS else Rating.Good
    return rating if undone is None else min(rating, undone, Rating.Good)


def fsrs_card_number(card_id: str) -> int:
    """The integer ``fsrs.Card.card_id`` for our string id (stable, 53 bits)."""
    return int.from_bytes(hashlib.blake2b(card_id.encode(), digest_size=8).digest(), "big") >> 11


@dataclass(frozen=True)
class ExamWindow:
    """The last ``EXAM_WINDOW_DAYS`` days before an exam, as UTC instants [start, end)."""

    exam_date: date
    start: datetime
    end: datetime
    """The exam day's local midnight."""

    @classmethod
    def for_date(cls, exam_date: date, tz: tzinfo | None = None) -> ExamWindow:
        start = local_midnight(exam_date - timedelta(days=EXAM_WINDOW_DAYS), tz)
        return cls(exam_date, start, local_midnight(exam_date, tz))

    def cap(self, fsrs_due: datetime, last_review: datetime | None) -> datetime:
        """The served due time of a card with this FSRS due time and last answer."""
        if last_review is not None and last_review < self.start and fsrs_due >= self.end:
            return self.start
        return fsrs_due


def exam_date(store: Store) -> date | None:
    """The configured exam date, if any."""
    value = store.get_setting(EXAM_DATE_KEY)
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class AnswerRecord:
    """One committed answer: what was logged and where it leaves the card."""

    log_id: int
    card_id: str
    rating: Rating
    mode: str
    reviewed_at: datetime
    duration_ms: int
    card: Card
    """The FSRS card after the answer."""
    due: datetime
    """When the card will be served next (UTC; capped by the exam date if one is set)."""
    was_new: bool
    """True if this was the card's first answer."""
    guessed: bool = False
    """The learner marked it as a guess before answering."""
    correct: bool | None = None
    """Whether a multiple-choice answer was right (None: a self-rated card)."""

    @property
    def right(self) -> bool:
        """A right answer: the multiple-choice outcome (a guess included: the exam counts it),
        or for a self-rated card any rating above Again."""
        return self.correct if self.correct is not None else self.rating > Rating.Again

    @property
    def capped(self) -> bool:
        """True if the exam date moved the due time earlier than FSRS's."""
        return self.due < self.card.due


class Srs:
    """FSRS scheduling over a Store. ``review`` and ``undo`` each commit one transaction."""

    def __init__(
        self, store: Store, scheduler: Scheduler | None = None, tz: tzinfo | None = None
    ) -> None:
        self.store = store
        # The learner's own parameters once `optimize` has fitted them (calibration.py).
        self.scheduler = scheduler or scheduler_for(store)
        self.tz = tz

    def window(self, now: datetime) -> ExamWindow | None:
        """The exam window that applies at ``now`` (None: no exam date, or it has come)."""
        day = exam_date(self.store)
        if day is None:
            return None
        window = ExamWindow.for_date(day, self.tz)
        return window if as_utc(now) < window.end else None

    def _row(
        self, card_id: str, card_json: str, card: Card, first_review: str, now: datetime
    ) -> CardRow:
        window = self.window(now)
        due = window.cap(card.due, card.last_review) if window else card.due
        return CardRow(
            card_id=card_id,
            kind=card_kind(card_id),
            card_json=card_json,
            due=to_db(due),
            fsrs_due=to_db(card.due),
            last_review=to_db(card.last_review) if card.last_review else None,
            first_review=first_review,
            state=int(card.state),
        )

    def review(
        self,
        card_id: str,
        rating: Rating | int,
        *,
        duration_ms: int,
        mode: Mode,
        now: datetime | None = None,
        guessed: bool = False,
        correct: bool | None = None,
    ) -> AnswerRecord:
        """Rate one card, log it and save its new state, committed before returning.

        ``correct``: whether a multiple-choice answer was right (None for a flashcard).
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        rating = Rating(int(rating))
        now = as_utc(now or utcnow())
        with self.store.transaction():
            # Read inside the write transaction: another session may have just answered it.
            row = self.store.card(card_id)
            if row is None:
                before = Card(card_id=fsrs_card_number(card_id), due=now)
            else:
                before = Card.from_json(row.card_json)
            after, _ = self.scheduler.review_card(before, rating, now, duration_ms)
            log_id = self.store.insert_log(
                reviewed_at=to_db(now),
                card_id=card_id,
                rating=int(rating),
                duration_ms=duration_ms,
                mode=mode,
                card_before=row.card_json if row else None,
                guessed=guessed,
                correct=correct,
            )
            first = row.first_review if row else to_db(now)
            new_row = self._row(card_id, after.to_json(), after, first, now)
            self.store.put_card(new_row)
        return AnswerRecord(
            log_id=log_id,
            card_id=card_id,
            rating=rating,
            mode=mode,
            reviewed_at=now,
            duration_ms=duration_ms,
            card=after,
            due=from_db(new_row.due),
            was_new=row is None,
            guessed=guessed,
            correct=correct,
        )

    def record_choice(
        self,
        card_id: str,
        *,
        correct: bool,
        duration_ms: int,
        mode: Mode,
        now: datetime | None = None,
        guessed: bool = False,
    ) -> AnswerRecord:
        """Log a multiple-choice answer, rated by ``rating_for_answer``."""
        rating = rating_for_answer(correct, duration_ms, guessed=guessed)
        return self.review(
            card_id,
            rating,
            duration_ms=duration_ms,
            mode=mode,
            now=now,
            guessed=guessed,
            correct=correct,
        )

    def undo(self, record: AnswerRecord | int, now: datetime | None = None) -> None:
        """Remove one answer's log row and restore the card exactly as it was before it."""
        log_id = record.log_id if isinstance(record, AnswerRecord) else record
        now = as_utc(now or utcnow())
        with self.store.transaction():
            log = self.store.log_row(log_id)
            if log is None:
                raise UndoError("この解答はすでに取り消されています。")
            if self.store.latest_log_id(log.card_id) != log_id:
                raise UndoError(
                    "このあと別のセッションで同じカードに解答したため、取り消せません。"
                )
            current = self.store.card(log.card_id)
            self.store.delete_log(log_id)
            if log.card_before is None:
                self.store.delete_card(log.card_id)
            else:
                before = Card.from_json(log.card_before)
                first = current.first_review if current else log.reviewed_at
                self.store.put_card(self._row(log.card_id, log.card_before, before, first, now))

    def fsrs_card(self, card_id: str) -> Card | None:
        """The FSRS state of a card, or None if never answered."""
        row = self.store.card(card_id)
        return Card.from_json(row.card_json) if row else None

    def retrievability(self, row: CardRow, now: datetime | None = None) -> float:
        """FSRS's probability that the card is recalled at ``now``."""
        card = Card.from_json(row.card_json)
        return float(self.scheduler.get_card_retrievability(card, as_utc(now or utcnow())))

    def recall_now(self, row: CardRow, latest_rating: int | None, now: datetime) -> float:
        """「いまの想起率」 of an answered card (docs/study.md): 0 while its latest answer is wrong.

        FSRS's retrievability is 100 % at the moment of any answer, wrong ones included (it
        models the memory after the answer was shown); a learner whose last attempt failed
        has not shown recall, so the card counts 0 until it is answered right again.
        """
        if latest_rating == int(Rating.Again):
            return 0.0
        return self.retrievability(row, now)

    def sync_exam_cap(self, now: datetime | None = None) -> int:
        """Bring every stored due time in line with the exam date in force at ``now``.

        Needed after the exam date is set, changed or cleared, and once the exam day has
        come (the cap then lifts). Cheap when nothing changed; returns cards updated.
        """
        now = as_utc(now or utcnow())
        with self.store.transaction():
            window = self.window(now)
            wanted = window.exam_date.isoformat() if window else ""
            if (self.store.get_setting(_EXAM_CAP_KEY) or "") == wanted:
                return 0
            if window is None:
                changed = self.store.recap_dues(None, None)
            else:
                changed = self.store.recap_dues(to_db(window.start), to_db(window.end))
            self.store.set_setting(_EXAM_CAP_KEY, wanted)
            return changed

    def today_start(self, now: datetime | None = None) -> datetime:
        """The start of the learner's current day (UTC)."""
        return local_midnight(local_date(as_utc(now or utcnow()), self.tz), self.tz)


def describe_due(due: datetime, now: datetime | None = None, tz: tzinfo | None = None) -> str:
    """Japanese text for a next due time, e.g. 「10分後」, 「3日後 (5月4日)」."""
    now = as_utc(now or utcnow())
    seconds = (as_utc(due) - now).total_seconds()
    if seconds < 30:
        return "今すぐ"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}分後"
    days = (local_date(due, tz) - local_date(now, tz)).days
    if days == 0:
        return f"{round(seconds / 3600)}時間後(今日)"
    day = local_date(due, tz)
    when = f"{day.month}月{day.day}日" if day.year == local_date(now, tz).year else day.isoformat()
    return "明日" if days == 1 else f"{days}日後({when})"
