"""Time helpers shared by the store, the scheduler and the stats.

Every instant is stored in UTC as fixed-width ISO 8601 text (``2025-05-01T03:04:05.123456Z``):
fixed width makes text order the same as time order, so SQLite can index and compare it.
Days (the new-card limit, the forecast, the heatmap, the exam date) are the learner's
local calendar days; ``tz=None`` means the system's local time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

_DB_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (what ``fsrs`` requires)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_db(moment: datetime) -> str:
    """The stored text of an instant."""
    return as_utc(moment).strftime(_DB_FORMAT)


def from_db(text: str) -> datetime:
    """The instant stored as ``text`` (UTC)."""
    # fromisoformat reads the trailing Z (Python 3.11+) and is ~50x faster than strptime.
    return datetime.fromisoformat(text).astimezone(UTC)


def local_date(moment: datetime, tz: tzinfo | None = None) -> date:
    """The learner's calendar day at ``moment``."""
    return as_utc(moment).astimezone(tz).date()


def local_midnight(day: date, tz: tzinfo | None = None) -> datetime:
    """The instant (UTC) when ``day`` starts for the learner."""
    if tz is None:
        # A naive datetime's astimezone() applies the system zone's rules for that day (DST-safe).
        return datetime.combine(day, time()).astimezone().astimezone(UTC)
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
