"""``--help`` and argparse's own messages: Japanese, broken by phrase (jatext.py)."""

from __future__ import annotations

import argparse
import inspect

import pytest
from rich.cells import cell_len

from gkentei_vae.cli import build_parser
from tests.conftest import run_cli
from tests.test_cli import walk
from tests.wrap_rules import violations

ENGLISH = (
    "usage:",
    "options:",
    "positional arguments",
    "show this help message",
    "show program's version",
    "argument ",
    "error:",
    "the following arguments are required",
    "invalid choice",
    "unrecognized arguments",
    "expected one argument",
)
"""argparse's English, as it would appear untranslated."""
PATHS = [(), *(path for path, _, _ in walk(build_parser()))]


def parser_at(path: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in path:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return parser


def help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """The description and every action's help, as the page shows them (defaults filled in)."""
    formatter = parser._get_formatter()
    texts = [parser.description or ""]
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            texts.append(formatter._expand_help(action))
    return [" ".join(text.split()) for text in texts if text.strip()]


def shown_lines(page: list[str], text: str) -> tuple[list[str], int]:
    """The lines of ``page`` that show ``text``, cut at the column where it starts."""
    for k, line in enumerate(page):
        col = line.find(text[:4])
        while col >= 0 and not text.startswith(line[col:].rstrip()):
            col = line.find(text[:4], col + 1)
        if col < 0:
            continue
        lines = [line[col:]]
        for more in page[k + 1 :]:
            if not more.strip() or len(more) - len(more.lstrip()) != col:
                break
            lines.append(more[col:])
        return lines, col
    raise AssertionError(f"{text!r} not on the page")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "top")
def test_help_has_no_argparse_english(path: tuple[str, ...]) -> None:
    out = parser_at(path).format_help()
    for english in ENGLISH:
        assert english not in out, (path, english)
    assert out.startswith("使い方: gkentei-vae")


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "top")
def test_help_is_broken_by_phrase(
    path: tuple[str, ...], columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    parser = parser_at(path)
    out = parser.format_help()
    width = columns - 2  # argparse leaves two columns free
    page = out.splitlines()
    usage = page[: page.index("")]
    # argparse keeps each option of the usage whole: a line may be one option wider than the page.
    assert all(cell_len(line) <= width or line.strip().count("[") == 1 for line in usage), out
    prefix = usage[0][: usage[0].index(parser.prog) + len(parser.prog) + 1]
    indent = cell_len(prefix)  # continuation lines line up under the first
    assert all(len(line) - len(line.lstrip()) == indent for line in usage[1:]), out
    assert all(cell_len(line) <= width for line in page[len(usage) :]), out
    for text in help_texts(parser):
        lines, col = shown_lines(page, text)
        assert violations(text, lines, width - col) == [], out


def test_demo_help_keeps_demo_ids_and_formulas_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # 「kl-⏎training」 and 「β=1⏎の比較」: argparse's textwrap breaks at hyphens and spaces.
    for columns in range(50, 131):
        monkeypatch.setenv("COLUMNS", str(columns))
        lines = [line.rstrip() for line in parser_at(("demo",)).format_help().splitlines()]
        assert not any(line.endswith(("kl-", "gan-", "beta-", "β=1", "β=0")) for line in lines), (
            columns,
            lines,
        )


def test_every_message_translated_is_one_argparse_has() -> None:
    # A Python whose argparse words a message differently would show it in English again.
    from gkentei_vae.commands.common import ARGPARSE_JA

    source = inspect.getsource(argparse)
    for message in ARGPARSE_JA:
        assert repr(message)[1:-1] in source or message in source, message


@pytest.mark.parametrize(
    "args",
    [
        ("quiz", "--count", "0"),
        ("quiz", "--level", "nosuch"),
        ("quiz", "--count"),
        ("config", "set"),
        ("quiz", "--nosuch"),
        ("nosuch",),
    ],
    ids=" ".join,
)
def test_argument_errors_are_japanese(args: tuple[str, ...]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert "エラー:" in proc.stderr and "使い方:" in proc.stderr, proc.stderr
    for english in ENGLISH:
        assert english not in proc.stderr, (english, proc.stderr)
