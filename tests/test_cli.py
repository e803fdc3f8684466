"""The command line as a user runs it: help everywhere, exit codes, listings."""

from __future__ import annotations

import argparse
import importlib

import pytest

from gkentei_vae.banks.vocab import TOPICS
from gkentei_vae.cli import COMMANDS, build_parser
from gkentei_vae.commands.common import ArgumentParser
from tests.conftest import MINI_BANK, REPO, run_cli


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    out: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            out.update(action.choices)
    return out


def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """Every (command path, parser), nested subcommands included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*prefix, name), sub, helps.get(name)
                yield from walk(sub, (*prefix, name))


def test_the_command_map_names_what_each_module_registers() -> None:
    commands = REPO / "gkentei_vae" / "commands"
    modules = {p.stem for p in commands.glob("*.py")} - {"__init__", "common"}
    assert set(COMMANDS) == modules
    for module, names in COMMANDS.items():
        sub = ArgumentParser(prog="x").add_subparsers()
        importlib.import_module(f"gkentei_vae.commands.{module}").register(sub)
        assert tuple(sub.choices) == names, module
    assert list(subcommands()) == [name for names in COMMANDS.values() for name in names]


def test_a_command_line_builds_its_own_command_as_the_full_parser_does() -> None:
    argv = ["review", "--new", "3", "--level", "all"]
    alone = build_parser(argv)
    sub = next(a for a in alone._actions if isinstance(a, argparse._SubParsersAction))
    assert sub.choices.keys() == {"review", "flashcards", "stats"}
    assert vars(alone.parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_core_commands_exist() -> None:
    assert {"quiz", "topics", "lyrics", "check"} <= set(subcommands())


@pytest.mark.parametrize("path", [p for p, _, _ in walk(build_parser())], ids=" ".join)
def test_every_command_has_help_text(path: tuple[str, ...]) -> None:
    entries = {p: (sub, text) for p, sub, text in walk(build_parser())}
    sub, text = entries[path]
    assert text, f"{' '.join(path)} has no help= in its parent listing"
    for action in sub._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{' '.join(path)} {action.option_strings} has no help"


def test_help_runs_for_each_top_level_command() -> None:
    for name in subcommands():
        proc = run_cli(name, "--help")
        assert proc.returncode == 0, (name, proc.stderr)
        assert "使い方: gkentei-vae" in proc.stdout


def test_unknown_topic_exits_2_listing_valid_topics() -> None:
    proc = run_cli("quiz", "--topic", "nope")
    assert proc.returncode == 2
    assert "nope" in proc.stderr
    for topic in TOPICS:
        assert topic in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_line_exits_2_listing_valid_lines() -> None:
    proc = run_cli("quiz", "--line", "L42", "--bank", str(MINI_BANK))
    assert proc.returncode == 2
    assert "L42" in proc.stderr and "L3, L7, L8" in proc.stderr


def test_bad_count_exits_2() -> None:
    proc = run_cli("quiz", "--count", "0")
    assert proc.returncode == 2


def test_topics_counts_questions() -> None:
    proc = run_cli("topics", "--bank", str(MINI_BANK))
    assert proc.returncode == 0
    rows = {line.split()[0]: int(line.split()[1]) for line in proc.stdout.splitlines()}
    assert rows["reparam"] == 3 and rows["encoder"] == 1 and rows["latent"] == 1 and rows["kl"] == 0


def test_lyrics_counts_questions_per_line() -> None:
    proc = run_cli("lyrics", "--bank", str(MINI_BANK))
    assert proc.returncode == 0
    assert "L7     2 問  そのままのサンプリングは微分ができない" in proc.stdout
    assert "L3     1 問" in proc.stdout


def test_bundled_banks_are_valid_with_three_questions_per_line() -> None:
    proc = run_cli("check", str(REPO / "quizzes"))
    assert proc.returncode == 0, proc.stderr
    lyrics = run_cli("lyrics")
    counts = {}
    for line in lyrics.stdout.splitlines():
        parts = line.split()
        if parts and parts[0].startswith("L") and parts[0][1:].isdigit():
            counts[parts[0]] = int(parts[1])
    assert set(counts) == {f"L{i}" for i in range(1, 11)}
    assert min(counts.values()) >= 3, counts


def test_python_dash_m_works() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0 and "gkentei-vae" in proc.stdout
