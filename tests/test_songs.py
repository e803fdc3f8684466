"""Two songs loaded together: line ids that name their song, and a question moved from one
bank to the other that keeps its history and its Anki note (``moved_from``)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import genanki
import pytest
from fsrs import Rating

from gkentei_vae.banks import Bank, load_banks
from gkentei_vae.export.anki import QUESTION_MODEL_ID, write_apkg
from gkentei_vae.paths import quizzes_dir
from gkentei_vae.study.flashcards import flashcard_items
from gkentei_vae.study.review import question_items
from gkentei_vae.study.selection import SelectionError, matching
from gkentei_vae.study.stats import compute_stats, render_plain
from gkentei_vae.study.store import Store
from tests.conftest import FIXTURES, JST, T0, run_cli, srs_for
from tests.test_export_anki import Apkg, read_apkg

SONGS = FIXTURES / "songs"
BEFORE = SONGS / "before"
"""One VAE bank holding ``two-l2-01`` on its line L2."""
AFTER = SONGS / "after"
"""The VAE bank with ``two-l2-01`` retired, and gen.yaml holding it on G1 (moved_from: vae)."""
MOVED = "two-l2-01"


@pytest.fixture(scope="module")
def before() -> list[Bank]:
    return load_banks([BEFORE])


@pytest.fixture(scope="module")
def after() -> list[Bank]:
    return load_banks([AFTER])


def test_bundled_folder_loads_every_bank_in_it() -> None:
    banks = load_banks([quizzes_dir()])
    files = sorted(p.name for p in quizzes_dir().glob("*.yaml"))
    assert len(banks) == len(files) >= 1


def test_line_filter_serves_only_that_songs_line(after: list[Bank]) -> None:
    picks = matching(after, lines=["G1"])
    assert [(p.bank.id, p.question.id, p.question.line) for p in picks] == [("gen", MOVED, "G1")]
    assert {p.question.line for p in matching(after, lines=["L1"])} == {"L1"}
    assert [i.line_id for i in question_items(after, lines=["G2"])] == ["G2"]
    # Flashcards and topics cover both songs.
    assert {i.line_id for i in flashcard_items(after)} == {"L1", "G1"}
    assert [i.line_id for i in flashcard_items(after, lines=["G1"])] == ["G1"]
    assert {p.bank.id for p in matching(after, topics=["gan"])} == {"gen"}


def test_unknown_line_lists_every_songs_lines(after: list[Bank]) -> None:
    with pytest.raises(SelectionError, match="G1, G2, L1, L2"):
        matching(after, lines=["G9"])
    proc = run_cli("quiz", "--line", "G9", "--bank", str(AFTER))
    assert proc.returncode == 2 and "G1, G2, L1, L2" in proc.stderr


def test_moved_question_keeps_its_card_id(before: list[Bank], after: list[Bank]) -> None:
    (old,) = [p for p in matching(before) if p.question.id == MOVED]
    (new,) = [p for p in matching(after) if p.question.id == MOVED]
    assert old.bank.id == "vae" and new.bank.id == "gen"
    assert new.card_id == old.card_id == f"vae:{MOVED}"
    assert [p.card_id for p in matching(after) if p.question.id != MOVED] == [
        "gen:gen-g2-01",
        "vae:two-l1-01",
    ]


def test_history_of_a_moved_question_shows_under_its_new_line(
    store: Store, before: list[Bank], after: list[Bank]
) -> None:
    # A record of today's schema, answered while the question sat on the VAE song's L2.
    srs = srs_for(store)
    (old,) = [p for p in matching(before) if p.question.id == MOVED]
    srs.review(old.card_id, Rating.Good, duration_ms=2000, mode="quiz", now=T0)
    srs.review(old.card_id, Rating.Again, duration_ms=2000, mode="quiz", now=T0 + timedelta(1))
    was = {line.line_id: line for line in compute_stats(store, before, T0, JST).lines}
    assert (was["L2"].seen, was["L2"].answers, was["L2"].correct) == (1, 2, 1)

    stats = compute_stats(store, after, T0 + timedelta(days=2), JST)
    lines = {line.line_id: line for line in stats.lines}
    assert (lines["G1"].seen, lines["G1"].answers, lines["G1"].correct) == (1, 2, 1)
    assert lines["G1"].retrievability is not None
    assert (lines["L2"].answers, lines["L2"].cards) == (0, 0)
    # The id is retired in the VAE bank, but the question lives on: not listed as retired.
    assert stats.retired == []
    assert stats.unseen == 3 + 2 - 1  # 3 questions and 2 cloze cards, one question seen
    # Each line is listed under its song.
    assert [(line.bank_id, line.line_id) for line in stats.lines] == [
        ("gen", "G1"),
        ("gen", "G2"),
        ("vae", "L1"),
        ("vae", "L2"),
    ]
    plain = render_plain(stats)
    gen_song, vae_song = (b.song.title for b in after)
    assert plain.index(f"♪ {gen_song}") < plain.index("G1 ") < plain.index(f"♪ {vae_song}")
    assert plain.index(f"♪ {vae_song}") < plain.index("L1 ")


def test_one_song_gets_no_heading(before: list[Bank], store: Store) -> None:
    assert "♪" not in render_plain(compute_stats(store, before, T0, JST))


def test_anki_note_of_a_moved_question_keeps_its_guid(
    tmp_path: Path, before: list[Bank], after: list[Bank]
) -> None:
    write_apkg(before, tmp_path / "old.apkg", now=1_800_000_000.0)
    write_apkg(after, tmp_path / "new.apkg", now=1_800_000_100.0)
    old, new = read_apkg(tmp_path / "old.apkg"), read_apkg(tmp_path / "new.apkg")

    def guid_by_card(apkg: Apkg) -> dict[str, str]:
        return {n.fields[0]: n.guid for n in apkg.notes if n.mid == QUESTION_MODEL_ID}

    olds, news = guid_by_card(old), guid_by_card(new)
    assert olds[f"vae:{MOVED}"] == news[f"vae:{MOVED}"]
    assert news[f"vae:{MOVED}"] == genanki.guid_for("gkentei-vae", "vae", MOVED)
    # Every note the old package had and the new one still has is the same note:
    # re-importing adds only the notes that are new (none twice).
    assert {cid: g for cid, g in news.items() if cid in olds} == {
        cid: g for cid, g in olds.items() if cid in news
    }
    assert len({n.guid for n in new.notes}) == len(new.notes)


def test_home_and_stats_tables_head_each_song(store: Store, after: list[Bank]) -> None:
    from rich.console import Console

    from gkentei_vae.tui.home_screen import mastery_table
    from gkentei_vae.tui.stats_screen import lines_table

    stats = compute_stats(store, after, T0, JST)
    gen_song, vae_song = (f"♪ {bank.song.title}" for bank in after)
    for table in (mastery_table(stats), lines_table(stats)):
        console = Console(width=100, file=io.StringIO())
        console.print(table)
        text = console.file.getvalue()  # type: ignore[attr-defined]
        marks = [gen_song, "G1 ", "G2 ", vae_song, "L1 ", "L2 "]
        assert all(mark in text for mark in marks), text
        assert [text.index(mark) for mark in marks] == sorted(text.index(m) for m in marks)
