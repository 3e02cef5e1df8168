"""Set due across a daylight-saving change: the card lands at the start of the chosen day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from quiz.judge.verdict import Rating
from quiz.review.clock import study_day
from quiz.review.session import Session

from .conftest import FakeClock

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "tomorrow"),
    [
        (datetime(2025, 11, 1, 16, 0, tzinfo=UTC), date(2025, 11, 2)),  # clocks go back at 2 AM
        (datetime(2025, 3, 8, 16, 0, tzinfo=UTC), date(2025, 3, 9)),  # clocks go forward
    ],
)
def test_set_due_tomorrow_is_tomorrows_study_day(
    session: Session, clock: FakeClock, now: datetime, tomorrow: date
):
    clock.now = now
    local = Session(session.store, session.decks, clock=clock, tz=NEW_YORK)
    card = local.next_card()
    local.rate(Rating.GOOD)
    due = local.set_due(card.ref, 1).state.due
    assert due is not None
    assert due.astimezone(NEW_YORK) == datetime.combine(
        tomorrow, datetime.min.time().replace(hour=4), NEW_YORK
    )
    assert study_day(due, local.settings.day_start_hour, NEW_YORK).day == tomorrow
