"""The daily new-card limits as the learner meets them: which one holds a deck back, and
raising one deck's limit for today (Anki's "increase today's new card limit")."""

from __future__ import annotations

import pytest

from quiz.judge.verdict import Rating
from quiz.review.errors import ReviewError
from quiz.review.queue import Limit, NewToday, Queue
from quiz.review.session import Session

from .conftest import FakeClock


def _study_new(session: Session, count: int) -> list[str]:
    seen = []
    for _ in range(count):
        card = session.next_card()
        assert card is not None and card.queue is Queue.NEW
        seen.append(str(card.ref))
        session.rate(Rating.EASY)  # straight to review: no learning card comes back today
    return seen


def test_the_all_decks_limit_is_named_when_it_holds_a_deck_back(session: Session):
    session.focus(["alpha"])
    _study_new(session, 20)
    assert session.next_card() is None
    new = session.new_today(["alpha", "beta"])
    # alpha met its own limit and the all-decks one at once: its own is the one named
    assert new["alpha"] == NewToday(waiting=10, studied=20, left=0, deck_left=0, all_studied=20)
    assert new["alpha"].limit is Limit.DECK
    # beta studied nothing, yet shows none: the all-decks limit holds all 30 back
    assert new["beta"] == NewToday(waiting=30, studied=0, left=0, deck_left=20, all_studied=20)
    assert (new["beta"].held_back, new["beta"].limit) == (30, Limit.ALL)


def test_a_deck_under_both_limits_is_not_held_back(session: Session):
    session.store.save_settings(session.settings.replace(new_per_day=40, new_per_day_total=40))
    new = session.new_today(["alpha"])["alpha"]
    assert (new.left, new.held_back, new.limit) == (30, 0, None)


def test_studying_more_new_cards_of_one_deck_today(session: Session, clock: FakeClock):
    session.focus(["alpha"])
    _study_new(session, 20)
    session.focus(["beta"])
    assert session.next_card() is None

    assert session.study_more_new("beta", 5) == 5
    assert session.counts().new == 5
    assert _study_new(session, 5) == [f"beta/b{i}" for i in range(5)]
    assert session.next_card() is None  # exactly five past the limits
    # recorded honestly: 25 new cards studied today, the all-decks limit stays passed
    assert session.new_today(["beta"])["beta"].studied == 5
    session.focus(None)
    assert session.counts().new == 0  # alpha gets nothing out of beta's raise
    assert session.extra_new == {"beta": 5}

    # undo gives the quota back within the raise
    session.focus(["beta"])
    session.undo()
    assert session.counts().new == 1

    clock.advance(days=1)  # a new study day: the raise is gone, the limits apply afresh
    assert session.extra_new == {}
    assert session.new_today(["beta"])["beta"].left == 20


def test_a_raise_gives_what_it_says_after_another_decks_raise(session: Session):
    # alpha's own raise took the day 5 past the all-decks limit: beta's raise is not
    # charged for those 5 (the summary promised "press n to study 5 more")
    session.focus(["alpha"])
    _study_new(session, 20)
    assert session.study_more_new("alpha", 5) == 5
    _study_new(session, 5)
    session.focus(["beta"])
    assert session.next_card() is None

    assert session.study_more_new("beta", 5) == 5
    assert session.counts().new == 5
    assert _study_new(session, 5) == [f"beta/b{i}" for i in range(5)]
    assert session.next_card() is None


def test_the_raise_defaults_to_the_decks_daily_limit_and_must_be_positive(session: Session):
    session.store.save_settings(session.settings.replace(new_per_day=7, new_per_day_total=7))
    session.focus(["alpha"])
    _study_new(session, 7)
    assert session.study_more_new("beta") == 7
    with pytest.raises(ReviewError, match="at least 1"):
        session.study_more_new("beta", 0)
    with pytest.raises(ReviewError):
        session.study_more_new("gamma")
