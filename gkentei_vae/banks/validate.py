"""Full validation of one bank file: safe YAML, the pydantic schema, and cross-field rules.

Everything here reports ``(line, message)`` pairs so that an author sees every
problem at once with its ``file:line``; nothing is half-loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gkentei_vae.banks.models import Bank
from gkentei_vae.banks.problem import Problem
from gkentei_vae.banks.safe_yaml import Document, Loc, YamlReadError, read_document
from gkentei_vae.banks.vocab import BLANK_LABELS, LINE_BOUND_TOPICS, OPTIONS_PER_KIND, TOPICS
from gkentei_vae.control_chars import describe
from gkentei_vae.demo_registry import DEMOS

_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
LINE_ID = re.compile(r"^[A-Za-z][0-9]+$")
"""A lyric line id: one letter naming the song, then the line number (``L7``, ``G3``).
Line ids are unique across the banks loaded together (loader.py), so ``--line G3`` names
one line of one song."""
_NON_EMPTY_LISTS = {("song", "lines"), ("questions",)}


@cache
def _adapter() -> TypeAdapter[Bank]:
    return TypeAdapter(Bank)


def to_bank(data: Any) -> Bank:
    """Validate plain data against the schema (raises pydantic's ValidationError)."""
    return _adapter().validate_python(data)


def check_file(path: Path) -> tuple[list[Problem], Bank | None, Document | None]:
    """Problems in one bank file; the bank (and its line map) when there are none."""
    try:
        doc = read_document(path)
    except YamlReadError as exc:
        return [exc.problem], None, None
    shown = str(path)
    if not isinstance(doc.data, dict):
        top = "最上位はマッピング(id, title, song, questions)にしてください"
        return [Problem(shown, 1, top)], None, None
    found = (
        _schema_problems(doc)
        + _shape_problems(doc)
        + _control_problems(doc)
        + _content_problems(doc)
    )
    problems = sorted({Problem(shown, line, msg) for line, msg in found})
    if problems:
        return problems, None, None
    return [], to_bank(doc.data), doc


def _path_text(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(最上位)"


def _schema_problems(doc: Document) -> list[tuple[int, str]]:
    try:
        to_bank(doc.data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc: Loc = tuple(err["loc"])
            kind = err["type"]
            if kind in ("missing", "missing_argument"):
                msg = f"必須フィールド '{loc[-1]}' がありません({_path_text(loc[:-1])})"
                line = doc.line_of(loc[:-1])
            elif kind in ("extra_forbidden", "unexpected_keyword_argument"):
                msg = f"未知のフィールド '{loc[-1]}' です({_path_text(loc[:-1])})"
                line = doc.line_of(loc)
            elif err.get("input", ...) is None and _named(loc) in _NON_EMPTY_LISTS:
                # `questions:` with every item still commented out (a new-bank skeleton).
                msg = f"{_path_text(loc)}: 少なくとも1つ必要です(項目が 1 つも書かれていません)"
                line = doc.line_of(loc)
            else:
                msg = f"{_path_text(loc)}: 型または値が不正です: {err['msg']}"
                line = doc.line_of(loc)
            out.append((line, msg))
        return out
    return []


def _named(loc: Loc) -> tuple[str, ...]:
    return tuple(k for k in loc if isinstance(k, str))


def _shape_problems(doc: Document) -> list[tuple[int, str]]:
    """Empty strings, empty required lists and malformed ids (beyond what types say)."""
    out: list[tuple[int, str]] = []

    def walk(value: Any, loc: Loc) -> None:
        if isinstance(value, str) and not value.strip() and loc[-1:] != ("\0key",):
            out.append(
                (
                    doc.line_of(loc),
                    f"{_path_text(loc)}: 空の文字列です(不要な項目なら省いてください)",
                )
            )
        elif isinstance(value, list):
            if not value and _named(loc) in _NON_EMPTY_LISTS:
                out.append((doc.line_of(loc), f"{_path_text(loc)}: 少なくとも1つ必要です"))
            if loc[-1:] == ("topics",) and not value:
                out.append(
                    (
                        doc.line_of(loc),
                        f"{_path_text(loc)}: トピックを少なくとも1つ指定してください",
                    )
                )
            for i, item in enumerate(value):
                walk(item, (*loc, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*loc, key))

    walk(doc.data, ())
    data = doc.data
    ids: list[tuple[Loc, Any]] = [(("id",), data.get("id"))]
    for section in ("questions", "terms", "retired"):
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                ids.append(((section, i, "id"), item.get("id")))
                if section == "questions" and "moved_from" in item:
                    ids.append(((section, i, "moved_from"), item.get("moved_from")))
    song = data.get("song")
    lines = song.get("lines") if isinstance(song, dict) else None
    for i, lyric in enumerate(lines if isinstance(lines, list) else []):
        if isinstance(lyric, dict):
            lid = lyric.get("id")
            if isinstance(lid, str) and lid.strip() and not LINE_ID.match(lid.strip()):
                out.append(
                    (
                        doc.line_of(("song", "lines", i, "id")),
                        f"歌詞の行 id '{lid}' は英字 1 文字に行番号をつけてください"
                        "(例: L1, G3。英字が曲を、番号が行を表します)",
                    )
                )
    for loc, value in ids:
        if isinstance(value, str) and value.strip() and not _ID.match(value.strip()):
            out.append((doc.line_of(loc), f"id '{value}' には英数字と _ . - だけを使ってください"))
    return out


def _control_problems(doc: Document) -> list[tuple[int, str]]:
    """Strings (keys too) holding characters that could drive the learner's terminal:
    written as escapes in YAML (``"\\e[2J"``, ``"\\u202e"``) they pass the reader."""
    out: list[tuple[int, str]] = []

    def walk(value: Any, loc: Loc) -> None:
        if isinstance(value, str):
            problem = describe(value)
            if problem:
                out.append(
                    (doc.line_of(loc), f"{_path_text(loc)}: {problem}。バンクには使えません")
                )
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*loc, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, (*loc, key))
                walk(item, (*loc, key))

    walk(doc.data, ())
    return out


def _content_problems(doc: Document) -> list[tuple[int, str]]:
    """Checks across fields, on the raw data so that they run even beside schema errors."""
    data: dict[str, Any] = doc.data
    out: list[tuple[int, str]] = []
    line_ids: set[str] = set()
    line_topic: dict[str, str] = {}
    song = data.get("song")
    lines = song.get("lines") if isinstance(song, dict) else None
    for i, lyric in enumerate(lines if isinstance(lines, list) else []):
        if not isinstance(lyric, dict):
            continue
        lid = lyric.get("id")
        where = ("song", "lines", i)
        if isinstance(lid, str):
            if lid in line_ids:
                out.append((doc.line_of((*where, "id")), f"歌詞の行 id '{lid}' が重複しています"))
            line_ids.add(lid)
        topic = lyric.get("topic")
        if isinstance(lid, str) and isinstance(topic, str):
            line_topic[lid] = topic
        if isinstance(topic, str) and topic not in TOPICS:
            out.append((doc.line_of((*where, "topic")), _unknown("トピック", topic, TOPICS)))
        cloze, text = lyric.get("cloze"), lyric.get("text")
        if isinstance(cloze, str) and isinstance(text, str) and cloze.strip() not in text:
            out.append((doc.line_of((*where, "cloze")), f"cloze '{cloze}' が歌詞の中にありません"))
    terms = data.get("terms")
    term_ids: set[str] = set()
    for i, term in enumerate(terms if isinstance(terms, list) else []):
        if not isinstance(term, dict):
            continue
        tid, tline = term.get("id"), term.get("line")
        if isinstance(tid, str):
            if tid in term_ids:
                out.append((doc.line_of(("terms", i, "id")), f"用語 id '{tid}' が重複しています"))
            term_ids.add(tid)
        if isinstance(tline, str) and line_ids and tline not in line_ids:
            out.append(
                (
                    doc.line_of(("terms", i, "line")),
                    _unknown("歌詞の行 id", tline, sorted(line_ids)),
                )
            )
    questions = data.get("questions")
    seen: dict[str, int] = {}
    for i, q in enumerate(questions if isinstance(questions, list) else []):
        if isinstance(q, dict):
            out += _question_problems(doc, ("questions", i), q, line_ids, seen)
            out += _line_bound_problems(doc, ("questions", i), q, line_ids, line_topic)
    out += _retired_problems(doc, seen)
    return out


def _line_bound_problems(
    doc: Document,
    where: Loc,
    q: dict[str, Any],
    line_ids: set[str],
    line_topic: dict[str, str],
) -> list[tuple[int, str]]:
    """A question tagged with a line-bound topic (``LINE_BOUND_TOPICS``) must be keyed to a
    lyric line that teaches it, or ``--topic`` would serve it beside the wrong lyric. A line
    without a ``topic`` teaches none; an undefined line is reported on its own."""
    line, topics = q.get("line"), q.get("topics")
    if not isinstance(line, str) or line not in line_ids or not isinstance(topics, list):
        return []
    out = []
    for j, topic in enumerate(topics):
        if topic in LINE_BOUND_TOPICS and line_topic.get(line) != topic:
            lines = [lid for lid, t in line_topic.items() if t == topic]
            out.append(
                (
                    doc.line_of((*where, "topics", j)),
                    f"トピック '{topic}' の問題は、その歌詞の行({', '.join(lines) or 'なし'})に"
                    f"結び付けてください(この問題の line は {line})",
                )
            )
    return out


def _retired_problems(doc: Document, question_ids: dict[str, int]) -> list[tuple[int, str]]:
    """A retired id is listed once and never used by a question again.

    Review history is keyed on question ids: a new question under a retired id would
    inherit the old question's history.
    """
    out: list[tuple[int, str]] = []
    retired = doc.data.get("retired")
    listed: dict[str, int] = {}
    for i, entry in enumerate(retired if isinstance(retired, list) else []):
        rid = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(rid, str) or not rid.strip():
            continue
        rid, line = rid.strip(), doc.line_of(("retired", i, "id"))
        if rid in listed:
            out.append(
                (line, f"退役した問題 id '{rid}' が重複しています({listed[rid]} 行目と同じ)")
            )
            continue
        listed[rid] = line
        if rid in question_ids:
            out.append(
                (
                    question_ids[rid],
                    f"問題 id '{rid}' は退役した id です({line} 行目)。"
                    "学習履歴が別の問題に引き継がれてしまうので、新しい id をつけてください",
                )
            )
    return out


def _unknown(what: str, value: str, known: Iterable[str]) -> str:
    return f"未知の{what} '{value}' です(使えるもの: {', '.join(known)})"


def _question_problems(
    doc: Document, where: Loc, q: dict[str, Any], line_ids: set[str], seen: dict[str, int]
) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def at(*key: str | int) -> int:
        return doc.line_of((*where, *key))

    qid = q.get("id")
    moved_from = q.get("moved_from")
    if isinstance(moved_from, str) and moved_from.strip() == str(doc.data.get("id", "")).strip():
        out.append(
            (
                at("moved_from"),
                f"moved_from '{moved_from}' はこのバンク自身の id です"
                "(別のバンクから移した問題にだけ書きます)",
            )
        )
    if isinstance(qid, str):
        if qid in seen:
            out.append((at("id"), f"問題 id '{qid}' が重複しています({seen[qid]} 行目と同じ)"))
        else:
            seen[qid] = at("id")
    line = q.get("line")
    if isinstance(line, str) and line_ids and line not in line_ids:
        out.append((at("line"), _unknown("歌詞の行 id", line, sorted(line_ids, key=_natural))))
    topics = q.get("topics")
    for j, topic in enumerate(topics if isinstance(topics, list) else []):
        if isinstance(topic, str) and topic not in TOPICS:
            out.append((at("topics", j), _unknown("トピック", topic, TOPICS)))
    demo = q.get("demo")
    if isinstance(demo, str) and demo not in DEMOS:
        out.append((at("demo"), _unknown("デモ id", demo, DEMOS)))
    options = q.get("options")
    if not isinstance(options, list):
        return out
    texts = [o.strip() for o in options if isinstance(o, str)]
    kind = q.get("kind")
    need = OPTIONS_PER_KIND.get(kind) if isinstance(kind, str) else None
    if need is not None and len(options) != need:
        out.append(
            (
                at("options"),
                f"種類 '{kind}' の問題には選択肢が {need} つ必要です({len(options)} つあります)",
            )
        )
    for j, text in enumerate(options):
        if isinstance(text, str) and texts.index(text.strip()) != j:
            out.append((at("options", j), f"選択肢 '{text.strip()}' が重複しています"))
    answer = q.get("answer")
    if isinstance(answer, str) and answer.strip() not in texts:
        out.append((at("answer"), f"正解 '{answer.strip()}' が選択肢の中にありません"))
    reasons = q.get("why_wrong")
    if isinstance(reasons, dict) and isinstance(answer, str) and answer.strip() in texts:
        keys = {str(k).strip() for k in reasons}
        for text in texts:
            if text != answer.strip() and text not in keys:
                out.append(
                    (at("why_wrong"), f"誤りの選択肢 '{text}' の理由が why_wrong にありません")
                )
        for key in reasons:
            k = str(key).strip()
            if k == answer.strip():
                out.append(
                    (at("why_wrong", key), "正解の選択肢に why_wrong の理由が書かれています")
                )
            elif k not in texts:
                out.append((at("why_wrong", key), f"why_wrong のキー '{k}' が選択肢にありません"))
    stem = q.get("stem")
    if kind == "blank" and isinstance(stem, str):
        labels = [lab for lab in BLANK_LABELS if f"（{lab}）" in stem]
        if len(labels) < 2:
            out.append((at("stem"), "空欄問題の問題文には（ア）（イ）… の空欄が 2 つ以上必要です"))
        for j, text in enumerate(texts):
            missing = [lab for lab in labels if lab not in text]
            if missing:
                out.append(
                    (
                        at("options", j),
                        f"空欄問題の選択肢に（{'）（'.join(missing)}）の語句がありません",
                    )
                )
    return out


def _natural(line_id: str) -> tuple[str, int]:
    m = re.match(r"(\D*)(\d*)", line_id)
    assert m is not None
    return m.group(1), int(m.group(2) or 0)
