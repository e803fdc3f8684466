"""A safe, line-aware YAML reader for bank files.

PyYAML's safe loader still expands aliases (billion laughs) and silently keeps
the last of two duplicate keys; banks need neither aliases nor custom tags, so
this reader composes the node graph with the safe loader, refuses anything
beyond plain scalars, lists and mappings, and records the line of every value
so that validation errors can point at ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gkentei_vae.banks.limits import MAX_BANK_BYTES, MAX_NODES
from gkentei_vae.banks.problem import Problem
from gkentei_vae.control_chars import describe

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_T + t for t in ("str", "int", "float", "bool", "null", "timestamp")}

Loc = tuple[str | int, ...]


class YamlReadError(Exception):
    """The file could not be read as a bank document at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Document:
    """Plain Python data of a YAML file, with the line of every value."""

    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest existing parent (1 for the root)."""
        for end in range(len(loc), 0, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


def read_document(path: Path) -> Document:
    """Read ``path`` safely; raise YamlReadError with file:line on anything refused."""
    shown = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlReadError(Problem(shown, 1, f"読み込めません: {exc.strerror}")) from None
    if size > MAX_BANK_BYTES:
        raise YamlReadError(
            Problem(
                shown, 1, f"ファイルが大きすぎます({size:,} バイト、上限 {MAX_BANK_BYTES:,} バイト)"
            )
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise YamlReadError(
            Problem(
                shown, line, f"UTF-8 ではないバイト列があります(0x{bad})。UTF-8 で保存してください"
            )
        ) from None
    _refuse_control_characters(text, shown)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "構文エラー"
        if exc.context_mark is not None and mark is not exc.context_mark:
            what += f"({exc.context_mark.line + 1} 行目から: {exc.context})"
        raise YamlReadError(Problem(shown, line, f"YAML の構文エラー: {what}")) from None
    except yaml.YAMLError as exc:
        raise YamlReadError(Problem(shown, 1, f"YAML の構文エラー: {exc}")) from None
    if node is None:
        raise YamlReadError(Problem(shown, 1, "空のファイルです"))
    if "*" in text:
        _refuse_aliases(text, shown)
    builder = _Builder(shown)
    data = builder.build(node, ())
    return Document(data=data, lines=builder.lines)


def _refuse_control_characters(text: str, shown: str) -> None:
    """A raw control character in the file, at its own line (YAML's reader would say
    "line 1" for some and let C1 and bidi characters through)."""
    for number, line in enumerate(text.split("\n"), 1):
        problem = describe(line.removesuffix("\r"))
        if problem:
            raise YamlReadError(Problem(shown, number, f"{problem}。バンクには使えません"))


def _refuse_aliases(text: str, shown: str) -> None:
    """Point at the first alias itself (the composed graph only knows its anchor)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else 1
            raise YamlReadError(Problem(shown, line, _NO_ALIASES))


_NO_ALIASES = "アンカーとエイリアス(& と *)はバンクでは使えません"


class _Builder:
    """Turns a composed node graph into Python data, refusing what banks must not hold."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.lines: dict[Loc, int] = {}
        self.seen: set[int] = set()
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> YamlReadError:
        return YamlReadError(Problem(self.shown, node.start_mark.line + 1, message))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        # An alias is the same node object reached twice: refusing it is what
        # stops alias bombs, since nothing is ever expanded.
        if id(node) in self.seen:
            raise self.fail(node, _NO_ALIASES)
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise self.fail(node, f"要素が多すぎます(上限 {MAX_NODES:,})")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise self.fail(node, f"タグ {node.tag} は使えません(文字列・数値・真偽値のみ)")
            return self.constructor.construct_object(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _T + "seq":
                raise self.fail(node, f"タグ {node.tag} は使えません")
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _T + "map":
                raise self.fail(node, f"タグ {node.tag} は使えません")
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "キーには文字列を使ってください")
                key = self.build(key_node, (*loc, "\0key"))
                if not isinstance(key, str):
                    key = str(key)
                if key in out:
                    first = self.lines.get((*loc, key), 0)
                    raise self.fail(key_node, f"キー '{key}' が重複しています({first} 行目と同じ)")
                # The key's line is where an author looks for a field.
                self.lines[(*loc, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, (*loc, key))
            return out
        raise self.fail(node, "読めない YAML 要素です")
