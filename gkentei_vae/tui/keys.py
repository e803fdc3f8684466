"""Key help derived from the screens' ``BINDINGS``: the `?` screen and the docs' key tables.

A screen's bindings are the one home of its keys. Each binding that the learner should
know about carries its help text in ``tooltip`` (the key bar shows the short
``description``); lines of help that are not keys go in the screen's ``HELP_NOTES``.
Bindings with the same tooltip are one row: ``1``…``4`` and ``a``…``d`` become
「1–4 / a–d」.

The docs' key tables are generated from the same rows (``tui/doc_tables.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType

KEY_NAMES: dict[str, str] = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "question_mark": "?",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
}
"""Textual key names → how the help writes them."""


def key_name(key: str) -> str:
    """How the help writes one Textual key."""
    return KEY_NAMES.get(key, key)


def join_keys(keys: Sequence[str], sep: str = " / ") -> str:
    """``["1", "2", "3", "4", "a", "b"]`` → ``"1–4 / a–b"``: runs of consecutive characters
    become ranges; everything is joined with ``sep``."""
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) > 2:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(run)
        run.clear()

    for key in keys:
        if run and len(key) == 1 and len(run[-1]) == 1 and ord(key) == ord(run[-1]) + 1:
            run.append(key)
            continue
        flush()
        run.append(key)
    flush()
    return sep.join(dict.fromkeys(parts))


def bindings_of(cls: type) -> list[Binding]:
    """Every ``Binding`` our classes declare (not Textual's own, such as ctrl+q), base
    classes first; a subclass's binding for the same key replaces its base's, as in Textual."""
    by_key: dict[str, Binding] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("gkentei_vae."):
            continue
        declared: Iterable[BindingType] = klass.__dict__.get("BINDINGS", ())
        for binding in declared:
            if isinstance(binding, Binding):
                by_key[binding.key] = binding
    return list(by_key.values())


@dataclass(frozen=True)
class HelpRow:
    """One row of key help."""

    keys: str
    """The keys, as the help writes them (「1–4 / a–d」); empty for a note."""
    what: str
    """What they do (the binding's tooltip), or the note."""


def grouped_keys(bindings: Iterable[Binding], by_tooltip: bool = True) -> dict[str, list[str]]:
    """The keys of every binding with help text, grouped by that text (``by_tooltip``) or by
    the key bar's short description, in binding order."""
    groups: dict[str, list[str]] = {}
    for binding in bindings:
        if binding.tooltip:
            what = binding.tooltip if by_tooltip else binding.description
            groups.setdefault(what, []).extend(key_name(k.strip()) for k in binding.key.split(","))
    return groups


def help_rows(bindings: Iterable[Binding], notes: Iterable[str] = ()) -> list[HelpRow]:
    """One row per distinct tooltip, in binding order, then one per note."""
    rows = [HelpRow(join_keys(keys), what) for what, keys in grouped_keys(bindings).items()]
    return rows + [HelpRow("", note) for note in notes]


def screen_help(screen_cls: type, app_cls: type | None = None) -> list[HelpRow]:
    """The `?` help of a screen: its keys, the app's keys, then its notes."""
    bindings = bindings_of(screen_cls) + (bindings_of(app_cls) if app_cls else [])
    return help_rows(bindings, getattr(screen_cls, "HELP_NOTES", ()))


def command_keys(screen_cls: type, app_cls: type) -> str:
    """The keys of a screen as its command's ``--help`` lists them, by their key-bar word:
    「1–4/a–d 解答、n/Enter 次へ、…、? ヘルプ」."""
    groups = grouped_keys(bindings_of(screen_cls) + bindings_of(app_cls), by_tooltip=False)
    return "、".join(f"{join_keys(keys, '/')} {what}" for what, keys in groups.items())
