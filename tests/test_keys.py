"""Keys have one home, the screens' BINDINGS: help, docs tables and --help agree with it."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re

import pytest
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

import gkentei_vae.tui
from gkentei_vae.cli import build_parser
from gkentei_vae.tui import doc_tables
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.help_screen import HelpScreen
from gkentei_vae.tui.keys import bindings_of, help_rows, join_keys, screen_help
from gkentei_vae.tui.launch import quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from tests.conftest import mini_session
from tests.test_layers import imported_after

SCREENS = doc_tables.screens()
COMMAND_SCREENS = {
    "quiz": "quiz",
    "review": "review",
    "flashcards": "flashcards",
    "exam": "exam",
    "stats": "stats",
    "home": "home",
    "demo": "demo",
    "forecast": "forecast",
}
"""Command → the key-table name of the screen it opens first."""


def our_screens() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(gkentei_vae.tui.__path__, prefix="gkentei_vae.tui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, Screen)
                and not issubclass(cls, ModalScreen)
                and cls.__module__ == info.name
                and not inspect.isabstract(cls)
                and "BINDINGS" in cls.__dict__
            ):
                found.append(cls)
    return found


def test_every_screen_with_keys_is_in_the_docs_tables() -> None:
    documented = {cls for _, cls in SCREENS.values()}
    bases = {cls for cls in our_screens() if any(issubclass(c, cls) for c in documented)}
    assert set(our_screens()) <= documented | bases


@pytest.mark.parametrize("name", list(SCREENS))
def test_every_binding_of_a_screen_has_help_text(name: str) -> None:
    _, cls = SCREENS[name]
    missing = [b.key for b in bindings_of(cls) if not b.tooltip]
    assert missing == [], f"{cls.__name__}: keys without a tooltip (not in ? help): {missing}"


def test_help_rows_merge_keys_by_help_text() -> None:
    bindings = [
        *(Binding(str(i), "choose", "c", tooltip="選ぶ") for i in range(1, 5)),
        *(Binding(c, "choose", "c", tooltip="選ぶ") for c in "abcd"),
        Binding("escape", "close", "x", tooltip="閉じる"),
        Binding("z", "hidden", "z"),  # no tooltip: not in the help
    ]
    rows = help_rows(bindings, ["メモ"])
    assert [(r.keys, r.what) for r in rows] == [
        ("1–4 / a–d", "選ぶ"),
        ("Esc", "閉じる"),
        ("", "メモ"),
    ]
    assert join_keys(["n", "Enter"]) == "n / Enter"


def _keys_in(rows_keys: list[str], sep: str = " / ") -> set[str]:
    """Every single key the rows name, ranges (「1–4」) spelt out."""
    found = set()
    for key in (k for keys in rows_keys for k in keys.split(sep) if k):
        first, dash, last = key.partition("–")
        found |= {chr(c) for c in range(ord(first), ord(last) + 1)} if dash else {key}
    return found


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub: argparse.ArgumentParser = action.choices[name]
    return sub


@pytest.mark.parametrize("command", list(COMMAND_SCREENS))
def test_command_help_lists_exactly_the_screens_keys(command: str) -> None:
    description = _subparser(command).description or ""
    match = re.search(r"キー: (.*?)。", description)
    assert match, f"{command} --help lists no keys"
    listed = _keys_in([item.split(" ")[0] for item in match.group(1).split("、")], "/")
    _, cls = SCREENS[COMMAND_SCREENS[command]]
    expected = _keys_in([row.keys for row in screen_help(cls, GkenteiApp)])
    assert listed == expected, f"{command} --help: {sorted(listed)} vs bindings {sorted(expected)}"


def test_building_the_parser_imports_no_screen() -> None:
    # The key lists are made from the screens only when a description is read (--help).
    code = "from gkentei_vae.cli import build_parser\nbuild_parser().parse_args(['quiz'])"
    loaded = imported_after(code)
    assert not {m for m in loaded if m.startswith(("textual", "gkentei_vae.tui"))}


async def test_question_mark_shows_the_help_of_the_screen_in_front() -> None:
    app = quiz_app(mini_session())
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.rows == screen_help(QuizScreen, GkenteiApp)
        assert any(row.keys == "e" for row in help_screen.rows)
        await pilot.press("escape")
        assert isinstance(app.screen, QuizScreen)
