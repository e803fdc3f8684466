"""How well a memory model predicted the learner's own past reviews, and personal parameters.

Replaying each card's answers from its first one with a scheduler gives, before every review
a day or more after the previous answer (the reviews py-fsrs's optimizer learns from), the
predicted retrievability R and the outcome: recalled (a right answer not marked as a guess;
for a flashcard, any rating above Again) or not. The figures are those the
open-spaced-repetition srs-benchmark reports:

* log loss: −mean(y·ln R + (1 − y)·ln(1 − R));
* RMSE (bins): predictions grouped into ``BINS`` equal-width bins of R; the root of the
  count-weighted mean of (mean R − mean y)² over the bins (srs-benchmark bins on more
  than R; with one learner's few hundred reviews R alone keeps the bins filled);
* AUC: the chance that a recalled review had a higher R than a forgotten one (ties ½).

Beside them, a constant baseline predicting the learner's mean recall for every review,
and FSRS's default parameters when the learner has personal ones (``parameters.PARAMS_KEY``,
written by ``gkentei-vae optimize``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from fsrs import Card, Rating, Scheduler

from gkentei_vae.study.clock import from_db
from gkentei_vae.study.parameters import personal_parameters
from gkentei_vae.study.store import LogRow, Store

BINS = 20
"""Equal-width bins of predicted R for RMSE (bins)."""
MIN_QUALIFYING = 512
"""py-fsrs 6.3 returns its defaults unchanged below this many qualifying reviews."""
TRAIN_SHARE = 0.75
"""Share of the qualifying reviews (the earliest) ``optimize`` fits on; the rest judge it."""


@dataclass(frozen=True)
class Scores:
    """One model's predictions of past reviews, scored."""

    reviews: int
    log_loss: float
    rmse_bins: float
    auc: float | None
    """None when every review had the same outcome."""


def recalled(row: LogRow) -> bool:
    """Whether a logged answer was a recall (a guess never is)."""
    if row.guessed:
        return False
    return row.correct if row.correct is not None else row.rating > 1


def histories(rows: Iterable[LogRow]) -> dict[str, list[LogRow]]:
    """Log rows per card, oldest first."""
    out: dict[str, list[LogRow]] = {}
    for row in sorted(rows, key=lambda r: (r.reviewed_at, r.id)):
        out.setdefault(row.card_id, []).append(row)
    return out


def replay(
    cards: dict[str, list[LogRow]],
    scheduler: Scheduler,
    select: Callable[[LogRow], bool] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(R predicted, outcome, elapsed days) before each qualifying review (of those ``select``
    keeps), replaying every card's answers with ``scheduler`` (fuzz does not change R)."""
    preds, ys, days = [], [], []
    for rows in cards.values():
        card: Card | None = None
        for row in rows:
            when = from_db(row.reviewed_at)
            if card is None:
                card = Card(due=when)
            elif (
                card.last_review is not None
                and (when - card.last_review).days >= 1
                and (select is None or select(row))
            ):
                preds.append(scheduler.get_card_retrievability(card, when))
                ys.append(recalled(row))
                days.append((when - card.last_review).days)
            card, _ = scheduler.review_card(card, Rating(row.rating), when)
    return np.array(preds, dtype=float), np.array(ys, dtype=float), np.array(days, dtype=float)


def score(pred: np.ndarray, y: np.ndarray) -> Scores:
    """Log loss, RMSE (bins) and AUC of predictions ``pred`` of outcomes ``y``."""
    if pred.size == 0:
        return Scores(0, float("nan"), float("nan"), None)
    p = np.clip(pred, 1e-6, 1 - 1e-6)
    log_loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    bins = np.minimum((p * BINS).astype(int), BINS - 1)
    sq, total = 0.0, 0
    for b in np.unique(bins):
        sel = bins == b
        sq += sel.sum() * (p[sel].mean() - y[sel].mean()) ** 2
        total += int(sel.sum())
    return Scores(int(y.size), log_loss, float(np.sqrt(sq / total)), auc(p, y))


def auc(pred: np.ndarray, y: np.ndarray) -> float | None:
    """The area under the ROC curve (Mann–Whitney, ties counted ½)."""
    pos, neg = pred[y == 1], pred[y == 0]
    if pos.size == 0 or neg.size == 0:
        return None
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    values = np.concatenate([pos, neg])[order]
    ranks = np.empty(values.size)
    i = 0
    while i < values.size:
        j = i
        while j + 1 < values.size and values[j + 1] == values[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2 + 1
        i = j + 1
    pos_ranks = ranks[np.argsort(order)][: pos.size]
    return float((pos_ranks.sum() - pos.size * (pos.size + 1) / 2) / (pos.size * neg.size))


@dataclass(frozen=True)
class Calibration:
    """The learner's record scored by the schedulers in question."""

    model: Scores
    """The scheduler in force (personal parameters when set)."""
    constant: Scores
    """Every review predicted at the learner's mean recall."""
    defaults: Scores | None
    """FSRS's default parameters, when personal ones are in force."""
    personal: bool


def calibrate(store: Store, card_ids: Sequence[str] | None = None) -> Calibration:
    """Score the record (of ``card_ids``, or all) with the scheduler in force and baselines."""
    wanted = set(card_ids) if card_ids is not None else None
    rows = [r for r in store.log_rows() if wanted is None or r.card_id in wanted]
    cards = histories(rows)
    params = personal_parameters(store)
    pred, y, _ = replay(cards, Scheduler(parameters=params) if params else Scheduler())
    mean = float(y.mean()) if y.size else 0.0
    defaults = None
    if params:
        default_pred, default_y, _ = replay(cards, Scheduler())
        defaults = score(default_pred, default_y)
    return Calibration(
        model=score(pred, y),
        constant=score(np.full(y.size, mean), y),
        defaults=defaults,
        personal=params is not None,
    )


def optimize_would_help(store: Store) -> bool:
    """No personal parameters yet, and enough qualifying reviews for ``optimize`` to fit."""
    if personal_parameters(store) is not None:
        return False
    return qualifying_reviews(store.log_rows()) * TRAIN_SHARE >= MIN_QUALIFYING


def spaced_rows(card_rows: Sequence[LogRow]) -> list[LogRow]:
    """One card's answers (oldest first) that came a day or more after the previous."""
    return [
        row
        for prev, row in pairwise(card_rows)
        if (from_db(row.reviewed_at) - from_db(prev.reviewed_at)).days >= 1
    ]


def spaced_reviews(card_rows: Sequence[LogRow]) -> int:
    """How many of one card's answers (oldest first) came a day or more after the previous."""
    return len(spaced_rows(card_rows))


def qualifying_reviews(rows: Iterable[LogRow]) -> int:
    """Reviews a day or more after the card's previous answer (what py-fsrs's optimizer
    counts; below ``MIN_QUALIFYING`` it returns its defaults)."""
    return sum(spaced_reviews(card_rows) for card_rows in histories(rows).values())
