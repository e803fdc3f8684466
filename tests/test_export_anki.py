"""Anki export: the .apkg read back as what it is, a zip holding a SQLite collection."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki
import pytest

from gkentei_vae.banks import Bank, load_banks
from gkentei_vae.export.anki import (
    CLOZE_MODEL_ID,
    QUESTION_FIELDS,
    QUESTION_MODEL_ID,
    TERM_MODEL_ID,
    deck_id,
    write_apkg,
)
from gkentei_vae.paths import quizzes_dir
from tests.conftest import FIXTURES, MINI_BANK, run_cli

TERMS_YAML = """
terms:
  - id: reparam
    line: L7
    term: 再パラメータ化トリック
    meaning: z = μ + σ⊙ε として乱数を ε に移し、勾配を μ と σ に届ける手法。
  - id: backprop
    line: L8
    term: 誤差逆伝播法
    meaning: 出力の誤差の勾配を連鎖律で入力側へ伝える学習法。
"""


@dataclass
class Note:
    id: int
    guid: str
    mid: int
    mod: int
    tags: set[str]
    fields: list[str]


@dataclass
class Apkg:
    notes: list[Note]
    cards: list[tuple[int, int, int, int]]
    """(id, note id, deck id, ord)"""
    decks: dict[int, str]
    models: dict[int, dict]

    def by_field(self, mid: int, index: int, value: str) -> Note:
        (note,) = [n for n in self.notes if n.mid == mid and n.fields[index] == value]
        return note

    def question(self, card_id: str) -> dict[str, str]:
        note = self.by_field(QUESTION_MODEL_ID, 0, card_id)
        names = [field["name"] for field in self.models[QUESTION_MODEL_ID]["flds"]]
        return dict(zip(names, note.fields, strict=True))


def read_apkg(path: Path) -> Apkg:
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["collection.anki2", "media"]
        assert json.loads(zf.read("media")) == {}
        data = zf.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(data)
    try:
        notes = [
            Note(nid, guid, mid, mod, set(tags.split()), flds.split("\x1f"))
            for nid, guid, mid, mod, tags, flds in conn.execute(
                "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"
            )
        ]
        cards = list(conn.execute("SELECT id, nid, did, ord FROM cards ORDER BY id"))
        decks_json, models_json = conn.execute("SELECT decks, models FROM col").fetchone()
    finally:
        conn.close()
    decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
    models = {int(k): v for k, v in json.loads(models_json).items()}
    return Apkg(notes, cards, decks, models)


def mini_variant(tmp_path: Path, *replacements: tuple[str, str], extra: str = "") -> Path:
    """A copy of the mini bank with some text replaced (each must occur) and YAML appended."""
    text = MINI_BANK.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / "variant" / "mini.yaml"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + extra, encoding="utf-8")
    return out


def export(banks: list[Bank], path: Path, now: float = 1_800_000_000.0) -> Apkg:
    write_apkg(banks, path, now=now)
    return read_apkg(path)


@pytest.fixture(scope="module")
def mini() -> list[Bank]:
    return load_banks([MINI_BANK])


@pytest.fixture(scope="module")
def mini_apkg(mini: list[Bank], tmp_path_factory: pytest.TempPathFactory) -> Apkg:
    return export(mini, tmp_path_factory.mktemp("apkg") / "mini.apkg")


def test_one_note_per_question_and_per_cloze_line_in_the_banks_deck(mini_apkg: Apkg) -> None:
    by_model = {mid: [n for n in mini_apkg.notes if n.mid == mid] for mid in mini_apkg.models}
    assert len(by_model[QUESTION_MODEL_ID]) == 4
    assert len(by_model[CLOZE_MODEL_ID]) == 3  # L3, L7 and L8 all name a cloze term
    assert TERM_MODEL_ID not in by_model  # the mini bank has no glossary
    assert len(mini_apkg.notes) == 7
    # One card per note, every card in the bank's deck.
    assert sorted(nid for _, nid, _, _ in mini_apkg.cards) == sorted(n.id for n in mini_apkg.notes)
    assert {did for _, _, did, _ in mini_apkg.cards} == {deck_id("mini")}
    assert mini_apkg.decks[deck_id("mini")] == "G検定 VAE覚えうた::テスト用ミニバンク"
    assert mini_apkg.models[CLOZE_MODEL_ID]["type"] == genanki.Model.CLOZE
    names = [f["name"] for f in mini_apkg.models[QUESTION_MODEL_ID]["flds"]]
    assert names == list(QUESTION_FIELDS)
    assert names[:4] == ["Id", "Lyric", "Instruction", "Stem"]


def test_question_note_front_and_back_fields(mini_apkg: Apkg) -> None:
    q = mini_apkg.question("mini:mini-02")
    assert q["Lyric"] == "♪ L8 ノイズを外部から与えて分離 誤差逆伝播法を可能にする"
    assert q["Instruction"] == "最も不適切なものを選べ"
    assert q["Stem"] == "再パラメータ化トリックについて、最も不適切なものを選べ。"
    assert q["Options"] == (
        '<div class="option">1. ノイズ ε を標準正規分布から外部入力として与える</div>'
        '<div class="option">2. z が μ と σ の微分可能な関数になる</div>'
        '<div class="option">3. サンプリングした z から μ への勾配は 0 になる</div>'
        '<div class="option">4. エンコーダまで誤差逆伝播法で学習できる</div>'
    )
    assert q["Answer"] == "3. サンプリングした z から μ への勾配は 0 になる"
    assert q["Explanation"].startswith("z = μ + σ⊙ε なので ∂z/∂μ = 1。")
    # A reason for each wrong option, numbered as on the front; none for the answer.
    assert q["WhyWrong"].count('<div class="why">') == 3
    assert "1. ノイズ ε を標準正規分布から外部入力として与える — トリックの中心" in q["WhyWrong"]
    assert "3. " not in q["WhyWrong"]
    assert q["Source"] == (
        "Kingma &amp; Welling (2013) Auto-Encoding Variational Bayes, arXiv:1312.6114, §2.4"
    )
    assert q["Demo"] == ""
    assert mini_apkg.question("mini:mini-04")["Demo"] == "再パラメータ化トリックの勾配(reparam)"


def test_cloze_note_blanks_the_lines_key_term(mini_apkg: Apkg) -> None:
    note = mini_apkg.by_field(CLOZE_MODEL_ID, 3, "mini:cloze:L7")
    assert note.fields[0] == (
        "そのままのサンプリングは微分ができない そこで使う{{c1::再パラメータ化トリック}}"
    )
    assert note.fields[1] == "♪ L7 · 再パラメータ化トリック"
    assert note.tags == {"gkentei-vae", "bank::mini", "line::L7", "topic::reparam"}


def test_tags_name_bank_line_and_every_topic(mini_apkg: Apkg) -> None:
    note = mini_apkg.by_field(QUESTION_MODEL_ID, 0, "mini:mini-04")
    assert note.tags == {
        "gkentei-vae",
        "bank::mini",
        "line::L7",
        "topic::reparam",
        "topic::latent",
    }
    note = mini_apkg.by_field(QUESTION_MODEL_ID, 0, "mini:mini-03")
    assert note.tags == {"gkentei-vae", "bank::mini", "line::L3", "topic::encoder"}


def test_guids_come_from_bank_and_question_ids(mini_apkg: Apkg) -> None:
    note = mini_apkg.by_field(QUESTION_MODEL_ID, 0, "mini:mini-01")
    assert note.guid == genanki.guid_for("gkentei-vae", "mini", "mini-01")
    cloze = mini_apkg.by_field(CLOZE_MODEL_ID, 3, "mini:cloze:L3")
    assert cloze.guid == genanki.guid_for("gkentei-vae", "mini", "cloze", "L3")


def test_two_exports_give_the_same_guids_and_note_and_card_ids(
    mini: list[Bank], mini_apkg: Apkg, tmp_path: Path
) -> None:
    later = export(mini, tmp_path / "again.apkg", now=1_900_000_000.0)
    assert [(n.id, n.guid) for n in later.notes] == [(n.id, n.guid) for n in mini_apkg.notes]
    assert later.cards == mini_apkg.cards
    # The modification time is the real one, so that Anki sees the re-import as newer.
    assert {n.mod for n in later.notes} == {1_900_000_000}
    assert {n.mod for n in mini_apkg.notes} == {1_800_000_000}


def test_editing_an_explanation_keeps_the_guid_and_updates_the_field(
    mini_apkg: Apkg, tmp_path: Path
) -> None:
    edited = mini_variant(
        tmp_path,
        ("explanation: 乱数を ε に追い出すと", "explanation: 【改訂】乱数を ε に追い出すと"),
    )
    after = export(load_banks([edited]), tmp_path / "edited.apkg")
    old = mini_apkg.by_field(QUESTION_MODEL_ID, 0, "mini:mini-01")
    new = after.by_field(QUESTION_MODEL_ID, 0, "mini:mini-01")
    assert (new.guid, new.id) == (old.guid, old.id)
    assert new.fields[QUESTION_FIELDS.index("Explanation")].startswith("【改訂】")
    assert old.fields[QUESTION_FIELDS.index("Explanation")].startswith("乱数")


def test_bank_text_is_html_escaped(tmp_path: Path) -> None:
    bank = mini_variant(
        tmp_path,
        (
            'stem: "[bold]再パラメータ化トリック[/]の説明として、最も適切なものを選べ。"',
            'stem: "<b>再パラメータ化</b> & <script>alert(1)</script> の説明として、最も適切なものを選べ。"',
        ),
        ("text: そのままのサンプリングは", "text: <i>{{c2::x}}</i> そのままのサンプリングは"),
    )
    apkg = export(load_banks([bank]), tmp_path / "escaped.apkg")
    q = apkg.question("mini:mini-01")
    assert q["Stem"] == (
        "&lt;b&gt;再パラメータ化&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
        " の説明として、最も適切なものを選べ。"
    )
    assert q["Lyric"].startswith("♪ L7 &lt;i&gt;{{c2::x}}&lt;/i&gt;")
    # In the cloze text, literal braces must not open a second cloze.
    cloze = apkg.by_field(CLOZE_MODEL_ID, 3, "mini:cloze:L7").fields[0]
    assert cloze.startswith("&lt;i&gt;&#123;&#123;c2::x&#125;&#125;&lt;/i&gt;")
    assert cloze.count("{{c") == 1 and cloze.endswith("{{c1::再パラメータ化トリック}}")


def test_glossary_terms_become_term_notes(tmp_path: Path) -> None:
    bank = mini_variant(tmp_path, extra=TERMS_YAML)
    apkg = export(load_banks([bank]), tmp_path / "terms.apkg")
    assert len(apkg.notes) == 4 + 3 + 2
    note = apkg.by_field(TERM_MODEL_ID, 3, "mini:term:backprop")
    assert note.fields[:3] == [
        "誤差逆伝播法",
        "出力の誤差の勾配を連鎖律で入力側へ伝える学習法。",
        "♪ L8 ノイズを外部から与えて分離 誤差逆伝播法を可能にする",
    ]
    assert note.guid == genanki.guid_for("gkentei-vae", "mini", "term", "backprop")
    assert note.tags == {"gkentei-vae", "bank::mini", "line::L8", "topic::reparam"}


def test_bundled_bank_exports_every_question_cloze_and_term(tmp_path: Path) -> None:
    assert (quizzes_dir() / "vae.yaml").is_file(), "the bundled bank is missing"
    banks = load_banks([quizzes_dir()])
    assert banks and all(b.questions for b in banks)
    apkg = export(banks, tmp_path / "bundled.apkg")
    expected = sum(
        len(b.questions) + sum(1 for ln in b.song.lines if ln.cloze) + len(b.terms) for b in banks
    )
    assert len(apkg.notes) == expected
    assert len({n.guid for n in apkg.notes}) == expected
    assert set(apkg.decks) >= {deck_id(b.id) for b in banks}


def test_overwrites_an_existing_file_and_leaves_no_temp_files(
    mini: list[Bank], tmp_path: Path
) -> None:
    out = tmp_path / "deck.apkg"
    out.write_bytes(b"an older export")
    write_apkg(mini, out)
    assert len(read_apkg(out).notes) == 7
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_cli_writes_the_package_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "mini.apkg"
    proc = run_cli("export", "anki", str(out), "--bank", str(MINI_BANK))
    assert proc.returncode == 0, proc.stderr
    assert "4択問題 4" in proc.stdout and "歌詞の穴埋め 3" in proc.stdout
    assert len(proc.stdout.strip().splitlines()) == 1
    assert len(read_apkg(out).notes) == 7


def test_cli_unwritable_path_exits_1_naming_it(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "mini.apkg"
    proc = run_cli("export", "anki", str(out), "--bank", str(MINI_BANK))
    assert proc.returncode == 1
    assert str(out) in proc.stderr and "書き込めません" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.parent.exists()


def test_cli_invalid_bank_exits_1_with_file_line(tmp_path: Path) -> None:
    bad = FIXTURES / "malformed" / "07_unknown_topic.yaml"
    proc = run_cli("export", "anki", str(tmp_path / "x.apkg"), "--bank", str(bad))
    assert proc.returncode == 1
    assert f"{bad}:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.apkg").exists()
