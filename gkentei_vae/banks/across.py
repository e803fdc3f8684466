"""Checks across the banks loaded together (each bank on its own is validate.py's).

- A lyric line id names one line of one song: two banks that share a line id are refused,
  or ``--line L1`` would serve both songs' lines.
- A question moved from another bank (``moved_from``) keeps that bank's card id, so its
  review history follows it. When that bank is loaded too, the question's id must be listed
  in its ``retired:`` (so the old bank never gives the id to another question).
- No two questions of the loaded banks share a card id.

These run on every load, cheap without the line maps; only when something is wrong are the
files read again for their ``file:line``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gkentei_vae.banks.models import Bank
from gkentei_vae.banks.problem import Problem

if TYPE_CHECKING:
    from gkentei_vae.banks.safe_yaml import Document, Loc


def across_problems(
    banks: Sequence[Bank], paths: dict[str, Path], documents: dict[str, Document]
) -> list[Problem]:
    """Every problem between the banks (they are each valid on their own)."""
    where = _Where(paths, _line_finder(paths, documents))
    return sorted(_shared_line_ids(banks, where) + _moved(banks, where) + _shared_ids(banks, where))


class _Where:
    """``file:line`` of a place in a bank, the file read again only when asked."""

    def __init__(self, paths: dict[str, Path], line: Callable[[str, Loc], int]) -> None:
        self.paths = paths
        self.line = line

    def at(self, bank_id: str, *loc: str | int) -> str:
        return f"{self.paths[bank_id]}:{self.line(bank_id, loc)}"

    def problem(self, bank_id: str, loc: Loc, message: str) -> Problem:
        return Problem(str(self.paths[bank_id]), self.line(bank_id, loc), message)


def _line_finder(
    paths: dict[str, Path], documents: dict[str, Document]
) -> Callable[[str, Loc], int]:
    def line(bank_id: str, loc: Loc) -> int:
        # Imported here: a clean load of cached banks never reads YAML (tests/test_bank_cache.py).
        from gkentei_vae.banks.safe_yaml import YamlReadError, read_document

        doc = documents.get(bank_id)
        if doc is None:
            try:
                doc = documents[bank_id] = read_document(paths[bank_id])
            except (YamlReadError, OSError):
                return 1
        return doc.line_of(loc)

    return line


def _shared_line_ids(banks: Sequence[Bank], where: _Where) -> list[Problem]:
    first: dict[str, tuple[str, int]] = {}
    out = []
    for bank in banks:
        for i, lyric in enumerate(bank.song.lines):
            if lyric.id not in first:
                first[lyric.id] = (bank.id, i)
                continue
            other, j = first[lyric.id]
            out.append(
                where.problem(
                    bank.id,
                    ("song", "lines", i, "id"),
                    f"歌詞の行 id '{lyric.id}' はバンク {other} の行"
                    f"({where.at(other, 'song', 'lines', j, 'id')})と重複しています。"
                    "行 id は一緒に読み込むすべてのバンクで一意にしてください"
                    "(曲ごとに頭の英字を変えます。例: L1…, G1…)",
                )
            )
    return out


def _moved(banks: Sequence[Bank], where: _Where) -> list[Problem]:
    by_id = {bank.id: bank for bank in banks}
    out = []
    for bank in banks:
        for i, q in enumerate(bank.questions):
            origin = by_id.get(q.moved_from or "")
            if origin is None or any(r.id == q.id for r in origin.retired):
                continue
            out.append(
                where.problem(
                    bank.id,
                    ("questions", i, "moved_from"),
                    f"問題 {q.id} は moved_from: {origin.id} ですが、バンク {origin.id}"
                    f"({where.at(origin.id, 'retired')})の retired: にこの id がありません。"
                    f"移した問題の id は移動元の retired: に残してください(学習履歴を引き継ぐため)",
                )
            )
    return out


def _shared_ids(banks: Sequence[Bank], where: _Where) -> list[Problem]:
    first: dict[str, tuple[str, int]] = {}
    out = []
    for bank in banks:
        for i, q in enumerate(bank.questions):
            card = bank.card_id(q)
            if card not in first:
                first[card] = (bank.id, i)
                continue
            other, j = first[card]
            out.append(
                where.problem(
                    bank.id,
                    ("questions", i, "id"),
                    f"問題 {q.id} のカード id '{card}' がバンク {other} の問題"
                    f"({where.at(other, 'questions', j, 'id')})と同じです。"
                    "学習履歴が混ざるので、別の id をつけてください",
                )
            )
    return out
