"""Time for the review engine: an injected clock, UTC everywhere, and the study day.

fsrs accepts only ``datetime.timezone.utc`` (not naive times, not ``ZoneInfo("UTC")``),
so every time entering the engine goes through :func:`as_utc`. Daily limits and
"today" follow a *local* day that starts at a configurable hour (4 AM by default, as
in Anki), so a late-night session still counts towards the evening's day.
Times are stored as fixed-width ISO text so that text order is time order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

Clock = Callable[[], datetime]
"""A callable returning the current time as an aware datetime."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in ``timezone.utc``; naive datetimes are refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the clock must return aware times")
    return moment.astimezone(UTC)


def to_text(moment: datetime | None) -> str | None:
    """Fixed-width UTC text with microseconds, so SQL text comparison orders by time."""
    return None if moment is None else as_utc(moment).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class StudyDay:
    """One local study day as a half-open UTC interval ``[start, end)``."""

    day: date
    start: datetime
    end: datetime


def study_day(now: datetime, start_hour: int, tz: tzinfo | None = None) -> StudyDay:
    """The study day containing ``now``; it begins at ``start_hour`` local time.

    ``tz`` None means the system's local zone, with its daylight-saving rules.
    """
    local = as_utc(now).astimezone(tz)
    day = (local - timedelta(hours=start_hour)).date()
    return StudyDay(
        day, day_start(day, start_hour, tz), day_start(day + timedelta(days=1), start_hour, tz)
    )


def day_start(day: date, start_hour: int, tz: tzinfo | None) -> datetime:
    """When the study day ``day`` begins, in UTC: local wall time, so a daylight-saving
    change between two days moves it by an hour in UTC and not at all on the clock."""
    naive = datetime.combine(day, time(start_hour))
    local = naive.astimezone() if tz is None else naive.replace(tzinfo=tz)
    return local.astimezone(UTC)
