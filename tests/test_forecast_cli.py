"""`forecast --plain`, `forecast --calibration` and `optimize` on real stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fsrs import Scheduler

from gkentei_vae.cli import main
from gkentei_vae.study.calibration import (
    MIN_QUALIFYING,
    histories,
    optimize_would_help,
    replay,
)
from gkentei_vae.study.forecast import level_items
from gkentei_vae.study.optimize import optimize, qualifying_rows
from gkentei_vae.study.parameters import PARAMS_KEY, personal_parameters
from gkentei_vae.study.review import question_items
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.settings import EXAM_DATE_KEY
from gkentei_vae.study.simulate import Learner, run_study
from gkentei_vae.study.store import Store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _seed(data_dir: Path, days: int = 20, family: str = "fsrs", seed: int = 5) -> Learner:
    """A record of a few hundred answers ending yesterday, with an exam date 30 days ahead."""
    banks = load_default_banks()
    learner = Learner.draw(family, seed)
    today = datetime.now(UTC).date()
    with Store.open(data_dir=data_dir) as store:
        run_study(store, level_items(banks), learner, today - timedelta(days=days + 1), days,
                  new_per_day=10, skip=0.0)  # fmt: skip
        store.set_setting(EXAM_DATE_KEY, (today + timedelta(days=30)).isoformat())
    return learner


def test_fresh_record_says_mostly_prior_near_chance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exam = (date.today() + timedelta(days=30)).isoformat()
    code, out, _ = run(capsys, "forecast", "--plain", "--date", exam, "--data-dir", str(tmp_path))
    assert code == 0
    assert "大半" in out and "事前の仮定" in out
    assert f"学習済み 0/{len(level_items(load_default_banks()))} 問" in out
    expected = int(out.split("予定どおり復習を続けた場合: 期待得点 ")[1].split("%")[0])
    assert 25 <= expected <= 35
    assert "この問題集の問題" in out


def test_without_an_exam_date_it_says_how_to_set_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "forecast", "--plain", "--data-dir", str(tmp_path))
    assert code == 1 and out == ""
    assert "config set exam-date" in err


def test_seeded_record_gives_score_interval_pace_and_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(tmp_path)
    with Store.open(data_dir=tmp_path) as store:
        assert store.log_count() >= 200
    code, out, _ = run(capsys, "forecast", "--plain", "--data-dir", str(tmp_path))
    assert code == 0
    assert "大半" not in out
    assert "80% 区間" in out and "合格ライン 70%" in out
    assert "1日あたり新しい問題" in out and "分" in out
    for line_id in ("L1", "L5", "L10"):
        assert f"\n  {line_id} " in out
    expected = int(out.split("予定どおり復習を続けた場合: 期待得点 ")[1].split("%")[0])
    stopped = int(out.split("今日で学習をやめた場合:     期待得点 ")[1].split("%")[0])
    assert 35 < expected <= 100 and stopped <= expected

    code, out, _ = run(capsys, "forecast", "--calibration", "--data-dir", str(tmp_path))
    assert code == 0
    assert "FSRS(既定パラメータ)" in out and "定数(平均正答率)" in out
    rows = {
        line.split()[0]: [float(x) for x in line.split()[1:4]]
        for line in out.splitlines()
        if line.startswith("  FSRS") or line.startswith("  定数")
    }
    fsrs_loss = rows["FSRS(既定パラメータ)"][0]
    const_loss = rows["定数(平均正答率)"][0]
    assert fsrs_loss < const_loss  # the learner's memory follows FSRS here


def test_optimize_declines_below_the_minimum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(tmp_path, days=4)
    with Store.open(data_dir=tmp_path) as store:
        assert 30 <= store.log_count() <= 200
    code, out, _ = run(capsys, "optimize", "--data-dir", str(tmp_path))
    assert code == 1
    assert "最適化しません" in out and str(MIN_QUALIFYING) in out
    with Store.open(data_dir=tmp_path) as store:
        assert personal_parameters(store) is None
        assert not optimize_would_help(store)


@pytest.mark.early
def test_optimize_fits_a_learner_whose_memory_is_not_the_default(tmp_path: Path) -> None:
    from gkentei_vae.models.fsrs_fit import fit_parameters

    banks = load_default_banks()
    learner = Learner.draw("fsrs", 4, spread=0.5)
    with Store.open(data_dir=tmp_path) as store:
        run_study(store, question_items(banks), learner, date(2026, 1, 5), 120,
                  new_per_day=10, skip=0.1)  # fmt: skip
        assert optimize_would_help(store)  # home's hint
        result = optimize(store, fit_parameters)
        assert result.fitted and result.train_qualifying >= MIN_QUALIFYING
        assert result.before is not None and result.after is not None
        assert result.after.log_loss < result.before.log_loss
        assert result.after.rmse_bins < result.before.rmse_bins
        assert result.switched and personal_parameters(store) == result.parameters
        assert store.get_setting(PARAMS_KEY)
        assert not optimize_would_help(store)  # personal parameters are in force
        # Held-out reviews: the fit's R is nearer the learner's true R than the defaults'.
        cards = histories(store.log_rows())
        held = {row.id for row in qualifying_rows(cards)[result.train_qualifying :]}
        true_r, _, _ = replay(cards, Scheduler(learner.parameters), lambda r: r.id in held)
        fit_r, _, _ = replay(cards, Scheduler(result.parameters), lambda r: r.id in held)
        default_r, _, _ = replay(cards, Scheduler(), lambda r: r.id in held)
        assert np.mean(np.abs(fit_r - true_r)) < np.mean(np.abs(default_r - true_r))
