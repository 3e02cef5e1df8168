"""The daily queue: order, limits per deck and overall, the study day, bury/suspend/reset/due."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quiz.judge.verdict import Rating
from quiz.review.cards import CardRef, get_card
from quiz.review.errors import ReviewError
from quiz.review.queue import Counts, Queue
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.state import Phase

from .conftest import T0, FakeClock


def _use(session: Session, **changes) -> None:
    session.store.save_settings(session.settings.replace(**changes))


def _answer_all(session: Session, rating: Rating, limit: int = 1000) -> list[tuple[str, Queue]]:
    seen = []
    for _ in range(limit):
        card = session.next_card()
        if card is None:
            break
        seen.append((str(card.ref), card.queue))
        session.rate(rating)
    return seen


def _graduate(session: Session, refs: list[CardRef]) -> None:
    """Answer these cards Easy now, so they become review cards due in a few days."""
    for ref in refs:
        session._show(get_card(session.store, ref), Queue.NEW)
        session.rate(Rating.EASY)


def test_a_fresh_queue_offers_new_cards_up_to_the_overall_limit(session: Session):
    assert session.counts() == Counts(new=20, learning=0, review=0)


def test_new_cards_come_in_deck_order_within_the_limits(session: Session):
    _use(session, new_per_day=5, new_per_day_total=8, learn_ahead_minutes=0)
    seen = _answer_all(session, Rating.GOOD)
    assert [ref for ref, _ in seen] == [f"alpha/a{i}" for i in range(5)] + [
        f"beta/b{i}" for i in range(3)
    ]
    assert {queue for _, queue in seen} == {Queue.NEW}
    assert session.counts() == Counts(new=0, learning=8, review=0)


def test_learning_cards_are_shown_early_only_when_nothing_else_is_left(
    session: Session, clock: FakeClock
):
    _use(session, new_per_day_total=2)
    first = _answer_all(session, Rating.AGAIN, limit=2)
    assert [q for _, q in first] == [Queue.NEW, Queue.NEW]
    card = session.next_card()  # due in 1 minute, within the 20-minute learn-ahead
    assert (str(card.ref), card.queue) == ("alpha/a0", Queue.LEARNING)


def test_due_learning_first_then_reviews_then_new(session: Session, clock: FakeClock):
    _graduate(session, [CardRef("alpha", "a5"), CardRef("beta", "b3")])
    session._show(get_card(session.store, CardRef("beta", "b9")), Queue.NEW)
    session.rate(Rating.AGAIN)  # relearning? no: learning, due in a minute
    clock.advance(days=40)  # the Easy cards are due; the learning card long overdue
    order = [(str(c.ref), c.queue) for c in _take(session, 4)]
    assert order == [
        ("beta/b9", Queue.LEARNING),
        ("alpha/a5", Queue.REVIEW),
        ("beta/b3", Queue.REVIEW),
        ("alpha/a0", Queue.NEW),
    ]


def _take(session: Session, n: int):
    shown = []
    for _ in range(n):
        card = session.next_card()
        shown.append(card)
        session.rate(Rating.GOOD)
    return shown


def test_review_limits_per_deck_and_overall(session: Session, clock: FakeClock):
    _use(session, new_per_day_total=100, new_per_day=100)
    _graduate(session, [CardRef("alpha", f"a{i}") for i in range(6)])
    _graduate(session, [CardRef("beta", f"b{i}") for i in range(6)])
    clock.advance(days=60)
    _use(session, reviews_per_day=2, reviews_per_day_total=3, new_per_day_total=0)
    assert session.counts() == Counts(new=0, learning=0, review=3)
    seen = _answer_all(session, Rating.GOOD)
    reviews = [ref for ref, queue in seen if queue is Queue.REVIEW]
    assert len(reviews) == 3
    assert sum(ref.startswith("alpha") for ref in reviews) <= 2
    assert sum(ref.startswith("beta") for ref in reviews) <= 2
    assert session.counts() == Counts()
    clock.advance(days=1)  # a new study day gives a new quota
    assert session.counts().review == 3


def test_the_study_day_turns_at_the_configured_hour(session: Session, clock: FakeClock):
    _use(session, new_per_day_total=2, learn_ahead_minutes=0)
    _answer_all(session, Rating.EASY)
    assert session.counts().new == 0
    clock.now = datetime(2025, 3, 4, 3, 59, tzinfo=UTC)  # still Monday's study day
    assert session.counts().new == 0
    clock.now = datetime(2025, 3, 4, 4, 0, tzinfo=UTC)
    assert session.counts().new == 2
    _use(session, day_start_hour=6)  # now 4 AM belongs to Monday again
    assert session.counts().new == 0


def test_undo_gives_the_quota_back(session: Session):
    _use(session, new_per_day_total=1, learn_ahead_minutes=0)
    session.next_card()
    session.rate(Rating.EASY)
    assert session.counts().new == 0
    session.undo()
    assert session.counts().new == 1


def test_bury_hides_a_card_until_the_next_study_day(session: Session, clock: FakeClock):
    first = session.next_card()
    session.bury()
    assert session.next_card().ref != first.ref
    assert session.counts().new == 20  # a buried card is not counted; the next new one is
    clock.now = datetime(2025, 3, 4, 3, 59, tzinfo=UTC)
    fresh = Session(session.store, session.decks, clock=clock, tz=UTC)
    assert fresh.next_card().ref != first.ref
    clock.now = datetime(2025, 3, 4, 4, 0, tzinfo=UTC)
    fresh = Session(session.store, session.decks, clock=clock, tz=UTC)
    assert fresh.next_card().ref == first.ref


def test_suspend_until_unsuspended(session: Session, clock: FakeClock):
    first = session.next_card()
    session.suspend()
    assert session.next_card().ref != first.ref
    clock.advance(days=30)
    session.next_card()
    assert session.current.ref != first.ref
    session.unsuspend(first.ref)
    session.bury()  # drop the current card so the queue is asked again
    assert session.next_card().ref == first.ref


def test_reset_makes_a_card_new_and_keeps_its_history(session: Session, clock: FakeClock):
    ref = CardRef("alpha", "a0")
    _graduate(session, [ref])
    session.reset(ref)
    card = get_card(session.store, ref)
    assert card.state.is_new and card.reset_at == clock.now
    assert session.store.scalar("SELECT count(*) FROM reviews") == 1
    assert session.next_card().ref == ref


def test_set_due_moves_a_studied_card(session: Session, clock: FakeClock):
    ref = CardRef("alpha", "a3")
    _graduate(session, [ref])
    _use(session, new_per_day_total=0)
    assert session.next_card() is None
    session.set_due(ref, 0)
    card = session.next_card()
    assert (card.ref, card.queue) == (ref, Queue.REVIEW)
    session.set_due(ref, 3)
    assert get_card(session.store, ref).state.due == datetime(2025, 3, 6, 4, 0, tzinfo=UTC)
    with pytest.raises(ReviewError, match="new"):
        session.set_due(CardRef("beta", "b1"), 1)


def test_actions_on_unknown_cards_are_clear_errors(session: Session):
    with pytest.raises(ReviewError, match="no card alpha/nope"):
        session.suspend(CardRef("alpha", "nope"))
    with pytest.raises(ReviewError, match="next_card"):
        session.bury()


def test_picking_and_counting_use_indexes(session: Session, clock: FakeClock):
    _graduate(session, [CardRef("alpha", f"a{i}") for i in range(3)])
    clock.advance(days=30)
    statements: list[str] = []
    conn = session.store.db.conn
    conn.set_trace_callback(statements.append)
    session.next_card()
    session.counts()
    conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects
    for sql in selects:
        plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        for table in ("cards", "reviews"):
            assert f"SCAN {table}" not in plan.replace(f"SCAN {table} USING", "USING"), (sql, plan)


def test_no_limits_means_nothing_new(session: Session):
    _use(session, new_per_day=0)
    assert session.next_card() is None
    assert session.counts() == Counts()


def test_phase_numbers_follow_fsrs():
    import fsrs

    assert [int(s) for s in fsrs.State] == [Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING]


def test_settings_replace_keeps_validation():
    with pytest.raises(ReviewError):
        Settings().replace(new_per_day=-3)
    assert T0.tzinfo is UTC
