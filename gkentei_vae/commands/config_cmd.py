"""`config set/get/unset`: the learner's settings, kept in the learning record."""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from gkentei_vae.commands import common

EXAMPLE_DAYS_AHEAD = 60
"""The ``--help`` example's exam date is this many days from today."""


def register(sub: argparse._SubParsersAction) -> None:
    from gkentei_vae.study.settings import CONFIG_KEYS

    keys = "、".join(f"{key}({what})" for key, what in CONFIG_KEYS.items())
    names = " / ".join(CONFIG_KEYS)
    config = sub.add_parser(
        "config",
        help="設定の表示・変更",
        description=f"設定は学習記録の中に保存される。キー: {keys}。",
    )
    actions = config.add_subparsers(
        dest="config_action", metavar="ACTION", title="操作", help="set / get / unset"
    )
    actions.required = True
    example = date.today() + timedelta(days=EXAMPLE_DAYS_AHEAD)  # a past date is refused
    set_ = actions.add_parser(
        "set", help=f"設定する(例: config set exam-date {example.isoformat()})"
    )
    set_.add_argument("key", metavar="KEY", help=f"設定キー({names})")
    set_.add_argument("value", metavar="VALUE", help="値")
    common.add_options(set_, "data-dir")
    set_.set_defaults(handler=run_config_set)
    get = actions.add_parser("get", help="設定を表示する(KEY を省くと全て)")
    get.add_argument("key", nargs="?", metavar="KEY", help=f"設定キー({names})")
    common.add_options(get, "data-dir")
    get.set_defaults(handler=run_config_get)
    unset = actions.add_parser("unset", help="設定を解除する(既定値に戻す)")
    unset.add_argument("key", metavar="KEY", help=f"設定キー({names})")
    common.add_options(unset, "data-dir")
    unset.set_defaults(handler=run_config_unset)


@common.store_errors
def run_config_set(args: argparse.Namespace) -> int:
    """Store a setting."""
    from gkentei_vae.study.config import check_key, set_config

    check_key(args.key)  # before the store is created for nothing
    with common.open_store(args) as store:
        value = set_config(store, args.key, args.value)
    common.say(f"{args.key} = {value} を設定しました")
    return 0


@common.store_errors
def run_config_get(args: argparse.Namespace) -> int:
    """Show one setting (exit 1 if unset) or all of them."""
    from gkentei_vae.study.config import CONFIG_KEYS, check_key, get_config
    from gkentei_vae.study.settings import DEFAULTS

    keys = list(CONFIG_KEYS) if args.key is None else [check_key(args.key)]
    with common.open_store(args) as store:
        values = {key: get_config(store, key) for key in keys}
    if args.key is not None:
        value = values[args.key]
        if value is None:
            common.say(f"{args.key} は未設定です", err=True)
            return 1
        common.say(value)
        return 0
    for key, value in values.items():
        default = f"。既定: {DEFAULTS[key]}" if key in DEFAULTS else ""
        common.say(f"{key} = {value if value is not None else f'(未設定{default})'}")
    return 0


@common.store_errors
def run_config_unset(args: argparse.Namespace) -> int:
    """Remove a setting."""
    from gkentei_vae.study.config import check_key, unset_config

    check_key(args.key)
    with common.open_store(args) as store:
        removed = unset_config(store, args.key)
    common.say(f"{args.key} を解除しました" if removed else f"{args.key} は設定されていません")
    return 0
