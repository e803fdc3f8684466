"""`review`, `flashcards` and `stats`: spaced repetition and progress.

The handlers load the banks, check the filters and open the store before any screen
starts (``common.run_mode``), so bad input exits with a message instead of a half-drawn UI.
"""

from __future__ import annotations

import argparse
import sys

from gkentei_vae.commands import common
from gkentei_vae.control_chars import escape
from gkentei_vae.study.defaults import DEFAULT_NEW_PER_DAY


def _add_new_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--new",
        type=common.non_negative_int,
        default=DEFAULT_NEW_PER_DAY,
        metavar="N",
        help=f"1日に出す新しい{what}の上限(今日すでに出した分を含む。既定: {DEFAULT_NEW_PER_DAY})",
    )


def review_screen() -> type:
    from gkentei_vae.tui.review_screen import ReviewScreen

    return ReviewScreen


def flashcard_screen() -> type:
    from gkentei_vae.tui.flashcard_screen import FlashcardScreen

    return FlashcardScreen


def stats_screen() -> type:
    from gkentei_vae.tui.stats_screen import StatsScreen

    return StatsScreen


def register(sub: argparse._SubParsersAction) -> None:
    sessions = (
        (
            "review",
            "期限が来た問題を間隔反復(FSRS)で復習する",
            "期限が来た問題を先に、続けて今日の新しい問題を出題する。解答は一問ごとに保存される。",
            review_screen,
            ("topic", "line", "level"),
            "問題",
            run_review,
        ),
        (
            "flashcards",
            "歌詞の穴埋めカードと用語カードで復習する",
            "歌詞の要語を隠したカードと用語→意味のカード。自己採点は学習記録に保存される。",
            flashcard_screen,
            ("line",),
            "カード",
            run_flashcards,
        ),
    )
    for name, summary, description, screen, filters, what, handler in sessions:
        parser = sub.add_parser(name, help=summary, description=description, keys=screen)
        common.add_options(parser, *filters)
        _add_new_option(parser, what)
        common.add_options(parser, "bank", "data-dir")
        parser.set_defaults(handler=handler)

    stats = sub.add_parser(
        "stats",
        help="歌詞の行ごとの習熟度・復習予定・解答の記録を表示する",
        description="歌詞の行ごとの学習済みカード数・正答率・想起率、今後14日の復習予定、直近8週間の解答数、試験日までの残り。",
        keys=stats_screen,
    )
    common.add_options(stats, "plain", "bank", "data-dir")
    stats.set_defaults(handler=run_stats)


@common.store_errors
def run_review(args: argparse.Namespace) -> int:
    """Review due questions and today's new ones in the TUI."""
    return common.run_mode(args, "review")


@common.store_errors
def run_flashcards(args: argparse.Namespace) -> int:
    """Self-rated lyric cloze and glossary cards in the TUI (no model: no demos here)."""
    return common.run_mode(args, "flashcards")


@common.store_errors
def run_stats(args: argparse.Namespace) -> int:
    """Progress per lyric line, due forecast, answer heatmap, exam countdown; the screen's
    figures are computed before it starts, so a store error exits with its message (exit 1)."""
    if not args.plain:
        return common.run_mode(args, "stats")
    from gkentei_vae.study.selection import load_default_banks
    from gkentei_vae.study.stats import compute_stats, render_plain

    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    with common.open_store(args) as store:
        stats = compute_stats(store, banks)
        from gkentei_vae.study.forecast import compute_forecast
        from gkentei_vae.study.forecast_text import line_rows

        forecast = compute_forecast(store, banks)
        extra = "" if forecast is None else "\n" + "\n".join(line_rows(forecast)) + "\n"
        sys.stdout.write(escape(render_plain(stats) + extra))
    return 0
