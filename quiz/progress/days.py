"""Study days in a row: the calendar that stats, reports and exports count in.

The engine's "today" starts at a local hour (``day_start_hour``), so a day is not a
UTC date. These helpers list consecutive :class:`~quiz.review.clock.StudyDay`
intervals around now and find which one a stored time falls in; stored times are
fixed-width UTC text, so a text comparison is a time comparison.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from quiz.review.clock import StudyDay, study_day, to_text

_TICK = timedelta(microseconds=1)


def days_back(today: StudyDay, count: int, start_hour: int, tz: tzinfo | None) -> list[StudyDay]:
    """``count`` study days ending with ``today``, oldest first."""
    days = [today]
    while len(days) < count:
        days.append(study_day(days[-1].start - _TICK, start_hour, tz))
    days.reverse()
    return days


def days_ahead(today: StudyDay, count: int, start_hour: int, tz: tzinfo | None) -> list[StudyDay]:
    """``count`` study days starting with ``today``."""
    days = [today]
    while len(days) < count:
        days.append(study_day(days[-1].end, start_hour, tz))
    return days


class DayIndex:
    """Which of consecutive study days a stored time falls in (None: outside them all)."""

    def __init__(self, days: Sequence[StudyDay]) -> None:
        self.days = list(days)
        self._starts = [to_text(day.start) or "" for day in self.days]
        self._end = to_text(self.days[-1].end) if self.days else ""

    @property
    def start_text(self) -> str:
        return self._starts[0] if self._starts else ""

    def index(self, stamp: str) -> int | None:
        if not self._starts or stamp < self._starts[0] or stamp >= (self._end or ""):
            return None
        return bisect.bisect_right(self._starts, stamp) - 1


def utc_text(moment: datetime) -> str:
    text = to_text(moment)
    assert text is not None
    return text
