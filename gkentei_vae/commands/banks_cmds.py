"""`check`, `topics` and `lyrics`: inspecting and validating quiz banks."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from gkentei_vae.banks import BankError, check_paths
from gkentei_vae.banks.loader import bank_files
from gkentei_vae.banks.scaffold import DEFAULT_LETTER, unfinished
from gkentei_vae.banks.vocab import TOPICS
from gkentei_vae.commands import common
from gkentei_vae.control_chars import describe
from gkentei_vae.study.selection import load_default_banks


def register(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser(
        "check",
        help="バンク(YAML)を検証する",
        description="バンクを検証し、問題があれば file:line: メッセージ の形で全て表示する。",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="ファイルまたはフォルダ")
    check.add_argument("--lint", action="store_true", help="問題の質に関する警告も表示する")
    check.add_argument(
        "--strict", action="store_true", help="--lint の警告か未完成の箇所があれば終了コード 1"
    )
    check.set_defaults(handler=run_check)

    new_bank = sub.add_parser(
        "new-bank",
        help="歌詞ファイルからバンクのひな形を作る",
        description="歌詞ファイル(1 行に 1 フレーズ)から、歌・各行の穴埋め候補・各行の問題のひな形を"
        "持つバンクを書き出す。ひな形は check が「未完成」として行番号つきで示す"
        "(docs/bank-format.md「自分の歌でバンクを作る」)。",
    )
    new_bank.add_argument(
        "--lyrics", type=Path, required=True, metavar="FILE", help="歌詞のテキストファイル(UTF-8)"
    )
    new_bank.add_argument("--title", required=True, metavar="TITLE", help="歌とバンクの題名")
    new_bank.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="書き出すバンク(.yaml)"
    )
    new_bank.add_argument(
        "--letter",
        default=DEFAULT_LETTER,
        metavar="A",
        help=f"歌詞の行 id の頭の英字 1 文字(既定: {DEFAULT_LETTER}。同梱の歌は L と G)",
    )
    new_bank.add_argument("--force", action="store_true", help="--out が既にあれば上書きする")
    new_bank.set_defaults(handler=run_new_bank)

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
    files, _ = bank_files(args.paths)
    todo = [problem for path in files for problem in unfinished(path)]
    for problem in todo:
        common.say(problem)
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
        + (f"、未完成 {len(todo)} 件" if todo else "")
    )
    return 1 if (args.strict and (warnings or todo)) else 0


def run_new_bank(args: argparse.Namespace) -> int:
    from gkentei_vae.banks.scaffold import ScaffoldError, bank_id_for, lyric_lines, skeleton

    if not re.fullmatch(r"[A-Za-z]", args.letter):
        raise common.UsageError(f"--letter は英字 1 文字にしてください: {args.letter}")
    if not args.title.strip() or "\n" in args.title or describe(args.title):
        raise common.UsageError("--title は 1 行の文字列にしてください(制御文字は使えません)")
    if args.out.exists() and not args.force:
        common.say(f"{args.out} は既にあります(上書きするなら --force)", err=True)
        return 1
    try:
        lines = lyric_lines(args.lyrics.read_text(encoding="utf-8"))
    except OSError as exc:
        common.say(f"{args.lyrics}: 読み込めません: {exc.strerror}", err=True)
        return 1
    except UnicodeDecodeError:
        common.say(f"{args.lyrics}: UTF-8 のテキストではありません", err=True)
        return 1
    except ScaffoldError as exc:
        common.say(f"{args.lyrics}: {exc}", err=True)
        return 1
    text = skeleton(lines, args.title, bank_id_for(args.out), args.letter.upper())
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        common.say(f"{args.out}: 書き出せません: {exc.strerror}", err=True)
        return 1
    common.say(
        f"{args.out} を書き出しました: 歌詞 {len(lines)} 行、問題のひな形 {len(lines)} 件。"
        f"gkentei-vae check --lint {args.out} で未完成の箇所が行番号つきで出ます。"
    )
    return 0


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
