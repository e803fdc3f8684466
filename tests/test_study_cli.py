"""`config`, `stats --plain`, `review` and `flashcards` from the command line."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from gkentei_vae.cli import build_parser, main
from gkentei_vae.study.settings import MODEL_IDLE_DEFAULT, model_idle_minutes
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import DB_FILENAME, Store

BANK = str(Path(__file__).resolve().parent / "fixtures" / "study" / "study.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_set_get_unset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exam = (date.today() + timedelta(days=30)).isoformat()
    d = ("--data-dir", str(tmp_path))
    assert run(capsys, "config", "get", "exam-date", *d)[0] == 1
    code, out, _ = run(capsys, "config", "set", "exam-date", exam, *d)
    assert code == 0 and exam in out
    with Store.open(tmp_path / DB_FILENAME) as store:
        assert store.get_setting("exam-date") == exam
    assert run(capsys, "config", "get", "exam-date", *d)[:2] == (0, f"{exam}\n")
    idle = "model-idle-minutes = (未設定。既定: 10)\nlevel = (未設定。既定: basic)\n"
    assert run(capsys, "config", "get", *d)[:2] == (0, f"exam-date = {exam}\n{idle}")
    code, out, _ = run(capsys, "config", "unset", "exam-date", *d)
    assert code == 0 and "解除" in out
    assert run(capsys, "config", "get", *d)[:2] == (0, f"exam-date = (未設定)\n{idle}")


def test_model_idle_minutes_is_a_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = ("--data-dir", str(tmp_path))
    assert run(capsys, "config", "set", "model-idle-minutes", "2.5", *d)[0] == 0
    assert run(capsys, "config", "get", "model-idle-minutes", *d)[:2] == (0, "2.5\n")
    with Store.open(tmp_path / DB_FILENAME) as store:
        assert model_idle_minutes(store) == 2.5
    assert run(capsys, "config", "set", "model-idle-minutes", "0", *d)[0] == 0
    for bad in ("-1", "soon", "nan"):
        code, _, err = run(capsys, "config", "set", "model-idle-minutes", bad, *d)
        assert code == 2 and "0 以上" in err
    assert run(capsys, "config", "unset", "model-idle-minutes", *d)[0] == 0
    with Store.open(tmp_path / DB_FILENAME) as store:
        assert model_idle_minutes(store) == MODEL_IDLE_DEFAULT


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025/06/14", "YYYY-MM-DD"),
        ("next-week", "YYYY-MM-DD"),
        ("2025-02-30", "存在しない日付"),
        ((date.today() - timedelta(days=1)).isoformat(), "過去の日付"),
    ],
)
def test_config_bad_dates_exit_2(
    value: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "config", "set", "exam-date", value, "--data-dir", str(tmp_path))
    assert code == 2
    assert message in err
    with Store.open(tmp_path / DB_FILENAME) as store:
        assert store.get_setting("exam-date") is None


def test_config_unknown_key_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (("set", "colour", "blue"), ("get", "colour"), ("unset", "colour")):
        code, _, err = run(capsys, "config", *argv, "--data-dir", str(tmp_path))
        assert code == 2
        assert "exam-date" in err


def test_data_dir_defaults_to_env(capsys: pytest.CaptureFixture[str]) -> None:
    exam = (date.today() + timedelta(days=3)).isoformat()
    assert run(capsys, "config", "set", "exam-date", exam)[0] == 0
    home = Path(os.environ["GKENTEI_VAE_HOME"])
    with Store.open(home / DB_FILENAME) as store:
        assert store.get_setting("exam-date") == exam


def test_stats_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(tmp_path / DB_FILENAME) as store:
        srs = Srs(store)
        srs.record_choice("study:q07", correct=True, duration_ms=3000, mode="quiz")
        srs.record_choice("study:q08", correct=False, duration_ms=3000, mode="review")
    code, out, err = run(capsys, "stats", "--plain", "--bank", BANK, "--data-dir", str(tmp_path))
    assert code == 0, err
    assert out.startswith(f"学習状況 {date.today().isoformat()}")
    assert "これまでの解答: 2 回" in out
    l7 = next(line for line in out.splitlines() if line.strip().startswith("L7 "))
    l8 = next(line for line in out.splitlines() if line.strip().startswith("L8 "))
    assert "1/3" in l7 and "100%" in l7
    assert "1/2" in l8 and " 0%" in l8
    assert "試験日: 未設定" in out


def test_review_options_and_unknown_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(
        ["review", "--topic", "kl", "--line", "L6", "--new", "0", "--data-dir", str(tmp_path)]
    )
    assert (args.topic, args.line, args.new, args.data_dir) == (["kl"], ["L6"], 0, tmp_path)
    code, _, err = run(
        capsys, "review", "--line", "L42", "--bank", BANK, "--data-dir", str(tmp_path)
    )
    assert code == 2
    assert "L42" in err and "L1, L2, L3" in err
    code, _, err = run(
        capsys, "review", "--topic", "nope", "--bank", BANK, "--data-dir", str(tmp_path)
    )
    assert code == 2 and "reparam" in err
    code, _, err = run(
        capsys, "flashcards", "--line", "L0", "--bank", BANK, "--data-dir", str(tmp_path)
    )
    assert code == 2 and "L10" in err
    with pytest.raises(SystemExit) as info:
        main(["review", "--new", "-1"])
    assert info.value.code == 2
    assert "0 以上" in capsys.readouterr().err


def test_review_with_nothing_to_serve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = ("--bank", BANK, "--data-dir", str(tmp_path))
    code, out, _ = run(capsys, "review", "--new", "0", *d)
    assert code == 0 and "いま復習する問題はありません" in out
    with Store.open(tmp_path / DB_FILENAME) as store:
        Srs(store).record_choice("study:cloze:L7", correct=True, duration_ms=100, mode="flashcard")
    code, out, _ = run(capsys, "flashcards", "--new", "0", *d)
    assert code == 0 and re.search(r"次は\d+日後", out)  # Easy: about 8 days, fuzzed


def test_every_study_command_has_japanese_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("review", "flashcards", "stats", "config"):
        command = sub.choices[name]
        for action in command._actions:
            if action.dest != "help":
                assert action.help, (name, action.dest)
    config = sub.choices["config"]
    actions = next(a for a in config._actions if a.dest == "config_action")
    for name, leaf in actions.choices.items():
        assert any(a.dest == "data_dir" for a in leaf._actions), name
        for action in leaf._actions:
            if action.dest != "help":
                assert action.help, (name, action.dest)
