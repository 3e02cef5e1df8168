"""Deck sync: make the store's cards match the deck files, keyed by (deck, card id).

A new card is added as new; an edited card (its content hash changed) keeps its
progress and is marked ``edited_at``; a card gone from its file is marked not
present and keeps its history (it comes back with it if the id returns); a deck that
fails the checker is reported and skipped, and its stored cards are left as they
were. One transaction for the whole sync.

A new card that ``replaces`` earlier ids takes over their progress, so an author can
rename, split and merge cards without a learner losing reviews: the first earlier card
it names that is gone from the file and not taken yet hands over its row (schedule and
review log); failing that, a card it names that has a row (one taken by another half
of a split, or still in the file) lends it a copy of its schedule.
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
from quiz.review.cards import (
    CardRef,
    FileFields,
    add_cards,
    carry_over,
    copy_schedule,
    filed_cards,
    mark_removed,
    refile_card,
    save_deck,
)
from quiz.review.store import Store


@dataclass(frozen=True, slots=True)
class SyncReport:
    decks: tuple[str, ...] = ()
    added: tuple[CardRef, ...] = ()
    edited: tuple[CardRef, ...] = ()
    removed: tuple[CardRef, ...] = ()
    restored: tuple[CardRef, ...] = ()
    carried: tuple[tuple[CardRef, CardRef], ...] = ()  # (earlier card, the card replacing it)
    problems: tuple[Diagnostic, ...] = ()  # broken decks: reported, skipped

    @property
    def changed(self) -> bool:
        return bool(self.added or self.edited or self.removed or self.restored or self.carried)


def load_and_sync(store: Store, paths: Iterable[Path], now: datetime) -> tuple[DeckSet, SyncReport]:
    """Load every deck under ``paths``, sync the good ones, report the broken ones."""
    deck_set = load_decks(paths)
    report = sync_decks(store, deck_set.decks, now)
    return deck_set, dataclasses.replace(report, problems=tuple(deck_set.errors))


def sync_decks(store: Store, decks: Sequence[Deck], now: datetime) -> SyncReport:
    added: list[CardRef] = []
    edited: list[CardRef] = []
    removed: list[CardRef] = []
    restored: list[CardRef] = []
    carried: list[tuple[CardRef, CardRef]] = []
    with store.write():
        for deck in decks:
            save_deck(store, deck, now)
            filed = filed_cards(store, deck.slug)
            stored = dict(filed)  # popped as the file's cards claim them
            in_file = {card.id for card in deck.cards}
            new_cards: list[tuple[str, FileFields]] = []
            copies: list[tuple[int, str]] = []  # (row lending its schedule, new card id)
            for position, card in enumerate(deck.cards):
                ref = CardRef(deck.slug, card.id)
                fields = FileFields(str(card.kind), position, card.content_hash)
                row = stored.pop(card.id, None)
                if row is None:
                    free = [old for old in card.replaces if old in stored and old not in in_file]
                    lenders = [old for old in card.replaces if old in filed]
                    if free:
                        carry_over(store, stored.pop(free[0]).id, card.id, fields, now=now)
                        carried.append((CardRef(deck.slug, free[0]), ref))
                        continue
                    new_cards.append((card.id, fields))
                    added.append(ref)
                    if lenders:
                        copies.append((filed[lenders[0]].id, card.id))
                        carried.append((CardRef(deck.slug, lenders[0]), ref))
                    continue
                changed = row.fields.content_hash != fields.content_hash
                if changed:
                    edited.append(ref)
                if not row.present:
                    restored.append(ref)
                if row.fields != fields or not row.present:
                    refile_card(store, row.id, fields, edited_at=now if changed else None)
            add_cards(store, deck.slug, new_cards, now)
            for lender, card_id in copies:
                copy_schedule(store, lender, deck.slug, card_id)
            for card_id, row in stored.items():
                if row.present:
                    mark_removed(store, row.id)
                    removed.append(CardRef(deck.slug, card_id))
    return SyncReport(
        tuple(deck.slug for deck in decks),
        tuple(added),
        tuple(edited),
        tuple(removed),
        tuple(restored),
        tuple(carried),
    )
