"""Undo restores the exact prior state and removes the row; leeches are flagged and suspended."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from quiz.judge.verdict import Rating
from quiz.review.cards import CardRef, get_card
from quiz.review.errors import ReviewError
from quiz.review.log import is_leech_lapse
from quiz.review.session import Session
from quiz.review.state import Phase

from .conftest import FakeClock


def _snapshot(session: Session) -> tuple[list[dict], list[dict]]:
    cards = session.store.query("SELECT * FROM cards ORDER BY id")
    reviews = session.store.query("SELECT * FROM reviews ORDER BY id")
    return cards, reviews


def test_undo_one_at_a_time_restores_every_earlier_snapshot(session: Session, clock: FakeClock):
    snapshots = []
    for rating in [Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.HARD, Rating.GOOD]:
        snapshots.append(_snapshot(session))
        session.next_card()
        session.rate(rating)
        clock.advance(minutes=7)
    while snapshots:
        undone = session.undo()
        assert undone is not None
        assert _snapshot(session) == snapshots.pop()
        assert session.current.ref == undone.ref  # the card is back on screen
    assert session.undo() is None


def test_undo_after_a_restart_takes_back_the_latest_answer(session: Session, clock: FakeClock):
    session.next_card()
    session.rate(Rating.GOOD)
    before = _snapshot(session)
    session.next_card()
    session.rate(Rating.EASY)
    fresh = Session(session.store, session.decks, clock=clock, tz=UTC)
    assert fresh.undo().rating is Rating.EASY
    assert _snapshot(fresh) == before


def test_an_answer_cannot_be_undone_once_the_card_moved_on(session: Session, clock: FakeClock):
    first = session.next_card()
    first_review = session.rate(Rating.AGAIN).review_id
    clock.advance(minutes=2)
    assert session.next_card().ref == first.ref
    session.rate(Rating.GOOD)
    from quiz.review.log import undo_answer

    with pytest.raises(ReviewError, match="cannot be undone"):
        undo_answer(session.store, first_review)


def test_undo_of_a_reset_card_is_refused(session: Session):
    card = session.next_card()
    session.rate(Rating.EASY)
    session.reset(card.ref)
    with pytest.raises(ReviewError, match="changed after"):
        session.undo()


def _lapse_until_leech(session: Session, clock: FakeClock, ref: CardRef, lapses: int):
    """Answer ``ref`` so that it lapses ``lapses`` times; the last Recorded is returned."""
    recorded = None
    for _ in range(lapses):
        while get_card(session.store, ref).state.phase is not Phase.REVIEW:
            clock.now = max(clock.now, get_card(session.store, ref).state.due or clock.now)
            assert session.next_card().ref == ref
            session.rate(Rating.EASY)
        clock.now = get_card(session.store, ref).state.due + timedelta(hours=1)
        assert session.next_card().ref == ref
        recorded = session.rate(Rating.AGAIN)
    return recorded


def test_a_card_becomes_a_leech_at_eight_lapses(session: Session, clock: FakeClock):
    session.store.save_settings(session.settings.replace(new_per_day_total=1))
    ref = session.next_card().ref
    seventh = _lapse_until_leech(session, clock, ref, 7)
    assert not seventh.became_leech and not get_card(session.store, ref).leech
    eighth = _lapse_until_leech(session, clock, ref, 1)
    assert eighth.became_leech and eighth.lapses == 8
    card = get_card(session.store, ref)
    assert card.leech and card.suspended
    assert [c.ref for c in session.leeches()] == [ref]
    clock.advance(days=1)
    assert session.next_card().ref != ref  # suspended: a new card comes instead
    # undo lifts the leech and its suspension with the answer that caused them
    session.bury()
    session.undo()
    card = get_card(session.store, ref)
    assert not card.leech and not card.suspended and card.state.phase is Phase.REVIEW


def test_the_leech_threshold_is_a_setting(session: Session, clock: FakeClock):
    session.store.save_settings(session.settings.replace(leech_lapses=2, new_per_day_total=1))
    ref = session.next_card().ref
    assert _lapse_until_leech(session, clock, ref, 2).became_leech
    session.unsuspend(ref)
    assert get_card(session.store, ref).leech  # still flagged, back in the queue


def test_leech_schedule_repeats_every_half_threshold():
    assert [n for n in range(1, 20) if is_leech_lapse(n, 8)] == [8, 12, 16]
    assert [n for n in range(1, 5) if is_leech_lapse(n, 1)] == [1, 2, 3, 4]


def test_undo_of_a_second_leech_keeps_the_flag_from_the_first(session: Session, clock: FakeClock):
    """A leech the learner put back, leeched again: undo lifts the new suspension only."""
    session.store.save_settings(session.settings.replace(leech_lapses=2, new_per_day_total=1))
    ref = session.next_card().ref
    assert _lapse_until_leech(session, clock, ref, 2).became_leech  # lapse 2: a leech
    session.unsuspend(ref)
    assert _lapse_until_leech(session, clock, ref, 1).became_leech  # lapse 3: again
    session.undo()
    card = get_card(session.store, ref)
    assert card.leech and not card.suspended


def test_undo_after_a_reset_leech_clears_the_flag(session: Session, clock: FakeClock):
    """A reset forgets the old leech: one that leeches afresh and is undone is no leech."""
    session.store.save_settings(session.settings.replace(leech_lapses=2, new_per_day_total=1))
    ref = session.next_card().ref
    assert _lapse_until_leech(session, clock, ref, 2).became_leech
    clock.advance(minutes=1)
    session.reset(ref)
    clock.advance(minutes=1)
    assert _lapse_until_leech(session, clock, ref, 2).became_leech
    session.undo()
    card = get_card(session.store, ref)
    assert not card.leech and not card.suspended
