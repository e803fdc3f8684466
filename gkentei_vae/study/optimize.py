"""Personal FSRS parameters: split the record, fit on the earlier part, judge on the later.

The fit itself (py-fsrs's optimizer, on torch) is passed in as ``fit`` by the command
(``gkentei_vae.models.fsrs_fit``); this module imports no torch.

* The record's qualifying reviews (a day or more after the card's previous answer) are
  ordered in time; the first ``TRAIN_SHARE`` of them, with every answer before the last of
  them, are the training part; the qualifying reviews after it are held out.
* py-fsrs returns its defaults unchanged below ``MIN_QUALIFYING`` qualifying reviews in the
  training part: then nothing is fitted and the learner is told how many more are needed.
* Both the parameters in force and the fitted ones predict the held-out reviews (each card's
  whole history replayed); the fit is switched to only when both log loss and RMSE (bins)
  are lower. The parameters in force before are kept (``PREVIOUS_PARAMS_KEY``) for ``--revert``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from fsrs import Rating, ReviewLog, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from gkentei_vae.study.calibration import (
    MIN_QUALIFYING,
    TRAIN_SHARE,
    Scores,
    histories,
    replay,
    score,
    spaced_rows,
)
from gkentei_vae.study.clock import from_db
from gkentei_vae.study.parameters import PARAMS_KEY, PREVIOUS_PARAMS_KEY, personal_parameters
from gkentei_vae.study.srs import fsrs_card_number
from gkentei_vae.study.store import LogRow, Store

Fit = Callable[[Sequence[ReviewLog]], Sequence[float]]
"""Review logs → fitted parameters (``models.fsrs_fit.fit_parameters``)."""


@dataclass(frozen=True)
class OptimizeResult:
    """What ``optimize`` did."""

    qualifying: int
    """Qualifying reviews in the whole record."""
    train_qualifying: int
    """Of those, in the training part."""
    fitted: bool
    """False when there were too few reviews to fit."""
    switched: bool
    """True when the fitted parameters are now in force."""
    before: Scores | None = None
    """The parameters in force, on the held-out reviews."""
    after: Scores | None = None
    """The fitted parameters, on the held-out reviews."""
    parameters: tuple[float, ...] | None = None


def qualifying_rows(cards: dict[str, list[LogRow]]) -> list[LogRow]:
    out = [row for rows in cards.values() for row in spaced_rows(rows)]
    return sorted(out, key=lambda r: (r.reviewed_at, r.id))


def held_out_scores(
    cards: dict[str, list[LogRow]], held_out: set[int], parameters: Sequence[float]
) -> Scores:
    """``parameters``' predictions of the held-out reviews (log ids), each card replayed."""
    scheduler = Scheduler(parameters=tuple(parameters), enable_fuzzing=False)
    pred, y, _ = replay(cards, scheduler, lambda row: row.id in held_out)
    return score(pred, y)


def review_logs(rows: Sequence[LogRow]) -> list[ReviewLog]:
    """Log rows as py-fsrs ReviewLogs (a guessed answer is already rated Again)."""
    return [
        ReviewLog(
            card_id=fsrs_card_number(row.card_id),
            rating=Rating(row.rating),
            review_datetime=from_db(row.reviewed_at),
            review_duration=row.duration_ms,
        )
        for row in rows
    ]


def optimize(store: Store, fit: Fit) -> OptimizeResult:
    """Fit, judge on held-out reviews, and switch only if better (see the module docstring)."""
    cards = histories(store.log_rows())
    qualifying = qualifying_rows(cards)
    n_train = int(len(qualifying) * TRAIN_SHARE)
    if n_train < MIN_QUALIFYING:
        return OptimizeResult(len(qualifying), n_train, fitted=False, switched=False)
    cutoff = qualifying[n_train - 1].reviewed_at
    train = [row for rows in cards.values() for row in rows if row.reviewed_at <= cutoff]
    held_out = {row.id for row in qualifying[n_train:]}
    current = personal_parameters(store) or DEFAULT_PARAMETERS
    fitted = tuple(float(x) for x in fit(review_logs(train)))
    before = held_out_scores(cards, held_out, current)
    after = held_out_scores(cards, held_out, fitted)
    better = after.log_loss < before.log_loss and after.rmse_bins < before.rmse_bins
    if better:
        with store.transaction():
            store.set_setting(
                PREVIOUS_PARAMS_KEY, json.dumps(list(personal_parameters(store) or ()))
            )
            store.set_setting(PARAMS_KEY, json.dumps(list(fitted)))
    return OptimizeResult(
        len(qualifying), n_train, fitted=True, switched=better, before=before, after=after,
        parameters=fitted,
    )  # fmt: skip


def revert(store: Store) -> str:
    """Put back the parameters in force before the last switch; a Japanese sentence."""
    text = store.get_setting(PREVIOUS_PARAMS_KEY)
    if text is None:
        return "戻せるパラメータがありません(最適化で切り替えたことがありません)。"
    with store.transaction():
        if json.loads(text):
            store.set_setting(PARAMS_KEY, text)
        else:
            store.delete_setting(PARAMS_KEY)
        store.delete_setting(PREVIOUS_PARAMS_KEY)
    return (
        "ひとつ前のパラメータに戻しました。"
        if json.loads(text)
        else "既定のパラメータに戻しました。"
    )


def optimize_plain(result: OptimizeResult) -> str:
    """The result in Japanese."""
    if not result.fitted:
        return (
            f"最適化しません: 前回から 1 日以上あけた復習が学習用の部分に {result.train_qualifying} 回"
            f"(記録全体で {result.qualifying} 回)で、py-fsrs の最適化に必要な {MIN_QUALIFYING} 回に"
            "足りません。それ未満では既定のパラメータがそのまま返るため、パラメータは変えていません。"
            f"記録全体でおよそ {int(np.ceil(MIN_QUALIFYING / TRAIN_SHARE))} 回になれば最適化できます。\n"
        )
    assert result.before is not None and result.after is not None
    rows = [
        f"最適化しました(学習用 {result.train_qualifying} 回、検証用 {result.before.reviews} 回の復習)。",
        f"  {'':<10} {'log loss':>8} {'RMSE(bins)':>10}",
        f"  {'これまで':<10} {result.before.log_loss:>8.4f} {result.before.rmse_bins:>10.4f}",
        f"  {'最適化後':<10} {result.after.log_loss:>8.4f} {result.after.rmse_bins:>10.4f}",
    ]
    if result.switched:
        rows.append(
            "検証用の復習で予測が良くなったので、新しいパラメータに切り替えました(--revert で戻せます)。"
        )
    else:
        rows.append("検証用の復習で予測が良くならなかったので、パラメータは切り替えていません。")
    return "\n".join(rows) + "\n"
