"""Japanese line breaking (gkentei_vae/jatext.py): the walkthrough's bad breaks, and the
rules over every string of the bundled banks at three widths."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from gkentei_vae.jatext import NO_END, NO_START, fill, line_spans, min_width, wrap
from gkentei_vae.study.selection import load_default_banks
from tests.wrap_rules import ISSUE_NO_END, ISSUE_NO_START, violations

WIDTHS = (40, 80, 120)


def bank_strings() -> list[tuple[str, str]]:
    """(where, text) for every stem, option, explanation, why_wrong and lyric of the bundled banks."""
    out: list[tuple[str, str]] = []
    for bank in load_default_banks():
        out += [(f"{bank.id}:{line.id}", line.text) for line in bank.song.lines]
        for q in bank.questions:
            out.append((f"{q.id}:stem", q.stem))
            out += [(f"{q.id}:option{i}", o) for i, o in enumerate(q.options)]
            out.append((f"{q.id}:explanation", q.explanation))
            out += [(f"{q.id}:why_wrong:{k}", v) for k, v in q.why_wrong.items()]
    return out


BANK_STRINGS = bank_strings()


def test_the_rule_sets_hold_the_characters_the_issue_names() -> None:
    assert set(ISSUE_NO_START) <= NO_START
    assert set(ISSUE_NO_END) <= NO_END


def test_the_bank_strings_are_many_and_long_enough_to_wrap() -> None:
    assert len(BANK_STRINGS) > 1000
    assert sum(cell_len(text) > 120 for _, text in BANK_STRINGS) > 100


@pytest.mark.parametrize("width", WIDTHS)
def test_every_bank_string_wraps_by_the_rules(width: int) -> None:
    failures = []
    for where, text in BANK_STRINGS:
        lines = wrap(text, width)
        broken = violations(text, lines, width)
        if broken:
            failures.append(f"{where} @{width}: {broken}")
    assert failures == []


# -- the walkthrough's bad breaks (review 2026-12-06 §B2), at every width that could make them --

WALKTHROUGH = [
    # (what the walkthrough saw, the text, narrowest width, no line may end with this)
    (
        "GAN⏎の識別器は",
        "GAN の識別器は、本物のデータには 1 を、生成データには 0 を出力するように学習する。",
        6,
        "GAN",
    ),
    (
        "解説: rsample()⏎は",
        "解説: rsample() は再パラメータ化トリックを使うので、勾配が μ と σ に流れる。",
        16,
        "rsample()",
    ),
    (
        "約 4⏎億組",
        "CLIP は、インターネットから集めた約 4 億組の画像とテキストの対で学習された。",
        10,
        "4",
    ),
    (
        "kl-⏎training",
        "デモ: kl-training(再構成誤差と KL の学習曲線)、beta-compare(β=0 と β=1 の比較)",
        12,
        "-",
    ),
    (
        "β=1⏎の比較",
        "beta-compare(β=0 と β=1 の比較)、reparam(再パラメータ化トリックの勾配)",
        14,
        "β=1",
    ),
]


@pytest.mark.parametrize(
    ("seen", "text", "narrowest", "bad_end"), WALKTHROUGH, ids=[w[0] for w in WALKTHROUGH]
)
def test_a_term_or_number_stays_with_what_follows(
    seen: str, text: str, narrowest: int, bad_end: str
) -> None:
    for width in range(narrowest, 60):
        lines = wrap(text, width)
        assert not any(line.endswith(bad_end) for line in lines), (width, lines)
        assert violations(text, lines, width) == [], width


def test_no_line_starts_with_a_comma() -> None:
    # 「ゼロショット分類ができ⏎、テキストエンコーダ」
    text = "画像とテキストを同じ空間に埋め込むので、ゼロショット分類ができ、テキストエンコーダだけを後で使える。"
    # From 6 cells: at 4, 「ショット」 can only break before a small kana.
    for width in range(6, 60):
        lines = wrap(text, width)
        assert not any(line[:1] in NO_START for line in lines[1:]), (width, lines)


# -- the function's own contract ---------------------------------------------------------


def test_only_a_phrase_wider_than_the_line_is_folded() -> None:
    word = "Kullback-Leibler-divergence"
    lines = wrap(f"これは {word} です", 10)
    assert all(cell_len(line) <= 10 for line in lines)
    assert "".join(lines).replace(" ", "") == f"これは{word}です"
    assert min_width(f"これは {word} です") >= cell_len(word)


def test_spans_index_the_text_and_keep_newlines_as_paragraphs() -> None:
    text = "一行目です。\n\n二行目は少し長いので、ここで折り返されるはずです。"
    spans = line_spans(text, 20)
    assert [text[a:b] for a, b in spans] == wrap(text, 20)
    assert wrap(text, 20)[1] == ""  # the blank paragraph stays
    assert fill(text, 200) == text


@pytest.mark.parametrize("width", [0, 1, 2, 3])
def test_tiny_widths_still_make_progress(width: int) -> None:
    text = "「GAN」は、log(1 − D(G(z))) を最小化する。"
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_hanging_indent_lines_up_the_lines_after_the_first() -> None:
    text = (
        "・VAE の画像のほうが灰色: インクの画素のうち灰色は VAE 77%、GAN 48% (本物 49%)。\n・次の文"
    )
    lines = wrap(text, 30, hang=2)
    assert lines[0].startswith("・") and lines[-1] == "・次の文"
    assert all(line.startswith("  ") for line in lines[1:-1])
    assert violations(text, lines, 30) == []
