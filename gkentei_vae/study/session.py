"""A quiz session: the questions served, their shuffled options, the answers and the score."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from gkentei_vae.banks import Bank
from gkentei_vae.study.selection import Pick, choose, matching

OPTION_KEYS = ("1", "2", "3", "4")
"""Keys that choose an option, in display order (a–d work too)."""
OPTION_LETTERS = ("a", "b", "c", "d")


@dataclass(frozen=True)
class Item:
    """A question as served in this session: its options in their shuffled order."""

    pick: Pick
    options: tuple[str, ...]

    @property
    def correct_index(self) -> int:
        """Position of the correct option in the shuffled order."""
        return self.options.index(self.pick.question.answer)

    def why_wrong(self, index: int) -> str | None:
        """The bank's reason why the option at ``index`` is wrong (None for the answer)."""
        return self.pick.question.why_wrong.get(self.options[index])


@dataclass(frozen=True)
class Answer:
    """What the learner chose for one item."""

    item: Item
    chosen: int | None
    """Index into ``item.options``; None when left unanswered (exam time-out)."""
    seconds: float
    guessed: bool = False
    """Marked 「勘」 (key g) before answering: not recalled, whatever the outcome."""

    @property
    def correct(self) -> bool:
        return self.chosen == self.item.correct_index


@dataclass(frozen=True)
class Tally:
    """Right answers out of those answered, for one topic or lyric line."""

    right: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.right / self.total if self.total else 0.0


@dataclass
class QuizSession:
    """Serves items in order and keeps the answers; the UI only renders it."""

    items: list[Item]
    answers: list[Answer] = field(default_factory=list)

    @classmethod
    def from_picks(cls, picks: Sequence[Pick], seed: int | None) -> QuizSession:
        """A session over ``picks`` whose option order is shuffled reproducibly by ``seed``."""
        rng = random.Random(None if seed is None else f"options:{seed}")
        items = []
        for pick in picks:
            options = list(pick.question.options)
            rng.shuffle(options)
            items.append(Item(pick, tuple(options)))
        return cls(items)

    @classmethod
    def select(
        cls,
        banks: Sequence[Bank],
        topics: Sequence[str] = (),
        lines: Sequence[str] = (),
        count: int | None = None,
        seed: int | None = None,
        levels: Sequence[str] = (),
    ) -> QuizSession:
        """A session of up to ``count`` questions matching the filters (SelectionError if unknown)."""
        return cls.from_picks(choose(matching(banks, topics, lines, levels), count, seed), seed)

    @property
    def position(self) -> int:
        """Index of the item being asked (== len(items) once finished)."""
        return len(self.answers)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.items)

    @property
    def current(self) -> Item:
        return self.items[self.position]

    @property
    def score(self) -> int:
        return sum(a.correct for a in self.answers)

    def answer(self, chosen: int, seconds: float = 0.0, guessed: bool = False) -> Answer:
        """Record the choice for the current item and move on."""
        if self.finished:
            raise IndexError("the session is finished")
        if not 0 <= chosen < len(self.current.options):
            raise ValueError(f"option {chosen} out of range")
        result = Answer(self.current, chosen, seconds, guessed)
        self.answers.append(result)
        return result

    def by_topic(self) -> dict[str, Tally]:
        """Right/answered per topic id (a question counts for each of its topics)."""
        return self._tally(lambda a: a.item.pick.question.topics)

    def by_line(self) -> dict[str, Tally]:
        """Right/answered per lyric line id."""
        return self._tally(lambda a: [a.item.pick.question.line])

    def by_level(self) -> dict[str, Tally]:
        """Right/answered per question level (basic, advanced)."""
        return self._tally(lambda a: [a.item.pick.question.level])

    def missed(self) -> list[Answer]:
        """The wrong answers, in the order they were given."""
        return [a for a in self.answers if not a.correct]

    def _tally(self, keys: Callable[[Answer], Iterable[str]]) -> dict[str, Tally]:
        right: dict[str, int] = defaultdict(int)
        total: dict[str, int] = defaultdict(int)
        for a in self.answers:
            for key in keys(a):
                total[key] += 1
                right[key] += a.correct
        return {k: Tally(right[k], total[k]) for k in total}
