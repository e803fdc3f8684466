"""Finding bank files and loading them: validated in full, or from the validated-bank cache.

``check`` always validates in full (it needs line maps for lint). The quiz and the
other modes load through the cache: a file whose exact bytes validated before is
rebuilt without importing pydantic or YAML, which keeps the first question fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gkentei_vae.banks import cache
from gkentei_vae.banks.models import Bank
from gkentei_vae.banks.problem import NO_LINE, Problem

if TYPE_CHECKING:
    from gkentei_vae.banks.safe_yaml import Document

BANK_SUFFIXES = (".yaml", ".yml")


class BankError(Exception):
    """One or more banks are invalid; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class CheckResult:
    """The banks that loaded cleanly and every problem found on the way."""

    banks: list[Bank] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    """Line maps of fully validated banks (absent for banks that came from the cache)."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def bank_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into their bank files (sorted); report paths that don't exist."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in BANK_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), NO_LINE, "バンク(.yaml)が見つかりません"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), NO_LINE, "ファイルもフォルダもありません"))
    return files, problems


def check_paths(paths: Iterable[Path], use_cache: bool = False) -> CheckResult:
    """Validate every bank under ``paths``; invalid banks are reported, never half-loaded."""
    result = CheckResult()
    files, result.problems = bank_files(paths)
    seen_ids: dict[str, str] = {}
    for path in files:
        bank = cache.load(path) if use_cache else None
        doc = None
        problems: list[Problem] = []
        if bank is None:
            from gkentei_vae.banks.validate import check_file

            problems, bank, doc = check_file(path)
            if bank is not None and use_cache:
                cache.store(path, bank)
        if bank is not None and bank.id in seen_ids:
            message = f"バンク id '{bank.id}' は {seen_ids[bank.id]} と重複しています"
            problems.append(Problem(str(path), 1, message))
            bank = None
        result.problems.extend(problems)
        if bank is not None:
            seen_ids[bank.id] = str(path)
            result.banks.append(bank)
            result.paths[bank.id] = path
            if doc is not None:
                result.documents[bank.id] = doc
    if len(result.banks) > 1:
        from gkentei_vae.banks.across import across_problems

        result.problems += across_problems(result.banks, result.paths, result.documents)
    return result


def load_banks(paths: Iterable[Path]) -> list[Bank]:
    """All banks under ``paths`` (through the cache); raise BankError if any has a problem."""
    result = check_paths(paths, use_cache=True)
    if not result.ok:
        raise BankError(result.problems)
    return result.banks
