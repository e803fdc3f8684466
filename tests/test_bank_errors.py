"""Every malformed-bank fixture gives its file:line message, exit 1, and no traceback."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from gkentei_vae.banks import check_paths
from gkentei_vae.banks.limits import MAX_BANK_BYTES, MAX_NODES
from gkentei_vae.banks.problem import NO_LINE
from tests.conftest import FIXTURES, MINI_BANK, REPO, run_cli

MALFORMED = sorted((FIXTURES / "malformed").glob("*.yaml"))


def expectation(path: Path) -> tuple[int, str]:
    """The ``# expect: LINE: TEXT`` header of a fixture (read as bytes: one is not UTF-8)."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    _, line, text = first.split(":", 2)
    return int(line), text.strip()


def documented_rules() -> list[tuple[str, list[str]]]:
    """(rule, its fixtures and tests) for every row of docs/bank-format.md's error table."""
    doc = (REPO / "docs" / "bank-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## What `check` reports (errors)") : doc.index("## What `--lint`")]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("rule", "---"):
            rows.append((cells[0], re.findall(r"`([\w.]+)`", cells[2])))
    return rows


def test_every_documented_rule_has_a_fixture_or_a_test_and_every_fixture_a_rule() -> None:
    rows = documented_rules()
    assert len(rows) >= 35
    named = [name for _, names in rows for name in names]
    for rule, names in rows:
        assert names, f"docs/bank-format.md: rule '{rule}' names no fixture or test"
        for name in names:
            if name.endswith(".yaml"):
                assert (FIXTURES / "malformed" / name).is_file(), f"{rule}: no fixture {name}"
            else:
                assert callable(globals().get(name)), f"{rule}: no test {name}"
    assert {p.name for p in MALFORMED} <= set(named), "a fixture whose rule is not documented"


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_library_reports_file_and_line(path: Path) -> None:
    line, text = expectation(path)
    result = check_paths([path])
    assert not result.ok and not result.banks
    assert any(p.line == line and text in p.message for p in result.problems), result.problems


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_check_command_prints_file_line_and_exits_1(path: Path) -> None:
    line, text = expectation(path)
    proc = run_cli("check", str(path))
    assert proc.returncode == 1
    assert f"{path}:{line}: " in proc.stderr
    assert text in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_quiz_refuses_an_invalid_bank_with_the_same_messages() -> None:
    path = FIXTURES / "malformed" / "06_undefined_line.yaml"
    proc = run_cli("quiz", "--bank", str(path))
    assert proc.returncode == 1
    assert f"{path}:12: 未知の歌詞の行 id 'L11'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_one_bad_bank_among_good_ones_stops_the_quiz(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_bytes(MINI_BANK.read_bytes())
    bad = tmp_path / "zz_bad.yaml"
    bad.write_bytes((FIXTURES / "malformed" / "08_unknown_demo.yaml").read_bytes())
    proc = run_cli("quiz", "--bank", str(tmp_path))
    assert proc.returncode == 1
    assert "zz_bad.yaml:27: 未知のデモ id 'diffusion'" in proc.stderr


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = MINI_BANK.read_text(encoding="utf-8")
    text = text.replace("line: L8", "line: L99").replace("demo: encode", "demo: nope")
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in check_paths([path]).problems]
    assert any("L99" in m for m in messages) and any("nope" in m for m in messages)


def test_oversized_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (MAX_BANK_BYTES + 10) + "\n", encoding="utf-8")
    proc = run_cli("check", str(path))
    assert proc.returncode == 1
    assert f"{path}:1: ファイルが大きすぎます" in proc.stderr


def test_alias_bomb_is_refused_without_expanding() -> None:
    start = time.perf_counter()
    result = check_paths([FIXTURES / "malformed" / "13_alias_bomb.yaml"])
    # Expanding 9^9 strings would take minutes and gigabytes; refusal is immediate.
    assert time.perf_counter() - start < 1.0
    assert "アンカーとエイリアス" in result.problems[0].message


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f'id: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    result = check_paths([path])
    assert not marker.exists()
    assert "タグ" in result.problems[0].message


def test_folder_without_banks_is_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a bank", encoding="utf-8")
    result = check_paths([tmp_path])
    assert [(p.line, p.message) for p in result.problems] == [
        (NO_LINE, "バンク(.yaml)が見つかりません")
    ]


def test_too_many_nodes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("id: x\nitems: [" + ", ".join(["1"] * (MAX_NODES + 10)) + "]\n")
    proc = run_cli("check", str(path))
    assert proc.returncode == 1 and f"{path}:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_path_is_reported(tmp_path: Path) -> None:
    proc = run_cli("check", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 1
    assert "ファイルもフォルダもありません" in proc.stderr


def test_duplicate_bank_ids_across_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_bytes(MINI_BANK.read_bytes())
    result = check_paths([tmp_path])
    assert [p.message for p in result.problems] == [
        f"バンク id 'mini' は {tmp_path / 'a.yaml'} と重複しています"
    ]


SONGS_AFTER = FIXTURES / "songs" / "after"
"""A VAE bank and gen.yaml, which holds a question moved from it (moved_from: vae)."""


def two_songs(
    tmp_path: Path, vae: tuple[str, str] = ("", ""), gen: tuple[str, str] = ("", "")
) -> Path:
    """The two-song fixture pair copied into ``tmp_path`` with one text replaced in each."""
    for name, (old, new) in (("vae.yaml", vae), ("gen.yaml", gen)):
        text = (SONGS_AFTER / name).read_text(encoding="utf-8")
        assert old in text
        (tmp_path / name).write_text(text.replace(old, new) if old else text, encoding="utf-8")
    return tmp_path


def test_line_id_shared_by_two_banks_is_refused_naming_both(tmp_path: Path) -> None:
    two_songs(tmp_path, gen=("G2", "L2"))
    gen, vae = (line_of(tmp_path / name, "- id: L2") for name in ("gen.yaml", "vae.yaml"))
    result = check_paths([tmp_path])
    # gen.yaml comes first (files load in name order): the later vae.yaml is reported.
    assert [(p.path, p.line) for p in result.problems] == [(str(tmp_path / "vae.yaml"), vae)]
    message = result.problems[0].message
    assert "'L2'" in message and f"{tmp_path / 'gen.yaml'}:{gen}" in message
    proc = run_cli("check", str(tmp_path))
    assert proc.returncode == 1 and f"{tmp_path / 'vae.yaml'}:{vae}: " in proc.stderr


def line_of(path: Path, text: str) -> int:
    (line,) = [n for n, s in enumerate(path.read_text("utf-8").splitlines(), 1) if text in s]
    return line


def test_moved_question_must_stay_retired_in_its_old_bank(tmp_path: Path) -> None:
    two_songs(tmp_path, vae=("  - id: two-l2-01\n", "  - id: two-l2-99\n"))
    (problem,) = check_paths([tmp_path]).problems
    assert (problem.path, problem.line) == (
        str(tmp_path / "gen.yaml"),
        line_of(tmp_path / "gen.yaml", "    moved_from:"),
    )
    assert "moved_from: vae" in problem.message and "retired" in problem.message
    # Either file alone is fine: the rule needs the old bank loaded.
    assert check_paths([tmp_path / "gen.yaml"]).ok


def test_two_questions_with_one_card_id_are_refused(tmp_path: Path) -> None:
    # A copy of gen.yaml as a third song: its moved question claims vae:two-l2-01 again.
    two_songs(tmp_path)
    text = (SONGS_AFTER / "gen.yaml").read_text(encoding="utf-8")
    text = text.replace("id: gen\n", "id: gen2\n").replace("id: G", "id: H")
    (tmp_path / "gen2.yaml").write_text(text.replace("line: G", "line: H"), encoding="utf-8")
    (problem,) = check_paths([tmp_path]).problems
    at = line_of(tmp_path / "gen.yaml", "- id: two-l2-01")
    assert (problem.path, problem.line) == (str(tmp_path / "gen2.yaml"), at)
    assert "'vae:two-l2-01'" in problem.message
    assert f"{tmp_path / 'gen.yaml'}:{at}" in problem.message


def test_retired_ids_and_levels_load_and_survive_the_cache(tmp_path: Path) -> None:
    text = MINI_BANK.read_text(encoding="utf-8").replace(
        "    kind: best\n", "    kind: best\n    level: advanced\n", 1
    )
    text += "retired:\n  - id: mini-99\n    note: mini-01 に統合\n"
    path = tmp_path / "retired.yaml"
    path.write_text(text, encoding="utf-8")
    for use_cache in (False, True, True):  # validate, store in the cache, load from it
        (bank,) = check_paths([path], use_cache=use_cache).banks
        assert [(r.id, r.note) for r in bank.retired] == [("mini-99", "mini-01 に統合")]
        assert [q.level for q in bank.questions[:2]] == ["advanced", "basic"]


def test_a_retired_id_given_to_a_question_is_refused_at_that_question(tmp_path: Path) -> None:
    path = tmp_path / "reused.yaml"
    text = MINI_BANK.read_text(encoding="utf-8")
    path.write_text(text + "retired:\n  - id: mini-01\n    note: 統合\n", encoding="utf-8")
    first_id = 1 + text.splitlines().index("  - id: mini-01")
    retired_at = len(text.splitlines()) + 2
    proc = run_cli("check", str(path))
    assert proc.returncode == 1
    assert (
        f"{path}:{first_id}: 問題 id 'mini-01' は退役した id です({retired_at} 行目)" in proc.stderr
    )
