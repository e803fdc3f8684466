"""Item-quality warnings for valid banks: the item-writing rules of docs/design.md §4.

Validation (validate.py) decides whether a bank can be used at all; the linter
flags questions that are usable but badly written, the way a G検定 item
reviewer would: an option that gives itself away by its length or by an
absolute word, answers piled on one position, the same question asked twice,
a fact without a source. Every message names its rule, e.g.
``[option-length] 選択肢の長さ: ...``, so that an author can look it up in
docs/bank-format.md.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from gkentei_vae.banks.loader import CheckResult
from gkentei_vae.banks.models import Bank, Question
from gkentei_vae.banks.problem import Problem
from gkentei_vae.banks.safe_yaml import Document, Loc

RULES: dict[str, str] = {
    "option-length": "選択肢の長さ",
    "absolute-word": "絶対語",
    "answer-position": "正解位置の偏り",
    "duplicate-stem": "問題文の重複",
    "source": "出典",
}
"""Rule id → its Japanese name; both appear in every message."""

MAX_LENGTH_RATIO = 2.0
"""Longest option / shortest option, in characters; above this the odd one out stands out."""

ABSOLUTE_WORDS: tuple[str, ...] = ("のみ", "全て", "必ず", "一切", "絶対")
"""Words that mark an option as wrong when only one option uses them."""

MAX_POSITION_SHARE = 0.35
"""The largest share of a bank's 4-option questions whose answer may sit at one position."""

STEM_SIMILARITY = 0.9
"""difflib ratio of two normalised stems at or above which they count as near-duplicates."""

MIN_SOURCE_CHARS = 8
"""A real citation (author, year, title or section) is never shorter than this."""

_PLACEHOLDER_SOURCES = {
    "?",
    "-",
    "na",
    "n/a",
    "none",
    "null",
    "source",
    "unknown",
    "なし",
    "不明",
    "出典",
    "出典なし",
    "未定",
    "要確認",
}
_PLACEHOLDER_MARK = re.compile(r"\b(todo|tbd|tba|fixme|xxx)\b|要確認|未確認", re.IGNORECASE)


def lint(result: CheckResult) -> list[Problem]:
    """Item-quality warnings for every bank in ``result`` (sorted by file and line)."""
    problems: list[Problem] = []
    stems: list[_Stem] = []
    for bank in result.banks:
        where = _Where(str(result.paths.get(bank.id, bank.id)), result.documents.get(bank.id))
        for i, question in enumerate(bank.questions):
            problems += _option_length(where, i, question)
            problems += _absolute_words(where, i, question)
            problems += _source(where, i, question)
            stems.append(_Stem(where, i, question.id, _normalise(question.stem)))
        problems += _answer_position(where, bank)
    problems += _duplicate_stems(stems)
    return sorted(problems)


@dataclass(frozen=True)
class _Where:
    """The file a bank came from and its line map."""

    path: str
    doc: Document | None

    def line(self, loc: Loc) -> int:
        return self.doc.line_of(loc) if self.doc is not None else 1

    def problem(self, loc: Loc, rule: str, message: str) -> Problem:
        return Problem(self.path, self.line(loc), f"[{rule}] {RULES[rule]}: {message}")


@dataclass(frozen=True)
class _Stem:
    where: _Where
    index: int
    qid: str
    normalised: str


def _option_length(where: _Where, i: int, q: Question) -> list[Problem]:
    if len(q.options) < 2:
        return []
    lengths = [len(option) for option in q.options]
    longest, shortest = max(lengths), min(lengths)
    if shortest > 0 and longest / shortest <= MAX_LENGTH_RATIO:
        return []
    ratio = "∞" if shortest == 0 else f"{longest / shortest:.2f}"
    j = lengths.index(longest)
    return [
        where.problem(
            ("questions", i, "options", j),
            "option-length",
            f"問題 {q.id} の選択肢は最長 {longest} 字・最短 {shortest} 字で、比が {ratio} です"
            f"(上限 {MAX_LENGTH_RATIO})。長さをそろえてください",
        )
    ]


def _absolute_words(where: _Where, i: int, q: Question) -> list[Problem]:
    out = []
    for word in ABSOLUTE_WORDS:
        users = [j for j, option in enumerate(q.options) if word in option]
        if len(users) == 1:
            out.append(
                where.problem(
                    ("questions", i, "options", users[0]),
                    "absolute-word",
                    f"問題 {q.id} で「{word}」を含む選択肢が 1 つだけです。"
                    "答えの手がかりになるので、言い換えるか 2 つ以上の選択肢で使ってください",
                )
            )
    return out


def _source(where: _Where, i: int, q: Question) -> list[Problem]:
    source = q.source.strip()
    key = source.casefold()
    if (
        len(source) >= MIN_SOURCE_CHARS
        and key not in _PLACEHOLDER_SOURCES
        and not _PLACEHOLDER_MARK.search(source)
    ):
        return []
    shown = f"「{source}」" if source else "(空)"
    return [
        where.problem(
            ("questions", i, "source"),
            "source",
            f"問題 {q.id} の出典{shown}が空か仮置きです。"
            "論文と節(例: arXiv:1312.6114 §2.4)か、文書のページを書いてください",
        )
    ]


def _answer_position(where: _Where, bank: Bank) -> list[Problem]:
    positions = Counter(
        q.options.index(q.answer)
        for q in bank.questions
        if len(q.options) == 4 and q.answer in q.options
    )
    total = sum(positions.values())
    if not total:
        return []
    top_count = max(positions.values())
    # With n questions some position holds at least ceil(n/4) answers; only
    # warn when a more even spread was possible (n = 5 can never reach 35 %).
    if top_count / total <= MAX_POSITION_SHARE or top_count <= math.ceil(total / 4):
        return []
    spread = "、".join(
        f"{p + 1} 番目 {positions[p]} 問({positions[p] / total:.0%})" for p in range(4)
    )
    return [
        where.problem(
            ("questions",),
            "answer-position",
            f"バンク {bank.id} の 4 択 {total} 問で、正解の書かれた位置が偏っています: {spread}。"
            f"どの位置も {MAX_POSITION_SHARE:.0%} 以下にしてください",
        )
    ]


def _normalise(stem: str) -> str:
    """Stem text for comparison: width-folded, lower-case, no whitespace or punctuation."""
    text = unicodedata.normalize("NFKC", stem).casefold()
    return "".join(
        ch for ch in text if unicodedata.category(ch)[0] not in "PZ" and not ch.isspace()
    )


def _duplicate_stems(stems: list[_Stem]) -> list[Problem]:
    out = []
    for k, later in enumerate(stems):
        for earlier in stems[:k]:
            a, b = earlier.normalised, later.normalised
            if a != b:
                matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
                if matcher.real_quick_ratio() < STEM_SIMILARITY:
                    continue
                if matcher.quick_ratio() < STEM_SIMILARITY:
                    continue
                similarity = matcher.ratio()
                if similarity < STEM_SIMILARITY:
                    continue
                how = f"とほぼ同じです(類似度 {similarity:.2f})"
            else:
                how = "と同じです"
            first = earlier.where.line(("questions", earlier.index, "stem"))
            same_file = earlier.where.path == later.where.path
            place = f"{first} 行目" if same_file else f"{earlier.where.path}:{first}"
            out.append(
                later.where.problem(
                    ("questions", later.index, "stem"),
                    "duplicate-stem",
                    f"問題 {later.qid} の問題文が {earlier.qid}({place}){how}。"
                    "同じことを問うなら 1 問にまとめ、別のことを問うなら書き分けてください",
                )
            )
            break
    return out
