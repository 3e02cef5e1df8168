"""Scheduling matches fsrs exactly: a replayed history, fixed UTC times, fuzz off.

And with fuzz on, the outcome saved is the one previewed, never a fresh draw.
"""

from __future__ import annotations

import itertools
from datetime import UTC, timedelta
from pathlib import Path

import fsrs
import fsrs.scheduler
import pytest

from quiz.judge.verdict import Rating
from quiz.review.cards import get_card
from quiz.review.clock import to_text
from quiz.review.session import Session, StudyCard
from quiz.review.settings import Settings
from quiz.review.state import CardState, Phase
from quiz.review.store import Store

from .conftest import FakeClock, FakeJudge, load, write_deck

# (wait before answering, rating): learning steps, graduation, lapses, relearning, recovery
HISTORY = [
    (timedelta(0), Rating.GOOD),
    (timedelta(minutes=10), Rating.GOOD),
    (timedelta(days=3), Rating.GOOD),
    (timedelta(days=9), Rating.HARD),
    (timedelta(days=12), Rating.AGAIN),
    (timedelta(minutes=10), Rating.GOOD),
    (timedelta(days=2), Rating.EASY),
    (timedelta(days=20), Rating.AGAIN),
    (timedelta(minutes=3), Rating.AGAIN),
    (timedelta(minutes=10), Rating.HARD),
    (timedelta(minutes=12), Rating.GOOD),
    (timedelta(days=40), Rating.GOOD),
]


def _one_card_session(tmp_path: Path, settings: Settings, clock: FakeClock) -> Session:
    folder = tmp_path / "decks"
    folder.mkdir(exist_ok=True)
    write_deck(folder, "solo", ["only"])
    store = Store.open(tmp_path / "p.sqlite3")
    store.save_settings(settings)
    return Session(store, load(folder / "solo.yaml"), FakeJudge(), clock=clock, tz=UTC)


def _wait_and_show(session: Session, clock: FakeClock, wait: timedelta) -> StudyCard:
    """Let ``wait`` pass (or more, until the card is due) and show the card."""
    clock.advance(seconds=wait.total_seconds())
    due = get_card(session.store, 1).state.due
    if due is not None and due > clock.now:
        clock.now = due
    shown = session.next_card()
    assert shown is not None and shown.stored.id == 1
    return shown


@pytest.mark.parametrize(
    "settings",
    [
        Settings(fuzz=False),
        Settings(
            fuzz=False,
            desired_retention=0.8,
            learning_steps=(timedelta(minutes=5),),
            relearning_steps=(),
            maximum_interval=30,
        ),
    ],
    ids=["defaults", "custom"],
)
def test_a_replayed_history_matches_fsrs(tmp_path: Path, settings: Settings, clock: FakeClock):
    session = _one_card_session(tmp_path, settings, clock)
    scheduler = fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=False,
    )
    expected = fsrs.Card(card_id=1, due=clock.now)
    times = []
    for wait, rating in HISTORY:
        shown = _wait_and_show(session, clock, wait)
        if not shown.stored.state.is_new:
            assert shown.stored.state == CardState.from_fsrs(expected)
        expected, _ = scheduler.review_card(expected, fsrs.Rating(int(rating)), clock.now)
        recorded = session.rate(rating)
        times.append(clock.now)
        assert recorded.after == CardState.from_fsrs(expected)
        assert get_card(session.store, 1).state == CardState.from_fsrs(expected)
    rows = session.store.query("SELECT * FROM reviews ORDER BY id")
    assert [row["rating"] for row in rows] == [int(r) for _, r in HISTORY]
    assert [row["reviewed_at"] for row in rows] == [to_text(t) for t in times]
    # each answer starts from the state the previous one left
    for previous, row in itertools.pairwise(rows):
        assert CardState.from_columns(row, "before_") == CardState.from_columns(previous, "after_")
    session.close()


def test_reps_and_lapses_come_from_the_log(tmp_path: Path, clock: FakeClock):
    session = _one_card_session(tmp_path, Settings(fuzz=False), clock)
    lapses = 0
    for reps, (wait, rating) in enumerate(HISTORY):
        shown = _wait_and_show(session, clock, wait)
        assert (shown.reps, shown.lapses) == (reps, lapses)
        lapses += shown.stored.state.phase is Phase.REVIEW and rating is Rating.AGAIN
        recorded = session.rate(rating)
        assert (recorded.reps, recorded.lapses) == (reps + 1, lapses)
    assert lapses == 2
    session.close()


def test_a_new_cards_previews_are_the_documented_defaults(session: Session):
    session.next_card()
    intervals = session.preview().intervals()
    assert intervals[Rating.AGAIN] == timedelta(minutes=1)
    assert intervals[Rating.HARD] == timedelta(minutes=5, seconds=30)
    assert intervals[Rating.GOOD] == timedelta(minutes=10)
    assert intervals[Rating.EASY] >= timedelta(days=1)


def test_with_fuzz_the_previewed_outcome_is_saved_exactly(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
):
    # fsrs draws its fuzz from random(): make every draw differ from the one before.
    draws = itertools.cycle([0.0, 0.999])
    monkeypatch.setattr(fsrs.scheduler, "random", lambda: next(draws))
    session = _one_card_session(tmp_path, Settings(fuzz=True), clock)
    session.next_card()
    session.rate(Rating.EASY)  # graduates: now a review card with a multi-day interval
    for _ in range(4):
        clock.now = get_card(session.store, 1).state.due + timedelta(days=1)
        session.next_card()
        shown = session.preview()
        again = session.preview()
        assert again is shown  # computed once
        recorded = session.rate(Rating.GOOD)
        assert recorded.after == shown.after(Rating.GOOD)
        assert get_card(session.store, 1).state.due == shown.after(Rating.GOOD).due
    session.close()
