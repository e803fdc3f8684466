"""The weak-spot drill (「間違えた問題だけ」): the questions the learner is most likely to miss.

First every question whose latest answer was wrong, then the other answered questions
from the lowest current retrievability up (FSRS's probability of recall now). Questions
never answered are not weak spots yet: they are what review's new cards are for.
Answers in the drill are quiz answers and are recorded as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from gkentei_vae.study.clock import as_utc, utcnow
from gkentei_vae.study.selection import Pick
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import Store

AGAIN = 1
"""The rating a wrong multiple-choice answer gets (``fsrs.Rating.Again``)."""
NOTHING_WEAK = (
    "弱点ドリルに出す問題がまだありません(解答した問題がありません)。"
    "まずクイズか復習で問題を解いてください。"
)
"""What the learner is told when there is no answered question to drill."""


def weak_spots(
    store: Store, picks: Sequence[Pick], now: datetime | None = None, srs: Srs | None = None
) -> list[Pick]:
    """``picks`` that were answered, weakest first: latest answer wrong, then by recall now."""
    now = as_utc(now or utcnow())
    srs = srs or Srs(store)
    latest = store.latest_ratings()
    ranked = []
    for position, pick in enumerate(picks):
        row = store.card(pick.card_id)
        if row is None or pick.card_id not in latest:
            continue
        missed = latest[pick.card_id] == AGAIN
        ranked.append((not missed, srs.retrievability(row, now), position, pick))
    ranked.sort(key=lambda entry: entry[:3])
    return [pick for *_, pick in ranked]
