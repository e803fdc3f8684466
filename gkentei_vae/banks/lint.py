"""Item-quality warnings for valid banks: the item-writing rules of docs/design.md §4.

Validation (validate.py) decides whether a bank can be used at all; the linter
flags questions that are usable but badly written, the way a G検定 item
reviewer would: an option that gives itself away by its length or by an
absolute word, answers piled on one position, keys that are the longest (or
the shortest) option too often for "pick the longest" to be a strategy, a
不適切 question whose key is the negation of another option, the same
question asked twice, a fact without a source, and the cues of the test-wise
adversary (cues.py) that sit in one item (absolute words by role, a mirrored pair,
a name mirror) or in a bank's rates (calc key positions, foreign-model options that
are never the key). Every message names its rule, e.g.
``[option-length] 選択肢の長さ: ...``, so that an author can look it up in
docs/bank-format.md.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from gkentei_vae.banks.cues import (
    OPPOSITE_SIMILARITY,
    STRATEGIES,
    absolute_options,
    absolute_words,
    avoid_foreign,
    comparable,
    foreign_options,
    item_score,
    kind_scores,
    longest,
    mirror_options,
    mirrored_pair,
    names,
    opposite_similarity,
    repeats,
    scalar_values,
    shortest,
    words,
)
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
    "longest-answer": "正解が最長",
    "shortest-answer": "正解が最短",
    "opposite-pair": "正反対の選択肢",
    "mirrored-pair": "入れ替えの組",
    "name-mirror": "名前の繰り返し",
    "calc-key-position": "計算問題の正解の位置",
    "foreign-model-key": "他のモデルの選択肢",
}
"""Rule id → its Japanese name; both appear in every message."""

MAX_LENGTH_RATIO = 2.0
"""Longest option / shortest option, in characters; above this the odd one out stands out."""

MAX_POSITION_SHARE = 0.35
"""The largest share of a bank's 4-option questions whose answer may sit at one position."""

STEM_SIMILARITY = 0.9
"""difflib ratio of two normalised stems at or above which they count as near-duplicates."""

MIN_SOURCE_CHARS = 8
"""A real citation (author, year, title or section) is never shorter than this."""

MAX_CUE_SHARE = 0.35
"""The largest share of one kind's questions whose key may be the longest (or the shortest)
option, ties counted fractionally: "always pick the longest" must not beat this."""

MIN_CUE_QUESTIONS = 8
"""A kind with fewer questions than this in a bank is not judged by the length-cue rules:
with 5 questions, 2 keys that happen to be the longest are already 40 %."""

CUE_KINDS: tuple[str, ...] = ("best", "worst")
"""The kinds the length-cue rules judge. Their options are sentences an author writes, so a
key that is longer (a qualifier added to make it safe) or shorter is a writing habit. The
options of ``blank`` are combinations of the same few terms and those of ``calc`` are values;
their lengths follow the terms and the digits (both are reported by ``benchmarks/answer_cues.py``)."""

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
            problems += _opposite_pair(where, i, question)
            problems += _mirrored_pair(where, i, question)
            problems += _name_mirror(where, i, question)
            stems.append(_Stem(where, i, question.id, comparable(question.stem)))
        problems += _answer_position(where, bank)
        problems += _length_cues(where, bank)
        problems += _calc_key_position(where, bank)
        problems += _foreign_model_key(where, bank)
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
    """Absolute words (cues.ABSOLUTE_WORDS) that sort the options for a test-wise learner:
    only in wrong options of a question asking for the right one, or only in the key of a
    不適切 question."""
    users = sorted(absolute_options(q))
    if not users or q.answer not in q.options:
        return []
    key = q.options.index(q.answer)
    if q.kind == "worst":
        if users != [key]:
            return []
        where_ = "正解(不適切な記述)だけ"
        advice = "適切な記述にも限定の強い言い方を使うか、正解の言い方を和らげてください"
    else:
        if key in users:
            return []
        where_ = "誤りの選択肢だけ"
        advice = "正解にも言い切る表現を使うか、誤りの選択肢を別の誤り方にしてください"
    found = sorted({w for j in users for w in absolute_words(q.options[j])})
    return [
        where.problem(
            ("questions", i, "options", users[0]),
            "absolute-word",
            f"問題 {q.id} で絶対語(「{'」「'.join(found)}」)が{where_}にあります。"
            f"「絶対語のある選択肢は誤り」と読むだけで選択肢が絞れます。{advice}",
        )
    ]


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


# --- length cues: "always pick the longest (shortest) option" ------------------------------


@dataclass(frozen=True)
class CueScore:
    """How well "always pick the longest / the shortest option" does on one kind of question.

    A key tied with k other options for longest counts 1/(k+1): the expected score of a
    learner who picks the longest option and breaks ties at random.
    """

    kind: str
    questions: int
    longest: float
    """Expected number of questions "pick the longest" gets right."""
    shortest: float
    """Expected number of questions "pick the shortest" gets right."""
    longest_ids: tuple[str, ...]
    """Questions whose key is the longest option (alone or tied)."""
    shortest_ids: tuple[str, ...]
    """Questions whose key is the shortest option (alone or tied)."""

    @property
    def longest_share(self) -> float:
        return self.longest / self.questions if self.questions else 0.0

    @property
    def shortest_share(self) -> float:
        return self.shortest / self.questions if self.questions else 0.0


def cue_scores(questions: Iterable[Question]) -> dict[str, CueScore]:
    """The longest/shortest-option scores per question kind (kinds in first-seen order),
    by the adversary's scorer (cues.item_score)."""
    tallies: dict[str, tuple[int, float, float, list[str], list[str]]] = {}
    for q in questions:
        if q.answer not in q.options:
            continue
        n, long_sum, short_sum, long_ids, short_ids = tallies.get(q.kind, (0, 0.0, 0.0, [], []))
        if (long_score := item_score(q, longest(q))) > 0:
            long_ids.append(q.id)
        if (short_score := item_score(q, shortest(q))) > 0:
            short_ids.append(q.id)
        tallies[q.kind] = (
            n + 1,
            long_sum + long_score,
            short_sum + short_score,
            long_ids,
            short_ids,
        )
    return {
        kind: CueScore(kind, n, long_sum, short_sum, tuple(long_ids), tuple(short_ids))
        for kind, (n, long_sum, short_sum, long_ids, short_ids) in tallies.items()
    }


def _length_cues(where: _Where, bank: Bank) -> list[Problem]:
    out = []
    scores = cue_scores(bank.questions)
    for kind in CUE_KINDS:
        score = scores.get(kind)
        if score is None or score.questions < MIN_CUE_QUESTIONS:
            continue
        for rule, share, ids, what, advice in (
            (
                "longest-answer",
                score.longest_share,
                score.longest_ids,
                "最長",
                "正解に足した限定語や補足は解説へ移し、誤りの選択肢も正解と同じくらい具体的に",
            ),
            (
                "shortest-answer",
                score.shortest_share,
                score.shortest_ids,
                "最短",
                "誤りの選択肢を正解と同じくらい簡潔に言い切るか、正解にも同じだけの内容を持たせて",
            ),
        ):
            if share <= MAX_CUE_SHARE:
                continue
            shown = ", ".join(ids[:12]) + (f" ほか {len(ids) - 12} 問" if len(ids) > 12 else "")
            out.append(
                where.problem(
                    ("questions",),
                    rule,
                    f"バンク {bank.id} の {kind} {score.questions} 問で、正解が{what}の選択肢である"
                    f"割合が {share:.0%} です(同じ長さは按分、上限 {MAX_CUE_SHARE:.0%})。"
                    f"「いつも{what}を選ぶ」だけで点が取れます。正解が{what}の問題: {shown}。"
                    f"{advice}書いてください",
                )
            )
    return out


def _opposite_pair(where: _Where, i: int, q: Question) -> list[Problem]:
    if q.kind != "worst" or q.answer not in q.options:
        return []
    pairs = [
        (similarity, option)
        for option in q.options
        if option != q.answer
        and (similarity := opposite_similarity(q.answer, option)) is not None
        and similarity >= OPPOSITE_SIMILARITY
    ]
    if not pairs:
        return []
    similarity, option = max(pairs)
    return [
        where.problem(
            ("questions", i, "options", q.options.index(q.answer)),
            "opposite-pair",
            f"問題 {q.id} の正解は選択肢「{option}」の否定・反対語を入れ替えた文です"
            f"(反対語を除いた類似度 {similarity:.2f})。正反対の組のどちらかが誤りと分かるので、"
            "二択になります。正しい選択肢を別の観点の記述に替えてください",
        )
    ]


# --- cues of the test-wise adversary (cues.py) ----------------------------------------------


def implausible(q: Question, option: int, pair: tuple[int, int]) -> bool:
    """An option outside a mirrored pair that a test-wise learner strikes at once: it names a
    model the stem does not, it carries an absolute word in a question asking for the right
    option, or it shares no word with the stem while both options of the pair do."""
    if option in foreign_options(q):
        return True
    if q.kind != "worst" and option in absolute_options(q):
        return True
    stem = words(q.stem)
    return not words(q.options[option]) & stem and all(words(q.options[j]) & stem for j in pair)


def _mirrored_pair(where: _Where, i: int, q: Question) -> list[Problem]:
    pair = mirrored_pair(q) if q.kind in ("best", "worst") else None
    if pair is None or q.answer not in q.options or q.options.index(q.answer) not in pair:
        return []
    others = [j for j in range(len(q.options)) if j not in pair]
    if not all(implausible(q, j, pair) for j in others):
        return []
    key = q.options.index(q.answer)
    if q.kind == "worst" and _opposite_pair(where, i, q):
        return []  # opposite-pair already says it
    other = pair[1] if pair[0] == key else pair[0]
    return [
        where.problem(
            ("questions", i, "options", key),
            "mirrored-pair",
            f"問題 {q.id} の正解は、選択肢「{q.options[other]}」と入れ替え・反転の組で、"
            "残りの 2 つは問題文と関係が薄いか、問題文にないモデルの話です。"
            "組の片方が正解と見当がつくので二択になります。残りの選択肢を、同じ観点で"
            "もっともらしい誤りにしてください",
        )
    ]


def _name_mirror(where: _Where, i: int, q: Question) -> list[Problem]:
    if q.kind not in ("best", "worst") or q.answer not in q.options:
        return []
    key = q.options.index(q.answer)
    if mirror_options(q) != {key}:
        return []
    stem = names(q.stem)
    repeated = sorted(w for w in stem if repeats(q.answer, w))
    return [
        where.problem(
            ("questions", i, "options", key),
            "name-mirror",
            f"問題 {q.id} で、問題文の語(「{'」「'.join(repeated)}」)を繰り返す選択肢が正解だけです。"
            "語を見比べるだけで答えが選べます。誤りの選択肢にもその語を使うか、"
            "正解を別の言い方にしてください",
        )
    ]


def _calc_key_position(where: _Where, bank: Bank) -> list[Problem]:
    calcs = [q for q in bank.questions if q.kind == "calc"]
    scalar = [q for q in calcs if scalar_values(q) is not None and q.answer in q.options]
    if len(calcs) < MIN_CUE_QUESTIONS or not scalar:
        return []
    share, strategy = max(
        ((kind_scores(s, calcs)["calc"].share, s) for s in STRATEGIES if s.kinds == ("calc",)),
        key=lambda pair: pair[0],
    )
    if share <= MAX_CUE_SHARE:
        return []
    ranks = Counter(_key_rank(q) for q in scalar)
    spread = "、".join(f"{_RANK_NAMES[r]} {ranks[r]} 問" for r in range(len(_RANK_NAMES)))
    return [
        where.problem(
            ("questions",),
            "calc-key-position",
            f"バンク {bank.id} の calc {len(calcs)} 問(値が 1 つの選択肢 {len(scalar)} 問)で、"
            f"正解の値の順位が偏っています: {spread}。"
            f"「{strategy.what}」で {share:.0%} 取れます(上限 {MAX_CUE_SHARE:.0%})。"
            "正解より大きい値と小さい値の誤りを両方用意し、正解が最大・最小になる問題も作ってください",
        )
    ]


_RANK_NAMES = ("最大", "2 番目に大きい", "2 番目に小さい", "最小")


def _key_rank(q: Question) -> int:
    values = scalar_values(q)
    assert values is not None
    key = values[q.options.index(q.answer)]
    return sorted(values, reverse=True).index(key)


def _foreign_model_key(where: _Where, bank: Bank) -> list[Problem]:
    best = [q for q in bank.questions if q.kind == "best" and q.answer in q.options]
    with_foreign = [q for q in best if foreign_options(q)]
    if len(best) < MIN_CUE_QUESTIONS or len(with_foreign) < MIN_CUE_QUESTIONS:
        return []
    keys = [q for q in with_foreign if q.options.index(q.answer) in foreign_options(q)]
    (strategy,) = [s for s in STRATEGIES if s.choose is avoid_foreign]
    share = kind_scores(strategy, best)["best"].share
    if keys and share <= MAX_CUE_SHARE:
        return []
    return [
        where.problem(
            ("questions",),
            "foreign-model-key",
            f"バンク {bank.id} の best {len(best)} 問のうち {len(with_foreign)} 問に、問題文にない"
            f"モデル(識別器・拡散など)を持ち出す選択肢がありますが、それが正解なのは {len(keys)} 問です。"
            f"「問題文にないモデルの選択肢を消す」で {share:.0%} 取れます(上限 {MAX_CUE_SHARE:.0%}、"
            "正解になったことがなければそれだけで手がかり)。他のモデルに触れる正しい選択肢も書いてください",
        )
    ]
