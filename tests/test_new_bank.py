"""`gkentei-vae new-bank` and the walkthrough of docs/bank-format.md, run as a learner would:
lyrics → skeleton → `check` lists what is unfinished (file:line) → the finished bank passes
`check --lint --strict`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gkentei_vae.banks import check_paths, load_banks
from gkentei_vae.banks.scaffold import (
    PLACEHOLDER,
    TEMPLATE_HEADER,
    ScaffoldError,
    bank_id_for,
    cloze_candidate,
    lyric_lines,
    skeleton,
)
from tests.conftest import REPO, run_cli

DOC = REPO / "docs" / "bank-format.md"


def walkthrough_block(name: str) -> str:
    """The fenced block after ``<!-- walkthrough: NAME -->`` in docs/bank-format.md."""
    doc = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- walkthrough: {name} -->\n```\w*\n(.*?)```\n", doc, re.DOTALL)
    assert match, name
    return match.group(1)


def lines_with(path: Path, text: str) -> list[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, start=1) if text in line]


def test_the_walkthrough_from_lyrics_to_a_bank_that_passes_strict(tmp_path: Path) -> None:
    lyrics = tmp_path / "lyrics.txt"
    lyrics.write_text(walkthrough_block("lyrics"), encoding="utf-8")
    out = tmp_path / "my-song.yaml"

    # 1. The skeleton.
    made = run_cli("new-bank", "--lyrics", str(lyrics), "--title", "GANの歌", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert str(out) in made.stdout

    # 2. check lists one unfinished template per lyric line, at its header, and the missing
    # questions; it fails with or without --strict until a question is written.
    checked = run_cli("check", "--lint", str(out))
    headers = lines_with(out, TEMPLATE_HEADER)
    assert len(headers) == 3
    for n, line_id in zip(headers, ("M1", "M2", "M3"), strict=True):
        assert f"{out}:{n}: [unfinished] 未完成: {line_id} の問題のひな形" in checked.stdout
    assert checked.returncode == 1
    assert f"{out}:{lines_with(out, 'questions:')[0]}: questions: 少なくとも1つ必要です" in (
        checked.stderr
    )

    # 3. One template uncommented as it is: its 〔未記入〕 values are listed, line by line.
    text = out.read_text(encoding="utf-8").splitlines()
    first, second = headers[0], headers[1]
    uncommented = [line.replace("  # ", "  ", 1) for line in text[first : second - 1]]
    out.write_text("\n".join([*text[: first - 1], *uncommented, *text[second - 1 :]]) + "\n")
    checked = run_cli("check", "--lint", str(out))
    for n in lines_with(out, PLACEHOLDER):
        if not out.read_text(encoding="utf-8").splitlines()[n - 1].lstrip().startswith("#"):
            assert f"{out}:{n}: [unfinished] 未完成: {PLACEHOLDER} の値が残っています" in (
                checked.stdout
            )
    assert checked.returncode == 1  # 〔未記入〕 is no topic id

    # 4. The finished bank of the walkthrough: the skeleton's song, every question written.
    finished = tmp_path / "finished" / "my-song.yaml"
    finished.parent.mkdir()
    finished.write_text(walkthrough_block("finished"), encoding="utf-8")
    strict = run_cli("check", "--lint", "--strict", str(finished))
    assert strict.returncode == 0, strict.stdout + strict.stderr
    assert "未完成" not in strict.stdout
    (bank,) = load_banks([finished])
    skeleton_song = skeleton(lyric_lines(lyrics.read_text("utf-8")), "GANの歌", "my-song")
    assert bank.id == bank_id_for(out)
    assert [(lyric.id, lyric.text) for lyric in bank.song.lines] == [
        (f"M{n}", text) for n, text in enumerate(lyric_lines(walkthrough_block("lyrics")), 1)
    ]
    assert all(f'text: "{lyric.text}"' in skeleton_song for lyric in bank.song.lines)
    assert {q.line for q in bank.questions} == {lyric.id for lyric in bank.song.lines}


def test_strict_fails_while_a_template_is_left_beside_written_questions(tmp_path: Path) -> None:
    finished = walkthrough_block("finished")
    path = tmp_path / "half.yaml"
    template = skeleton(["生成器と識別器"], "t", "my-song").split("questions:\n")[1]
    path.write_text(finished + template.replace("M1", "M3"), encoding="utf-8")
    assert check_paths([path]).ok
    plain = run_cli("check", str(path))
    assert plain.returncode == 0 and "未完成 1 件" in plain.stdout
    strict = run_cli("check", "--strict", str(path))
    (header,) = lines_with(path, TEMPLATE_HEADER)
    assert strict.returncode == 1 and f"{path}:{header}: [unfinished]" in strict.stdout


def test_skeleton_is_valid_yaml_with_the_song_and_no_question(tmp_path: Path) -> None:
    text = skeleton(["a: b # c", '"引用" と \\ 記号'], "題: 名 # x", "t", "Q")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_paths([path]).problems
    assert [p.message for p in problems] == [
        "questions: 少なくとも1つ必要です(項目が 1 つも書かれていません)"
    ]
    path.write_text(text.replace("questions:\n", "questions: []\n"), encoding="utf-8")
    from gkentei_vae.banks.safe_yaml import read_document

    data = read_document(path).data
    assert data["title"] == "題: 名 # x"
    assert [line["text"] for line in data["song"]["lines"]] == ["a: b # c", '"引用" と \\ 記号']
    assert [line["id"] for line in data["song"]["lines"]] == ["Q1", "Q2"]


@pytest.mark.parametrize(
    ("line", "cloze"),
    [
        ("そのままのサンプリングは微分ができない", "サンプリング"),
        ("VAEは変分オートエンコーダ", "変分オートエンコーダ"),
        ("ぜんぶ ひらがな", None),
    ],
)
def test_cloze_candidate_is_the_longest_word_of_the_line(line: str, cloze: str | None) -> None:
    assert cloze_candidate(line) == cloze
    if cloze:
        assert cloze in line


def test_lyrics_without_a_line_or_with_a_control_character_are_refused() -> None:
    with pytest.raises(ScaffoldError, match="歌詞の行がありません"):
        lyric_lines("\n  \n")
    with pytest.raises(ScaffoldError, match="2 行目"):
        lyric_lines("ok\nbad \x1b[2J\n")


def test_cli_refuses_to_overwrite_and_reports_bad_input(tmp_path: Path) -> None:
    lyrics = tmp_path / "l.txt"
    lyrics.write_text("一行\n", encoding="utf-8")
    out = tmp_path / "b.yaml"
    out.write_text("keep\n", encoding="utf-8")
    proc = run_cli("new-bank", "--lyrics", str(lyrics), "--title", "t", "--out", str(out))
    assert proc.returncode == 1 and "--force" in proc.stderr
    assert out.read_text(encoding="utf-8") == "keep\n"
    missing = run_cli(
        "new-bank",
        "--lyrics",
        str(tmp_path / "no.txt"),
        "--title",
        "t",
        "--out",
        str(tmp_path / "c.yaml"),
    )
    assert missing.returncode == 1 and "読み込めません" in missing.stderr
    letter = run_cli(
        "new-bank",
        "--lyrics",
        str(lyrics),
        "--title",
        "t",
        "--out",
        str(tmp_path / "d.yaml"),
        "--letter",
        "9",
    )
    assert letter.returncode == 2 and "英字 1 文字" in letter.stderr
    assert "Traceback" not in proc.stderr + missing.stderr + letter.stderr
