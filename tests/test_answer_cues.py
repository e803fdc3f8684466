"""The test-wise adversary (gkentei_vae/banks/cues.py): each strategy on a question whose
answer to it is known, the scorer's arithmetic, and the benchmark's output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gkentei_vae.banks import Question, load_banks
from gkentei_vae.banks.cues import (
    COMBINED,
    MIN_JUDGED,
    STRATEGIES,
    item_score,
    kind_scores,
    mirrored,
    over_budget,
)
from gkentei_vae.paths import quizzes_dir
from tests.conftest import FIXTURES, REPO

CUES = FIXTURES / "cues" / "cues.yaml"


@pytest.fixture(scope="module")
def questions() -> dict[str, Question]:
    (bank,) = load_banks([CUES])
    return {q.id: q for q in bank.questions}


EXPECTED: dict[tuple[str, str], frozenset[int] | None] = {
    ("longest", "len"): frozenset({2}),
    ("shortest", "len"): frozenset({0}),
    ("largest", "calc"): frozenset({3}),
    ("2nd-largest", "calc"): frozenset({1}),
    ("2nd-smallest", "calc"): frozenset({2}),
    ("smallest", "calc"): frozenset({0}),
    ("interior", "calc"): frozenset({1, 2}),
    ("largest", "len"): None,  # not a calc question
    ("avoid-absolute", "abs-best"): frozenset({0, 2, 3}),
    ("take-absolute", "abs-worst"): frozenset({2}),
    ("take-absolute", "abs-best"): None,  # a 最も適切 question
    ("stem-words", "stem"): frozenset({3}),
    ("modal-terms", "blank"): frozenset({0}),
    ("foreign-model", "foreign"): frozenset({0, 3}),
    ("foreign-model", "len"): None,  # no option names another model
    ("mirrored-pair", "pair"): frozenset({0, 3}),
    ("name-mirror", "mirror"): frozenset({1}),
}
"""What each strategy chooses among on the fixture's questions (None: it does not apply)."""


def strategy(strategy_id: str):  # type: ignore[no-untyped-def]
    (found,) = [s for s in STRATEGIES if s.id == strategy_id]
    return found


@pytest.mark.parametrize(("strategy_id", "qid"), sorted(EXPECTED))
def test_each_strategy_chooses_what_it_should(
    questions: dict[str, Question], strategy_id: str, qid: str
) -> None:
    assert strategy(strategy_id).candidates(questions[qid]) == EXPECTED[(strategy_id, qid)]


def test_every_strategy_has_a_fixture_question() -> None:
    assert {s.id for s in STRATEGIES} == {sid for sid, _ in EXPECTED}


def test_combined_player_applies_every_elimination_in_turn(
    questions: dict[str, Question],
) -> None:
    # foreign-model strikes 識別器 and 拡散; nothing else applies.
    assert COMBINED.candidates(questions["foreign"]) == frozenset({0, 3})
    # avoid-absolute strikes the option with 必ず.
    assert COMBINED.candidates(questions["abs-best"]) == frozenset({0, 2, 3})
    # calc: interior leaves the two middle values.
    assert COMBINED.candidates(questions["calc"]) == frozenset({1, 2})
    # mirrored-pair keeps the swapped pair.
    assert COMBINED.candidates(questions["pair"]) == frozenset({0, 3})


def test_item_score_splits_ties_and_counts_a_guess_where_nothing_applies(
    questions: dict[str, Question],
) -> None:
    q = questions["calc"]  # key: option 1
    assert item_score(q, frozenset({1})) == 1.0
    assert item_score(q, frozenset({1, 2})) == 0.5
    assert item_score(q, frozenset({0, 2, 3})) == 0.0
    assert item_score(q, None) == 0.25


def test_kind_scores_average_over_every_question_of_the_kind(
    questions: dict[str, Question],
) -> None:
    scores = kind_scores(strategy("interior"), questions.values())
    # one calc question, key interior: 1/2; the 4 best questions it does not apply to: 1/4
    assert scores["calc"].expected == 0.5 and scores["calc"].applies == 1
    assert scores["best"].expected == pytest.approx(5 * 0.25)
    assert scores["best"].applies == 0 and not scores["best"].judged
    assert MIN_JUDGED == 8


def test_mirrored_options() -> None:
    assert mirrored("エンコーダが p、デコーダが q", "エンコーダが q、デコーダが p")
    assert mirrored("分散が大きくなる", "分散が小さくなる")
    assert not mirrored("分散が大きくなる", "分散が大きくなる")
    assert not mirrored("平均を出力する", "識別器が本物か判定する")


def test_small_kinds_are_not_judged(questions: dict[str, Question]) -> None:
    # Every strategy scores 100 % on some fixture question, but no kind has 8 questions.
    assert over_budget(list(questions.values())) == []


def test_benchmark_prints_the_table_and_ends_with_combined() -> None:
    proc = subprocess.run(
        [sys.executable, "benchmarks/answer_cues.py", str(CUES)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("combined=best:") and "PASS" in lines[-1]
    for s in (*STRATEGIES, COMBINED):
        assert any(line.startswith(s.id + " ") for line in lines), s.id


def test_bundled_banks_cannot_be_beaten_by_the_test_wise_adversary() -> None:
    """Every strategy ≤ 35 % and the combined player ≤ 40 % on every kind with ≥ 8 questions
    (the budgets of docs/bank-format.md, "The test-wise adversary")."""
    banks = load_banks([quizzes_dir()])
    questions = [q for bank in banks for q in bank.questions]
    assert len(banks) >= 2
    assert [str(verdict) for verdict in over_budget(questions)] == []
