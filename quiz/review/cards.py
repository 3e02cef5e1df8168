"""Stored cards: their identity, their row, the learner's actions on them, and their decks.

A card is known by ``CardRef`` (deck slug, card id), as in the deck files; its
row id is the fsrs ``card_id``. Bury, suspend, unsuspend, reset and set-due change
one row in one transaction. Repetitions and lapses are not stored on the card (fsrs
cards have no such fields): they are counted from the review log (``quiz.review.log``).

Every query on the ``cards`` and ``decks`` tables is here, each a named function
(deck sync's reads and writes, Browse's listing, Home's and the statistics' counts
per deck, the next due time), so a change to a column is made in this module and
the schema, not across the package. The daily queue's picks and counts, which lean
on its indexes, are ``quiz.review.queue``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quiz.deck.model import Deck
from quiz.review.clock import as_utc, from_text, to_text
from quiz.review.errors import ReviewError
from quiz.review.state import NEW, CardState, Phase
from quiz.review.store import Store


@dataclass(frozen=True, slots=True, order=True)
class CardRef:
    deck: str
    card_id: str

    def __str__(self) -> str:
        return f"{self.deck}/{self.card_id}"

    @classmethod
    def parse(cls, text: str) -> CardRef:
        deck, sep, card_id = text.partition("/")
        if not sep or not deck or not card_id:
            raise ReviewError(f"{text!r} is not a card reference such as deck/card-id")
        return cls(deck, card_id)


@dataclass(frozen=True, slots=True)
class StoredCard:
    """One row of ``cards``: where the card is, what it is, and its schedule."""

    id: int
    ref: CardRef
    kind: str
    position: int
    content_hash: str
    present: bool
    edited_at: datetime | None
    state: CardState
    suspended: bool
    buried_until: datetime | None
    leech: bool
    reset_at: datetime | None

    @property
    def edited_since_review(self) -> bool:
        """The deck file changed this card after the learner last answered it."""
        last = self.state.last_review
        return self.edited_at is not None and last is not None and self.edited_at > last

    def buried(self, now: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > as_utc(now)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredCard:
        return cls(
            id=row["id"],
            ref=CardRef(row["deck"], row["card_id"]),
            kind=row["kind"],
            position=row["position"],
            content_hash=row["content_hash"],
            present=bool(row["present"]),
            edited_at=from_text(row["edited_at"]),
            state=CardState.from_columns(row),
            suspended=bool(row["suspended"]),
            buried_until=from_text(row["buried_until"]),
            leech=bool(row["leech"]),
            reset_at=from_text(row["reset_at"]),
        )


def find_card(store: Store, ref: CardRef | int) -> StoredCard | None:
    """The stored card, by reference or row id; None when there is none."""
    if isinstance(ref, int):
        rows = store.query("SELECT * FROM cards WHERE id = ?", (ref,))
    else:
        rows = store.query(
            "SELECT * FROM cards WHERE deck = ? AND card_id = ?", (ref.deck, ref.card_id)
        )
    return StoredCard.from_row(rows[0]) if rows else None


def get_card(store: Store, ref: CardRef | int) -> StoredCard:
    """The stored card, by reference or row id; ReviewError when there is none."""
    card = find_card(store, ref)
    if card is None:
        raise ReviewError(f"no card {ref} in {store.path}")
    return card


def present_cards(store: Store, decks: Sequence[str]) -> list[StoredCard]:
    """The stored cards of ``decks`` still in their deck files, in no set order."""
    if not decks:
        return []
    rows = store.query(
        f"SELECT * FROM cards WHERE present = 1 AND deck IN ({_marks(decks)})", tuple(decks)
    )
    return [StoredCard.from_row(row) for row in rows]


def leeches(store: Store) -> list[StoredCard]:
    """Every card flagged as a leech, suspended or not, by deck then file order."""
    rows = store.query("SELECT * FROM cards WHERE leech = 1 ORDER BY deck, position")
    return [StoredCard.from_row(row) for row in rows]


def phases(store: Store) -> dict[CardRef, Phase]:
    """Every stored card's fsrs phase."""
    cursor = store.db.conn.execute("SELECT deck, card_id, state FROM cards")
    return {CardRef(deck, card_id): Phase(state) for deck, card_id, state in cursor}


def next_due(store: Store, decks: Sequence[str], after: datetime) -> datetime | None:
    """When the next studied (not new), unsuspended card of ``decks`` falls due after ``after``."""
    if not decks:
        return None
    text = store.scalar(
        "SELECT min(due) FROM cards WHERE state != ? AND due > ? AND present = 1 "
        f"AND suspended = 0 AND deck IN ({_marks(decks)})",
        (int(Phase.NEW), to_text(after), *decks),
    )
    return from_text(text)


@dataclass(frozen=True, slots=True)
class CardCounts:
    """A deck's cards still in its file, by what they are now."""

    new: int = 0  # new, learning and review leave suspended cards out
    learning: int = 0  # learning and relearning
    review: int = 0
    suspended: int = 0
    leech: int = 0  # flagged, suspended or not
    total: int = 0


def card_counts(store: Store, deck: str | None = None) -> dict[str, CardCounts]:
    """Per deck (or ``deck`` only), its cards still in the file; a deck with none is absent."""
    where, params = ("AND deck = ?", (deck,)) if deck else ("", ())
    rows = store.query(
        "SELECT deck, "
        "coalesce(sum(suspended = 0 AND state = 0), 0) AS new, "
        "coalesce(sum(suspended = 0 AND state IN (1, 3)), 0) AS learning, "
        "coalesce(sum(suspended = 0 AND state = 2), 0) AS review, "
        "coalesce(sum(suspended = 1), 0) AS suspended, "
        "coalesce(sum(leech = 1), 0) AS leech, count(*) AS total "
        f"FROM cards WHERE present = 1 {where} GROUP BY deck",
        params,
    )
    return {row.pop("deck"): CardCounts(**row) for row in rows}


def deck_sizes(store: Store) -> dict[str, int]:
    """Per deck, how many of its cards are still in its file: ``card_counts``'s ``total``
    alone, which an index answers without reading the cards themselves."""
    cursor = store.db.conn.execute(
        "SELECT deck, count(*) FROM cards WHERE present = 1 GROUP BY deck"
    )
    return dict(cursor.fetchall())


def deck_titles(store: Store) -> dict[str, str]:
    """Every deck the store knows (synced or imported), slug to title, by slug."""
    return dict(store.db.conn.execute("SELECT slug, title FROM decks ORDER BY slug").fetchall())


def stored_decks(store: Store) -> dict[str, tuple[str, str, int]]:
    """Every deck the store knows, by slug: its title, the file it last came from, and
    how many of its cards are still in that file."""
    cursor = store.db.conn.execute(
        "SELECT slug, title, path, (SELECT count(*) FROM cards "
        "WHERE cards.deck = decks.slug AND present = 1) FROM decks ORDER BY slug"
    )
    return {slug: (title, path, cards) for slug, title, path, cards in cursor}


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


# -- changes -----------------------------------------------------------------------------


def set_state(
    store: Store,
    row_id: int,
    state: CardState,
    *,
    leech: bool | None = None,
    suspended: bool | None = None,
) -> None:
    """Store the card's schedule (an answer or its undo), and its flags when given."""
    columns: dict[str, Any] = state.to_columns()
    if leech is not None:
        columns["leech"] = int(leech)
    if suspended is not None:
        columns["suspended"] = int(suspended)
    store.db["cards"].update(row_id, columns)


def _set(store: Store, card: StoredCard, **columns: Any) -> StoredCard:
    with store.write():
        store.db["cards"].update(card.id, columns)
    return get_card(store, card.id)


def bury(store: Store, ref: CardRef | int, until: datetime) -> StoredCard:
    """Hide the card until ``until`` (the start of the next study day)."""
    return _set(store, get_card(store, ref), buried_until=to_text(until))


def suspend(store: Store, ref: CardRef | int) -> StoredCard:
    return _set(store, get_card(store, ref), suspended=1)


def unsuspend(store: Store, ref: CardRef | int) -> StoredCard:
    """Back into the queue; a leech keeps its flag, so it can still be listed and fixed."""
    return _set(store, get_card(store, ref), suspended=0)


def reset(store: Store, ref: CardRef | int, now: datetime) -> StoredCard:
    """Forget the schedule: the card is new again. Its history stays; lapses restart at 0."""
    return _set(
        store,
        get_card(store, ref),
        **NEW.to_columns(),
        leech=0,
        suspended=0,
        buried_until=None,
        reset_at=to_text(now),
    )


def set_due(store: Store, ref: CardRef | int, due: datetime) -> StoredCard:
    """Move a studied card's due time; a new card has no schedule to move."""
    card = get_card(store, ref)
    if card.state.is_new:
        raise ReviewError(f"{card.ref} is new: it has no due date until it is first answered")
    return _set(store, card, due=to_text(due))


# -- deck sync ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileFields:
    """What a deck file says about a card, as stored: what deck sync compares and writes."""

    kind: str
    position: int  # in its deck file, from 0
    content_hash: str


@dataclass(frozen=True, slots=True)
class FiledCard:
    """A stored card's row id, its deck-file fields and whether it is still in the file."""

    id: int
    fields: FileFields
    present: bool


def save_deck(store: Store, deck: Deck, now: datetime) -> None:
    """Record ``deck`` (its title and file) as synced ``now``, and first seen now if new."""
    stamp = to_text(now)
    store.db.execute(
        "INSERT INTO decks (slug, title, path, first_seen, synced_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET "
        "title = excluded.title, path = excluded.path, synced_at = excluded.synced_at",
        (deck.slug, str(deck.title), str(deck.path), stamp, stamp),
    )


def filed_cards(store: Store, deck: str) -> dict[str, FiledCard]:
    """Every stored card of ``deck``, present or not, by card id."""
    cursor = store.db.conn.execute(
        "SELECT card_id, id, kind, position, content_hash, present FROM cards WHERE deck = ?",
        (deck,),
    )
    return {
        card_id: FiledCard(row_id, FileFields(kind, position, content_hash), bool(present))
        for card_id, row_id, kind, position, content_hash, present in cursor
    }


def add_cards(
    store: Store, deck: str, cards: Iterable[tuple[str, FileFields]], now: datetime
) -> None:
    """Store new cards of ``deck`` (card id and file fields): present, new, added ``now``."""
    stamp = to_text(now)
    rows = [
        {
            "deck": deck,
            "card_id": card_id,
            "kind": fields.kind,
            "position": fields.position,
            "content_hash": fields.content_hash,
            "present": 1,
            "added_at": stamp,
            **NEW.to_columns(),
        }
        for card_id, fields in cards
    ]
    if rows:
        store.db["cards"].insert_all(rows)


def refile_card(
    store: Store, row_id: int, fields: FileFields, *, edited_at: datetime | None
) -> None:
    """The card as its deck file now has it, present; ``edited_at`` when its content changed."""
    columns: dict[str, Any] = {
        "kind": fields.kind,
        "position": fields.position,
        "content_hash": fields.content_hash,
        "present": 1,
    }
    if edited_at is not None:
        columns["edited_at"] = to_text(edited_at)
    store.db["cards"].update(row_id, columns)


def mark_removed(store: Store, row_id: int) -> None:
    """The card left its deck file; its row and history stay, for when it comes back."""
    store.db["cards"].update(row_id, {"present": 0})


def carry_over(
    store: Store, row_id: int, card_id: str, fields: FileFields, *, now: datetime
) -> None:
    """The stored card ``row_id`` becomes ``card_id`` (a card that ``replaces`` it): its
    schedule and review log come along, and it counts as edited ``now``."""
    columns = {
        "card_id": card_id,
        "kind": fields.kind,
        "position": fields.position,
        "content_hash": fields.content_hash,
        "present": 1,
        "edited_at": to_text(now),
    }
    store.db["cards"].update(row_id, columns)
    store.db.conn.execute("UPDATE reviews SET card_id = ? WHERE card = ?", (card_id, row_id))


SCHEDULE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review")


def copy_schedule(store: Store, from_row: int, deck: str, card_id: str) -> None:
    """Give the card ``deck``/``card_id`` the schedule of the row ``from_row`` (a second
    card split from it), but not its review log, which stays with one card."""
    names = ", ".join(SCHEDULE_COLUMNS)
    store.db.conn.execute(
        f"UPDATE cards SET ({names}) = (SELECT {names} FROM cards WHERE id = ?) "
        "WHERE deck = ? AND card_id = ?",
        (from_row, deck, card_id),
    )
