"""docs/design.md is the reference the code cites: its tables are the code's facts."""

from __future__ import annotations

import re

import pytest

from gkentei_vae.banks.vocab import KINDS, TOPICS
from gkentei_vae.study.exam import PASS_MARK, SECONDS_PER_QUESTION
from gkentei_vae.study.selection import load_default_banks
from tests.conftest import REPO

DESIGN = (REPO / "docs" / "design.md").read_text(encoding="utf-8")


def section(heading: str) -> str:
    start = DESIGN.index(heading)
    end = DESIGN.find("\n### ", start + len(heading))
    end2 = DESIGN.find("\n## ", start + len(heading))
    ends = [e for e in (end, end2) if e != -1]
    return DESIGN[start : min(ends) if ends else len(DESIGN)]


def rows(text: str) -> list[list[str]]:
    """The cells of every markdown table row after the header separator."""
    out = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"\|[-| ]+\|$", line):
            out.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return out[1:] if out else out


@pytest.mark.parametrize(("bank_id", "heading"), [("vae", "### 2.1 "), ("gen", "### 2.1.1 ")])
def test_lyric_table_is_the_bundled_song(bank_id: str, heading: str) -> None:
    (bank,) = [b for b in load_default_banks() if b.id == bank_id]
    table = rows(section(heading))
    assert table == [[ln.id, ln.text, ln.topic or ""] for ln in bank.song.lines]


def test_topic_table_is_the_vocabulary() -> None:
    assert rows(section("### 2.2")) == [[k, v] for k, v in TOPICS.items()]


def test_kind_table_is_the_vocabulary() -> None:
    assert rows(section("### 2.4")) == [[k, v] for k, v in KINDS.items()]


def test_exam_numbers_are_the_code() -> None:
    exam = section("## 5. The exam")
    assert f"SECONDS_PER_QUESTION = {SECONDS_PER_QUESTION}" in exam
    assert f"PASS_MARK = {PASS_MARK:.2f}" in exam


@pytest.mark.parametrize("folder", ["gkentei_vae", "docs", "quizzes", "tests", "benchmarks"])
def test_nothing_cites_a_design_file_outside_the_repository(folder: str) -> None:
    citing = [
        str(path.relative_to(REPO))
        for path in (REPO / folder).rglob("*")
        if path.is_file()
        and path.suffix in (".py", ".md", ".yaml", ".tcss")
        and path.name != "test_design_doc.py"
        and "DESIGN.md" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert citing == []
    assert "DESIGN.md" not in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_pictures_exist_and_the_doc_images_script_makes_them() -> None:
    # Tests never write them (§7): scripts/doc_images.py does, and names each one.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((docs/images/[^)]+\.png)\)", readme)
    assert pictures
    script = (REPO / "scripts" / "doc_images.py").read_text(encoding="utf-8")
    for picture in pictures:
        path = REPO / picture
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture
        assert f'"{path.name}"' in script, f"scripts/doc_images.py does not make {picture}"
    assert "scripts/doc_images.py" in section("## 7. Testing")
    assert "scripts/record_demos.py" in section("## 7. Testing")
