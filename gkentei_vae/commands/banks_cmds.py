"""`check`, `topics` and `lyrics`: inspecting and validating quiz banks."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from gkentei_vae.banks import BankError, check_paths
from gkentei_vae.banks.vocab import TOPICS
from gkentei_vae.commands import common
from gkentei_vae.study.selection import load_default_banks


def register(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser(
        "check",
        help="バンク(YAML)を検証する",
        description="バンクを検証し、問題があれば file:line: メッセージ の形で全て表示する。",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="ファイルまたはフォルダ")
    check.add_argument("--lint", action="store_true", help="問題の質に関する警告も表示する")
    check.add_argument("--strict", action="store_true", help="--lint の警告があれば終了コード 1")
    check.set_defaults(handler=run_check)

    topics = sub.add_parser("topics", help="トピック id と問題数の一覧")
    common.add_options(topics, "bank")
    topics.set_defaults(handler=run_topics)

    lyrics = sub.add_parser("lyrics", help="歌詞と各行の問題数")
    common.add_options(lyrics, "bank")
    lyrics.set_defaults(handler=run_lyrics)


def report_bank_error(exc: BankError) -> int:
    """Print every problem (file:line: message) to stderr; the exit code for invalid banks."""
    for problem in exc.problems:
        common.say(problem, err=True)
    common.say(
        f"バンクに {len(exc.problems)} 件のエラーがあります。修正してから再実行してください。",
        err=True,
    )
    return 1


def run_check(args: argparse.Namespace) -> int:
    result = check_paths(args.paths)
    if not result.ok:
        return report_bank_error(BankError(result.problems))
    warnings = []
    if args.lint:
        from gkentei_vae.banks.lint import lint

        warnings = lint(result)
        for warning in warnings:
            common.say(f"{warning} [lint]")
    questions = sum(len(b.questions) for b in result.banks)
    common.say(
        f"OK: {len(result.banks)} バンク、{questions} 問"
        + (f"、警告 {len(warnings)} 件" if args.lint else "")
    )
    return 1 if (args.strict and warnings) else 0


def run_topics(args: argparse.Namespace) -> int:
    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    counts = Counter(t for b in banks for q in b.questions for t in q.topics)
    width = max(len(t) for t in TOPICS)
    for topic, label in TOPICS.items():
        common.say(f"{topic:<{width}}  {counts[topic]:>4} 問  {label}")
    return 0


def run_lyrics(args: argparse.Namespace) -> int:
    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    for bank in banks:
        counts = Counter(q.line for q in bank.questions)
        common.say(f"♪ {bank.song.title}  [{bank.id}]")
        for lyric in bank.song.lines:
            common.say(f"  {lyric.id:<4} {counts[lyric.id]:>3} 問  {lyric.text}")
    return 0
