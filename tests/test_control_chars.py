"""Text from a bank, the learning record or the command line never drives the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from gkentei_vae.control_chars import escape
from gkentei_vae.study.store import DB_FILENAME, Store
from tests.conftest import FIXTURES, run_cli

BASE = (FIXTURES / "malformed" / "08_unknown_demo.yaml").read_text(encoding="utf-8")
BASE = BASE.split("\n", 1)[1].replace("demo: diffusion", "demo: reparam")

SEQUENCES = {
    "osc52": ("\\e]52;c;cHduZWQ=\\a\\e[2Jevil", "\\x1b"),  # clipboard overwrite, then clear
    "csi": ("\\e[2J", "\\x1b"),
    "bel": ("\\a", "\\x07"),
    "nul": ("\\0", "\\x00"),
    "del": ("\\x7f", "\\x7f"),
    "c1-csi": ("\\x9b2J", "\\x9b"),
    "rlo": ("\\u202e", "\\u202e"),
    "lri": ("\\u2066", "\\u2066"),
}
"""Name → (the YAML double-quoted escape written in the bank, how check shows it)."""

FIELDS = {
    "topic id": ("topics: [reparam]", 'topics: [reparam, "reparam{s}"]'),
    "bank title": ("title: 壊れたバンクの例", 'title: "壊れたバンクの例{s}"'),
    "lyric": ("      text: そのままのサンプリングは微分ができない そこで使う再パラメータ化トリック",
              '      text: "そのままのサンプリングは微分ができない そこで使う再パラメータ化トリック{s}"'),
    "stem": ("    stem: 再パラメータ化トリックの説明として、最も適切なものを選べ。",
             '    stem: "再パラメータ化トリックの説明として、最も適切なものを選べ。{s}"'),
    "explanation": ("    explanation: 乱数を ε に分離すると勾配が μ と σ に届く。",
                    '    explanation: "乱数を ε に分離すると勾配が μ と σ に届く。{s}"'),
    "reason": ("      σ を分散とみなす: σ は標準偏差。", '      σ を分散とみなす: "σ は標準偏差。{s}"'),
    "source": ("    source: Kingma & Welling (2013) arXiv:1312.6114 §2.4",
               '    source: "Kingma & Welling (2013) arXiv:1312.6114 §2.4{s}"'),
}  # fmt: skip
"""Field → (its line in the base bank, the same line holding the sequence)."""

CASES = [
    ("topic id", "osc52"),  # the reported attack: an OSC 52 clipboard write and a clear
    ("bank title", "csi"),
    ("lyric", "bel"),
    ("stem", "nul"),
    ("explanation", "del"),
    ("reason", "c1-csi"),
    ("source", "rlo"),
    ("stem", "lri"),
    ("topic id", "bel"),
    ("lyric", "osc52"),
    ("reason", "rlo"),
    ("source", "csi"),
    ("bank title", "c1-csi"),
]

RAW = ("\x1b", "\x07", "\x00", "\x7f", "\x9b", "\u202e", "\u2066")


def bank_with(tmp_path: Path, field: str, sequence: str) -> tuple[Path, int]:
    old, new = FIELDS[field]
    text = BASE.replace(old, new.format(s=SEQUENCES[sequence][0]), 1)
    assert text != BASE
    path = tmp_path / f"{field.replace(' ', '_')}-{sequence}.yaml"
    path.write_text(text, encoding="utf-8")
    changed = new.format(s=SEQUENCES[sequence][0]).strip()
    line = 1 + next(i for i, row in enumerate(text.splitlines()) if changed in row)
    return path, line


@pytest.mark.parametrize(("field", "sequence"), CASES, ids=[f"{f}-{s}" for f, s in CASES])
def test_check_refuses_the_bank_at_its_line_and_prints_no_raw_control(
    tmp_path: Path, field: str, sequence: str
) -> None:
    path, line = bank_with(tmp_path, field, sequence)
    proc = run_cli("check", str(path))
    assert proc.returncode == 1
    assert f"{path}:{line}: " in proc.stderr
    assert "制御文字" in proc.stderr and SEQUENCES[sequence][1] in proc.stderr
    out = proc.stdout + proc.stderr
    assert not any(raw in out for raw in RAW), repr(out)
    assert "Traceback" not in out


def test_the_quiz_refuses_such_a_bank_the_same_way(tmp_path: Path) -> None:
    path, line = bank_with(tmp_path, "topic id", "osc52")
    proc = run_cli("quiz", "--bank", str(path))
    assert proc.returncode == 1 and f"{path}:{line}: " in proc.stderr
    assert not any(raw in proc.stdout + proc.stderr for raw in RAW)


def test_user_input_echoed_in_errors_is_escaped(tmp_path: Path) -> None:
    evil = "\x1b]52;c;cHduZWQ=\x07\x1b[2J"
    for args in (
        ("quiz", "--topic", evil),
        ("quiz", "--count", evil),
        ("demo", evil),
        ("config", "get", evil, "--data-dir", str(tmp_path)),
        ("export", "anki", str(tmp_path / f"{evil}.txt")),
    ):
        proc = run_cli(*args)
        assert proc.returncode == 2, args
        out = proc.stdout + proc.stderr
        assert "\\x1b]52" in out, (args, out)
        assert not any(raw in out for raw in RAW), (args, repr(out))


def test_text_from_the_learning_record_is_escaped(tmp_path: Path) -> None:
    with Store.open(tmp_path / DB_FILENAME) as store:
        # A value written by another tool (or a damaged file) holding an escape sequence.
        store.set_setting("model-idle-minutes", "\x1b[2J5\u202e")
    for args in (("config", "get"), ("config", "get", "model-idle-minutes")):
        proc = run_cli(*args, "--data-dir", str(tmp_path))
        assert proc.returncode == 0
        assert "\\x1b[2J5\\u202e" in proc.stdout
        assert not any(raw in proc.stdout + proc.stderr for raw in RAW)


def test_escape_keeps_text_tab_and_newline() -> None:
    assert escape("再パラメータ化\tトリック\n次の行") == "再パラメータ化\tトリック\n次の行"
    assert escape("a\x1bb\u202ec\x9b") == "a\\x1bb\\u202ec\\x9b"
