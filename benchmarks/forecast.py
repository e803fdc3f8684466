"""Forecast calibration on simulated learners whose memory is known (gkentei_vae/study/simulate.py).

For each seed and each family (``fsrs``: FSRS with perturbed parameters; ``powerlaw``: a
power-law forgetting curve with item difficulty, which FSRS does not model) one learner
studies the bundled bank's ``basic`` questions with the real ``ReviewSession`` on a real
store (in /dev/shm when present: the fsync per answer is not what is measured here) for
5–40 days, skipping days at random, with an exam date 1–30 days after the last study day.
Then ``compute_forecast`` runs, and the truth is drawn twice from the learner's memory:

* stopped: the learner does nothing more; each question right with its true chance then;
* schedule: the learner does every due review until the exam (no new questions), with the
  real sessions, then the same draw.

Reported per family: coverage of the 80 % interval (target 75–85 %) with its mean width in
points, the mean absolute error of the expected score in points, for both figures, and the
per-question log loss of the forecast (keep-to-schedule) against the exam outcomes, beside
a constant forecast equal to the learner's accuracy over their record.

Personal parameters: ``--personal N`` learners per family (seeds from the range's start; the
FSRS family's parameters spread wider, exp(N(0, 0.5²)), so that they differ from the
defaults) study every question for 120 days; ``optimize`` fits on the earlier 75 % of their
qualifying reviews and the fit and FSRS's defaults predict the later 25 %: log loss of each,
pooled over the held-out reviews.

The last line is ``coverage80_fsrs=… coverage80_powerlaw=… mae_pts=… logloss_fsrs=…
logloss_const=…`` (``logloss_fsrs``/``logloss_const``: the forecast and the constant over
both families; ``mae_pts`` of the keep-to-schedule figure, mean of the families), then
``width_fsrs=… width_powerlaw=…`` (mean width of the keep-to-schedule interval, points),
``logloss_powerlaw=… logloss_const_powerlaw=…`` (the power-law family alone) and
``logloss_personal=… logloss_defaults=…`` (held-out reviews, above).

Tune on seeds 0–299, report on 300–599:

    python -m benchmarks.forecast --seeds 300:600
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

# Run as a script (``python benchmarks/NAME.py``): the repo's packages come first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import print_table
from gkentei_vae.study.calibration import Scores
from gkentei_vae.study.forecast import Forecast, compute_forecast, level_items
from gkentei_vae.study.optimize import optimize
from gkentei_vae.study.review import question_items
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.simulate import FAMILIES, Learner, run_study
from gkentei_vae.study.store import Store

START = date(2026, 1, 5)
"""The first study day of every simulated learner."""
PERSONAL_DAYS = 120
"""Study days of the learners whose personal parameters are fitted."""
PERSONAL_SPREAD = 0.5
"""Log-sd of those FSRS learners' parameters around the defaults."""


@dataclass(frozen=True)
class Outcome:
    """One learner's forecast and truth."""

    family: str
    forecast: Forecast
    score_stop: float
    """True exam score (fraction) when stopping at the forecast."""
    score_schedule: float
    """True exam score (fraction) when keeping to the schedule."""
    outcomes: list[int]
    """Per question, right (1) or not on the exam after keeping to the schedule."""
    record_accuracy: float
    """The learner's accuracy over their record (the constant baseline)."""


def simulate(family: str, seed: int, folder: Path) -> Outcome:
    banks = load_default_banks()
    items = level_items(banks)
    learner = Learner.draw(family, seed)
    rng = learner.rng
    days = int(rng.integers(5, 41))
    horizon = int(rng.integers(1, 31))
    skip = float(rng.uniform(0.0, 0.4))
    new_per_day = int(rng.choice([5, 10, 15]))
    exam_day = START + timedelta(days=days + horizon)
    with Store.open(folder / f"{family}-{seed}.sqlite3") as store:
        run_study(
            store, items, learner, START, days, new_per_day=new_per_day, skip=skip,
            exam_day=exam_day,
        )  # fmt: skip
        now = datetime(*(START + timedelta(days=days)).timetuple()[:3], 8, tzinfo=UTC)
        forecast = compute_forecast(store, banks, day=exam_day, now=now, tz=UTC)
        assert forecast is not None
        logs = [row for row in store.log_rows() if row.correct is not None]
        accuracy = sum(bool(row.correct) for row in logs) / len(logs) if logs else 0.25
        exam_at = datetime(exam_day.year, exam_day.month, exam_day.day, tzinfo=UTC)
        stop_p = [learner.right_chance(item.card_id, exam_at) for item in items]
        run_study(
            store, items, learner, START + timedelta(days=days), horizon, new_per_day=0, skip=0.0
        )
        sched_p = [learner.right_chance(item.card_id, exam_at) for item in items]
    stop = rng.random(len(items)) < np.array(stop_p)
    sched = rng.random(len(items)) < np.array(sched_p)
    return Outcome(
        family, forecast, float(stop.mean()), float(sched.mean()), [int(x) for x in sched],
        accuracy,
    )  # fmt: skip


def personal(family: str, seed: int, folder: Path) -> tuple[Scores, Scores, bool] | None:
    """(defaults, fit) on the held-out reviews of one long learner, and whether it switched
    (None when too few reviews to fit)."""
    from gkentei_vae.models.fsrs_fit import fit_parameters

    learner = Learner.draw(family, seed, spread=PERSONAL_SPREAD)
    items = question_items(load_default_banks())
    with Store.open(folder / f"personal-{family}-{seed}.sqlite3") as store:
        run_study(store, items, learner, START, PERSONAL_DAYS, new_per_day=10, skip=0.1)
        result = optimize(store, fit_parameters)
    if result.before is None or result.after is None:
        return None
    return result.before, result.after, result.switched


def pooled(scores: list[Scores]) -> float:
    """Log loss over all the reviews the scores were computed on."""
    total = sum(s.reviews for s in scores)
    return sum(s.log_loss * s.reviews for s in scores) / total if total else float("nan")


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="300:600", help="seed range A:B (B excluded)")
    parser.add_argument(
        "--personal", type=int, default=8, help="learners per family for personal parameters"
    )
    args = parser.parse_args(argv)
    first, last = (int(x) for x in args.seeds.split(":"))
    shm = Path("/dev/shm")
    started = time.perf_counter()
    results: list[Outcome] = []
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        for seed in range(first, last):
            for family in FAMILIES:
                results.append(simulate(family, seed, Path(tmp)))
        fits = {
            family: [
                personal(family, seed, Path(tmp)) for seed in range(first, first + args.personal)
            ]
            for family in FAMILIES
        }
    elapsed = time.perf_counter() - started

    rows = [("family", "figure", "learners", "coverage80", "width_pts", "mae_pts")]
    coverage: dict[str, float] = {}
    mae: dict[str, float] = {}
    widths: dict[str, float] = {}
    for family in FAMILIES:
        mine = [r for r in results if r.family == family]
        for figure in ("schedule", "stopped"):
            spans = [getattr(r.forecast, figure) for r in mine]
            truth = [r.score_schedule if figure == "schedule" else r.score_stop for r in mine]
            inside = [s.low - 1e-9 <= t <= s.high + 1e-9 for s, t in zip(spans, truth, strict=True)]
            cov = float(np.mean(inside))
            width = float(np.mean([100 * (s.high - s.low) for s in spans]))
            err = float(
                np.mean([100 * abs(s.expected - t) for s, t in zip(spans, truth, strict=True)])
            )
            rows.append(
                (family, figure, str(len(mine)), f"{cov:.3f}", f"{width:.1f}", f"{err:.2f}")
            )
            if figure == "schedule":
                coverage[family], mae[family], widths[family] = cov, err, width
    print(f"forecast calibration, seeds {first}–{last - 1}, {elapsed:.0f} s")
    print_table(rows)
    losses = {}
    for family in FAMILIES:
        mine = [r for r in results if r.family == family]
        y = np.concatenate([np.array(r.outcomes) for r in mine])
        p = np.concatenate([np.array(r.forecast.p_schedule) for r in mine])
        const = np.concatenate([np.full(len(r.outcomes), r.record_accuracy) for r in mine])
        losses[family] = (log_loss(p, y), log_loss(const, y))
    print_table(
        [("family", "logloss_forecast", "logloss_const")]
        + [(f, f"{a:.4f}", f"{b:.4f}") for f, (a, b) in losses.items()]
    )
    rows = [("family", "learners", "switched", "reviews", "logloss_defaults", "logloss_personal")]
    done: list[tuple[Scores, Scores, bool]] = []
    for family, found in fits.items():
        mine = [f for f in found if f is not None]
        done += mine
        rows.append(
            (
                family,
                f"{len(mine)}/{len(found)}",
                str(sum(f[2] for f in mine)),
                str(sum(f[0].reviews for f in mine)),
                f"{pooled([f[0] for f in mine]):.4f}",
                f"{pooled([f[1] for f in mine]):.4f}",
            )
        )
    print(f"personal parameters, held-out reviews ({PERSONAL_DAYS} study days)")
    print_table(rows)
    y_all = np.concatenate([np.array(r.outcomes) for r in results])
    p_all = np.concatenate([np.array(r.forecast.p_schedule) for r in results])
    c_all = np.concatenate([np.full(len(r.outcomes), r.record_accuracy) for r in results])
    mae_all = float(np.mean(list(mae.values())))
    if not math.isfinite(mae_all):
        return 1
    print(
        f"coverage80_fsrs={coverage['fsrs']:.3f} coverage80_powerlaw={coverage['powerlaw']:.3f}"
        f" mae_pts={mae_all:.2f} logloss_fsrs={log_loss(p_all, y_all):.4f}"
        f" logloss_const={log_loss(c_all, y_all):.4f}"
        f" width_fsrs={widths['fsrs']:.1f} width_powerlaw={widths['powerlaw']:.1f}"
        f" logloss_powerlaw={losses['powerlaw'][0]:.4f}"
        f" logloss_const_powerlaw={losses['powerlaw'][1]:.4f}"
        f" logloss_personal={pooled([f[1] for f in done]):.4f}"
        f" logloss_defaults={pooled([f[0] for f in done]):.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
