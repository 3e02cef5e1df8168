"""Stored cards: their identity, their row, and the learner's actions on them.

A card is known by ``CardRef`` (deck slug, card id), as in the deck files; its
row id is the fsrs ``card_id``. Bury, suspend, unsuspend, reset and set-due change
one row in one transaction. Repetitions and lapses are not stored on the card (fsrs
cards have no such fields): they are counted from the review log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


def get_card(store: Store, ref: CardRef | int) -> StoredCard:
    """The stored card, by reference or row id; ReviewError when there is none."""
    if isinstance(ref, int):
        rows = store.query("SELECT * FROM cards WHERE id = ?", (ref,))
    else:
        rows = store.query(
            "SELECT * FROM cards WHERE deck = ? AND card_id = ?", (ref.deck, ref.card_id)
        )
    if not rows:
        raise ReviewError(f"no card {ref} in {store.path}")
    return StoredCard.from_row(rows[0])


def counts_from_log(store: Store, card: StoredCard) -> tuple[int, int]:
    """(repetitions, lapses) since the card was last reset, counted from the review log.

    A lapse is an Again given to a card in the review phase.
    """
    row = store.query(
        "SELECT count(*) AS reps, "
        "coalesce(sum(before_state = ? AND rating = 1), 0) AS lapses "
        "FROM reviews WHERE card = ? AND reviewed_at >= ?",
        (int(Phase.REVIEW), card.id, to_text(card.reset_at) or ""),
    )[0]
    return row["reps"], row["lapses"]


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
