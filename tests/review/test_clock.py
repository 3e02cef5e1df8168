"""UTC handling and the local study day that starts at a configurable hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from quiz.review.clock import as_utc, from_text, study_day, to_text

TOKYO = timezone(timedelta(hours=9))


def test_as_utc_gives_the_exact_utc_object_fsrs_wants():
    moment = as_utc(datetime(2025, 1, 1, 9, 0, tzinfo=TOKYO))
    assert moment.tzinfo is UTC and moment.hour == 0
    assert as_utc(datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))).tzinfo is UTC


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        as_utc(datetime(2025, 1, 1))


def test_stored_text_round_trips_and_sorts_like_time():
    times = [
        datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, 1, tzinfo=UTC),
        datetime(2025, 1, 1, 9, 0, tzinfo=TOKYO) + timedelta(microseconds=500),
    ]
    texts = [to_text(t) for t in times]
    assert [from_text(t) for t in texts] == times
    assert sorted(texts) == [to_text(t) for t in sorted(times)]
    assert len({len(t) for t in texts}) == 1


def test_the_study_day_starts_at_four_local_time():
    before_four = datetime(2025, 3, 4, 3, 59, tzinfo=TOKYO)
    after_four = datetime(2025, 3, 4, 4, 0, tzinfo=TOKYO)
    day = study_day(before_four, 4, TOKYO)
    assert str(day.day) == "2025-03-03"
    assert day.start == datetime(2025, 3, 3, 4, 0, tzinfo=TOKYO)
    assert day.end == datetime(2025, 3, 4, 4, 0, tzinfo=TOKYO)
    assert study_day(after_four, 4, TOKYO).start == day.end


def test_the_start_hour_is_configurable():
    moment = datetime(2025, 3, 4, 5, 0, tzinfo=UTC)
    assert str(study_day(moment, 6, UTC).day) == "2025-03-03"
    assert str(study_day(moment, 0, UTC).day) == "2025-03-04"


def test_a_daylight_saving_day_is_23_hours_long():
    new_york = ZoneInfo("America/New_York")
    day = study_day(datetime(2025, 3, 8, 12, 0, tzinfo=new_york), 4, new_york)  # 2 AM jump
    assert day.end - day.start == timedelta(hours=23)
