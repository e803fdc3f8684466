"""User settings kept in the store's ``settings`` table (``gkentei-vae config``)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from gkentei_vae.study.clock import as_utc, local_date, utcnow
from gkentei_vae.study.settings import (
    CONFIG_KEYS,
    EXAM_DATE_KEY,
    LEVEL_KEY,
    MODEL_IDLE_KEY,
    ConfigError,
    parse_exam_date,
    parse_level,
    parse_minutes,
)
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import Store

__all__ = ["CONFIG_KEYS", "ConfigError", "check_key", "get_config", "set_config", "unset_config"]


def check_key(key: str) -> str:
    """``key`` if it is a known setting, else ConfigError listing the known ones."""
    if key not in CONFIG_KEYS:
        raise ConfigError(f"未知の設定キー: {key}(使えるもの: {', '.join(CONFIG_KEYS)})")
    return key


def get_config(store: Store, key: str) -> str | None:
    """The value of a setting, or None if unset."""
    return store.get_setting(check_key(key))


def set_config(
    store: Store, key: str, value: str, *, now: datetime | None = None, tz: tzinfo | None = None
) -> str:
    """Validate and store a setting; returns the stored value. Re-caps due dates for an exam."""
    check_key(key)
    if key == MODEL_IDLE_KEY:
        stored = f"{parse_minutes(value):g}"
        store.set_setting(key, stored)
        return stored
    if key == LEVEL_KEY:
        stored = parse_level(value)
        store.set_setting(key, stored)
        return stored
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
    if key == EXAM_DATE_KEY:
        Srs(store, tz=tz).sync_exam_cap(now)
    return True
