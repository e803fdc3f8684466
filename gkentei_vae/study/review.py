"""A review session: the queue of due and new cards, answering, and undo.

The queue, built once when the session starts:

1. cards due now (their served due time has passed), most overdue first;
2. then new cards (never answered), in bank order, up to ``new_per_day`` a day, counting
   the cards of the same family (questions, or flashcards) already introduced today in any
   mode (a question first met in ``quiz`` today counts). The allowance is fixed at start;
   which cards fill it is looked up on first use (``Queue.new``), because that means
   reading every seen card id, while the due cards come from one index range;
3. cards answered in this session whose next due time is within ``LEARN_AHEAD`` (FSRS's
   learning steps: 1 and 10 minutes) come back once due, and at the end of the session
   even if a few minutes early, as Anki does. Cards still in learning from an *earlier*
   session (a quiz, the weak-spot drill) are treated the same way: those due within
   ``LEARN_AHEAD`` of the start join the session's learning cards (``Queue.ahead``), and
   when the queue runs out the store is asked again, so a card that came due meanwhile
   (or comes due within ``LEARN_AHEAD``) is served before the session says it is done.
   Learning cards due later are counted on the end panel (``learning_later``).

Only cards built from the loaded banks are served: a card whose question disappeared from
its bank keeps its history in the store but is not in the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from itertools import compress, islice
from operator import attrgetter, not_

from fsrs import Rating, State

from gkentei_vae.banks import Bank, LyricLine, Question
from gkentei_vae.study.clock import as_utc, from_db, to_db, utcnow
from gkentei_vae.study.defaults import DEFAULT_NEW_PER_DAY
from gkentei_vae.study.selection import Pick, matching
from gkentei_vae.study.srs import AnswerRecord, Mode, Srs, rating_for_answer
from gkentei_vae.study.store import Store

LEARN_AHEAD = timedelta(minutes=20)
"""A card answered in the session comes back in it if its next due time is this close."""
LEARNING_STATES = (int(State.Learning), int(State.Relearning))
"""FSRS states of a card still in its (re)learning steps (minutes apart, not days)."""
QUESTION_KINDS: tuple[str, ...] = ("question",)
FLASHCARD_KINDS: tuple[str, ...] = ("cloze", "term")


@dataclass(frozen=True)
class StudyItem:
    """One servable card: a question, a lyric cloze or a glossary term."""

    card_id: str
    kind: str
    """``question``, ``cloze`` or ``term``."""
    bank_id: str
    line_id: str
    topics: tuple[str, ...]
    front: str
    """What is shown first: the stem, the lyric with its key term blanked, or the term."""
    back: str
    """The answer side: the correct option, the blanked term, or the meaning."""
    lyric: LyricLine
    """The lyric line the card is keyed to (shown as the mnemonic after answering)."""
    pick: Pick | None = None
    """For questions: the bank and question, as the quiz screens take them."""

    @property
    def question(self) -> Question | None:
        return self.pick.question if self.pick else None


def question_items(
    banks: Sequence[Bank],
    topics: Sequence[str] = (),
    lines: Sequence[str] = (),
    levels: Sequence[str] = (),
) -> list[StudyItem]:
    """A card per question matching the filters (SelectionError for unknown ids)."""
    return [
        StudyItem(
            card_id=pick.card_id,
            kind="question",
            bank_id=pick.bank.id,
            line_id=pick.question.line,
            topics=tuple(pick.question.topics),
            front=pick.question.stem,
            back=pick.question.answer,
            lyric=pick.lyric,
            pick=pick,
        )
        for pick in matching(banks, topics, lines, levels)
    ]


@dataclass
class Queue:
    """The cards a session starts with."""

    store: Store
    items: Sequence[StudyItem]
    """Every card the session may serve (those filtered in), in bank order."""
    due: list[StudyItem]
    """Cards due at the start, most overdue first."""
    new_today: int
    """New cards of this family already introduced today (before this queue)."""
    allowance: int
    """How many new cards today's limit still allows."""
    ahead: list[tuple[datetime, StudyItem]] = field(default_factory=list)
    """Cards in learning (from an earlier session) due within ``LEARN_AHEAD``, soonest first."""
    _new: list[StudyItem] | None = None

    @property
    def due_count(self) -> int:
        """Cards a session serves before new ones: due now, and learning cards due soon."""
        return len(self.due) + len(self.ahead)

    @property
    def new(self) -> list[StudyItem]:
        """Today's new cards: the first ``allowance`` never-answered items (looked up once)."""
        if self._new is None:
            self._new = first_unseen(self.store, self.items, self.allowance)
        return self._new


def build_queue(
    store: Store,
    items: Sequence[StudyItem],
    *,
    new_per_day: int = DEFAULT_NEW_PER_DAY,
    family: Sequence[str] = QUESTION_KINDS,
    now: datetime | None = None,
    srs: Srs | None = None,
) -> Queue:
    """Due cards among ``items`` and today's new-card allowance (see the module doc).

    ``family`` is the card kinds whose introductions today count against ``new_per_day``.
    """
    srs = srs or Srs(store)
    now = as_utc(now or utcnow())
    rank = {cid: i for i, cid in enumerate(store.due_card_ids(to_db(now)))}
    # A session may hold every question of every bank: stay in C-level iteration.
    due = list(compress(items, map(rank.__contains__, map(attrgetter("card_id"), items))))
    due.sort(key=lambda item: rank[item.card_id])
    new_today = store.introduced_since(to_db(srs.today_start(now)), family)
    ahead = due_soon(store, items, now, skip=rank)
    return Queue(store, items, due, new_today, max(0, new_per_day - new_today), ahead)


def due_soon(
    store: Store, items: Sequence[StudyItem], now: datetime, skip: Container[str] = ()
) -> list[tuple[datetime, StudyItem]]:
    """Cards among ``items`` (not in ``skip``) that a session serves now or within
    ``LEARN_AHEAD``: due now, or in learning and due within the window; soonest first."""
    soon: dict[str, datetime] = {}
    for card_id in store.due_card_ids(to_db(now + LEARN_AHEAD)):
        if card_id in skip:
            continue
        row = store.card(card_id)
        if row is None:
            continue
        due = from_db(row.due)
        if due <= now or row.state in LEARNING_STATES:
            soon[card_id] = due
    found = compress(items, map(soon.__contains__, map(attrgetter("card_id"), items)))
    return sorted(((soon[item.card_id], item) for item in found), key=lambda pair: pair[0])


def learning_later(
    store: Store, items: Sequence[StudyItem], now: datetime
) -> tuple[int, datetime | None]:
    """Cards among ``items`` still in learning but due after ``LEARN_AHEAD``: how many, and
    the earliest due time (what the end of a session says instead of serving them)."""
    wanted = {item.card_id for item in items}
    limit = to_db(now + LEARN_AHEAD)
    dues = [
        row.due
        for row in store.cards()
        if row.state in LEARNING_STATES and row.due > limit and row.card_id in wanted
    ]
    return len(dues), (from_db(min(dues)) if dues else None)


def first_unseen(store: Store, items: Sequence[StudyItem], count: int) -> list[StudyItem]:
    """The first ``count`` items (in order) never answered."""
    if count <= 0 or not items:
        return []
    seen = store.seen_card_ids()
    unseen = map(not_, map(seen.__contains__, map(attrgetter("card_id"), items)))
    return list(islice(compress(items, unseen), count))


def next_due(store: Store, items: Sequence[StudyItem]) -> datetime | None:
    """The earliest served due time among ``items`` already seen (None if none seen)."""
    wanted = {item.card_id for item in items}
    dues = [row.due for row in store.cards() if row.card_id in wanted]
    return from_db(min(dues)) if dues else None


@dataclass
class _Snapshot:
    """The queue position just before an answer, restored by undo."""

    current: StudyItem
    source: str
    due_pos: int
    new_pos: int
    learning: dict[str, tuple[datetime, StudyItem]]
    last_served: str | None


@dataclass
class ReviewSession:
    """Serves cards one at a time; every answer is committed before the next card.

    The UI shows ``current``, calls ``answer`` (multiple choice) or ``rate`` (flashcards),
    shows the returned record's ``due`` (``srs.describe_due``), and may call ``undo``.
    """

    srs: Srs
    queue: Queue
    mode: Mode = "review"
    clock: Callable[[], datetime] = utcnow
    history: list[AnswerRecord] = field(default_factory=list)
    current: StudyItem | None = None
    _due_pos: int = 0
    _new_pos: int = 0
    _learning: dict[str, tuple[datetime, StudyItem]] = field(default_factory=dict)
    _last_served: str | None = None
    _source: str = "none"
    """Where ``current`` came from: due, new, learning (or none)."""
    _undo: list[_Snapshot] = field(default_factory=list)
    undone: dict[str, Rating] = field(default_factory=dict)
    """Per card: the lowest rating taken back with ``undo`` in this session (its feedback
    showed the key, so a re-answer is capped by ``rating_for_answer``)."""

    def __post_init__(self) -> None:
        if self.current is None:
            for due, item in self.queue.ahead:
                self._learning[item.card_id] = (due, item)
            self.current = self._next()

    @classmethod
    def start(
        cls,
        store: Store,
        items: Sequence[StudyItem],
        *,
        mode: Mode = "review",
        new_per_day: int = DEFAULT_NEW_PER_DAY,
        clock: Callable[[], datetime] = utcnow,
        family: Sequence[str] = QUESTION_KINDS,
        srs: Srs | None = None,
        tz: tzinfo | None = None,
    ) -> ReviewSession:
        """A session over ``items``; brings exam-date caps up to date first.

        ``family``: the card kinds whose first answers today count against ``new_per_day``.
        """
        srs = srs or Srs(store, tz=tz)
        now = as_utc(clock())
        srs.sync_exam_cap(now)
        queue = build_queue(store, items, new_per_day=new_per_day, family=family, now=now, srs=srs)
        return cls(srs=srs, queue=queue, mode=mode, clock=clock)

    @classmethod
    def for_questions(
        cls,
        store: Store,
        banks: Sequence[Bank],
        topics: Sequence[str] = (),
        lines: Sequence[str] = (),
        levels: Sequence[str] = (),
        *,
        new_per_day: int = DEFAULT_NEW_PER_DAY,
        clock: Callable[[], datetime] = utcnow,
        srs: Srs | None = None,
        tz: tzinfo | None = None,
    ) -> ReviewSession:
        """A ``review`` session over the banks' questions (SelectionError for unknown ids)."""
        items = question_items(banks, topics, lines, levels)
        return cls.start(store, items, new_per_day=new_per_day, clock=clock, srs=srs, tz=tz)

    # -- progress ------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def due_left(self) -> int:
        """Due cards not yet served (the current one included if it is one)."""
        return len(self.queue.due) - self._due_pos + self._current_is("due")

    @property
    def new_left(self) -> int:
        """New cards not yet served (the current one included if it is one)."""
        return len(self.queue.new) - self._new_pos + self._current_is("new")

    @property
    def learning_left(self) -> int:
        """Cards answered in this session that will come back in it."""
        return len(self._learning) + self._current_is("learning")

    @property
    def answered(self) -> int:
        return len(self.history)

    @property
    def right(self) -> int:
        """Right answers in the session, right guesses included (``AnswerRecord.right``)."""
        return sum(record.right for record in self.history)

    @property
    def right_guesses(self) -> int:
        """Of ``right``, the answers marked 「勘」: right, but rated Again (not recalled)."""
        return sum(record.right and record.guessed for record in self.history)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def _current_is(self, source: str) -> int:
        return int(self.current is not None and self._source == source)

    # -- answering -----------------------------------------------------------------------

    def answer(self, correct: bool, duration_ms: int, guessed: bool = False) -> AnswerRecord:
        """A multiple-choice answer to the current card (rated by ``rating_for_answer``)."""
        undone = self.undone.get(self.current.card_id) if self.current else None
        rating = rating_for_answer(correct, duration_ms, undone, guessed=guessed)
        return self.rate(rating, duration_ms, guessed=guessed, correct=correct)

    def rate(
        self,
        rating: Rating | int,
        duration_ms: int,
        *,
        guessed: bool = False,
        correct: bool | None = None,
    ) -> AnswerRecord:
        """Rate the current card (1–4), commit, and move to the next card."""
        item = self.current
        if item is None:
            raise IndexError("the session is finished")
        snapshot = _Snapshot(
            item,
            self._source,
            self._due_pos,
            self._new_pos,
            dict(self._learning),
            self._last_served,
        )
        now = as_utc(self.clock())
        record = self.srs.review(
            item.card_id,
            rating,
            duration_ms=duration_ms,
            mode=self.mode,
            now=now,
            guessed=guessed,
            correct=correct,
        )
        self.history.append(record)
        self._undo.append(snapshot)
        if record.due <= now + LEARN_AHEAD:
            self._learning[item.card_id] = (record.due, item)
        self._last_served = item.card_id
        self.current = self._next()
        return record

    def undo(self) -> StudyItem:
        """Take back the last answer of this session; its card becomes current again."""
        if not self._undo:
            raise IndexError("nothing to undo")
        record = self.history[-1]
        self.srs.undo(record, now=as_utc(self.clock()))
        self.history.pop()
        self.undone[record.card_id] = min(
            record.rating, self.undone.get(record.card_id, record.rating)
        )
        snap = self._undo.pop()
        self.current, self._source = snap.current, snap.source
        self._due_pos, self._new_pos = snap.due_pos, snap.new_pos
        self._learning = snap.learning
        self._last_served = snap.last_served
        return snap.current

    # -- choosing the next card ----------------------------------------------------------

    def _next(self) -> StudyItem | None:
        now = as_utc(self.clock())
        ready = sorted((due, cid) for cid, (due, _) in self._learning.items() if due <= now)
        if ready:
            return self._take_learning(ready[0][1])
        if self._due_pos < len(self.queue.due):
            self._due_pos += 1
            self._source = "due"
            return self.queue.due[self._due_pos - 1]
        if self._new_pos < len(self.queue.new):
            self._new_pos += 1
            self._source = "new"
            return self.queue.new[self._new_pos - 1]
        if not self._learning:
            # Cards that came due (or into the learn-ahead window) since the queue was built.
            for due, item in due_soon(self.srs.store, self.queue.items, now):
                self._learning[item.card_id] = (due, item)
        if self._learning:
            # Early, within LEARN_AHEAD; avoid the card just answered if another is waiting.
            order = sorted((due, cid) for cid, (due, _) in self._learning.items())
            choice = next((cid for _, cid in order if cid != self._last_served), order[0][1])
            return self._take_learning(choice)
        self._source = "none"
        return None

    def _take_learning(self, card_id: str) -> StudyItem:
        _, item = self._learning.pop(card_id)
        self._source = "learning"
        return item
