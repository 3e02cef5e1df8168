"""A card's turn on screen: the judging, previewing and recording Session and Practice share."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from quiz.judge.verdict import Outcome, Rating
from quiz.review.errors import ReviewError
from quiz.review.log import Answer
from quiz.review.session import Session
from quiz.review.store import Store
from quiz.review.turn import Turn

from .conftest import FakeClock, FakeJudge, load, write_deck


@pytest.fixture
def turn(store: Store, decks_dir: Path, clock: FakeClock) -> Turn:
    path = write_deck(decks_dir, "outputs", ["o1", "o2"], kind="output")
    study = Session(store, load(path), None, clock=clock, tz=UTC).next_card()
    assert study is not None
    return Turn(study, clock.now)


def test_a_turn_keeps_only_a_readable_answer_and_tells_the_judge_the_time_on_screen(
    turn: Turn, clock: FakeClock
):
    judge = FakeJudge()
    clock.advance(seconds=12)
    assert turn.submit(judge, "???", used_hint=False, now=clock.now).outcome is Outcome.INVALID
    assert turn.answer == Answer()
    verdict = turn.submit(judge, "right", used_hint=True, now=clock.now)
    assert turn.answer == Answer("right", verdict)
    assert [elapsed for *_, elapsed in judge.calls] == [12.0, 12.0]


def test_a_turn_records_the_outcome_it_previewed_and_the_time_until_the_preview(
    turn: Turn, store: Store, clock: FakeClock
):
    clock.advance(seconds=5)
    shown = turn.preview(store.settings, clock.now, UTC)
    clock.advance(minutes=10)
    assert turn.preview(store.settings, clock.now, UTC) is shown
    recorded = turn.record(
        store, store.settings, Rating.GOOD, duration_ms=None, now=clock.now, tz=UTC
    )
    assert recorded.after == shown.after(Rating.GOOD)
    assert store.scalar("SELECT duration_ms FROM reviews") == 5_000


def test_a_turn_refuses_a_rating_after_an_ungradable_verdict(turn: Turn, clock: FakeClock):
    turn.require_gradable("skip it")  # no answer yet: a give-up may be rated
    turn.submit(FakeJudge(), "boom", used_hint=False, now=clock.now)
    with pytest.raises(ReviewError, match=r"o1 could not be graded \(.+\); skip it$"):
        turn.require_gradable("skip it")
