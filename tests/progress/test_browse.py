"""Browse's read-model: every card with its state and counts, filters, order, a card's history."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from quiz.deck.check import load_decks
from quiz.deck.model import Location
from quiz.judge.verdict import Rating
from quiz.progress.browse import (
    BrowseRow,
    CardFilter,
    SortColumn,
    SortOrder,
    card_history,
    list_cards,
    session_cards,
    session_history,
)
from quiz.review import cards as card_ops
from quiz.review.cards import CardRef
from quiz.review.session import Session
from quiz.review.state import CardState, Phase

from .conftest import T0, Clock, write_decks


def test_lists_every_card_in_deck_order_with_state(session: Session, clock: Clock):
    first = session.next_card()
    session.rate(Rating.EASY)
    rows = list_cards(session.store, session.decks, clock.now)
    assert len(rows) == 60
    assert [row.ref for row in rows[:2]] == [CardRef("alpha", "a0"), CardRef("alpha", "a1")]
    assert [row.position for row in rows[29:31]] == [29, 0]  # beta's first card
    answered = next(row for row in rows if row.ref == first.ref)
    assert answered.phase is Phase.REVIEW
    assert answered.reps == 1 and answered.lapses == 0
    assert answered.state.stability is not None and answered.state.due > clock.now
    assert answered.question == "What is a0?" and answered.kind == "flash"
    assert answered.stored and answered.flags() == ()
    assert all(row.phase is Phase.NEW for row in rows if row.ref != first.ref)
    assert session_cards(session) == rows  # what the screens ask for, through the session
    assert session_cards(session, slugs=["beta"]) == rows[30:]


def test_lapses_count_from_the_last_reset(session: Session, clock: Clock):
    ref = session.next_card().ref
    session.rate(Rating.EASY)
    clock.now = card_ops.get_card(session.store, ref).state.due + timedelta(hours=1)
    assert session.next_card().ref == ref
    session.rate(Rating.AGAIN)
    row = next(r for r in list_cards(session.store, session.decks, clock.now) if r.ref == ref)
    assert (row.reps, row.lapses) == (2, 1)
    clock.now += timedelta(minutes=1)
    session.reset(ref)
    row = next(r for r in list_cards(session.store, session.decks, clock.now) if r.ref == ref)
    assert (row.reps, row.lapses, row.phase) == (0, 0, Phase.NEW)
    history = card_history(session.store, ref)
    assert session_history(session, ref) == history
    assert [entry.rating for entry in history] == [Rating.EASY, Rating.AGAIN]
    assert all(entry.before_reset for entry in history)
    assert history[1].before.phase is Phase.REVIEW and history[1].after.phase is Phase.RELEARNING


def test_flags_suspended_leech_buried(session: Session, clock: Clock):
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


def test_edited_since_review(store, tmp_path: Path, clock: Clock):
    decks = write_decks(tmp_path / "gamma", {"gamma": ["g0", "g1"]})
    session = Session(store, decks, clock=clock, tz=UTC)
    session.next_card()
    session.rate(Rating.GOOD)
    clock.now += timedelta(hours=1)
    path = decks[0].path
    path.write_text(path.read_text().replace("?", "? (v2)"), encoding="utf-8")
    edited = Session(store, load_decks([path]).decks, clock=clock, tz=UTC)
    rows = {r.ref.card_id: r for r in list_cards(store, edited.decks, clock.now)}
    assert rows["g0"].edited and rows["g0"].flags() == ("edited",)
    assert not rows["g1"].edited  # never reviewed: nothing to be stale against


def test_cards_of_an_unsynced_deck_show_as_new(store, tmp_path: Path, clock: Clock):
    decks = write_decks(tmp_path / "never", {"never": ["n0"]})
    (row,) = list_cards(store, decks, clock.now)
    assert not row.stored and row.phase is Phase.NEW and row.reps == 0


def test_filter_words_keys_and_negation(session: Session, clock: Clock):
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
    assert ids('"what is b2"') == ["b2"] + [f"b2{i}" for i in range(10)]
    assert ids("is:nonsense") == []
    assert len(ids('"unclosed')) == 0  # a half-typed quote does not raise
    assert len(ids("")) == 60


def test_filter_by_tag(make_deck, clock: Clock, store):
    deck = make_deck(
        "deck: tagged\ntitle: T\ncards:\n"
        "  - {id: one, kind: flash, front: F, back: B, tags: [clamp, p22]}\n"
        "  - {id: two, kind: flash, front: G, back: B, tags: [p23]}\n"
    )
    rows = list_cards(store, [deck], clock.now)
    assert [r.ref.card_id for r in CardFilter.parse("tag:P22").apply(rows, clock.now)] == ["one"]
    assert [r.ref.card_id for r in CardFilter.parse("p2").apply(rows, clock.now)] == ["one", "two"]


def row(ref: str, position: int = 0, **fields: Any) -> BrowseRow:
    """A listed card, by hand: reviewed, with no flags, unless ``fields`` say otherwise."""
    deck, _, card_id = ref.partition("/")
    state = fields.pop("state", CardState(Phase.REVIEW, due=T0, stability=1.0))
    values: dict[str, Any] = {
        "kind": "flash",
        "question": card_id,
        "tags": (),
        "reps": 1,
        "lapses": 0,
        "suspended": False,
        "leech": False,
        "edited": False,
        "buried": False,
        "stored": True,
    }
    values.update(fields)
    where = Location(Path(f"{deck}.yaml"), 4 + 5 * position, 5)
    return BrowseRow(CardRef(deck, card_id), position, location=where, state=state, **values)


def order(rows: list[BrowseRow], column: SortColumn, descending: bool = False) -> list[str]:
    return [str(r.ref) for r in SortOrder(column, descending).apply(rows)]


def test_numbers_sort_as_numbers():
    rows = [row("d/ten", 0, lapses=10), row("d/two", 1, lapses=2), row("d/nine", 2, lapses=9)]
    assert order(rows, SortColumn.LAPSES) == ["d/two", "d/nine", "d/ten"]
    assert order(rows, SortColumn.LAPSES, descending=True) == ["d/ten", "d/nine", "d/two"]
    reps = [row("d/a", 0, reps=12), row("d/b", 1, reps=3)]
    assert order(reps, SortColumn.REPS) == ["d/b", "d/a"]


def test_due_dates_by_time_and_new_cards_last_both_ways():
    def due(hours: float) -> CardState:
        return CardState(Phase.REVIEW, due=T0 + timedelta(hours=hours), stability=1.0)

    rows = [
        row("d/new", 0, state=CardState()),
        row("d/week", 1, state=due(24 * 7)),
        row("d/overdue", 2, state=due(-30)),
        row("d/new-with-date", 3, state=CardState(Phase.NEW, due=T0)),  # shown as "—" too
        row("d/soon", 4, state=due(2)),
    ]
    assert order(rows, SortColumn.DUE) == [
        "d/overdue", "d/soon", "d/week", "d/new", "d/new-with-date",
    ]  # fmt: skip
    assert order(rows, SortColumn.DUE, descending=True) == [
        "d/week", "d/soon", "d/overdue", "d/new", "d/new-with-date",
    ]  # fmt: skip


def test_stability_empty_last_both_ways():
    rows = [
        row("d/none", 0, state=CardState()),
        row("d/long", 1, state=CardState(Phase.REVIEW, due=T0, stability=12.5)),
        row("d/short", 2, state=CardState(Phase.REVIEW, due=T0, stability=9.0)),
    ]
    assert order(rows, SortColumn.STABILITY) == ["d/short", "d/long", "d/none"]
    assert order(rows, SortColumn.STABILITY, descending=True) == ["d/long", "d/short", "d/none"]


def test_ties_keep_deck_then_position_in_both_directions():
    rows = [row("beta/b0", 0), row("alpha/a1", 1), row("alpha/a0", 0), row("beta/b1", 1, lapses=1)]
    expected = ["alpha/a0", "alpha/a1", "beta/b0"]
    assert order(rows, SortColumn.LAPSES) == [*expected, "beta/b1"]
    assert order(rows, SortColumn.LAPSES, descending=True) == ["beta/b1", *expected]
    # By deck: the decks turn round, each deck's cards stay in file order.
    assert order(rows, SortColumn.DECK, descending=True) == [
        "beta/b0", "beta/b1", "alpha/a0", "alpha/a1",
    ]  # fmt: skip


def test_text_ignores_case_and_empty_text_is_last():
    rows = [
        row("d/bare", 0),
        row("d/zed", 1, tags=("Zed",)),
        row("d/alpha", 2, tags=("alpha", "p22")),
        row("d/Mid", 3, tags=("mid",), leech=True, suspended=True),
        row("d/flag", 4, edited=True),
    ]
    assert order(rows, SortColumn.TAGS) == ["d/alpha", "d/Mid", "d/zed", "d/bare", "d/flag"]
    assert order(rows, SortColumn.TAGS, True) == ["d/zed", "d/Mid", "d/alpha", "d/bare", "d/flag"]
    assert order(rows, SortColumn.CARD) == ["d/alpha", "d/bare", "d/flag", "d/Mid", "d/zed"]
    flagged = order(rows, SortColumn.FLAGS)  # E before LS; no flags last
    assert flagged == ["d/flag", "d/Mid", "d/bare", "d/zed", "d/alpha"]


def test_states_sort_in_the_order_a_card_goes_through_them():
    rows = [
        row("d/relearning", 0, state=CardState(Phase.RELEARNING, due=T0)),
        row("d/review", 1),
        row("d/new", 2, state=CardState()),
        row("d/learning", 3, state=CardState(Phase.LEARNING, due=T0)),
    ]
    assert order(rows, SortColumn.STATE) == ["d/new", "d/learning", "d/review", "d/relearning"]


def test_no_column_keeps_the_listing_order():
    rows = [row("beta/b0", 0, lapses=3), row("alpha/a0", 0)]
    assert [str(r.ref) for r in SortOrder().apply(rows)] == ["beta/b0", "alpha/a0"]


def test_choosing_a_column_cycling_and_reversing():
    assert SortOrder().next() == SortOrder(SortColumn.DECK)
    assert SortOrder(SortColumn.DUE, descending=True).next() == SortOrder(SortColumn.STABILITY)
    assert SortOrder(SortColumn.TAGS).next() == SortOrder(SortColumn.DECK)  # round again
    assert SortOrder().reversed() == SortOrder(SortColumn.DECK, descending=True)
    due = SortOrder(SortColumn.DUE)
    assert due.reversed() == SortOrder(SortColumn.DUE, descending=True)
    assert due.reversed().reversed() == due
    assert due.by(SortColumn.DUE) == SortOrder(SortColumn.DUE, descending=True)
    assert due.reversed().by(SortColumn.LAPSES) == SortOrder(SortColumn.LAPSES)


def test_filter_and_order_together(session: Session, clock: Clock):
    answered = []
    for rating in (Rating.EASY, Rating.GOOD):
        answered.append(session.next_card().ref.card_id)
        session.rate(rating)
    rows = list_cards(session.store, session.decks, clock.now)

    def ids(query: str, sort: SortOrder) -> list[str]:
        return [r.ref.card_id for r in CardFilter.parse(query).apply(rows, clock.now, sort)]

    by_due = ids("deck:alpha", SortOrder(SortColumn.DUE))
    # The Good card (learning, due in minutes) first, the Easy one (days) next, new after.
    assert by_due[:2] == answered[::-1]
    assert by_due[2:] == [f"a{i}" for i in range(30) if f"a{i}" not in answered]
    assert ids("a2", SortOrder(SortColumn.CARD, descending=True)) == [
        "a29", "a28", "a27", "a26", "a25", "a24", "a23", "a22", "a21", "a20", "a2",
    ]  # fmt: skip
    assert ids("is:new -deck:alpha", SortOrder(SortColumn.REPS, descending=True))[:2] == [
        "b0",
        "b1",
    ]
