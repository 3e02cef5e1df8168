"""Deck sync: make the store's cards match the deck files, keyed by (deck, card id).

A new card is added as new; an edited card (its content hash changed) keeps its
progress and is marked ``edited_at``; a card gone from its file is marked not
present and keeps its history (it comes back with it if the id returns); a deck that
fails the checker is reported and skipped, and its stored cards are left as they
were. One transaction for the whole sync.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quiz.deck.check import DeckSet, load_decks
from quiz.deck.diagnostics import Diagnostic
from quiz.deck.model import Deck
from quiz.review.cards import CardRef
from quiz.review.clock import to_text
from quiz.review.state import NEW
from quiz.review.store import Store


@dataclass(frozen=True, slots=True)
class SyncReport:
    decks: tuple[str, ...] = ()
    added: tuple[CardRef, ...] = ()
    edited: tuple[CardRef, ...] = ()
    removed: tuple[CardRef, ...] = ()
    restored: tuple[CardRef, ...] = ()
    problems: tuple[Diagnostic, ...] = ()  # broken decks: reported, skipped

    @property
    def changed(self) -> bool:
        return bool(self.added or self.edited or self.removed or self.restored)


def load_and_sync(store: Store, paths: Iterable[Path], now: datetime) -> tuple[DeckSet, SyncReport]:
    """Load every deck under ``paths``, sync the good ones, report the broken ones."""
    deck_set = load_decks(paths)
    report = sync_decks(store, deck_set.decks, now)
    return deck_set, dataclasses.replace(report, problems=tuple(deck_set.errors))


def sync_decks(store: Store, decks: Sequence[Deck], now: datetime) -> SyncReport:
    stamp = to_text(now)
    added: list[CardRef] = []
    edited: list[CardRef] = []
    removed: list[CardRef] = []
    restored: list[CardRef] = []
    with store.write():
        for deck in decks:
            store.db.execute(
                "INSERT INTO decks (slug, title, path, first_seen, synced_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET "
                "title = excluded.title, path = excluded.path, synced_at = excluded.synced_at",
                (deck.slug, str(deck.title), str(deck.path), stamp, stamp),
            )
            stored = {
                row["card_id"]: row
                for row in store.query(
                    "SELECT id, card_id, kind, position, content_hash, present "
                    "FROM cards WHERE deck = ?",
                    (deck.slug,),
                )
            }
            new_rows = []
            for position, card in enumerate(deck.cards):
                ref = CardRef(deck.slug, card.id)
                row = stored.pop(card.id, None)
                if row is None:
                    new_rows.append(
                        {
                            "deck": deck.slug,
                            "card_id": card.id,
                            "kind": str(card.kind),
                            "position": position,
                            "content_hash": card.content_hash,
                            "present": 1,
                            "added_at": stamp,
                            **NEW.to_columns(),
                        }
                    )
                    added.append(ref)
                    continue
                changes: dict[str, object] = {}
                if row["content_hash"] != card.content_hash:
                    changes |= {"content_hash": card.content_hash, "edited_at": stamp}
                    edited.append(ref)
                if row["kind"] != str(card.kind):
                    changes["kind"] = str(card.kind)
                if row["position"] != position:
                    changes["position"] = position
                if not row["present"]:
                    changes["present"] = 1
                    restored.append(ref)
                if changes:
                    store.db["cards"].update(row["id"], changes)
            if new_rows:
                store.db["cards"].insert_all(new_rows)
            for card_id, row in stored.items():
                if row["present"]:
                    store.db["cards"].update(row["id"], {"present": 0})
                    removed.append(CardRef(deck.slug, card_id))
    return SyncReport(
        tuple(deck.slug for deck in decks),
        tuple(added),
        tuple(edited),
        tuple(removed),
        tuple(restored),
    )
