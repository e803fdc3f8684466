"""The item-quality linter on real YAML fixtures, and the shipped VAE bank's quality bar."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest

from gkentei_vae.banks import Bank, CheckResult, Question, check_paths
from gkentei_vae.banks.lint import RULES, lint
from gkentei_vae.banks.validate import to_bank
from gkentei_vae.banks.vocab import KINDS
from gkentei_vae.demo_registry import DEMOS
from tests.conftest import FIXTURES, REPO

LINT_FIXTURES = FIXTURES / "lint"
CLEAN = LINT_FIXTURES / "clean.yaml"
VAE_BANK = REPO / "quizzes" / "vae.yaml"
LINE_IDS = [f"L{n}" for n in range(1, 11)]


def checked(*paths: Path) -> CheckResult:
    result = check_paths(list(paths))
    assert result.ok, [str(p) for p in result.problems]
    return result


def marked_line(path: Path, rule: str) -> int:
    """The line a fixture marks with ``# lint: RULE``: where the warning must point."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [n for n, text in enumerate(lines, start=1) if text.endswith(f"# lint: {rule}")]
    assert len(hits) == 1, f"{path.name} must mark exactly one line for {rule}"
    return hits[0]


def variant(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    """clean.yaml with every occurrence of each old text replaced (options, answer, why_wrong)."""
    text = CLEAN.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_is_flagged_on_its_fixture_at_the_marked_line(rule: str) -> None:
    path = LINT_FIXTURES / f"{rule.replace('-', '_')}.yaml"
    warnings = lint(checked(path))
    assert [(w.path, w.line) for w in warnings] == [(str(path), marked_line(path, rule))]
    assert warnings[0].message.startswith(f"[{rule}] {RULES[rule]}: ")


def test_clean_fixture_gets_no_warnings() -> None:
    assert lint(checked(CLEAN)) == []


def test_absolute_word_used_in_two_options_is_not_a_giveaway(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "two.yaml",
        ("対称性と三角不等式を満たす距離である", "対称性と三角不等式を必ず満たす距離である"),
        ("KL(q‖p) は 0 以上の値をとる", "KL(q‖p) は必ず 0 以上の値をとる"),
    )
    assert lint(checked(path)) == []


def test_near_duplicate_stem_is_flagged_with_its_similarity(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        "near.yaml",
        (
            "μ = 1.0、σ = 0.5、ε = 2.0 のとき z = μ + σε の値として最も適切なものを選べ。",
            "再パラメータ化トリックの数式として最も適切なものを選べ。",
        ),
    )
    (warning,) = lint(checked(path))
    assert warning.message.startswith("[duplicate-stem]")
    assert "c1" in warning.message and "類似度" in warning.message


def test_duplicate_stems_in_another_bank_name_that_file(tmp_path: Path) -> None:
    copy = variant(tmp_path, "copy.yaml", ("id: lint-clean", "id: lint-copy"))
    warnings = lint(checked(CLEAN, copy))
    assert [w.message.split()[0] for w in warnings] == ["[duplicate-stem]"] * 4
    assert {w.path for w in warnings} == {str(copy)}
    assert all(f"{CLEAN}:" in w.message for w in warnings)


STEM_TOPICS = (
    "エンコーダの出力 事前分布の形 再構成誤差の意味 正則化項の働き 潜在空間の補間 "
    "識別器の役割 拡散過程の向き 勾配の流れ方 損失関数の符号 生成の手順"
).split()


def make_bank(positions: list[int], lengths: tuple[int, int] = (4, 4), source: str = "") -> Bank:
    """A bank whose i-th question has its answer written at ``positions[i]``.

    Options are ``lengths[0]`` characters long, except the last, which is ``lengths[1]``.
    """
    questions = []
    for i, pos in enumerate(positions):
        options = [f"{c}{i}".ljust(lengths[0], "あ") for c in "abcd"]
        options[3] = options[3].ljust(lengths[1], "い")
        answer = options[pos]
        questions.append(
            Question(
                id=f"q{i}",
                line="L1",
                topics=["definition"],
                kind="best",
                stem=f"{STEM_TOPICS[i]}として最も適切なものを選べ。",
                options=options,
                answer=answer,
                explanation="説明",
                why_wrong={o: "理由" for o in options if o != answer},
                source=source or "Kingma & Welling (2013) arXiv:1312.6114 §2.4",
            )
        )
    return to_bank(
        {
            "id": "made",
            "title": "t",
            "song": {"title": "s", "lines": [{"id": "L1", "text": "歌詞"}]},
            "questions": [asdict(q) for q in questions],
        }
    )


def rules_of(bank: Bank) -> list[str]:
    result = CheckResult(banks=[bank], paths={bank.id: Path("made.yaml")})
    return [w.message.split()[0] for w in lint(result)]


def test_made_banks_are_clean_by_default() -> None:
    assert rules_of(make_bank([0, 1, 2, 3, 0, 1, 2, 3, 0, 1])) == []


@pytest.mark.parametrize(
    ("positions", "flagged"),
    [
        ([0, 0, 1, 2, 3], False),  # 2 of 5 = 40 %, but no spread of 5 does better
        ([0, 0, 0, 1, 2, 3, 1, 2, 3], False),  # 3 of 9 = 33 %
        ([0, 0, 0, 1, 2, 3, 1, 2], True),  # 3 of 8 = 37.5 %, and 2 each was possible
        ([3, 3, 3, 3, 3, 3, 0, 1, 2, 0], True),
    ],
)
def test_answer_position_threshold(positions: list[int], flagged: bool) -> None:
    assert ("[answer-position]" in rules_of(make_bank(positions))) is flagged


@pytest.mark.parametrize(("lengths", "flagged"), [((4, 8), False), ((4, 9), True)])
def test_option_length_ratio_limit_is_two(lengths: tuple[int, int], flagged: bool) -> None:
    assert ("[option-length]" in rules_of(make_bank([0, 1, 2, 3], lengths))) is flagged


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("TODO", True),
        ("不明", True),
        ("n/a", True),
        ("Bishop", True),
        ("TBD: Kingma & Welling", True),
        ("Kingma & Welling (2013) arXiv:1312.6114 §3", False),
        ("PyTorch documentation, torch.distributions", False),
    ],
)
def test_placeholder_sources_are_flagged(source: str, flagged: bool) -> None:
    assert ("[source]" in rules_of(make_bank([0, 1, 2, 3], source=source))) is flagged


# --- the shipped VAE bank ---------------------------------------------------------


@pytest.fixture(scope="module")
def vae() -> Bank:
    (bank,) = check_paths([VAE_BANK]).banks
    return bank


def test_shipped_bank_is_valid_and_lint_clean() -> None:
    result = checked(VAE_BANK)
    assert [str(w) for w in lint(result)] == []


def test_shipped_bank_has_exam_depth_on_every_line(vae: Bank) -> None:
    per_line = Counter(q.line for q in vae.questions)
    assert [lyric.id for lyric in vae.song.lines] == LINE_IDS
    assert {line: per_line[line] for line in LINE_IDS if per_line[line] < 8} == {}
    kinds = Counter(q.kind for q in vae.questions)
    assert set(kinds) == set(KINDS)
    assert kinds["calc"] >= 6


def test_shipped_bank_uses_every_demo_and_every_line_has_one(vae: Bank) -> None:
    assert {q.demo for q in vae.questions if q.demo} == set(DEMOS)
    with_demo = {q.line for q in vae.questions if q.demo}
    assert [line for line in LINE_IDS if line not in with_demo] == []


def test_reparam_questions_are_keyed_to_l7_or_l8(vae: Bank) -> None:
    reparam = [q for q in vae.questions if "reparam" in q.topics]
    assert len(reparam) >= 8
    assert {q.line for q in reparam} <= {"L7", "L8"}


@pytest.mark.parametrize(
    "keyword", ["β-VAE", "VQ-VAE", "条件付き VAE", "事後分布の崩壊", "ELBO", "拡散"]
)
def test_variants_topic_covers(vae: Bank, keyword: str) -> None:
    texts = [q.stem + "".join(q.options) for q in vae.questions if "variants" in q.topics]
    assert any(keyword in text for text in texts)


def taught_as_true(q: Question) -> list[str]:
    """The texts a learner is told are correct: explanations and the true options."""
    if q.kind == "worst":
        return [q.explanation, *(o for o in q.options if o != q.answer)]
    return [q.explanation, q.answer]


def test_shipped_bank_never_teaches_kl_as_a_plain_distance(vae: Bank) -> None:
    bad = [
        (q.id, text)
        for q in vae.questions
        for text in taught_as_true(q)
        if "距離" in text and not re.search("ではない|非対称|満たさない", text)
    ]
    assert bad == []


def test_shipped_bank_never_teaches_sigma_as_the_variance(vae: Bank) -> None:
    bad = [
        (q.id, text)
        for q in vae.questions
        for text in taught_as_true(q)
        if re.search(r"(?<!「)σ\s*は分散|分散\s*σ(?!²)|分散（σ）|分散\(σ\)", text)
    ]
    assert bad == []


# --- docs/bank-format.md ------------------------------------------------------------


def test_bank_format_doc_example_is_the_example_file_and_is_clean() -> None:
    doc = (REPO / "docs" / "bank-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", doc, flags=re.MULTILINE | re.DOTALL)
    example = REPO / "docs" / "example-bank.yaml"
    assert example.read_text(encoding="utf-8") in blocks
    assert lint(checked(example)) == []


def test_content_review_has_a_row_for_every_question(vae: Bank) -> None:
    review = (REPO / "docs" / "content-review.md").read_text(encoding="utf-8")
    reviewed = set(re.findall(r"^\| (vae-l\d+-\d+) \| (L\d+) \|", review, flags=re.MULTILINE))
    assert {(q.id, q.line) for q in vae.questions} - reviewed == set()
    facts = re.findall(r"^\| (\d+) \| .* \| (vae-.*) \|$", review, flags=re.MULTILINE)
    assert [int(n) for n, _ in facts] == list(range(1, 16))
