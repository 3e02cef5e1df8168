"""Home's figures: cards left today per deck (one set of queries for all decks), size, retention."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from quiz.judge.verdict import Rating
from quiz.progress.overview import OverviewSource, all_left, deck_rows, format_retention
from quiz.review import cards as card_ops
from quiz.review.errors import StoreError
from quiz.review.queue import Counts, counts, quota
from quiz.review.session import Session
from quiz.review.state import CardState, Phase

from .conftest import QUIET, T0, Clock, open_store, write_decks


def test_deck_rows_count_left_total_and_retention(session: Session, clock: Clock):
    rows = deck_rows(session)
    assert [(r.slug, r.left.new, r.total, r.retention) for r in rows] == [
        ("alpha", 20, 30, None),
        ("beta", 20, 30, None),
    ]
    card = session.next_card()
    session.rate(Rating.EASY)  # graduates at once
    clock.now += timedelta(days=30)
    while (study := session.next_card()) is not None and study.ref != card.ref:
        session.bury()
    session.rate(Rating.AGAIN)
    assert deck_rows(session)[0].retention == 0.0
    assert format_retention(0.875) == "88%" and format_retention(None) == "—"


def test_the_read_only_overview_is_the_sessions_and_stops_when_asked(session: Session):
    """Home's worker reads what the session's connection would, on a connection of its
    own; a reading no longer wanted stops with an error rather than running on."""
    session.next_card()
    session.rate(Rating.GOOD)
    source = OverviewSource.of(session)
    overview = source.read()
    assert list(overview.rows) == deck_rows(session) and overview.left == all_left(session)
    stop = threading.Event()
    stop.set()
    with pytest.raises(StoreError, match="interrupted"):
        source.read(stop)


# Decks of different sizes; the small limits bite in some of them and not in others.
SIZES = {"d0": 40, "d1": 3, "d2": 25, "d3": 12, "d4": 30, "d5": 8}
LIMITS = QUIET.replace(
    new_per_day=6, reviews_per_day=5, new_per_day_total=9, reviews_per_day_total=6
)


@pytest.fixture
def varied(tmp_path: Path, clock: Clock) -> Iterator[Session]:
    """A session whose cards are in every phase, due at every sort of time, some suspended,
    buried (until the next study day, or until a time gone by) or gone from their file;
    today's answers have used up some of the daily limits, deck by deck."""
    clock.now = T0 + timedelta(hours=3)
    decks = write_decks(
        tmp_path / "varied", {s: [f"{s}c{i}" for i in range(n)] for s, n in SIZES.items()}
    )
    with open_store(tmp_path / "varied.sqlite3", decks) as store:
        store.save_settings(LIMITS)
        session = Session(store, decks, clock=clock, tz=UTC)
        vary(session)
        yield session


def vary(session: Session) -> None:
    """Cards in every phase and state, and some of the limits used up today."""
    store = session.store
    day = session.today()
    rng = random.Random(14)
    for deck in session.decks:
        for card in deck.cards:
            row = card_ops.get_card(store, card_ops.CardRef(deck.slug, card.id))
            phase = rng.choice(list(Phase))
            if phase is not Phase.NEW:
                due = rng.choice(
                    (
                        T0 - timedelta(days=rng.randint(0, 5)),
                        T0 + timedelta(minutes=rng.randint(1, 90)),
                        day.end - timedelta(minutes=1),
                        day.end,
                        day.end + timedelta(days=rng.randint(0, 3)),
                    )
                )
                state = CardState(
                    phase,
                    0 if phase is not Phase.REVIEW else None,
                    3.0,
                    5.0,
                    due,
                    T0 - timedelta(days=2),
                )
                with store.write():
                    card_ops.set_state(store, row.id, state)
            roll = rng.random()
            if roll < 0.1:
                session.suspend(row.ref)
            elif roll < 0.2:
                session.bury(row.ref)  # until the next study day
            elif roll < 0.25:
                card_ops.bury(store, row.id, T0 - timedelta(hours=1))  # over already
            elif roll < 0.3:
                with store.write():
                    card_ops.mark_removed(store, row.id)
    for slug, answers in (("d0", 9), ("d2", 4), ("d4", 2)):
        session.focus([slug])
        for _ in range(answers):
            if session.next_card() is None:
                break
            session.rate(Rating.GOOD)
    session.focus(None)


def available(session: Session) -> dict[str, Counts]:
    """Per deck, every card it could show today if there were no daily limits."""
    now, end = session.now(), session.today().end
    found = {slug: [0, 0, 0] for slug in SIZES}
    for card in card_ops.present_cards(session.store, list(SIZES)):
        state = card.state
        if card.suspended or card.buried(now) or (not state.is_new and state.due >= end):
            continue
        queue = {Phase.NEW: 0, Phase.REVIEW: 2}.get(state.phase, 1)
        found[card.ref.deck][queue] += 1
    return {slug: Counts(*numbers) for slug, numbers in found.items()}


def test_homes_figures_equal_each_deck_counted_alone(varied: Session, clock: Clock):
    """One set of queries for all decks gives what the queue counts for each deck studied
    alone: learning due today, and reviews and new cards within what is left of the
    deck's limits and the overall ones."""
    session = varied
    alone = {
        slug: counts(session.store, session.settings, [slug], session.now(), session.today())
        for slug in SIZES
    }
    rows = deck_rows(session)
    assert {row.slug: row.left for row in rows} == alone
    assert [row.slug for row in rows] == list(SIZES)
    assert all(0 < row.total <= SIZES[row.slug] for row in rows)
    # The database is as varied as meant: a deck's own limit stops its new cards in
    # one deck, the overall limit its reviews in another, and learning has none.
    left = quota(session.store, session.settings, list(SIZES), session.today())
    can = available(session)
    assert all(alone[slug].learning == can[slug].learning for slug in SIZES)
    assert alone["d0"].new == left.new["d0"] < min(can["d0"].new, left.new_total)
    assert alone["d2"].review == left.review_total < min(can["d2"].review, left.review["d2"])
    cards = card_ops.present_cards(session.store, list(SIZES))
    assert any(card.suspended for card in cards) and any(card.buried(clock.now) for card in cards)
    assert {card.state.phase for card in cards} == set(Phase)
    assert all_left(session) == counts(
        session.store, session.settings, list(SIZES), session.now(), session.today()
    )


def test_home_of_no_decks_is_empty(tmp_path: Path, clock: Clock):
    with open_store(tmp_path / "none.sqlite3", []) as store:
        session = Session(store, [], clock=clock)
        assert deck_rows(session) == [] and all_left(session) == Counts()
