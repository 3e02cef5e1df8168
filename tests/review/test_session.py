"""The session façade: judging answers through an injected judge, and what gets recorded."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import pytest

from quiz.judge.verdict import Outcome, Rating
from quiz.review.errors import ReviewError
from quiz.review.session import AnswerJudge, Session
from quiz.review.store import Store

from .conftest import FakeClock, FakeJudge, load, write_deck


@pytest.fixture
def judged(store: Store, decks_dir: Path, clock: FakeClock) -> Session:
    path = write_deck(decks_dir, "outputs", ["o1", "o2", "o3"], kind="output")
    return Session(store, load(path), FakeJudge(), clock=clock, tz=UTC)


def _last_review(session: Session) -> dict:
    return session.store.query("SELECT * FROM reviews ORDER BY id DESC LIMIT 1")[0]


def test_the_fake_judge_satisfies_the_protocol():
    judge: AnswerJudge = FakeJudge()
    assert callable(judge.judge)


def test_submit_judges_and_suggests_then_rate_records_it_all(judged: Session, clock: FakeClock):
    card = judged.next_card()
    clock.advance(seconds=12)
    verdict = judged.submit("right", used_hint=True)
    assert verdict.correct and verdict.suggested is Rating.HARD
    assert judged.judge.calls == [("outputs", "o1", "right", True, 12.0)]
    clock.advance(seconds=3)
    recorded = judged.rate(verdict.suggested)
    row = _last_review(judged)
    assert (row["deck"], row["card_id"], row["kind"]) == ("outputs", card.card.id, "output")
    assert (row["answer"], row["outcome"], row["suggested"], row["rating"]) == (
        "right",
        "right",
        2,
        2,
    )
    assert row["duration_ms"] == 15_000
    assert json.loads(row["verdict"])["summary"] == "right"
    assert recorded.review_id == row["id"]


def test_a_wrong_answer_can_still_be_rated_as_the_learner_chooses(judged: Session):
    judged.next_card()
    verdict = judged.submit("3")
    assert verdict.outcome is Outcome.WRONG and verdict.suggested is Rating.AGAIN
    judged.rate(Rating.GOOD)
    row = _last_review(judged)
    assert (row["outcome"], row["suggested"], row["rating"]) == ("wrong", 1, 3)


def test_an_unreadable_answer_records_nothing(judged: Session):
    judged.next_card()
    assert judged.submit("???").outcome is Outcome.INVALID
    assert judged.store.scalar("SELECT count(*) FROM reviews") == 0
    judged.submit("right")
    judged.rate(Rating.GOOD)
    assert _last_review(judged)["answer"] == "right"


def test_an_ungradable_card_cannot_be_rated(judged: Session):
    card = judged.next_card()
    judged.submit("boom")
    with pytest.raises(ReviewError, match="could not be graded"):
        judged.rate(Rating.GOOD)
    judged.bury()
    assert judged.next_card().ref != card.ref
    assert judged.store.scalar("SELECT count(*) FROM reviews") == 0


def test_giving_up_rates_without_an_answer(judged: Session):
    judged.next_card()
    judged.rate(Rating.AGAIN)
    row = _last_review(judged)
    assert row["answer"] is None and row["outcome"] is None


def test_flash_cards_are_self_graded(session: Session):
    card = session.next_card()
    assert card.self_graded
    with pytest.raises(ReviewError, match="flash"):
        session.submit("anything")
    session.rate(Rating.GOOD)
    assert session.judge.calls == []


def test_a_judged_card_needs_a_judge(store: Store, decks_dir: Path, clock: FakeClock):
    path = write_deck(decks_dir, "outputs", ["o1"], kind="output")
    session = Session(store, load(path), None, clock=clock, tz=UTC)
    session.next_card()
    with pytest.raises(ReviewError, match="no judge"):
        session.submit("1")


def test_nothing_to_rate_without_a_card(session: Session):
    with pytest.raises(ReviewError, match="next_card"):
        session.rate(Rating.GOOD)
    with pytest.raises(ReviewError, match="next_card"):
        session.preview()


def test_next_card_keeps_showing_the_unanswered_card(session: Session, clock: FakeClock):
    first = session.next_card()
    clock.advance(minutes=30)
    assert session.next_card() is first
    assert session.preview() is session.preview()


def test_a_naive_clock_is_refused(store: Store, two_decks):
    from datetime import datetime

    with pytest.raises(ValueError, match="naive"):
        Session(store, two_decks, clock=lambda: datetime(2025, 1, 1))


def test_rating_a_card_another_process_answered_meanwhile_loses_nothing(
    session: Session, clock: FakeClock
):
    card = session.next_card()
    shown = session.preview()
    other = Session(session.store, session.decks, clock=clock, tz=UTC)
    assert other.next_card().ref == card.ref
    first = other.rate(Rating.AGAIN)
    second = session.rate(Rating.GOOD)
    assert second.before == first.after  # computed from the state the other left
    assert second.after != shown.after(Rating.GOOD)
    assert session.store.scalar("SELECT count(*) FROM reviews") == 2
