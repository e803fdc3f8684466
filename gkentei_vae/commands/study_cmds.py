"""`review`, `flashcards`, `stats` and `config`: spaced repetition and the learner's settings.

The handlers load the banks, check the filters and open the store before any screen starts,
so bad input exits with a message instead of a half-drawn UI. They then hand the prepared
objects to the TUI on ``args`` (``args.store``, ``args.banks``, and ``args.session`` for
review and flashcards).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gkentei_vae.commands import UsageError
from gkentei_vae.commands.banks_cmds import add_bank_option
from gkentei_vae.commands.quiz_cmd import add_filter_options, int_at_least

if TYPE_CHECKING:
    from gkentei_vae.banks import Bank
    from gkentei_vae.study.review import ReviewSession
    from gkentei_vae.study.store import Store


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    """``--data-dir DIR``: where the learning record lives (default: $GKENTEI_VAE_HOME or the user data folder)."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="学習記録(study.sqlite3)を置くフォルダ(既定: $GKENTEI_VAE_HOME かユーザーのデータフォルダ)",
    )


non_negative_int = int_at_least(0)
"""argparse type: an integer ≥ 0."""


def _add_session_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--new``, ``--bank`` and ``--data-dir``, shared by review and flashcards."""
    parser.add_argument(
        "--new",
        type=non_negative_int,
        default=None,  # review.DEFAULT_NEW_PER_DAY; not imported here to keep --help light
        metavar="N",
        help=f"1日に出す新しい{what}の上限(今日すでに出した分を含む。既定: 10)",
    )
    add_bank_option(parser)
    add_data_dir_option(parser)


def register(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser(
        "review",
        help="期限が来た問題を間隔反復(FSRS)で復習する",
        description="期限が来た問題を先に、続けて今日の新しい問題を出題する。解答は一問ごとに保存され、u で直前の解答を取り消せる。",
    )
    add_filter_options(review)
    _add_session_options(review, "問題")
    review.set_defaults(handler=run_review)

    cards = sub.add_parser(
        "flashcards",
        help="歌詞の穴埋めカードと用語カードで復習する",
        description="歌詞の要語を隠したカードと用語→意味のカード。Space でめくり、1–4 (もう一度/難しい/正解/簡単) で自己採点する。",
    )
    cards.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="L",
        help="歌詞の行 id (L1〜L10) で絞り込む(複数可)",
    )
    _add_session_options(cards, "カード")
    cards.set_defaults(handler=run_flashcards)

    stats = sub.add_parser(
        "stats",
        help="歌詞の行ごとの習熟度・復習予定・解答の記録を表示する",
        description="歌詞の行ごとの学習済みカード数・正答率・想起率、今後14日の復習予定、直近8週間の解答数、試験日までの残り。",
    )
    stats.add_argument("--plain", action="store_true", help="画面を使わずテキストで表示する")
    add_bank_option(stats)
    add_data_dir_option(stats)
    stats.set_defaults(handler=run_stats)

    config = sub.add_parser(
        "config",
        help="設定(試験日)の表示・変更",
        description="設定は学習記録の中に保存される。キー: exam-date(試験日 YYYY-MM-DD)。",
    )
    actions = config.add_subparsers(
        dest="config_action", metavar="ACTION", title="操作", help="set / get / unset"
    )
    actions.required = True
    set_ = actions.add_parser("set", help="設定する(例: config set exam-date 2025-06-14)")
    set_.add_argument("key", metavar="KEY", help="設定キー(exam-date)")
    set_.add_argument("value", metavar="VALUE", help="値(exam-date は YYYY-MM-DD)")
    add_data_dir_option(set_)
    set_.set_defaults(handler=run_config_set)
    get = actions.add_parser("get", help="設定を表示する(KEY を省くと全て)")
    get.add_argument("key", nargs="?", metavar="KEY", help="設定キー(exam-date)")
    add_data_dir_option(get)
    get.set_defaults(handler=run_config_get)
    unset = actions.add_parser("unset", help="設定を解除する")
    unset.add_argument("key", metavar="KEY", help="設定キー(exam-date)")
    add_data_dir_option(unset)
    unset.set_defaults(handler=run_config_unset)


# -- shared steps ----------------------------------------------------------------------------


def store_errors(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Report a StoreError (a damaged or foreign file, a newer schema) and exit 1;
    a ConfigError (bad key or value) is a usage error (exit 2)."""

    def wrapped(args: argparse.Namespace) -> int:
        from gkentei_vae.study.config import ConfigError
        from gkentei_vae.study.store import StoreError

        try:
            return handler(args)
        except StoreError as exc:
            print(f"gkentei-vae: {exc}", file=sys.stderr)
            return 1
        except ConfigError as exc:
            raise UsageError(str(exc)) from None

    wrapped.__doc__ = handler.__doc__
    return wrapped


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--data-dir`` (or the default); raises StoreError."""
    from gkentei_vae.study.store import Store

    return Store.open(data_dir=getattr(args, "data_dir", None))


def _tui(name: str) -> Callable[[argparse.Namespace], int] | None:
    """``gkentei_vae.tui.<name>`` (or ``gkentei_vae.tui.launch.<name>``); None until it exists."""
    import importlib

    for module in ("gkentei_vae.tui", "gkentei_vae.tui.launch"):
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError as exc:
            if exc.name != module:
                raise
            continue
        if found is not None:
            return found
    return None


def _launch(name: str, args: argparse.Namespace) -> int:
    run = _tui(name)
    if run is None:
        hint = "--plain でテキスト表示できます。" if name == "run_stats" else ""
        print(f"この画面はまだ使えません。{hint}", file=sys.stderr)
        return 1
    return int(run(args) or 0)


# -- handlers ----------------------------------------------------------------------------


@store_errors
def run_review(args: argparse.Namespace) -> int:
    """Review due questions and today's new ones in the TUI."""
    from gkentei_vae.study.review import ReviewSession

    def build(store: Store, banks: Sequence[Bank], new: int) -> ReviewSession:
        return ReviewSession.for_questions(store, banks, args.topic, args.line, new_per_day=new)

    return _run_session(args, build, "run_review")


@store_errors
def run_flashcards(args: argparse.Namespace) -> int:
    """Self-rated lyric cloze and glossary cards in the TUI."""
    from gkentei_vae.study.flashcards import flashcard_session

    def build(store: Store, banks: Sequence[Bank], new: int) -> ReviewSession:
        return flashcard_session(store, banks, args.line, new_per_day=new)

    return _run_session(args, build, "run_flashcards")


def _run_session(
    args: argparse.Namespace,
    build: Callable[[Store, Sequence[Bank], int], ReviewSession],
    screen: str,
) -> int:
    """Load banks, open the store, build the session, then hand all three to the screen."""
    from gkentei_vae.study.review import DEFAULT_NEW_PER_DAY
    from gkentei_vae.study.selection import SelectionError, load_default_banks

    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    store = open_store(args)
    try:
        session = build(store, banks, DEFAULT_NEW_PER_DAY if args.new is None else args.new)
    except SelectionError as exc:
        store.close()
        raise UsageError(str(exc)) from None
    except BaseException:
        store.close()
        raise
    return _start_session(args, store, banks, session, screen)


def _start_session(
    args: argparse.Namespace,
    store: Store,
    banks: Sequence[Bank],
    session: ReviewSession,
    screen: str,
) -> int:
    from gkentei_vae.study.review import next_due
    from gkentei_vae.study.srs import describe_due

    if session.finished:
        later = next_due(store, session.queue.items)
        store.close()
        when = f"次は{describe_due(later)}です。" if later else ""
        print(f"いま出題できるカードはありません。{when}")
        return 0
    args.store, args.banks, args.session = store, banks, session
    try:
        return _launch(screen, args)
    finally:
        store.close()


@store_errors
def run_stats(args: argparse.Namespace) -> int:
    """Progress per lyric line, due forecast, answer heatmap, exam countdown."""
    from gkentei_vae.study.selection import load_default_banks
    from gkentei_vae.study.stats import compute_stats, render_plain

    banks = load_default_banks(args.bank)  # an invalid bank: cli.main reports it
    with open_store(args) as store:
        if args.plain:
            sys.stdout.write(render_plain(compute_stats(store, banks)))
            return 0
        args.store, args.banks = store, banks
        return _launch("run_stats", args)


@store_errors
def run_config_set(args: argparse.Namespace) -> int:
    """Store a setting."""
    from gkentei_vae.study.config import check_key, set_config

    check_key(args.key)  # before the store is created for nothing
    with open_store(args) as store:
        value = set_config(store, args.key, args.value)
    print(f"{args.key} = {value} を設定しました")
    return 0


@store_errors
def run_config_get(args: argparse.Namespace) -> int:
    """Show one setting (exit 1 if unset) or all of them."""
    from gkentei_vae.study.config import CONFIG_KEYS, check_key, get_config

    keys = list(CONFIG_KEYS) if args.key is None else [check_key(args.key)]
    with open_store(args) as store:
        values = {key: get_config(store, key) for key in keys}
    if args.key is not None:
        value = values[args.key]
        if value is None:
            print(f"{args.key} は未設定です", file=sys.stderr)
            return 1
        print(value)
        return 0
    for key, value in values.items():
        print(f"{key} = {value if value is not None else '(未設定)'}")
    return 0


@store_errors
def run_config_unset(args: argparse.Namespace) -> int:
    """Remove a setting."""
    from gkentei_vae.study.config import check_key, unset_config

    check_key(args.key)
    with open_store(args) as store:
        removed = unset_config(store, args.key)
    print(f"{args.key} を解除しました" if removed else f"{args.key} は設定されていません")
    return 0
