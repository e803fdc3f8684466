"""Content invariants of the shipped VAE bank that a reviewer would otherwise re-check by hand.

Flashcard material (a cloze on every lyric line, the glossary), the ELBO sign and the
KL/σ wording in the glossary, and every calculation question recomputed in Python from
the numbers its stem states, with each distractor matched to the named mistake it encodes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pytest

from gkentei_vae.banks import Bank, Question, check_paths
from tests.conftest import REPO
from tests.test_lint import taught_as_true

VAE_BANK = REPO / "quizzes" / "vae.yaml"


@pytest.fixture(scope="module")
def vae() -> Bank:
    result = check_paths([VAE_BANK])
    assert result.ok, [str(p) for p in result.problems]
    (bank,) = result.banks
    return bank


# --- flashcards: clozes and the glossary ------------------------------------------------


def test_every_lyric_line_has_a_cloze_that_occurs_once_in_its_text(vae: Bank) -> None:
    bad = [
        (lyric.id, lyric.cloze)
        for lyric in vae.song.lines
        # Once, so the blank the card shows is the only place the term could go; not the
        # whole line, so something is left to recall it from.
        if not lyric.cloze or lyric.text.count(lyric.cloze) != 1 or lyric.cloze == lyric.text
    ]
    assert bad == []


def test_glossary_has_15_to_25_terms_with_unique_ids_on_defined_lines(vae: Bank) -> None:
    ids = [term.id for term in vae.terms]
    assert 15 <= len(ids) <= 25
    assert len(set(ids)) == len(ids)
    assert all(term_id.startswith("term-") for term_id in ids)
    defined = {lyric.id for lyric in vae.song.lines}
    assert [(t.id, t.line) for t in vae.terms if t.line not in defined] == []


def test_every_lyric_line_has_a_glossary_card(vae: Bank) -> None:
    with_term = {term.line for term in vae.terms}
    assert [lyric.id for lyric in vae.song.lines if lyric.id not in with_term] == []


@pytest.mark.parametrize(
    "keyword",
    [
        "VAE",
        "深層生成モデル",
        "変分",
        "潜在変数",
        "エンコーダ",
        "デコーダ",
        "標準偏差",
        "log σ²",
        "ガウス分布",
        "標準正規分布",
        "再構成誤差",
        "KL ダイバージェンス",
        "正則化項",
        "ELBO",
        "再パラメータ化トリック",
        "誤差逆伝播法",
        "事後崩壊",
        "β-VAE",
        "VQ-VAE",
        "CVAE",
        "GAN",
        "潜在拡散モデル",
    ],
)
def test_glossary_covers_the_exam_keyword(vae: Bank, keyword: str) -> None:
    assert any(keyword in term.term for term in vae.terms)


def test_term_meanings_are_one_or_two_sentences(vae: Bank) -> None:
    bad = [
        t.id
        for t in vae.terms
        if not t.meaning.endswith("。") or not 1 <= t.meaning.count("。") <= 2
    ]
    assert bad == []


def test_term_meanings_keep_the_kl_and_sigma_facts(vae: Bank) -> None:
    plain_distance = [
        t.id
        for t in vae.terms
        if "距離" in t.meaning and not re.search("ではない|非対称|満たさない", t.meaning)
    ]
    sigma_as_variance = [
        t.id for t in vae.terms if re.search(r"σ\s*は分散|分散\s*σ(?!²)", t.meaning)
    ]
    assert (plain_distance, sigma_as_variance) == ([], [])
    (kl,) = [t for t in vae.terms if t.term == "KL ダイバージェンス"]
    assert "非対称" in kl.meaning and "距離ではない" in kl.meaning


# The ELBO is maximised and bounds log p(x) from below; the loss is its negative.
ELBO_SIGN_ERROR = re.compile(
    r"(?<!−)(?<!-)(?<!負の )ELBO\s*を最小化|ELBO\s*≥\s*log|log p\(x\)\s*≤\s*ELBO|上界"
)


def test_no_text_taught_as_true_gets_the_elbo_sign_wrong(vae: Bank) -> None:
    bad = [
        (q.id, text)
        for q in vae.questions
        for text in taught_as_true(q)
        if ELBO_SIGN_ERROR.search(text)
    ]
    bad += [(t.id, t.meaning) for t in vae.terms if ELBO_SIGN_ERROR.search(t.meaning)]
    assert bad == []


def test_elbo_sign_pattern_catches_the_usual_slips() -> None:
    slips = ["ELBO を最小化する", "ELBO ≥ log p(x)", "ELBO は log p(x) の上界"]
    fine = ["損失 −ELBO を最小化する", "負の ELBO を最小化する", "ELBO ≤ log p(x)"]
    assert [s for s in slips if not ELBO_SIGN_ERROR.search(s)] == []
    assert [s for s in fine if ELBO_SIGN_ERROR.search(s)] == []


# --- calculation questions, recomputed ---------------------------------------------------

Values = tuple[float, ...]


@dataclass(frozen=True)
class Calc:
    """One calc question recomputed: its inputs as the stem writes them, and the values."""

    stem_has: tuple[str, ...]
    answer: Values
    mistakes: tuple[Values, ...]


def _calcs() -> dict[str, Calc]:
    """Every calc question of the bank, computed from the inputs its stem names.

    ``mistakes`` holds one value per distractor, each the result of the named mistake its
    ``why_wrong`` describes (σ² for σ, a forgotten ½, a sign, ...).
    """
    ln4 = math.log(4.0)
    n = round((2 - (-2)) / 0.5) + 1  # grid values per axis, both ends included
    k = 16

    def kl(mu: float, sigma: float) -> float:
        return -0.5 * (1 + math.log(sigma**2) - mu**2 - sigma**2)

    z1, z2, t = (1.0, 3.0), (3.0, -1.0), 0.5
    return {
        "vae-l2-08": Calc(
            ("−2 から 2 まで 0.5 刻み", "2 次元"),
            (n * n,),
            (((n - 1) ** 2,), (2 * n,), ((n + 1) ** 2,)),
        ),
        "vae-l3-04": Calc(
            ("log σ² = ln 4",),
            (math.exp(0.5 * ln4),),
            ((math.exp(ln4),), (math.exp(ln4) ** 2,), (0.5 * ln4,)),
        ),
        "vae-l3-05": Calc(
            ("K = 16", "対角共分散"), (2 * k,), ((k,), (k + k * (k + 1) // 2,), (k * k,))
        ),
        "vae-l5-02": Calc(
            ("が 85.0", "が 15.0"),
            (85.0 + 15.0,),
            ((85.0 - 15.0,), (-(85.0 + 15.0),), (85.0 * 15.0,)),
        ),
        "vae-l5-09": Calc(
            ("β = 4", "再構成誤差が 90", "が 10 のとき"),
            (90 + 4 * 10,),
            ((90 + 10,), (4 * (90 + 10),), (90 - 4 * 10,)),
        ),
        "vae-l6-03": Calc(("μ = 2、σ = 1",), (kl(2, 1),), ((2 * kl(2, 1),), (0,), (-kl(2, 1),))),
        "vae-l6-04": Calc(
            ("μ = (1, −1, 2)", "σ = (1, 1, 1)"),
            (kl(1, 1) + kl(-1, 1) + kl(2, 1),),
            ((1 + 1 + 4,), (0.5 * (1 - 1 + 2),), (0,)),
        ),
        "vae-l7-03": Calc(
            ("μ = 1.0、σ = 0.5、ε = 2.0",),
            (1.0 + 0.5 * 2.0,),
            ((1.0 + 0.5**2 * 2.0,), (1.0 + 2.0,), (1.0 * 0.5 * 2.0,)),
        ),
        "vae-l7-04": Calc(
            ("μ = −1.0", "log σ² = ln 4", "ε = 0.5"),
            (-1.0 + math.exp(0.5 * ln4) * 0.5,),
            ((-1.0 + math.exp(ln4) * 0.5,), (-1.0 + ln4 * 0.5,), (-1.0 + 0.5 * ln4 * 0.5,)),
        ),
        # ∂L/∂σ = ∂L/∂z · ∂z/∂σ with ∂z/∂σ = ε
        "vae-l8-02": Calc(
            ("σ = 2.0、ε = −1.5", "∂L/∂z = 2.0"),
            (2.0 * -1.5,),
            ((2.0,), (2.0 * -1.5 * 2.0,), (0.0,)),
        ),
        # log p(x) = ELBO + KL(q(z|x) ‖ p(z|x))
        "vae-l10-04": Calc(
            ("log p(x) = −95、ELBO = −100",),
            (-95 - (-100),),
            ((-100 - (-95),), (95 + 100,), (-95 / -100,)),
        ),
        "vae-l10-07": Calc(
            ("z₁ = (1.0, 3.0)", "z₂ = (3.0, −1.0)", "t = 0.5"),
            tuple((1 - t) * a + t * b for a, b in zip(z1, z2, strict=True)),
            (
                tuple(a + b for a, b in zip(z1, z2, strict=True)),
                tuple((a - b) / 2 for a, b in zip(z1, z2, strict=True)),
                tuple((1 - t) * a for a in z1),
            ),
        ),
    }


CALCS = _calcs()
NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?")


def numbers(option: str) -> Values:
    """The numbers an option states, in order (``z = (2.5, −0.5)`` → (2.5, -0.5))."""
    return tuple(float(n.replace("−", "-")) for n in NUMBER.findall(option))


def close(shown: Values, exact: Values) -> bool:
    # Options round to two decimals at most (−0.31 for −0.307).
    return len(shown) == len(exact) and all(
        abs(a - b) <= 0.005 for a, b in zip(shown, exact, strict=True)
    )


def test_every_calc_question_has_a_recomputation(vae: Bank) -> None:
    assert {q.id for q in vae.questions if q.kind == "calc"} == set(CALCS)


def test_option_numbers_are_parsed_as_written() -> None:
    assert numbers("z = (2.5, −0.5)") == (2.5, -0.5)
    assert numbers("∂L/∂σ = −3.0") == (-3.0,)
    assert numbers("z₁ と σ² の 81 枚") == (81.0,)
    assert close((-0.31,), (-0.307,)) and not close((-0.31,), (-0.32,))


def calc_question(vae: Bank, qid: str) -> Question:
    (q,) = [q for q in vae.questions if q.id == qid]
    return q


@pytest.mark.parametrize("qid", sorted(CALCS))
def test_calc_answer_and_distractors_are_recomputed(vae: Bank, qid: str) -> None:
    q, calc = calc_question(vae, qid), CALCS[qid]
    assert [part for part in calc.stem_has if part not in q.stem] == []
    assert close(numbers(q.answer), calc.answer), (q.answer, calc.answer)
    assert [m for m in calc.mistakes if close(m, calc.answer)] == []
    # Each distractor is exactly one named mistake, and every mistake is offered.
    left = list(calc.mistakes)
    for option in q.options:
        if option == q.answer:
            continue
        hits = [m for m in left if close(numbers(option), m)]
        assert hits, f"{qid}: {option!r} is none of the mistakes {left}"
        left.remove(hits[0])
    assert left == []
