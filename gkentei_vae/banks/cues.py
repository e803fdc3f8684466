"""The test-wise adversary: strategies that answer without knowing the subject.

Each strategy looks at one question and names the options it would choose among (a
*candidate set*), or says it does not apply. One scorer, ``item_score``, turns that into an
expected score: ``1/len(candidates)`` when the key is a candidate (ties split, a guess among
what is left), 0 when it is not, and a 25 % guess (``1/len(options)``) when the strategy
does not apply. Per kind the scores are summed over every question of the kind, so a
strategy that applies rarely scores near chance. The length-cue lint rules
(``longest-answer``, ``shortest-answer`` in lint.py) are this scorer with the two length
strategies; ``benchmarks/answer_cues.py`` prints every strategy; docs/bank-format.md
defines each one.

Two sorts of strategy: *picks* rank the options and take the top (the longest, the second-
largest value, the most words shared with the stem), *eliminations* strike options for a
property of their own (naming a model the stem does not, an absolute word, standing outside
the one mirrored pair). The combined player applies every elimination that applies to a
question, one after another, skipping any that would strike every option left, and guesses
among what remains.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from gkentei_vae.banks.models import Question
from gkentei_vae.banks.vocab import BLANK_LABELS

MAX_SINGLE_SHARE = 0.35
"""The most any one strategy may score on a judged kind (chance is 25 %)."""

MAX_COMBINED_SHARE = 0.40
"""The most the combined player may score on a judged kind."""

MIN_JUDGED = 8
"""A kind with fewer questions than this is not judged: with 5 questions, 2 lucky keys are 40 %."""

KIND_ORDER: tuple[str, ...] = ("best", "worst", "blank", "calc")

Candidates = frozenset[int] | None
"""Option indices a strategy would choose among; None when it does not apply."""


def item_score(question: Question, candidates: Candidates) -> float:
    """The expected score of choosing at random among ``candidates`` (None: among all)."""
    if question.answer not in question.options:
        return 0.0
    if not candidates:
        return 1 / len(question.options)
    return 1 / len(candidates) if question.options.index(question.answer) in candidates else 0.0


# --- text helpers -------------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def option_length(text: str) -> int:
    """An option's length for the length cues: characters after NFKC, whitespace removed."""
    return len("".join(unicodedata.normalize("NFKC", text).split()))


_KANJI = r"\u3400-\u4dbf\u4e00-\u9fff々"
_KATAKANA = r"\u30a0-\u30ffー"
_WORD = re.compile(rf"[{_KANJI}]{{2,}}|[{_KATAKANA}]{{2,}}|[a-z][a-z0-9]+|[α-ω]")

STOP_WORDS: frozenset[str] = frozenset(
    {
        "適切",
        "不適切",
        "最も",
        "選択",
        "選択肢",
        "説明",
        "記述",
        "次",
        "場合",
        "組み合わせ",
        "空欄",
        "語句",
        "正しい",
        "値",
        "計算",
        "学習",
        "モデル",
        "データ",
        "生成",
        "出力",
        "入力",
        "使う",
        "問題",
        "方法",
        "手法",
        "特徴",
        "目的",
    }
)
"""Words too common in stems and options alike to be a cue when an option repeats them."""


GENERIC_WORDS: frozenset[str] = frozenset(
    {"画像", "確率", "分布", "誤差", "変数", "評価", "途中", "数字", "分散", "平均", "情報", "時間"}
)
"""Kanji words of everyday exam prose that name no model or idea of their own (left out of
``names``)."""


def names(text: str) -> set[str]:
    """The words of a text that can name a model or an idea: ``words`` less
    ``GENERIC_WORDS``."""
    return words(text) - GENERIC_WORDS


def words(text: str) -> set[str]:
    """The content words of a text: runs of kanji or katakana (≥ 2 characters), Latin words
    (≥ 2 letters, case-folded) and Greek letters, less ``STOP_WORDS``."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return set(_WORD.findall(text)) - STOP_WORDS


def repeats(option: str, word: str) -> bool:
    """Whether ``option`` repeats a stem word: the word itself, or the first two characters
    of a kanji compound of three or more (潜在拡散 in a stem, 潜在空間 in an option)."""
    text = unicodedata.normalize("NFKC", option).casefold()
    if word in text:
        return True
    return len(word) >= 3 and bool(re.fullmatch(rf"[{_KANJI}]+", word)) and word[:2] in text


# --- strategies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Strategy:
    """One way to answer without knowing the subject."""

    id: str
    """Short id, shown in the benchmark's table."""
    what: str
    """What the player does, in a phrase."""
    kinds: tuple[str, ...]
    """The kinds it plays; on the others it does not apply (a 25 % guess)."""
    choose: Callable[[Question], Candidates]
    """The options it would choose among for a question of one of ``kinds``."""
    eliminates: bool
    """True for eliminations (the combined player applies them); False for picks."""

    def candidates(self, question: Question) -> Candidates:
        """The options it would choose among, None if it does not apply to ``question``."""
        if question.kind not in self.kinds:
            return None
        found = self.choose(question)
        return found if found and len(found) < len(question.options) else None


def _argbest(values: Sequence[float], pick: Callable[[Iterable[float]], float]) -> frozenset[int]:
    best = pick(values)
    return frozenset(i for i, v in enumerate(values) if v == best)


def longest(q: Question) -> Candidates:
    return _argbest([option_length(o) for o in q.options], max)


def shortest(q: Question) -> Candidates:
    return _argbest([option_length(o) for o in q.options], min)


_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?")


def scalar_values(q: Question) -> list[float] | None:
    """The one number each option states, if every option states exactly one and they differ."""
    values = []
    for option in q.options:
        found = _NUMBER.findall(unicodedata.normalize("NFKC", option).replace("−", "-"))
        if len(found) != 1:
            return None
        values.append(float(found[0].replace("−", "-")))
    return values if len(set(values)) == len(values) else None


def rank_pick(rank: int) -> Callable[[Question], Candidates]:
    """Pick the option whose value is the ``rank``-th largest (0: the largest)."""

    def choose(q: Question) -> Candidates:
        values = scalar_values(q)
        if values is None:
            return None
        order = sorted(range(len(values)), key=lambda i: -values[i])
        return frozenset({order[rank]}) if rank < len(order) else None

    return choose


def interior(q: Question) -> Candidates:
    """Strike the largest and the smallest value: the key is rarely an extreme."""
    values = scalar_values(q)
    if values is None or len(values) < 3:
        return None
    return frozenset(range(len(values))) - {values.index(max(values)), values.index(min(values))}


ABSOLUTE_WORDS: tuple[str, ...] = (
    "のみ",
    "だけ",
    "しか",
    "全て",
    "すべて",
    "必ず",
    "一切",
    "絶対",
    "まったく",
    "常に",
    "決して",
    "毎回",
    "完全に",
    "唯一",
)
"""Absolute and exclusive words: a test-wise learner takes an option that uses one for false."""


_ABSOLUTE_RE = re.compile(
    "|".join(("(?<!できる)" if w == "だけ" else "") + re.escape(w) for w in ABSOLUTE_WORDS)
)
"""An absolute word in a text (できるだけ, "as far as possible", is not one)."""


def absolute_words(text: str) -> list[str]:
    """The absolute words a text uses, in order."""
    return _ABSOLUTE_RE.findall(text)


def absolute_options(q: Question) -> frozenset[int]:
    """The options that use an absolute word."""
    return frozenset(i for i, o in enumerate(q.options) if absolute_words(o))


def avoid_absolute(q: Question) -> Candidates:
    """最も適切: strike the options with an absolute word."""
    return frozenset(range(len(q.options))) - absolute_options(q)


def take_absolute(q: Question) -> Candidates:
    """最も不適切: keep only the options with an absolute word."""
    return absolute_options(q)


def most_stem_words(q: Question) -> Candidates:
    """最も不適切: pick the option sharing the most content words with the stem."""
    stem = words(q.stem)
    shared = [len(words(o) & stem) for o in q.options]
    return _argbest(shared, max) if max(shared) > 0 else None


def blank_slots(q: Question) -> list[dict[str, str]] | None:
    """Each option's term per blank label (（ア）→ term), if every option names each label."""
    labels = [lab for lab in BLANK_LABELS if f"（{lab}）" in q.stem]
    if len(labels) < 2:
        return None
    pattern = re.compile("（(" + "|".join(labels) + ")）")
    out = []
    for option in q.options:
        parts = pattern.split(option)
        slots = {parts[i]: normalise(parts[i + 1]) for i in range(1, len(parts) - 1, 2)}
        if set(slots) != set(labels):
            return None
        out.append(slots)
    return out


def modal_terms(q: Question) -> Candidates:
    """空欄: pick the option whose terms are the most frequent in their slots."""
    slots = blank_slots(q)
    if slots is None:
        return None
    counts = {lab: Counter(s[lab] for s in slots) for lab in slots[0]}
    return _argbest([sum(counts[lab][s[lab]] for lab in s) for s in slots], max)


MODEL_FAMILIES: dict[str, tuple[str, ...]] = {
    "gan": ("gan", "識別器", "敵対的", "生成器", "discriminator"),
    "diffusion": ("拡散", "ノイズ除去", "ddpm", "デノイズ"),
    "autoregressive": ("自己回帰", "pixelcnn", "wavenet", "gpt"),
    "flow": ("フロー", "glow", "可逆変換"),
    "vq": ("コードブック", "vq-vae", "ベクトル量子化"),
    "vae": ("vae", "変分", "エンコーダ", "デコーダ", "潜在変数"),
    "transformer": ("transformer", "トランスフォーマ", "アテンション", "注意機構"),
    "rnn": ("rnn", "lstm", "再帰型"),
    "pca": ("主成分分析", "pca"),
    "rl": ("強化学習", "報酬"),
    "clip": ("clip", "対照学習"),
    "nerf": ("nerf", "ボリュームレンダリング"),
}
"""Model families and words that name them (NFKC, case-folded). An option naming a family the
stem does not name is what a test-wise learner strikes first on a 最も適切 question."""


def families(text: str) -> set[str]:
    """The model families a text names."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return {family for family, names in MODEL_FAMILIES.items() if any(n in text for n in names)}


def foreign_options(q: Question) -> frozenset[int]:
    """The options naming a model family the stem does not name."""
    stem = families(q.stem)
    return frozenset(i for i, o in enumerate(q.options) if families(o) - stem)


def avoid_foreign(q: Question) -> Candidates:
    """最も適切: strike the options naming a model the stem does not."""
    return frozenset(range(len(q.options))) - foreign_options(q)


MIRROR_SIMILARITY = 0.85
"""Share of characters two options have in common (as multisets, after removing negation
and antonym words) at or above which, written differently, they mirror each other."""


def mirrored(a: str, b: str) -> bool:
    """Two options that mirror each other: nearly the same characters, in another order or
    with other negation/antonym words. Roles swapped (エンコーダが p、デコーダが q ↔
    エンコーダが q、デコーダが p), a direction reversed (大きく ↔ 小さく), clauses swapped
    (VAE は安定だがぼやける ↔ VAE はくっきりだが不安定)."""
    polar_a, rest_a = _polar_split(a)
    polar_b, rest_b = _polar_split(b)
    if (polar_a, rest_a) == (polar_b, rest_b) or not rest_a or not rest_b:
        return False
    common = sum((Counter(rest_a) & Counter(rest_b)).values())
    return 2 * common / (len(rest_a) + len(rest_b)) >= MIRROR_SIMILARITY


def mirrored_pair(q: Question) -> tuple[int, int] | None:
    """The one pair of options that mirror each other, if exactly one pair does."""
    pairs = [
        (i, j)
        for i in range(len(q.options))
        for j in range(i + 1, len(q.options))
        if mirrored(q.options[i], q.options[j])
    ]
    return pairs[0] if len(pairs) == 1 else None


def keep_pair(q: Question) -> Candidates:
    """Strike every option outside the one mirrored pair: the pair tends to hold the key."""
    pair = mirrored_pair(q)
    return frozenset(pair) if pair else None


def mirror_options(q: Question) -> frozenset[int]:
    """The options that repeat a name of the stem (``names``) no other option repeats."""
    stem = names(q.stem)
    shared = [{w for w in stem if repeats(o, w)} for o in q.options]
    return frozenset(
        i
        for i, mine in enumerate(shared)
        if mine - set().union(*(other for j, other in enumerate(shared) if j != i))
    )


def name_mirror(q: Question) -> Candidates:
    """Pick the option that alone repeats a name or word of the stem, if only one does."""
    found = mirror_options(q)
    return found if len(found) == 1 else None


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("longest", "always the longest option", KIND_ORDER, longest, False),
    Strategy("shortest", "always the shortest option", KIND_ORDER, shortest, False),
    Strategy("largest", "calc: the largest value", ("calc",), rank_pick(0), False),
    Strategy("2nd-largest", "calc: the second-largest value", ("calc",), rank_pick(1), False),
    Strategy("2nd-smallest", "calc: the second-smallest value", ("calc",), rank_pick(2), False),
    Strategy("smallest", "calc: the smallest value", ("calc",), rank_pick(3), False),
    Strategy("interior", "calc: strike the largest and smallest", ("calc",), interior, True),
    Strategy("avoid-absolute", "最も適切: strike absolute words", ("best",), avoid_absolute, True),
    Strategy("take-absolute", "不適切: keep absolute words", ("worst",), take_absolute, True),
    Strategy(
        "stem-words", "不適切: most words shared with the stem", ("worst",), most_stem_words, False
    ),
    Strategy(
        "modal-terms", "blank: the most frequent term per slot", ("blank",), modal_terms, False
    ),
    Strategy(
        "foreign-model",
        "最も適切: strike models the stem does not name",
        ("best",),
        avoid_foreign,
        True,
    ),
    Strategy("mirrored-pair", "keep the one mirrored pair", ("best", "worst"), keep_pair, True),
    Strategy(
        "name-mirror",
        "the option alone repeating a stem word",
        ("best", "worst"),
        name_mirror,
        True,
    ),
)
"""Every strategy of the adversary, picks and eliminations (docs/bank-format.md)."""


def combined(q: Question) -> Candidates:
    """Every elimination that applies, in turn (one that would strike all left is skipped)."""
    left = frozenset(range(len(q.options)))
    for strategy in STRATEGIES:
        if not strategy.eliminates:
            continue
        found = strategy.candidates(q)
        if found is not None and left & found:
            left &= found
    return left if len(left) < len(q.options) else None


COMBINED = Strategy("combined", "every elimination, then a guess", KIND_ORDER, combined, True)


# --- scores -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KindScore:
    """How one strategy does on the questions of one kind."""

    kind: str
    questions: int
    expected: float
    """Expected number right (ties split; a question it does not apply to counts 25 %)."""
    applies: int
    """Questions it applies to."""
    hits: tuple[str, ...]
    """Questions where the key is among its candidates."""

    @property
    def share(self) -> float:
        return self.expected / self.questions if self.questions else 0.0

    @property
    def judged(self) -> bool:
        return self.questions >= MIN_JUDGED


def kind_scores(strategy: Strategy, questions: Iterable[Question]) -> dict[str, KindScore]:
    """``strategy``'s score per question kind (every kind of ``KIND_ORDER``, even if empty)."""
    tallies: dict[str, list[Question]] = {kind: [] for kind in KIND_ORDER}
    for q in questions:
        tallies.setdefault(q.kind, []).append(q)
    out = {}
    for kind, qs in tallies.items():
        expected, applies, hits = 0.0, 0, []
        for q in qs:
            found = strategy.candidates(q)
            expected += item_score(q, found)
            if found is not None:
                applies += 1
                if q.answer in q.options and q.options.index(q.answer) in found:
                    hits.append(q.id)
        out[kind] = KindScore(kind, len(qs), expected, applies, tuple(hits))
    return out


@dataclass(frozen=True)
class Verdict:
    """A strategy's score on a judged kind above its budget."""

    strategy: str
    kind: str
    share: float
    budget: float

    def __str__(self) -> str:
        return f"{self.strategy} on {self.kind}: {self.share:.1%} > {self.budget:.0%}"


def over_budget(questions: Sequence[Question]) -> list[Verdict]:
    """Every (strategy, judged kind) above its budget: 35 % single, 40 % combined."""
    out = []
    for strategy, budget in [(s, MAX_SINGLE_SHARE) for s in STRATEGIES] + [
        (COMBINED, MAX_COMBINED_SHARE)
    ]:
        for score in kind_scores(strategy, questions).values():
            if score.judged and score.share > budget + 1e-9:
                out.append(Verdict(strategy.id, score.kind, score.share, budget))
    return out


def report(questions: Sequence[Question]) -> tuple[list[tuple[str, ...]], str]:
    """The adversary's table (a row per strategy, a column per kind; ``*`` marks a score over
    its budget on a judged kind) and its summary line, which starts with ``combined=``."""
    counts: Counter[str] = Counter(q.kind for q in questions)
    header = (
        "strategy",
        "plays",
        *(
            f"{k} ({counts[k]}{'' if counts[k] >= MIN_JUDGED else ', not judged'})"
            for k in KIND_ORDER
        ),
    )
    rows: list[tuple[str, ...]] = [header]
    for strategy in (*STRATEGIES, COMBINED):
        budget = MAX_COMBINED_SHARE if strategy is COMBINED else MAX_SINGLE_SHARE
        scores = kind_scores(strategy, questions)
        cells = []
        for kind in KIND_ORDER:
            score = scores[kind]
            over = score.judged and score.share > budget + 1e-9
            cells.append(f"{score.share:.1%}{'*' if over else ' '} ({score.applies})")
        kind = "elimination" if strategy.eliminates else "pick"
        rows.append((strategy.id, kind, *cells))
    verdicts = over_budget(questions)
    whole = kind_scores(COMBINED, questions)
    summary = (
        "combined="
        + ",".join(f"{k}:{whole[k].share:.1%}" for k in KIND_ORDER)
        + f" budgets: single <= {MAX_SINGLE_SHARE:.0%}, combined <= {MAX_COMBINED_SHARE:.0%}"
        + f" on kinds of >= {MIN_JUDGED} questions: "
        + (
            "PASS"
            if not verdicts
            else f"FAIL ({len(verdicts)} over: " + "; ".join(map(str, verdicts)) + ")"
        )
    )
    return rows, summary


# --- the polarity scorer (shared with lint.py's opposite-pair) ---------------------------

OPPOSITE_SIMILARITY = 0.6
"""difflib ratio of two options, after removing negation and antonym words from both, at or
above which the two read as the same sentence with its polarity flipped."""

POLAR_PAIRS: tuple[tuple[str, str], ...] = (
    ("できない", "できる"),
    ("しない", "する"),
    ("されない", "される"),
    ("られない", "られる"),
    ("ない", "ある"),
    ("大きい", "小さい"),
    ("大きく", "小さく"),
    ("増える", "減る"),
    ("増え", "減り"),
    ("上界", "下界"),
    ("以上", "以下"),
    ("最大化", "最小化"),
    ("最大", "最小"),
    ("高い", "低い"),
    ("高く", "低く"),
    ("速い", "遅い"),
    ("速く", "遅く"),
    ("長い", "短い"),
    ("多い", "少ない"),
    ("多く", "少なく"),
    ("強い", "弱い"),
    ("強く", "弱く"),
    ("強め", "弱め"),
    ("不安定", "安定"),
    ("非対称", "対称"),
    ("不可能", "可能"),
    ("不要", "必要"),
    ("離散", "連続"),
    ("くっきり", "ぼやけ"),
    ("鮮明", "ぼやけ"),
    ("異なる", "同じ"),
    ("一致しない", "一致する"),
    ("正しくない", "正しい"),
    ("負", "正"),
)
"""Negation and antonym words whose swap turns a statement into its opposite (NFKC forms;
within a pair the longer, negated form first so that it is matched before its stem)."""

_NEGATIONS: tuple[str, ...] = ("ではない", "ません", "ない", "ず", "不", "非", "無")

_POLAR_RE = re.compile(
    "|".join(
        re.escape(word)
        for word in sorted(
            {word for pair in POLAR_PAIRS for word in pair} | set(_NEGATIONS),
            key=len,
            reverse=True,
        )
    )
)


def comparable(text: str) -> str:
    """Text for comparison: width-folded, lower-case, no whitespace or punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        ch for ch in text if unicodedata.category(ch)[0] not in "PZ" and not ch.isspace()
    )


def _polar_split(text: str) -> tuple[Counter[str], str]:
    """The negation/antonym words of a text, and the text without them (normalised)."""
    normalised = comparable(text)
    return Counter(_POLAR_RE.findall(normalised)), _POLAR_RE.sub("", normalised)


def opposite_similarity(a: str, b: str) -> float | None:
    """How alike two options are once their negation/antonym words are removed, if those
    words differ between them (None when they don't: then they are not opposites)."""
    words_a, rest_a = _polar_split(a)
    words_b, rest_b = _polar_split(b)
    if words_a == words_b or not rest_a or not rest_b:
        return None
    return difflib.SequenceMatcher(None, rest_a, rest_b, autojunk=False).ratio()
