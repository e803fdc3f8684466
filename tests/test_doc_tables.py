"""The docs' generated tables (keys, demos) are what the code they come from says now."""

from __future__ import annotations

import pytest

from gkentei_vae.demo_registry import DEMOS
from gkentei_vae.tui import doc_tables
from tests.conftest import REPO


@pytest.mark.parametrize("doc", doc_tables.DOCS)
def test_generated_blocks_are_up_to_date(doc: str) -> None:
    text = (REPO / doc).read_text(encoding="utf-8")
    assert doc_tables.BLOCK.search(text), f"{doc} has no generated block"
    assert doc_tables.rewrite(text) == text, (
        f"{doc} is out of date: run `python -m gkentei_vae.tui.doc_tables`"
    )


def test_every_block_name_is_known() -> None:
    known = set(doc_tables.tables())
    for doc in doc_tables.DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        names = {m.group("name") for m in doc_tables.BLOCK.finditer(text)}
        assert names <= known, f"{doc}: unknown blocks {sorted(names - known)}"


def test_a_changed_binding_makes_the_readme_stale() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    stale = text.replace("`n / Enter` 次へ", "`n` 次へ", 1)
    assert stale != text and doc_tables.rewrite(stale) == text


def test_the_demo_table_lists_every_registered_demo() -> None:
    table = doc_tables.demos_table()
    for demo in DEMOS.values():
        assert f"| `{demo.id}` | {demo.title} |" in table
