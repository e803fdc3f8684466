"""What the command modules share: the usage error, argparse types and options, the store.

Every option that more than one command takes is defined here once, so its flag, its
metavar and its Japanese help read the same everywhere.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rich.cells import cell_len

from gkentei_vae.control_chars import escape
from gkentei_vae.jatext import wrap
from gkentei_vae.paths import HOME_ENV
from gkentei_vae.study.defaults import DEFAULT_NEW_PER_DAY
from gkentei_vae.study.settings import DEFAULT_LEVEL, LEVEL_CHOICES, LEVEL_KEY, level_label

if TYPE_CHECKING:
    from gkentei_vae.study.store import Store
    from gkentei_vae.tui.app import GkenteiApp
    from gkentei_vae.tui.modes import ModeOptions


ARGPARSE_JA: dict[str, str] = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "知らない引数です: %s",
    "the following arguments are required: %s": "次の引数を指定してください: %s",
    "one of the arguments %s is required": "次のどれかを指定してください: %s",
    "not allowed with argument %s": "%s と同時には指定できません",
    "ignored explicit argument %r": "値をとらないオプションに値があります: %r",
    "expected one argument": "値を 1 つ指定してください",
    "expected at most one argument": "値は 1 つまでです",
    "expected at least one argument": "値を 1 つ以上指定してください",
    "expected %s argument": "値を %s 個指定してください",
    "expected %s arguments": "値を %s 個指定してください",
    "ambiguous option: %(option)s could match %(matches)s": (
        "どのオプションか決まりません: %(option)s(候補: %(matches)s)"
    ),
    "unexpected option string: %s": "ここにはオプションを置けません: %s",
    "invalid %(type)s value: %(value)r": "値が正しくありません: %(value)r(%(type)s)",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "選べない値です: %(value)r(選べるもの: %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "知らないコマンドです: %(parser_name)r(使えるもの: %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "開けません: %(filename)s(%(error)s)",
}
"""argparse's own messages that a learner can meet, by their English msgid → Japanese."""
HELP_HELP = "このヘルプを表示して終了する"
"""The help of ``-h/--help``."""


@contextmanager
def japanese_argparse() -> Iterator[None]:
    """argparse's messages in Japanese while the block runs.

    argparse reads every message it prints through gettext (its module-level ``_`` and
    ``ngettext``); a catalogue chosen by the user's locale would leave most learners with
    English, so ours is put in for the duration of a parse or a help and taken out after.
    """
    names = vars(argparse)
    saved = {"_": names["_"], "ngettext": names["ngettext"]}

    def gettext(message: str) -> str:
        return ARGPARSE_JA.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    names.update(_=gettext, ngettext=ngettext)
    try:
        yield
    finally:
        names.update(saved)


class HelpFormatter(argparse.HelpFormatter):
    """``--help`` with Japanese broken by phrase (jatext.py), not by textwrap's spaces."""

    def _format_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None,
    ) -> str:
        # argparse indents the usage's continuation lines by len(prefix): give it blanks as
        # wide in cells as 「使い方: 」, then put the words in.
        prefix = ARGPARSE_JA["usage: "] if prefix is None else prefix
        blank = " " * cell_len(prefix)
        return prefix + super()._format_usage(usage, actions, groups, blank)[len(blank) :]

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(" ".join(text.split()), width))


class ArgumentParser(argparse.ArgumentParser):
    """argparse in Japanese: its headings, its own messages, and help text broken by phrase;
    its description can end with the keys of the screen the command opens.

    Errors never print a control character raw (they echo the bad value). Subcommand
    parsers are made by this class too (argparse uses the parent's class). ``keys`` returns
    the screen's class: the key list is made from its bindings (``tui/keys.py``) when the
    description is read, for ``--help``, so that building the parser imports no screen.
    """

    def __init__(self, *args: Any, keys: Callable[[], type] | None = None, **kwargs: Any) -> None:
        self.keys = keys
        """The class of the screen whose keys ``--help`` lists (None: no key list)."""
        kwargs.setdefault("formatter_class", HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # ours, with Japanese help, is added below
        with japanese_argparse():
            super().__init__(*args, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", help=HELP_HELP)

    @property
    def description(self) -> str | None:
        """The description given, then 「キー: …。」 when ``keys`` names a screen."""
        if self.keys is None:
            return self._description
        from gkentei_vae.tui.app import GkenteiApp
        from gkentei_vae.tui.keys import command_keys

        return f"{self._description or ''}キー: {command_keys(self.keys(), GkenteiApp)}。"

    @description.setter
    def description(self, text: str | None) -> None:
        self._description = text

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with japanese_argparse():
            return super().parse_known_args(*args, **kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with japanese_argparse():  # its 「unrecognized arguments」 is outside parse_known_args
            return super().parse_args(*args, **kwargs)

    def format_usage(self) -> str:
        with japanese_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with japanese_argparse():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, escape(f"{self.prog}: エラー: {message}\n"))


def say(text: object, *, err: bool = False) -> None:
    """Print one line that may hold text from a bank, the learning record or the command
    line: control characters are escaped (control_chars.py), so none reaches the terminal."""
    print(escape(str(text)), file=sys.stderr if err else sys.stdout)


Handler = Callable[[argparse.Namespace], int]
"""What ``set_defaults(handler=...)`` holds: takes the parsed arguments, returns the exit code."""


class UsageError(Exception):
    """Bad command-line input (exit status 2); the message is shown to the user."""


# -- argparse types ---------------------------------------------------------------------------


def int_at_least(lowest: int) -> Callable[[str], int]:
    """An argparse type: an integer ≥ ``lowest``, with a Japanese message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"整数を指定してください: {text}") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"{lowest} 以上を指定してください: {text}")
        return value

    return parse


positive_int = int_at_least(1)
"""argparse type: an integer ≥ 1."""
non_negative_int = int_at_least(0)
"""argparse type: an integer ≥ 0."""


def float_above(lowest: float, inclusive: bool) -> Callable[[str], float]:
    """An argparse type: a number > ``lowest`` (≥ with ``inclusive``), Japanese message otherwise."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"数値を指定してください: {text}") from None
        if not (value >= lowest if inclusive else value > lowest):
            bound = "以上" if inclusive else "より大きい値"
            raise argparse.ArgumentTypeError(f"{lowest:g} {bound}を指定してください: {text}")
        return value

    return parse


positive_float = float_above(0, inclusive=False)
"""argparse type: a number > 0."""
non_negative_float = float_above(0, inclusive=True)
"""argparse type: a number ≥ 0 (NaN refused)."""


# -- options ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """An option several commands take: its flags and ``add_argument`` settings."""

    flags: tuple[str, ...]
    """``("--bank",)``."""
    settings: Mapping[str, Any]
    """Everything else ``add_argument`` gets (type, default, metavar, Japanese help)."""


OPTIONS: dict[str, Option] = {
    "bank": Option(
        ("--bank",),
        {
            "action": "append",
            "type": Path,
            "default": [],
            "metavar": "PATH",
            "help": "使うバンク(YAML ファイルかフォルダ、複数可。既定: 同梱のバンク)",
        },
    ),
    "data-dir": Option(
        ("--data-dir",),
        {
            "type": Path,
            "default": None,
            "metavar": "DIR",
            "help": f"学習記録(study.sqlite3)を置くフォルダ(既定: ${HOME_ENV} かユーザーのデータフォルダ)",
        },
    ),
    "topic": Option(
        ("--topic",),
        {
            "action": "append",
            "default": [],
            "metavar": "T",
            "help": "トピック id で絞り込む(複数可)",
        },
    ),
    "line": Option(
        ("--line",),
        {
            "action": "append",
            "default": [],
            "metavar": "L",
            "help": "歌詞の行 id (L1〜L10) で絞り込む(複数可)",
        },
    ),
    "level": Option(
        ("--level",),
        {
            "choices": LEVEL_CHOICES,
            "default": None,
            "help": "レベルで絞り込む: "
            + "、".join(f"{k}({level_label(k)})" for k in LEVEL_CHOICES)
            + f"。既定: 設定 {LEVEL_KEY} の値(未設定なら {DEFAULT_LEVEL}。"
            f"ホームの l キーか config set {LEVEL_KEY} で変える)",
        },
    ),
    "plain": Option(
        ("--plain",),
        {"action": "store_true", "help": "画面を使わずテキストで表示する"},
    ),
    "seed": Option(
        ("--seed",),
        {
            "type": int,
            "default": None,
            "metavar": "S",
            "help": "出題順と選択肢の並びを固定する乱数シード",
        },
    ),
}
"""Name → an option shared by several commands, defined once."""


def levels(args: argparse.Namespace, store: Store | None = None) -> tuple[str, ...]:
    """The levels ``--level`` selects, else the ``level`` setting (empty: every level)."""
    from gkentei_vae.study.settings import levels_for, study_level

    if args.level is not None:
        return levels_for(args.level)
    if store is not None:
        return levels_for(study_level(store))
    with open_store(args) as opened:
        return levels_for(study_level(opened))


def add_options(parser: argparse.ArgumentParser, *names: str) -> None:
    """Add the shared options ``names`` (keys of ``OPTIONS``) to ``parser``."""
    for name in names:
        option = OPTIONS[name]
        parser.add_argument(*option.flags, **option.settings)


# -- the learning record ------------------------------------------------------------------------


def store_errors(handler: Handler) -> Handler:
    """Report a StoreError (a damaged or foreign file, a newer schema) and exit 1;
    a ConfigError (bad key or value) is a usage error (exit 2)."""

    def wrapped(args: argparse.Namespace) -> int:
        from gkentei_vae.study.settings import ConfigError
        from gkentei_vae.study.store import StoreError

        try:
            return handler(args)
        except StoreError as exc:
            say(f"gkentei-vae: {exc}", err=True)
            return 1
        except ConfigError as exc:
            raise UsageError(str(exc)) from None

    wrapped.__doc__ = handler.__doc__
    return wrapped


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--data-dir`` (or the default); raises StoreError."""
    from gkentei_vae.study.store import Store

    return Store.open(data_dir=getattr(args, "data_dir", None))


def mode_options(args: argparse.Namespace) -> ModeOptions:
    """The mode's options from whichever of them the command takes."""
    from gkentei_vae.tui.modes import ModeOptions

    return ModeOptions(
        topics=getattr(args, "topic", ()),
        lines=getattr(args, "line", ()),
        levels=levels(args) if hasattr(args, "level") else None,
        count=getattr(args, "count", None),
        minutes=getattr(args, "minutes", None),
        new_per_day=getattr(args, "new", DEFAULT_NEW_PER_DAY),
        seed=getattr(args, "seed", None),
    )


@contextmanager
def mode_app(args: argparse.Namespace, mode: str) -> Iterator[GkenteiApp | None]:
    """The app of ``mode`` as the command builds it (``tui/modes.py``), with the record open.

    The banks are loaded and the filters checked first (bad input exits before the record
    is opened); None, after saying why, when the mode has nothing to serve now.
    """
    from gkentei_vae import startup_gc

    with startup_gc.held():  # until the first screen has painted (GkenteiApp)
        from gkentei_vae.study.context import StudyContext
        from gkentei_vae.study.selection import load_default_banks
        from gkentei_vae.tui import modes
        from gkentei_vae.tui.launch import mode_app

        banks = load_default_banks(getattr(args, "bank", None))  # invalid: cli.main reports it
        chosen = modes.select(mode, banks, mode_options(args))
        with open_store(args) as store:
            try:
                make = modes.screen(chosen, StudyContext(store, banks))
            except modes.NothingToStudy as exc:
                say(exc)
                yield None
                return
            yield mode_app(make, **(with_demos(store) if mode in modes.DEMO_MODES else {}))


def run_mode(args: argparse.Namespace, mode: str) -> int:
    """Run the app of ``mode`` until the learner quits (exit 0 when there is nothing to serve)."""
    from gkentei_vae.tui.launch import run

    with mode_app(args, mode) as app:
        return run(app) if app else 0


def with_demos(store: Store) -> dict[str, Any]:
    """App options for a mode that offers demos: warm the model process after the first
    screen (under ``serve``: at the first demo), and let it go after the learner's
    ``model-idle-minutes``."""
    from gkentei_vae.paths import model_on_demand
    from gkentei_vae.study.settings import model_idle_minutes

    return {
        "warm_model": True,
        "warm_at_start": not model_on_demand(),
        "idle_minutes": model_idle_minutes(store),
    }
