"""The item-quality linter on real YAML fixtures, and the shipped VAE bank's quality bar."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest

from gkentei_vae.banks import Bank, CheckResult, Question, check_paths
from gkentei_vae.banks.cues import opposite_similarity, option_length
from gkentei_vae.banks.lint import (
    CUE_KINDS,
    MAX_CUE_SHARE,
    MIN_CUE_QUESTIONS,
    RULES,
    cue_scores,
    lint,
)
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


def fixture_variant(tmp_path: Path, rule: str, *edits: tuple[str, str]) -> Path:
    """The fixture of ``rule`` with every occurrence of each old text replaced."""
    text = (LINT_FIXTURES / f"{rule.replace('-', '_')}.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"{rule}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rules_in(path: Path) -> list[str]:
    return [w.message.split()[0] for w in lint(checked(path))]


def test_absolute_words_in_the_key_of_a_best_question_are_no_cue(tmp_path: Path) -> None:
    path = fixture_variant(
        tmp_path,
        "foreign-model-key",
        ("両端に近い画像を交互に作り出す", "両端の画像だけを交互に作り出す"),
    )
    assert "[absolute-word]" in rules_in(path)
    path = fixture_variant(
        tmp_path,
        "foreign-model-key",
        ("両端に近い画像を交互に作り出す", "両端の画像だけを交互に作り出す"),
        ("途中の z も自然な画像になる", "途中の z だけでも自然な画像になる"),
    )
    assert "[absolute-word]" not in rules_in(path)


def test_mirrored_pair_with_plausible_other_options_is_fair(tmp_path: Path) -> None:
    path = fixture_variant(
        tmp_path,
        "mirrored-pair",
        (
            "識別器が本物と偽物を見分け、生成器と競い合う",
            "エンコーダとデコーダが同じ重みを共有する",
        ),
        ("学習率を小さくして、重みの過学習を防ぐ", "エンコーダもデコーダも分布ではなく値を出す"),
    )
    assert rules_in(path) == []


def test_name_repeated_by_a_distractor_too_is_no_cue(tmp_path: Path) -> None:
    path = fixture_variant(
        tmp_path, "name-mirror", ("KL ダイバージェンス（情報量）", "Wasserstein 重みの平均")
    )
    assert rules_in(path) == []


def moved_keys(path: Path, *moves: tuple[str, str]) -> Path:
    """A fixture whose questions (by id) take another option as key; why_wrong follows."""
    head, *blocks = path.read_text(encoding="utf-8").split("\n  - id: ")
    for qid, new in moves:
        (k,) = [k for k, block in enumerate(blocks) if block.startswith(f"{qid}\n")]
        old = re.search(r"\n    answer: (.*)\n", blocks[k])
        assert old is not None and f"      {new}: " in blocks[k], (qid, new)
        blocks[k] = (
            blocks[k]
            .replace(f"answer: {old[1]}\n", f"answer: {new}\n")
            .replace(f"      {new}: ", f"      {old[1]}: ")
        )
    path.write_text("\n  - id: ".join([head, *blocks]), encoding="utf-8")
    return path


def test_calc_keys_at_every_rank_are_fair(tmp_path: Path) -> None:
    # Two keys at each rank and two at each written position: nothing to exploit.
    path = moved_keys(
        fixture_variant(tmp_path, "calc-key-position"),
        ("c1", "z = 3.0"),
        ("c2", "400 個"),
        ("c3", "KL = 0"),
        ("c4", "28 回"),
        ("c6", "σ = 1"),
        ("c7", "σ = 0.5"),
    )
    assert rules_in(path) == []


def test_a_foreign_model_that_is_sometimes_the_key_is_fair(tmp_path: Path) -> None:
    path = moved_keys(
        fixture_variant(tmp_path, "foreign-model-key"),
        ("b1", "識別器が出す確率"),
        ("b3", "識別器への入力画像"),
    )
    assert "[foreign-model-key]" not in rules_in(path)


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
    copy = variant(
        tmp_path,
        "copy.yaml",
        ("id: lint-clean", "id: lint-copy"),
        ("L7", "M7"),  # line ids are unique across the banks checked together
        ("L6", "M6"),
    )
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


def cue_bank(kind: str, key_lengths: list[tuple[int, int, int, int]]) -> Bank:
    """A bank of ``kind`` questions; ``key_lengths[i]`` are the 4 option lengths, key first.

    The key is written at position ``i % 4`` so that answer positions stay spread.
    """
    questions = []
    for i, lengths in enumerate(key_lengths):
        options = [f"{c}{i:02d}".ljust(n, "あ") for c, n in zip("kxyz", lengths, strict=True)]
        key = options[0]
        options = options[1:]
        options.insert(i % 4, key)
        stem = f"問{i:02d} {STEM_TOPICS[i % 10]}{'、' * (i // 10)}として最も適切なものを選べ。"
        if kind == "blank":
            options = [f"（ア）（イ）{o}" for o in options]
            key = f"（ア）（イ）{key}"
            stem = f"（ア）（イ）{stem}"
        questions.append(
            Question(
                id=f"q{i}",
                line="L1",
                topics=["definition"],
                kind=kind,  # type: ignore[arg-type]
                stem=stem,
                options=options,
                answer=key,
                explanation="説明",
                why_wrong={o: "理由" for o in options if o != key},
                source="Kingma & Welling (2013) arXiv:1312.6114 §2.4",
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


LONG, SHORT, EVEN = (10, 8, 8, 8), (6, 8, 8, 8), (8, 7, 9, 8)


@pytest.mark.parametrize("kind", CUE_KINDS)
@pytest.mark.parametrize(
    ("keys", "flagged"),
    [
        ([LONG] * 2 + [EVEN] * 6, set()),  # 2 of 8 = 25 %
        ([LONG] * 3 + [EVEN] * 6, set()),  # 3 of 9 = 33 %
        ([LONG] * 3 + [EVEN] * 5, {"[longest-answer]"}),  # 3 of 8 = 37.5 %
        ([SHORT] * 3 + [EVEN] * 5, {"[shortest-answer]"}),
        ([LONG] * 7, set()),  # 7 questions of a kind: too few to judge
        ([(8, 8, 8, 7)] * 8, set()),  # tied with 2 others: 1/3 each = 33 %
        ([(8, 8, 7, 7)] * 8, {"[longest-answer]"}),  # tied with 1 other: 1/2 each = 50 %
    ],
)
def test_length_cue_thresholds(
    kind: str, keys: list[tuple[int, int, int, int]], flagged: set[str]
) -> None:
    rules = set(rules_of(cue_bank(kind, keys)))
    assert rules & {"[longest-answer]", "[shortest-answer]"} == flagged


@pytest.mark.parametrize("kind", ["blank", "calc"])
def test_length_cues_do_not_judge_blank_and_calc(kind: str) -> None:
    assert kind not in CUE_KINDS
    assert "[longest-answer]" not in rules_of(cue_bank(kind, [LONG] * 8))


def test_cue_scores_split_ties_and_count_characters_after_nfkc() -> None:
    bank = cue_bank("best", [LONG, SHORT, (8, 8, 7, 7), (8, 8, 8, 8)])
    (score,) = cue_scores(bank.questions).values()
    assert score.questions == 4
    assert score.longest == pytest.approx(1 + 0 + 1 / 2 + 1 / 4)
    assert score.shortest == pytest.approx(0 + 1 + 0 + 1 / 4)
    assert score.longest_ids == ("q0", "q2", "q3") and score.shortest_ids == ("q1", "q3")
    # Width-folded, whitespace removed: （） count like (), a space counts for nothing.
    assert option_length("（負の ELBO）") == option_length("(負のELBO)") == 8


@pytest.mark.parametrize(
    ("a", "b", "opposite"),
    [
        ("KL(q‖p) は 0 以上の値をとる", "KL(q‖p) は 0 以下の値をとる", True),
        ("ε は学習で更新されない", "ε も学習で更新される", True),
        ("VAE の学習は GAN より安定しやすい", "VAE の学習は GAN より不安定になりやすい", True),
        ("潜在空間を連続的に整える", "潜在空間を離散的に整える", True),
        # The same polarity: not opposites, however alike.
        ("VAE は学習が安定しやすい", "GAN は学習が安定しやすい", False),
        # Opposite in meaning but written differently: left to the reviewer.
        ("輪郭がくっきりする傾向がある", "大まかな形は保たれるが、細部はぼやけやすい", False),
    ],
)
def test_opposite_pairs_are_seen_when_only_polarity_words_differ(
    a: str, b: str, opposite: bool
) -> None:
    similarity = opposite_similarity(a, b)
    assert (similarity is not None and similarity >= 0.6) is opposite


def test_opposite_pair_is_only_judged_on_worst_questions(tmp_path: Path) -> None:
    flipped = (LINT_FIXTURES / "opposite_pair.yaml").read_text(encoding="utf-8")
    path = tmp_path / "best.yaml"
    path.write_text(flipped.replace("kind: worst", "kind: best"), encoding="utf-8")
    assert lint(checked(path)) == []


# --- the shipped VAE bank ---------------------------------------------------------


@pytest.fixture(scope="module")
def vae() -> Bank:
    (bank,) = check_paths([VAE_BANK]).banks
    return bank


def test_shipped_bank_is_valid_and_lint_clean() -> None:
    result = checked(REPO / "quizzes")
    assert [str(w) for w in lint(result)] == []


def test_bundled_banks_cannot_be_gamed_by_option_length() -> None:
    banks = checked(REPO / "quizzes").banks
    scores = cue_scores(q for bank in banks for q in bank.questions)
    for kind in ("best", "worst"):
        assert scores[kind].questions >= MIN_CUE_QUESTIONS
        assert scores[kind].longest_share <= MAX_CUE_SHARE, kind
        assert scores[kind].shortest_share <= MAX_CUE_SHARE, kind


def test_shipped_bank_has_exam_depth_on_every_line(vae: Bank) -> None:
    per_line = Counter(q.line for q in vae.questions)
    assert [lyric.id for lyric in vae.song.lines] == LINE_IDS
    assert {line: per_line[line] for line in LINE_IDS if per_line[line] < 9} == {}
    kinds = Counter(q.kind for q in vae.questions)
    assert set(kinds) == set(KINDS)
    assert kinds["calc"] >= 6


def test_shipped_bank_uses_every_demo_and_every_line_has_one(vae: Bank) -> None:
    # The GAN demos may sit with the GAN questions in the second song's bank.
    bundled = check_paths([REPO / "quizzes"]).banks
    assert {q.demo for bank in bundled for q in bank.questions if q.demo} == set(DEMOS)
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


# True distances the bank names (WGAN's, FID's); KL divergence is never one of them.
TRUE_DISTANCES = ("ワッサースタイン距離", "フレシェ距離", "Earth Mover's 距離")


def calls_something_a_plain_distance(text: str) -> bool:
    """距離 without the caveat (asymmetric, not a distance), once named true distances are set aside."""
    for name in TRUE_DISTANCES:
        text = text.replace(name, "")
    return "距離" in text and not re.search("ではない|非対称|満たさない", text)


def test_shipped_bank_never_teaches_kl_as_a_plain_distance(vae: Bank) -> None:
    bad = [
        (q.id, text)
        for q in vae.questions
        for text in taught_as_true(q)
        if calls_something_a_plain_distance(text)
    ]
    assert bad == []


def test_plain_distance_check_sets_aside_only_named_true_distances() -> None:
    assert calls_something_a_plain_distance("KL は分布間の距離である")
    assert calls_something_a_plain_distance("FID は分布の距離で、KL も距離である")
    assert not calls_something_a_plain_distance("FID はフレシェ距離を計算する")
    assert not calls_something_a_plain_distance("KL は非対称なので距離ではない")


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
    facts = re.findall(r"^\| (\d+) \| .* \| ((?:vae|gen)-.*) \|$", review, flags=re.MULTILINE)
    assert [int(n) for n, _ in facts] == list(range(1, 30))
