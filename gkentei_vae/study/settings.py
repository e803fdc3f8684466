"""The learner's settings (``gkentei-vae config``): keys, meanings, defaults and parsers.

Imports no scheduler (``--help`` lists the keys, and the quiz reads the model's idle time
before its first question); storing a setting and its side effects are in config.py.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import TYPE_CHECKING

from gkentei_vae.banks.vocab import LEVELS

if TYPE_CHECKING:
    from gkentei_vae.study.store import Store

EXAM_DATE_KEY = "exam-date"
"""The exam date (ISO ``YYYY-MM-DD``): the last 7 days before it bring back every card seen."""
MODEL_IDLE_KEY = "model-idle-minutes"
"""Minutes without a demo before the model process exits and gives its memory back (0: never)."""
MODEL_IDLE_DEFAULT = 10.0
"""``model-idle-minutes`` when unset."""
LEVEL_KEY = "level"
"""The question level quiz, review, the mock exam and the weak-spot drill serve by default."""
ALL_LEVELS = "all"
"""The ``level`` value for questions of every level."""
LEVEL_CHOICES: tuple[str, ...] = (*LEVELS, ALL_LEVELS)
"""Every value of ``level`` (``--level``), in the order home's key cycles through them."""
DEFAULT_LEVEL = "basic"
"""``level`` when unset: what G検定 asks (advanced questions go beyond it)."""

CONFIG_KEYS: dict[str, str] = {
    EXAM_DATE_KEY: "試験日(YYYY-MM-DD)。最後の7日間に学習済みの全カードが出題されるよう間隔を調整する",
    MODEL_IDLE_KEY: "デモ用モデルのプロセスを、この分数だれも使わなければ終了してメモリを返す"
    f"(0: 終了しない。既定: {MODEL_IDLE_DEFAULT:g})",
    LEVEL_KEY: f"出題レベル({' / '.join(LEVEL_CHOICES)})。quiz・review・exam とホームの既定"
    f"(既定: {DEFAULT_LEVEL})",
}
"""Settable keys → what they mean (Japanese, for ``config get`` and help)."""
DEFAULTS: dict[str, str] = {MODEL_IDLE_KEY: f"{MODEL_IDLE_DEFAULT:g}", LEVEL_KEY: DEFAULT_LEVEL}
"""The value in force when a key is unset (keys without one are simply off)."""


class ConfigError(ValueError):
    """An unknown key or a bad value; the message (Japanese) says what is accepted."""


def parse_exam_date(text: str, today: date) -> date:
    """A ``YYYY-MM-DD`` exam date that is today or later."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise ConfigError(f"日付は YYYY-MM-DD の形で指定してください: {text}")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"存在しない日付です: {text}") from None
    if day < today:
        raise ConfigError(f"過去の日付は試験日にできません: {text}(今日は {today.isoformat()})")
    return day


def parse_minutes(text: str) -> float:
    """A number of minutes ≥ 0 (fractions allowed)."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ConfigError(f"分数は 0 以上の数で指定してください: {text}") from None
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"分数は 0 以上の数で指定してください: {text}")
    return value


def model_idle_minutes(store: Store) -> float:
    """The ``model-idle-minutes`` in force (the default when unset or unreadable)."""
    value = store.get_setting(MODEL_IDLE_KEY)
    try:
        return parse_minutes(value) if value is not None else MODEL_IDLE_DEFAULT
    except ConfigError:
        return MODEL_IDLE_DEFAULT


def parse_level(text: str) -> str:
    """One of ``LEVEL_CHOICES``."""
    value = text.strip()
    if value not in LEVEL_CHOICES:
        raise ConfigError(
            f"レベルは {' / '.join(LEVEL_CHOICES)} のどれかを指定してください: {text}"
        )
    return value


def study_level(store: Store) -> str:
    """The ``level`` in force (the default when unset or unreadable)."""
    value = store.get_setting(LEVEL_KEY)
    return value if value in LEVEL_CHOICES else DEFAULT_LEVEL


def levels_for(level: str) -> tuple[str, ...]:
    """The question levels a ``level`` value selects (empty: every level)."""
    return () if level == ALL_LEVELS else (level,)


def level_label(level: str) -> str:
    """The learner's words for a ``level`` value."""
    return LEVELS.get(level, "基本と発展の両方")
