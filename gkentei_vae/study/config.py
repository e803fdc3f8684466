"""User settings kept in the store's ``settings`` table (``gkentei-vae config``)."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from gkentei_vae.study.clock import as_utc, local_date, utcnow
from gkentei_vae.study.srs import EXAM_DATE_KEY, Srs
from gkentei_vae.study.store import Store

CONFIG_KEYS: dict[str, str] = {
    EXAM_DATE_KEY: "試験日(YYYY-MM-DD)。最後の7日間に学習済みの全カードが出題されるよう間隔を調整する",
}
"""Settable keys → what they mean (Japanese, for ``config get`` and help)."""


class ConfigError(ValueError):
    """An unknown key or a bad value; the message (Japanese) says what is accepted."""


def check_key(key: str) -> str:
    """``key`` if it is a known setting, else ConfigError listing the known ones."""
    if key not in CONFIG_KEYS:
        raise ConfigError(f"未知の設定キー: {key}(使えるもの: {', '.join(CONFIG_KEYS)})")
    return key


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


def get_config(store: Store, key: str) -> str | None:
    """The value of a setting, or None if unset."""
    return store.get_setting(check_key(key))


def set_config(
    store: Store, key: str, value: str, *, now: datetime | None = None, tz: tzinfo | None = None
) -> str:
    """Validate and store a setting; returns the stored value. Re-caps due dates for an exam."""
    check_key(key)
    now = as_utc(now or utcnow())
    day = parse_exam_date(value, local_date(now, tz))
    store.set_setting(key, day.isoformat())
    Srs(store, tz=tz).sync_exam_cap(now)
    return day.isoformat()


def unset_config(
    store: Store, key: str, *, now: datetime | None = None, tz: tzinfo | None = None
) -> bool:
    """Remove a setting; False if it was not set. Lifts the exam-date cap."""
    check_key(key)
    if store.get_setting(key) is None:
        return False
    store.delete_setting(key)
    Srs(store, tz=tz).sync_exam_cap(now)
    return True
