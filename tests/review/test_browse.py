"""Browse queries: every card with its stored state and counts, filters, and a card's history."""

from __future__ import annotations

from datetime import UTC, timedelta

from quiz.judge.verdict import Rating
from quiz.review import cards as card_ops
from quiz.review.browse import CardFilter, card_history, list_cards
from quiz.review.cards import CardRef
from quiz.review.session import Session
from quiz.review.state import Phase

from .conftest import FakeClock, load, write_deck


def test_lists_every_card_in_deck_order_with_state(session: Session, clock: FakeClock):
    first = session.next_card()
    session.rate(Rating.EASY)
    rows = list_cards(session.store, session.decks, clock.now)
    assert len(rows) == 60
    assert [row.ref for row in rows[:2]] == [CardRef("alpha", "a0"), CardRef("alpha", "a1")]
    answered = next(row for row in rows if row.ref == first.ref)
    assert answered.phase is Phase.REVIEW
    assert answered.reps == 1 and answered.lapses == 0
    assert answered.state.stability is not None and answered.state.due > clock.now
    assert answered.question == "Front of a0" and answered.kind == "flash"
    assert answered.stored and answered.flags() == ()
    assert all(row.phase is Phase.NEW for row in rows if row.ref != first.ref)


def test_lapses_count_from_the_last_reset(session: Session, clock: FakeClock):
    ref = session.next_card().ref
    session.rate(Rating.EASY)
    clock.now = card_ops.get_card(session.store, ref).state.due + timedelta(hours=1)
    assert session.next_card().ref == ref
    session.rate(Rating.AGAIN)
    row = next(r for r in list_cards(session.store, session.decks, clock.now) if r.ref == ref)
    assert (row.reps, row.lapses) == (2, 1)
    clock.advance(minutes=1)
    session.reset(ref)
    row = next(r for r in list_cards(session.store, session.decks, clock.now) if r.ref == ref)
    assert (row.reps, row.lapses, row.phase) == (0, 0, Phase.NEW)
    history = card_history(session.store, ref)
    assert [entry.rating for entry in history] == [Rating.EASY, Rating.AGAIN]
    assert all(entry.before_reset for entry in history)
    assert history[1].before.phase is Phase.REVIEW and history[1].after.phase is Phase.RELEARNING


def test_flags_suspended_leech_buried(session: Session, clock: FakeClock):
    session.suspend(CardRef("alpha", "a1"))
    session.bury(CardRef("alpha", "a2"))
    session.store.db["cards"].update(
        session.store.scalar("SELECT id FROM cards WHERE card_id = 'a3'"), {"leech": 1}
    )
    rows = {r.ref.card_id: r for r in list_cards(session.store, session.decks, clock.now)}
    assert rows["a1"].flags() == ("suspended",)
    assert rows["a2"].flags() == ("buried",)
    assert rows["a3"].flags() == ("leech",)
    later = clock.now + timedelta(days=2)
    assert not {r.ref.card_id: r for r in list_cards(session.store, session.decks, later)}[
        "a2"
    ].buried


def test_edited_since_review(store, decks_dir, clock: FakeClock):
    path = write_deck(decks_dir, "gamma", ["g0", "g1"])
    session = Session(store, load(path), clock=clock, tz=UTC)
    session.next_card()
    session.rate(Rating.GOOD)
    clock.advance(hours=1)
    write_deck(decks_dir, "gamma", ["g0", "g1"], version=" v2")
    edited = Session(store, load(path), clock=clock, tz=UTC)
    rows = {r.ref.card_id: r for r in list_cards(store, edited.decks, clock.now)}
    assert rows["g0"].edited and rows["g0"].flags() == ("edited",)
    assert not rows["g1"].edited  # never reviewed: nothing to be stale against


def test_cards_of_an_unsynced_deck_show_as_new(store, decks_dir, clock: FakeClock):
    decks = load(write_deck(decks_dir, "never", ["n0"]))
    (row,) = list_cards(store, decks, clock.now)
    assert not row.stored and row.phase is Phase.NEW and row.reps == 0


def test_filter_words_keys_and_negation(session: Session, clock: FakeClock):
    session.next_card()
    session.rate(Rating.GOOD)
    session.suspend(CardRef("beta", "b3"))
    rows = list_cards(session.store, session.decks, clock.now)

    def ids(query: str, now=clock.now) -> list[str]:
        return [row.ref.card_id for row in CardFilter.parse(query).apply(rows, now)]

    assert ids("a1") == ["a1"] + [f"a1{i}" for i in range(10)]
    assert ids("deck:be is:suspended") == ["b3"]
    assert len(ids("-deck:alpha")) == 30
    assert ids("is:learning") == ["a0"]
    assert ids("is:due") == []
    assert ids("is:due", clock.now + timedelta(days=1)) == ["a0"]
    assert len(ids("is:new")) == 59
    assert len(ids("kind:flash")) == 60 and ids("kind:code") == []
    assert ids('"front of b2"') == ["b2"] + [f"b2{i}" for i in range(10)]
    assert ids("is:nonsense") == []
    assert len(ids('"unclosed')) == 0  # a half-typed quote does not raise
    assert len(ids("")) == 60


def test_filter_by_tag(make_deck, clock: FakeClock, store):
    deck = make_deck(
        "deck: tagged\ntitle: T\ncards:\n"
        "  - {id: one, kind: flash, front: F, back: B, tags: [clamp, p22]}\n"
        "  - {id: two, kind: flash, front: G, back: B, tags: [p23]}\n"
    )
    rows = list_cards(store, [deck], clock.now)
    assert [r.ref.card_id for r in CardFilter.parse("tag:P22").apply(rows, clock.now)] == ["one"]
    assert [r.ref.card_id for r in CardFilter.parse("p2").apply(rows, clock.now)] == ["one", "two"]
