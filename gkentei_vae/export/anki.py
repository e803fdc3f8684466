"""Anki export: the banks as an .apkg package (genanki), one deck per bank.

Re-importing an updated export must update the learner's notes, not duplicate them,
and keep their review history. Anki matches imported notes on the note *guid* and
the note type on its *id*, so both are fixed here: guids come from
``genanki.guid_for("gkentei-vae", bank_id, …)`` and the note type ids are constants.
Changing a note type's fields therefore needs a new model id (Anki would otherwise
meet two different schemas under one id).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import html
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import time

import genanki

from gkentei_vae.banks import Bank, LyricLine, Question, Term
from gkentei_vae.banks.models import cloze_card_id, term_card_id
from gkentei_vae.banks.vocab import KINDS, TOPICS
from gkentei_vae.demo_registry import DEMOS

DECK_ROOT = "G検定 VAE覚えうた"
"""The parent deck; each bank becomes ``DECK_ROOT::<bank title>``."""

GUID_NAMESPACE = "gkentei-vae"
"""First value hashed into every note guid (and the tag on every note)."""

# Fixed note type ids, drawn once from genanki's recommended range [2**30, 2**31).
QUESTION_MODEL_ID = 1334351122
CLOZE_MODEL_ID = 1115268200
TERM_MODEL_ID = 1270009308

# Note and card ids: see _id_bases for why they are derived instead of time-based.
_ID_EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z, in Anki's millisecond ids
_ID_BLOCK = 1 << 16  # ids reserved per bank (each note here takes 2: the note and its card)
_ID_BLOCKS = 1 << 16  # blocks after the epoch (65536 × 65536 ms ≈ 50 days)

_CSS = """\
.card {
  font-family: "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", "Meiryo", sans-serif;
  font-size: 18px;
  line-height: 1.6;
  text-align: left;
  color: #222;
  background-color: #fff;
}
.nightMode .card, .card.nightMode { color: #eee; background-color: #222; }
.lyric { color: #b4236b; font-size: 16px; margin-bottom: 0.6em; }
.nightMode .lyric { color: #f08bbf; }
.instruction { font-size: 14px; opacity: 0.75; }
.stem { font-weight: bold; margin: 0.4em 0 0.8em; }
.option { margin: 0.3em 0 0.3em 1em; }
.answer { font-weight: bold; color: #1a7f37; margin-bottom: 0.6em; }
.nightMode .answer { color: #6fdd8b; }
.label { font-size: 14px; opacity: 0.75; margin-top: 0.8em; }
.why { margin: 0.2em 0 0.2em 1em; }
.source, .demo, .song { font-size: 13px; opacity: 0.7; margin-top: 0.8em; }
.cloze { font-weight: bold; color: #1f5fbf; }
.nightMode .cloze { color: #8ab4f8; }
.term { font-size: 24px; font-weight: bold; text-align: center; }
"""


class AnkiExportError(Exception):
    """The package could not be written; the message (Japanese) names the file."""


@dataclass(frozen=True)
class ExportSummary:
    """What one export wrote."""

    path: Path
    decks: int
    questions: int
    clozes: int
    terms: int

    @property
    def notes(self) -> int:
        """Every note written."""
        return self.questions + self.clozes + self.terms

    def line(self) -> str:
        """The one-line report the CLI prints."""
        return (
            f"書き出しました: {self.path}(デッキ {self.decks}、ノート {self.notes}: "
            f"4択問題 {self.questions}、歌詞の穴埋め {self.clozes}、用語 {self.terms})"
        )


# -- note types --------------------------------------------------------------------------


QUESTION_FIELDS = (
    "Id",
    "Lyric",
    "Instruction",
    "Stem",
    "Options",
    "Answer",
    "Explanation",
    "WhyWrong",
    "Source",
    "Demo",
)
"""The question note type's fields, in order (Id first: see question_model)."""

CLOZE_FIELDS = ("Text", "Line", "Song", "Id")
"""The lyric cloze note type's fields, in order."""

TERM_FIELDS = ("Term", "Meaning", "Lyric", "Id")
"""The glossary note type's fields, in order."""


def _model(
    model_id: int,
    name: str,
    fields: Sequence[str],
    front: str,
    back: str,
    **options: int,
) -> genanki.Model:
    """A note type with one card template, styled with the shared CSS."""
    return genanki.Model(
        model_id,
        f"G検定 VAE覚えうた {name}",
        fields=[{"name": field} for field in fields],
        templates=[{"name": name, "qfmt": front, "afmt": back}],
        css=_CSS,
        **options,
    )


def question_model() -> genanki.Model:
    """The 4-option question note type (front: lyric, stem, options; back: the answer)."""
    front = (
        '<div class="lyric">{{Lyric}}</div>\n'
        '<div class="instruction">{{Instruction}}</div>\n'
        '<div class="stem">{{Stem}}</div>\n'
        '<div class="options">{{Options}}</div>'
    )
    back = (
        "{{FrontSide}}\n<hr id=answer>\n"
        '<div class="answer">正解: {{Answer}}</div>\n'
        '<div class="explanation">{{Explanation}}</div>\n'
        '{{#WhyWrong}}<div class="label">他の選択肢が誤りである理由</div>\n'
        "{{WhyWrong}}{{/WhyWrong}}\n"
        '<div class="source">出典: {{Source}}</div>\n'
        '{{#Demo}}<div class="demo">アプリのデモ: {{Demo}}</div>{{/Demo}}'
    )
    # The first field is what Anki checks for duplicates, so it is the unique card
    # id (stems like 「…について、最も適切なものを選べ。」 repeat); the browser sorts
    # on the stem instead.
    return _model(
        QUESTION_MODEL_ID,
        "4択問題",
        QUESTION_FIELDS,
        front,
        back,
        sort_field_index=QUESTION_FIELDS.index("Stem"),
    )


def cloze_model() -> genanki.Model:
    """The lyric flashcard: the line with its key term as ``{{c1::…}}``."""
    front = '<div class="lyric">{{Line}}</div>\n{{cloze:Text}}'
    back = f'{front}\n<div class="song">♪ {{{{Song}}}}</div>'
    return _model(
        CLOZE_MODEL_ID,
        "歌詞の穴埋め",
        CLOZE_FIELDS,
        front,
        back,
        model_type=genanki.Model.CLOZE,
    )


def term_model() -> genanki.Model:
    """A glossary card: the term on the front, its meaning and lyric line on the back."""
    back = (
        "{{FrontSide}}\n<hr id=answer>\n"
        '<div class="explanation">{{Meaning}}</div>\n'
        '<div class="lyric">{{Lyric}}</div>'
    )
    return _model(TERM_MODEL_ID, "用語", TERM_FIELDS, '<div class="term">{{Term}}</div>', back)


# -- notes -------------------------------------------------------------------------------


def _html(text: str) -> str:
    """Bank text is literal: escape it, keeping its line breaks."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def _tag(text: str) -> str:
    """Anki tags are separated by spaces, so a tag can't hold one."""
    return re.sub(r"\s+", "_", text.strip())


def _tags(bank: Bank, line_id: str, topics: Sequence[str]) -> list[str]:
    out = [GUID_NAMESPACE, f"bank::{_tag(bank.id)}", f"line::{_tag(line_id)}"]
    return out + [f"topic::{_tag(t)}" for t in dict.fromkeys(topics)]


def _lyric(lyric: LyricLine) -> str:
    return _html(f"♪ {lyric.id} {lyric.text}")


def question_note(bank: Bank, question: Question, model: genanki.Model) -> genanki.Note:
    """One 4-option question; options keep the bank's order, numbered from 1."""
    number = {option: i for i, option in enumerate(question.options, start=1)}
    options = "".join(
        f'<div class="option">{i}. {_html(option)}</div>' for option, i in number.items()
    )
    # why_wrong is keyed by the wrong options' text; list them in front-side order.
    why_wrong = "".join(
        f'<div class="why">{number[option]}. {_html(option)} — {_html(question.why_wrong[option])}</div>'
        for option in question.options
        if option in question.why_wrong
    )
    demo = (
        f"{DEMOS[question.demo].title if question.demo in DEMOS else question.demo}({question.demo})"
        if question.demo
        else ""
    )
    fields = [
        bank.card_id(question),
        _lyric(bank.line(question.line)),
        _html(KINDS[question.kind]),
        _html(question.stem),
        options,
        f"{number[question.answer]}. {_html(question.answer)}",
        _html(question.explanation),
        why_wrong,
        _html(question.source),
        _html(demo),
    ]
    return genanki.Note(
        model=model,
        fields=fields,
        tags=_tags(bank, question.line, question.topics),
        # A moved question keeps the guid of the bank it was written in (``moved_from``), so
        # re-importing updates its note instead of adding a second one.
        guid=genanki.guid_for(GUID_NAMESPACE, question.origin(bank.id), question.id),
    )


def cloze_text(lyric: LyricLine) -> str:
    """The escaped lyric with its first occurrence of ``cloze`` as ``{{c1::…}}``."""
    assert lyric.cloze is not None
    before, _, after = lyric.text.partition(lyric.cloze)

    def literal(text: str) -> str:
        # Braces in the lyric must not open a cloze of their own, and "::" inside
        # the blanked term would turn its tail into a hint.
        return _html(text).replace("{", "&#123;").replace("}", "&#125;")

    term = literal(lyric.cloze).replace(":", "&#58;")
    return f"{literal(before)}{{{{c1::{term}}}}}{literal(after)}"


def cloze_note(bank: Bank, lyric: LyricLine, model: genanki.Model) -> genanki.Note:
    """The flashcard of one lyric line that names a ``cloze`` term."""
    topic = f" · {TOPICS.get(lyric.topic, lyric.topic)}" if lyric.topic else ""
    return genanki.Note(
        model=model,
        fields=[
            cloze_text(lyric),
            _html(f"♪ {lyric.id}{topic}"),
            _html(bank.song.title),
            cloze_card_id(bank.id, lyric.id),
        ],
        tags=_tags(bank, lyric.id, [lyric.topic] if lyric.topic else []),
        guid=genanki.guid_for(GUID_NAMESPACE, bank.id, "cloze", lyric.id),
    )


def term_note(bank: Bank, term: Term, model: genanki.Model) -> genanki.Note:
    """A glossary card of ``Bank.terms``."""
    lyric = bank.line(term.line)
    return genanki.Note(
        model=model,
        fields=[
            _html(term.term),
            _html(term.meaning),
            _lyric(lyric),
            term_card_id(bank.id, term.id),
        ],
        tags=_tags(bank, term.line, [lyric.topic] if lyric.topic else []),
        guid=genanki.guid_for(GUID_NAMESPACE, bank.id, "term", term.id),
    )


# -- decks and ids -----------------------------------------------------------------------


def _stable_int(*values: str) -> int:
    digest = hashlib.sha256("\x1f".join((GUID_NAMESPACE, *values)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def deck_id(bank_id: str) -> int:
    """The bank's deck id: stable, in genanki's recommended range [2**30, 2**31)."""
    return (1 << 30) + _stable_int("deck", bank_id) % (1 << 30)


def deck_name(bank: Bank) -> str:
    """``G検定 VAE覚えうた::<title>`` ("::" in a title would nest one deck deeper)."""
    return f"{DECK_ROOT}::{bank.title.replace('::', ':')}"


@dataclass(frozen=True)
class BankDeck:
    """One bank's deck and how many notes of each kind it holds."""

    bank: Bank
    deck: genanki.Deck
    questions: int
    clozes: int
    terms: int


def build_decks(banks: Sequence[Bank]) -> list[BankDeck]:
    """One genanki deck per bank: its questions, lyric cloze cards and glossary terms."""
    models = question_model(), cloze_model(), term_model()
    out = []
    for bank in banks:
        deck = genanki.Deck(
            deck_id(bank.id),
            deck_name(bank),
            description=_html(f"♪ {bank.song.title}(gkentei-vae のバンク {bank.id})"),
        )
        for question in bank.questions:
            deck.add_note(question_note(bank, question, models[0]))
        clozed = [lyric for lyric in bank.song.lines if lyric.cloze]
        for lyric in clozed:
            deck.add_note(cloze_note(bank, lyric, models[1]))
        for term in bank.terms:
            deck.add_note(term_note(bank, term, models[2]))
        out.append(BankDeck(bank, deck, len(bank.questions), len(clozed), len(bank.terms)))
    return out


def _id_bases(bank_ids: Sequence[str]) -> dict[str, int]:
    """The first note/card id of each bank.

    genanki numbers notes and cards from the current time in milliseconds, so every
    export would get new ids. Anki matches re-imported notes on the guid, not on
    these ids, but stable ids make two exports of one bank comparable and keep the
    "added" date Anki derives from them from jumping. Each bank gets its own block
    of ids at a fixed, plausible time (2024), chosen from a hash of its id; a clash
    between two banks moves the later one (in id order) to the next free block.
    Anki's importer renumbers a note whose id is taken by a different note, so a
    clash with the learner's own notes is harmless.
    """
    taken: set[int] = set()
    out = {}
    for bank_id in sorted(bank_ids):
        block = _stable_int("ids", bank_id) % _ID_BLOCKS
        while block in taken:
            block = (block + 1) % _ID_BLOCKS
        taken.add(block)
        out[bank_id] = _ID_EPOCH_MS + block * _ID_BLOCK
    return out


def _ids_for(base: int, deck: genanki.Deck) -> Iterator[int]:
    needed = sum(1 + len(note.cards) for note in deck.notes)
    if needed > _ID_BLOCK:
        raise AnkiExportError(
            f"デッキ {deck.name} はノートが多すぎて書き出せません({needed} 個の id)"
        )
    return iter(range(base, base + needed))


def collection_bytes(decks: Sequence[BankDeck], now: float) -> bytes:
    """The SQLite collection (``collection.anki2``) holding ``decks``, as bytes."""
    conn = sqlite3.connect(":memory:")
    try:
        cursor = conn.cursor()
        # An empty Package writes just the schema and the collection row; each deck
        # then gets its own id generator (see _id_bases).
        genanki.Package([]).write_to_db(cursor, now, iter(()))
        bases = _id_bases([d.bank.id for d in decks])
        for entry in decks:
            # ``now`` is the real time on purpose: Anki updates an existing note
            # only when the imported one was modified later than it, so a fixed
            # timestamp would make re-imports skip every changed note.
            entry.deck.write_to_db(cursor, now, _ids_for(bases[entry.bank.id], entry.deck))
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


# -- writing -----------------------------------------------------------------------------

_REASONS = {
    errno.ENOENT: "フォルダがありません",
    errno.ENOTDIR: "途中にフォルダではないものがあります",
    errno.EACCES: "書き込む権限がありません",
    errno.EPERM: "書き込む権限がありません",
    errno.EROFS: "読み取り専用のファイルシステムです",
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EISDIR: "フォルダです",
}


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def _write_atomic(path: Path, members: dict[str, bytes]) -> None:
    """A zip of ``members`` at ``path``, written beside it and renamed into place, so
    an interrupted export never leaves a half package where Anki would look."""
    if path.is_dir():
        raise AnkiExportError(f"{path} に書き込めません(フォルダです)。")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise AnkiExportError(f"{path} に書き込めません({_reason(exc)})。") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, data in members.items():
                    zf.writestr(name, data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain open would.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        raise AnkiExportError(f"{path} に書き込めません({_reason(exc)})。") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_apkg(banks: Sequence[Bank], path: Path, now: float | None = None) -> ExportSummary:
    """Write ``banks`` to the Anki package ``path`` (one deck per bank)."""
    decks = build_decks(banks)
    collection = collection_bytes(decks, time() if now is None else now)
    # Anki reads the media map even when there is no media.
    _write_atomic(path, {"collection.anki2": collection, "media": b"{}"})
    return ExportSummary(
        path=path,
        decks=len(decks),
        questions=sum(d.questions for d in decks),
        clozes=sum(d.clozes for d in decks),
        terms=sum(d.terms for d in decks),
    )
