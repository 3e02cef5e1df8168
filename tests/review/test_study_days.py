"""The time since a card's last answer is counted in study days, as Anki counts it.

fsrs counts whole 24-hour periods. Each case here is checked against ``fsrs`` itself:
the engine's outcome must equal fsrs's outcome for a card last answered the right
number of whole days earlier, and, where the two counts differ, must not equal what
fsrs makes of the raw times.
"""

from __future__ import annotations

import random
from copy import copy
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest

from quiz.judge.verdict import Rating
from quiz.review.scheduling import days_elapsed, preview
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.state import CardState, Phase
from quiz.review.store import Store

from .conftest import FakeClock, FakeJudge, load, write_deck

SETTINGS = Settings(fuzz=False)  # day_start_hour 4
BERLIN = ZoneInfo("Europe/Berlin")


def _fsrs_scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(enable_fuzzing=False)


def _on_a_one_day_interval(last: datetime, phase: Phase = Phase.REVIEW) -> CardState:
    """A card last answered at ``last``, due a day later (stability as in the issue)."""
    step = None if phase is Phase.REVIEW else 0
    return CardState(phase, step, 0.58, 5.0, last + timedelta(days=1), last)


def _fsrs_after(state: CardState, rating: Rating, now: datetime, last: datetime) -> CardState:
    """What fsrs itself makes of ``state`` answered at ``now``, told it was last
    answered at ``last``."""
    card = copy(state.to_fsrs(1, now))
    card.last_review = last
    after, _ = _fsrs_scheduler().review_card(card, fsrs.Rating(int(rating)), now)
    return CardState.from_fsrs(after)


def _engine_after(
    state: CardState, rating: Rating, now: datetime, tz: tzinfo | None = UTC
) -> CardState:
    shown = preview(_fsrs_scheduler(), 1, state, now, start_hour=4, tz=tz)
    return shown.after(rating)


@pytest.mark.parametrize("rating", list(Rating), ids=lambda rating: rating.name.lower())
@pytest.mark.parametrize(
    "phase", [Phase.REVIEW, Phase.RELEARNING, Phase.LEARNING], ids=lambda phase: phase.name.lower()
)
def test_the_next_study_morning_under_24_hours_later_is_one_day_later(rating: Rating, phase: Phase):
    last = datetime(2025, 3, 3, 20, 0, tzinfo=UTC)
    now = datetime(2025, 3, 4, 9, 24, tzinfo=UTC)  # 13 h 24 later, the next study day
    state = _on_a_one_day_interval(last, phase)
    after = _engine_after(state, rating, now)
    assert after == _fsrs_after(state, rating, now, last=now - timedelta(days=1))
    assert after != _fsrs_after(state, rating, now, last=last)  # fsrs's same-day path
    assert after.last_review == now  # the moved time is never stored


def test_a_good_the_next_morning_grows_stability_as_after_a_whole_day():
    last = datetime(2025, 3, 3, 9, 24, tzinfo=UTC)
    state = _on_a_one_day_interval(last)
    # the card: answered Good at 09:24, 08:06 and 04:33 on three days running
    for now in (
        datetime(2025, 3, 4, 8, 6, tzinfo=UTC),
        datetime(2025, 3, 5, 4, 33, tzinfo=UTC),
    ):
        after = _engine_after(state, Rating.GOOD, now)
        assert after.stability is not None and state.stability is not None
        assert after.stability > 2 * state.stability
        state = CardState(Phase.REVIEW, None, 0.58, 5.0, now + timedelta(days=1), now)


def test_the_same_study_day_stays_same_day():
    last = datetime(2025, 3, 3, 5, 0, tzinfo=UTC)
    now = datetime(2025, 3, 4, 3, 30, tzinfo=UTC)  # 22 h 30 later, before the 04:00 start
    state = _on_a_one_day_interval(last)
    for rating in Rating:
        assert _engine_after(state, rating, now) == _fsrs_after(state, rating, now, last)


def test_a_25_hour_study_day_stays_same_day_after_24_hours():
    # Berlin's clocks go back on 26 October 2025, so the study day of the 25th lasts
    # 25 hours: answered at 04:10 and again at 03:50 the next morning, 24 h 40 apart.
    last = datetime(2025, 10, 25, 4, 10, tzinfo=BERLIN).astimezone(UTC)
    now = datetime(2025, 10, 26, 3, 50, tzinfo=BERLIN).astimezone(UTC)
    assert (now - last).days == 1
    assert days_elapsed(last, now, 4, BERLIN) == 0
    state = _on_a_one_day_interval(last)
    for rating in Rating:
        same_day = _fsrs_after(state, rating, now, last=now - timedelta(hours=1))
        assert _engine_after(state, rating, now, BERLIN) == same_day
        assert _engine_after(state, rating, now, BERLIN) != _fsrs_after(state, rating, now, last)


@pytest.mark.parametrize(
    ("last", "now"),
    [
        # whole 24-hour periods and study days agree: fsrs sees the raw times
        (datetime(2025, 3, 3, 11, 0, tzinfo=UTC), datetime(2025, 3, 6, 12, 0, tzinfo=UTC)),
        (datetime(2025, 3, 3, 11, 0, tzinfo=UTC), datetime(2025, 3, 3, 11, 10, tzinfo=UTC)),
        (datetime(2025, 3, 3, 4, 30, tzinfo=UTC), datetime(2025, 3, 5, 3, 59, tzinfo=UTC)),
    ],
)
def test_when_the_counts_agree_fsrs_gets_the_times_as_they_are(last: datetime, now: datetime):
    state = _on_a_one_day_interval(last)
    for rating in Rating:
        assert _engine_after(state, rating, now) == _fsrs_after(state, rating, now, last)


def test_days_elapsed_counts_day_starts_in_the_local_zone():
    tokyo = ZoneInfo("Asia/Tokyo")  # 04:00 in Tokyo is 19:00 UTC the day before
    evening = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)
    assert days_elapsed(evening, evening + timedelta(hours=2), 4, tokyo) == 1
    assert days_elapsed(evening, evening + timedelta(hours=2), 4, UTC) == 0
    assert days_elapsed(evening, evening + timedelta(days=2, hours=23), 4, UTC) == 3


def test_a_session_answers_the_next_morning_as_a_day_later(tmp_path: Path):
    """Through the study façade, on its clock: a card on a one-day interval is shown
    the next morning, and Good grows it as after a day."""
    folder = tmp_path / "decks"
    folder.mkdir()
    write_deck(folder, "solo", ["only"])
    store = Store.open(tmp_path / "p.sqlite3")
    store.save_settings(SETTINGS.replace(learning_steps=()))  # the first answer graduates
    clock = FakeClock(datetime(2025, 3, 3, 20, 0, tzinfo=UTC))
    session = Session(store, load(folder / "solo.yaml"), FakeJudge(), clock=clock, tz=UTC)
    session.next_card()
    graduated = session.rate(Rating.AGAIN).after
    assert graduated.phase is Phase.REVIEW
    assert graduated.due == clock.now + timedelta(days=1)
    clock.now = datetime(2025, 3, 4, 9, 24, tzinfo=UTC)
    shown = session.next_card()
    assert shown is not None and shown.stored.state == graduated
    recorded = session.rate(Rating.GOOD).after
    day_earlier = copy(graduated.to_fsrs(1, clock.now))
    day_earlier.last_review = clock.now - timedelta(days=1)
    scheduler = fsrs.Scheduler(learning_steps=(), enable_fuzzing=False)
    expected, _ = scheduler.review_card(day_earlier, fsrs.Rating.Good, clock.now)
    assert recorded == CardState.from_fsrs(expected)
    assert recorded.stability is not None and graduated.stability is not None
    assert recorded.stability > 2 * graduated.stability
    session.close()


def _local_study_day(moment: datetime, tz: tzinfo) -> datetime:
    """The study day holding ``moment`` (starting 04:00 in ``tz``), by its definition."""
    local = moment.astimezone(tz) - timedelta(hours=4)
    return datetime(local.year, local.month, local.day)


def test_a_simulated_learner_replays_exactly_against_fsrs(tmp_path: Path):
    """A seeded learner studies eight cards at any hour for ten weeks across Berlin's
    autumn clock change; every stored answer is what fsrs itself gives: from the raw
    times when whole 24-hour periods and study days agree, else from a last review
    moved to the study-day difference."""
    folder = tmp_path / "decks"
    folder.mkdir()
    write_deck(folder, "sim", [f"c{i}" for i in range(8)])
    store = Store.open(tmp_path / "p.sqlite3")
    store.save_settings(SETTINGS)
    clock = FakeClock(datetime(2025, 9, 1, 18, 0, tzinfo=UTC))
    session = Session(store, load(folder / "sim.yaml"), FakeJudge(), clock=clock, tz=BERLIN)
    rng = random.Random(7)
    ratings = [Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.EASY]
    while clock.now < datetime(2025, 11, 10, tzinfo=UTC):
        shown = session.next_card()
        if shown is None:  # nothing left now: come back at some hour of a later moment
            clock.advance(hours=rng.uniform(2, 30))
            continue
        session.rate(rng.choice(ratings))
        clock.advance(minutes=rng.uniform(0.5, 15))
    rows = store.query("SELECT * FROM reviews ORDER BY id")
    scheduler = _fsrs_scheduler()
    moved = 0
    for row in rows:
        before = CardState.from_columns(row, "before_")
        now = datetime.fromisoformat(row["reviewed_at"])
        card = copy(before.to_fsrs(row["card"], now))
        if card.last_review is not None:
            days = (_local_study_day(now, BERLIN) - _local_study_day(card.last_review, BERLIN)).days
            if (now - card.last_review).days != days:
                moved += 1
                card.last_review = now - timedelta(days=days)
        expected, _ = scheduler.review_card(card, fsrs.Rating(row["rating"]), now)
        assert CardState.from_columns(row, "after_") == CardState.from_fsrs(expected), row["id"]
    assert len(rows) > 80 and 0 < moved < len(rows) / 2
    session.close()
