"""Two sessions on one database, as two browser tabs of ``torch-quiz serve`` are.

Each tab is its own process with its own connection; here each session opens its own
``Store`` on the same file. The policy (docs/app.md, "In a browser"): every rating is
logged, each scheduled from the card as the last writer left it; an undo takes back
only its own tab's answers (or ones given before the tab opened), never another's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from quiz.deck.model import Deck
from quiz.judge.verdict import Rating
from quiz.review.cards import get_card
from quiz.review.errors import ReviewError
from quiz.review.session import Session
from quiz.review.store import Store

from .conftest import FakeClock


@pytest.fixture
def tabs(
    store: Store, db_path: Path, two_decks: list[Deck], clock: FakeClock
) -> Iterator[tuple[Session, Session]]:
    """Tab A on the fixture's store, tab B on a connection of its own."""
    a = Session(store, two_decks, clock=clock, tz=UTC)
    with Store.open(db_path) as other:
        yield a, Session(other, two_decks, clock=clock, tz=UTC)


def _logged(session: Session) -> list[tuple[str, int]]:
    rows = session.store.query("SELECT card_id, rating FROM reviews ORDER BY reviewed_at, id")
    return [(row["card_id"], row["rating"]) for row in rows]


def test_two_tabs_rating_one_card_both_count_the_last_one_wins(
    tabs: tuple[Session, Session], clock: FakeClock
):
    a, b = tabs
    card = a.next_card()
    assert b.next_card().ref == card.ref
    b.preview()  # tab B's rating bar was drawn from the card as it was then
    clock.advance(seconds=20)
    first = a.rate(Rating.GOOD)
    clock.advance(seconds=20)
    second = b.rate(Rating.AGAIN)
    assert _logged(a) == [(card.ref.card_id, Rating.GOOD), (card.ref.card_id, Rating.AGAIN)]
    assert second.before == first.after  # scheduled from what tab A left, not a stale copy
    assert get_card(a.store, card.ref).state == second.after


def test_undo_in_one_tab_never_takes_back_the_other_tabs_answer(
    tabs: tuple[Session, Session], clock: FakeClock
):
    a, b = tabs
    mine = a.next_card()
    a.rate(Rating.GOOD)
    clock.advance(seconds=30)
    theirs = b.next_card()
    assert theirs.ref != mine.ref
    b.rate(Rating.EASY)
    clock.advance(seconds=30)
    assert a.undo().ref == mine.ref
    assert a.undo() is None  # B's answer came after tab A opened: not A's to take back
    assert _logged(a) == [(theirs.ref.card_id, Rating.EASY)]


def test_a_fresh_tab_undoes_nothing_answered_elsewhere_since_it_opened(
    tabs: tuple[Session, Session], clock: FakeClock
):
    a, b = tabs
    clock.advance(minutes=1)
    b.next_card()
    b.rate(Rating.GOOD)
    assert a.undo() is None
    assert len(_logged(a)) == 1


def test_undo_after_the_other_tab_answered_that_card_is_refused_then_goes_on(
    tabs: tuple[Session, Session], clock: FakeClock
):
    a, b = tabs
    earlier = a.next_card()
    a.rate(Rating.GOOD)
    clock.advance(seconds=30)
    later = a.next_card()
    assert b.next_card().ref == later.ref  # both tabs show one card
    a_later = a.rate(Rating.GOOD)
    clock.advance(seconds=30)
    b.rate(Rating.HARD)
    clock.advance(seconds=30)
    with pytest.raises(ReviewError, match="cannot be undone"):
        a.undo()
    assert a.undo().ref == earlier.ref  # the refused answer does not block the ones before
    assert b.undo().restored == a_later.after  # B's own undo is exact, A's answer stays
    assert _logged(b) == [(later.ref.card_id, Rating.GOOD)]
