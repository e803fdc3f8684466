"""The second song's bank (quizzes/gen.yaml) held to the rules the VAE bank is held to.

The checks themselves live in tests/test_bank_content.py (one home); this module runs the
ones that are about a bank's own text on the generative-models bank, and adds what is
particular to it: its lines, its term cards, and where its moved questions came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest

import tests.test_bank_content as content
from gkentei_vae.banks import Bank, check_paths
from gkentei_vae.banks.vocab import LEVELS
from tests.conftest import REPO

GEN_BANK = REPO / "quizzes" / "gen.yaml"


@pytest.fixture(scope="module")
def gen() -> Bank:
    result = check_paths([GEN_BANK])
    assert result.ok, [str(p) for p in result.problems]
    (bank,) = result.banks
    return bank


SHARED_RULES: list[Callable[[Bank], None]] = [
    content.test_every_lyric_line_has_a_cloze_that_occurs_once_in_its_text,
    content.test_every_lyric_line_has_a_glossary_card,
    content.test_term_meanings_are_one_or_two_sentences,
    content.test_no_text_taught_as_true_gets_the_elbo_sign_wrong,
    content.test_learner_text_uses_full_width_parentheses_for_japanese_asides,
    content.test_stems_use_the_jdla_instruction_of_their_kind,
    content.test_stems_do_not_quote_the_song,
]


@pytest.mark.parametrize("rule", SHARED_RULES, ids=lambda rule: rule.__name__[len("test_") :])
def test_gen_bank_follows_the_shared_rule(gen: Bank, rule: Callable[[Bank], None]) -> None:
    rule(gen)


def test_lines_are_g1_to_g10_each_with_a_topic(gen: Bank) -> None:
    assert [lyric.id for lyric in gen.song.lines] == [f"G{i}" for i in range(1, 11)]
    assert [lyric.id for lyric in gen.song.lines if not lyric.topic] == []


def test_every_question_sets_its_level(gen: Bank) -> None:
    doc = content.read_document(GEN_BANK)
    assert [q.get("id") for q in doc.data["questions"] if "level" not in q] == []
    assert set(Counter(q.level for q in gen.questions)) == set(LEVELS)


def test_moved_questions_keep_their_vae_ids_and_are_retired_there(gen: Bank) -> None:
    """A moved question keeps the id its history is keyed on; new ones are gen-g<line>-nn."""
    (vae,) = check_paths([content.VAE_BANK]).banks
    retired = {r.id for r in vae.retired}
    moved = [q for q in gen.questions if q.moved_from]
    assert moved and {q.moved_from for q in moved} == {"vae"}
    assert [q.id for q in moved if not q.id.startswith("vae-l") or q.id not in retired] == []
    new = [q for q in gen.questions if not q.moved_from]
    misnamed = [q.id for q in new if not q.id.startswith(f"gen-{q.line.lower()}-")]
    assert misnamed == []


def test_content_review_has_a_row_for_every_question(gen: Bank) -> None:
    review = (REPO / "docs" / "content-review.md").read_text(encoding="utf-8")
    reviewed = set(re.findall(r"^\| ((?:vae-l|gen-g)\d+-\d+) \| (G\d+) \|", review, re.MULTILINE))
    assert {(q.id, q.line) for q in gen.questions} - reviewed == set()
