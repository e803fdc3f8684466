"""`review`, `flashcards` and `stats`: spaced repetition and progress.

The handlers load the banks, check the filters and open the store before any screen
starts, so bad input exits with a message instead of a half-drawn UI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from gkentei_vae.commands import common
from gkentei_vae.control_chars import escape
from gkentei_vae.study.defaults import DEFAULT_NEW_PER_DAY

if TYPE_CHECKING:
    from gkentei_vae.banks import Bank
    from gkentei_vae.study.review import ReviewSession
    from gkentei_vae.study.store import Store
    from gkentei_vae.tui.app import GkenteiApp

SessionBuilder = Callable[["Store", "Sequence[Bank]", int], "ReviewSession"]


def _add_new_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--new",
        type=common.non_negative_int,
        default=DEFAULT_NEW_PER_DAY,
        metavar="N",
        help=f"1日に出す新しい{what}の上限(今日すでに出した分を含む。既定: {DEFAULT_NEW_PER_DAY})",
    )


def register(sub: argparse._SubParsersAction) -> None:
    sessions = (
        (
            "review",
            "期限が来た問題を間隔反復(FSRS)で復習する",
            "期限が来た問題を先に、続けて今日の新しい問題を出題する。解答は一問ごとに保存される。"
            "キー: 1–4/a–d 解答、n/Enter 次へ、g 勘(解答の前に押す当て推量の印)、u 取り消し、e モデルで確かめる、? ヘルプ、q 終了。",
            ("topic", "line", "level"),
            "問題",
            run_review,
        ),
        (
            "flashcards",
            "歌詞の穴埋めカードと用語カードで復習する",
            "歌詞の要語を隠したカードと用語→意味のカード。自己採点は学習記録に保存される。"
            "キー: Space めくる、1 もう一度、2 難しい、3 正解、4 簡単、u 取り消し、? ヘルプ、q 終了。",
            ("line",),
            "カード",
            run_flashcards,
        ),
    )
    for name, summary, description, filters, what, handler in sessions:
        parser = sub.add_parser(name, help=summary, description=description)
        common.add_options(parser, *filters)
        _add_new_option(parser, what)
        common.add_options(parser, "bank", "data-dir")
        parser.set_defaults(handler=handler)

    stats = sub.add_parser(
        "stats",
        help="歌詞の行ごとの習熟度・復習予定・解答の記録を表示する",
        description="歌詞の行ごとの学習済みカード数・正答率・想起率、今後14日の復習予定、直近8週間の解答数、試験日までの残り。"
        "キー: q/Esc 閉じる、? ヘルプ。",
    )
    common.add_options(stats, "plain", "bank", "data-dir")
    stats.set_defaults(handler=run_stats)


@common.store_errors
def run_review(args: argparse.Namespace) -> int:
    """Review due questions and today's new ones in the TUI."""
    from gkentei_vae.study.review import ReviewSession

    def build(store: Store, banks: Sequence[Bank], new: int) -> ReviewSession:
        return ReviewSession.for_questions(
            store, banks, args.topic, args.line, common.levels(args), new_per_day=new
        )

    def app(session: ReviewSession) -> GkenteiApp:
        from gkentei_vae.tui.launch import review_app

        return review_app(session, **common.with_demos(session.srs.store))

    return _run_session(args, build, app)


@common.store_errors
def run_flashcards(args: argparse.Namespace) -> int:
    """Self-rated lyric cloze and glossary cards in the TUI (no model: no demos here)."""
    from gkentei_vae.study.flashcards import flashcard_session

    def build(store: Store, banks: Sequence[Bank], new: int) -> ReviewSession:
        return flashcard_session(store, banks, args.line, new_per_day=new)

    def app(session: ReviewSession) -> GkenteiApp:
        from gkentei_vae.tui.launch import flashcards_app

        return flashcards_app(session)

    return _run_session(args, build, app)


def _run_session(
    args: argparse.Namespace,
    build: SessionBuilder,
    make_app: Callable[[ReviewSession], GkenteiApp],
) -> int:
    """Load banks, open the store, build the session, then run its screen."""
    from gkentei_vae.study.review import next_due
    from gkentei_vae.study.selection import SelectionError, load_default_banks
    from gkentei_vae.study.srs import describe_due

    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    with common.open_store(args) as store:
        try:
            session = build(store, banks, args.new)
        except SelectionError as exc:
            raise common.UsageError(str(exc)) from None
        if session.finished:
            later = next_due(store, session.queue.items)
            when = f"次は{describe_due(later)}です。" if later else ""
            common.say(f"いま出題できるカードはありません。{when}")
            return 0
        from gkentei_vae.tui.launch import run

        return run(make_app(session))


@common.store_errors
def run_stats(args: argparse.Namespace) -> int:
    """Progress per lyric line, due forecast, answer heatmap, exam countdown."""
    from gkentei_vae.study.selection import load_default_banks
    from gkentei_vae.study.stats import compute_stats, render_plain

    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    with common.open_store(args) as store:
        # Computed before any screen: a store error then exits with its message (exit 1).
        stats = compute_stats(store, banks)
        if args.plain:
            from gkentei_vae.study.forecast import compute_forecast
            from gkentei_vae.study.forecast_text import line_rows

            forecast = compute_forecast(store, banks)
            extra = "" if forecast is None else "\n" + "\n".join(line_rows(forecast)) + "\n"
            sys.stdout.write(escape(render_plain(stats) + extra))
            return 0
        from gkentei_vae.tui.launch import run, stats_app

        return run(stats_app(store, banks, stats=stats))
