"""The validated-bank cache: warm loads skip pydantic and YAML; edits and bad entries fall back."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from gkentei_vae.banks import BankError, load_banks
from gkentei_vae.banks import cache as bank_cache
from gkentei_vae.banks.validate import check_file
from gkentei_vae.paths import bank_cache_dir
from tests.conftest import MINI_BANK, REPO


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_bytes(MINI_BANK.read_bytes())
    return path


def test_cached_bank_equals_the_validated_one(bank: Path) -> None:
    _, validated, _ = check_file(bank)
    first = load_banks([bank])  # validates and stores
    assert bank_cache.load(bank) is not None
    assert first == [validated]
    assert load_banks([bank]) == [validated]  # rebuilt from the cache
    assert asdict(bank_cache.load(bank)) == asdict(validated)  # type: ignore[arg-type]


def test_an_edited_bank_misses_the_cache_and_is_validated_again(bank: Path) -> None:
    load_banks([bank])
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("demo: encode", "demo: nope"), encoding="utf-8"
    )
    with pytest.raises(BankError) as err:
        load_banks([bank])
    assert "未知のデモ id 'nope'" in str(err.value)


def test_a_corrupt_cache_entry_is_ignored(bank: Path) -> None:
    load_banks([bank])
    entries = list(bank_cache_dir().glob("*.json"))
    assert len(entries) == 1
    entries[0].write_text("{not json", encoding="utf-8")
    assert load_banks([bank])[0].id == "mini"
    assert json.loads(entries[0].read_text(encoding="utf-8"))["id"] == "mini"  # rewritten


def test_warm_start_imports_neither_pydantic_nor_yaml() -> None:
    code = (
        "import sys; from gkentei_vae.study.selection import load_default_banks; "
        "banks = load_default_banks(); assert banks and banks[0].questions; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml')))"
    )
    cold = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "pydantic" in cold.stdout  # the first run validates in full
    warm = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert warm.stdout.strip() == "[]"
