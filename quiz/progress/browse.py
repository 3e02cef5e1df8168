"""Browse's read-model: every card with its stored state, and one card's history.

The Browse screen lists all cards of the loaded decks, searches and filters them,
and shows one card's review log. Those are questions about the store and the deck
models, not about widgets, so they live here: the screen only formats what these
functions return. The screens call :func:`session_cards` and :func:`session_history`
with their study session (as Home calls ``quiz.progress.overview``), so no screen
holds the ``Store``; :func:`list_cards` and :func:`card_history` take the store, and
:func:`read_cards` reads the rows on a read-only connection, for Browse's thread worker.
The rows join the deck models with ``quiz.review.cards``'s stored cards and the
repetitions and lapses ``quiz.review.log`` counts (since each card's last reset, as
for the card being studied). :class:`SortOrder` orders the listed cards by a column,
so the screen's sorting is tested without the screen.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz.deck.model import AnyCard, ChoiceCard, Deck, FlashCard, Location
from quiz.judge.presentation import Presentation
from quiz.review.cards import CardRef, StoredCard, find_card, present_cards
from quiz.review.clock import as_utc
from quiz.review.log import LoggedAnswer, answers_to, counts_by_card
from quiz.review.reading import read_only
from quiz.review.state import CardState, Phase
from quiz.review.store import Store

if TYPE_CHECKING:
    from quiz.review.session import Session

FLAG_WORDS = ("suspended", "leech", "edited", "buried")
PHASE_WORDS = {phase.name.lower(): phase for phase in Phase}


@dataclass(frozen=True, slots=True)
class BrowseRow:
    """One card as Browse lists it: the deck model's view joined with the stored row."""

    ref: CardRef
    position: int  # the card's place in its deck file, from 0
    kind: str
    question: str  # the first line of the prompt (or front), in the chosen language
    tags: tuple[str, ...]
    location: Location  # where the card is written in its deck file
    state: CardState
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    edited: bool
    buried: bool
    stored: bool  # False: the deck was never synced into this store

    @property
    def phase(self) -> Phase:
        return self.state.phase

    def due_by(self, now: datetime) -> bool:
        """Due (or overdue) at ``now``; a new card is never "due" in this sense."""
        due = self.state.due
        return not self.state.is_new and due is not None and due <= as_utc(now)

    def flags(self) -> tuple[str, ...]:
        names = ("edited", "leech", "suspended", "buried")
        return tuple(name for name in names if getattr(self, name))


@dataclass(frozen=True, slots=True)
class HistoryEntry(LoggedAnswer):
    """One answer from the review log, oldest first in :func:`card_history`."""

    before_reset: bool  # answered before the card was last reset (not counted in its lapses)


def question_line(card: AnyCard, language: str = "en") -> str:
    """The first non-empty line of a card's prompt, or of a flash card's front."""
    text = card.front if isinstance(card, FlashCard) else card.prompt
    lines = [line.strip() for line in text.get(language).splitlines() if line.strip()]
    return lines[0] if lines else ""


def list_cards(
    store: Store, decks: Sequence[Deck], now: datetime, language: str = "en"
) -> list[BrowseRow]:
    """Every card of ``decks``, in deck then file order, with its stored state and counts."""
    stored = _stored_by_ref(store, [deck.slug for deck in decks])
    rows: list[BrowseRow] = []
    for deck in decks:
        for position, card in enumerate(deck.cards):
            ref = CardRef(deck.slug, card.id)
            found = stored.get(ref)
            common: dict[str, Any] = {
                "ref": ref,
                "position": position,
                "kind": card.kind.value,
                "question": question_line(card, language),
                "tags": card.tags,
                "location": card.location,
            }
            if found is None:
                rows.append(
                    BrowseRow(
                        **common,
                        state=CardState(),
                        reps=0,
                        lapses=0,
                        suspended=False,
                        leech=False,
                        edited=False,
                        buried=False,
                        stored=False,
                    )
                )
                continue
            card_row, reps, lapses = found
            rows.append(
                BrowseRow(
                    **common,
                    state=card_row.state,
                    reps=reps,
                    lapses=lapses,
                    suspended=card_row.suspended,
                    leech=card_row.leech,
                    edited=card_row.edited_since_review,
                    buried=card_row.buried(now),
                    stored=True,
                )
            )
    return rows


def session_cards(
    session: Session, language: str = "en", slugs: Iterable[str] | None = None
) -> list[BrowseRow]:
    """Every card of the session's decks (or of the decks ``slugs``) with its state now."""
    decks = session.decks if slugs is None else [session.deck(slug) for slug in slugs]
    return list_cards(session.store, decks, session.now(), language)


def read_cards(
    path: Path, decks: Sequence[Deck], now: datetime, language: str = "en"
) -> list[BrowseRow]:
    """``list_cards`` on a read-only connection of its own, so a thread worker may call it
    while the session's connection stays with the UI thread."""
    with read_only(path) as store:
        return list_cards(store, decks, now, language)


def _stored_by_ref(
    store: Store, slugs: Iterable[str]
) -> dict[CardRef, tuple[StoredCard, int, int]]:
    slugs = list(slugs)
    counted = counts_by_card(store, slugs)
    return {card.ref: (card, *counted.get(card.id, (0, 0))) for card in present_cards(store, slugs)}


def card_history(store: Store, ref: CardRef) -> list[HistoryEntry]:
    """Every answer to ``ref`` in the review log, oldest first (empty when never answered)."""
    card = find_card(store, ref)
    if card is None:
        return []
    reset_at = card.reset_at
    return [
        HistoryEntry(
            **{f.name: getattr(answer, f.name) for f in fields(answer)},
            before_reset=reset_at is not None and answer.reviewed_at < reset_at,
        )
        for answer in answers_to(store, card.id)
    ]


def session_history(session: Session, ref: CardRef) -> list[HistoryEntry]:
    """``card_history`` in the session's store."""
    return card_history(session.store, ref)


@dataclass(frozen=True, slots=True)
class ShownAs:
    """How one review showed its card, in words: the card page's cell and its full lines."""

    brief: str  # one line for a table cell; "" when the card was shown as its file says
    lines: tuple[str, ...]  # the same in full, a line per given or option


def one_line(text: str) -> str:
    """Torch's print of a value on one line: ``tensor([[1, 2],\n [3, 4]])`` closed up."""
    return " ".join(text.split())


def shown_as(card: AnyCard | None, presentation: Presentation) -> ShownAs:
    """What the learner saw of ``card`` at a review shown as ``presentation``: a fresh
    card's drawn givens, a choice card's options in the order on screen (numbered as the
    learner typed them, the right ones marked). Reviews stored before presentations were
    kept show a choice card's options in the file's order, as they were then shown."""
    if presentation.givens:
        drawn = tuple(f"{name} = {one_line(value)}" for name, value in presentation.givens)
        return ShownAs("; ".join(drawn), drawn)
    if not isinstance(card, ChoiceCard):
        return ShownAs("", ())
    if presentation.order and not presentation.fits(card):
        numbers = " ".join(str(index + 1) for index in presentation.order)
        return ShownAs(
            f"order {numbers}",
            (f"options in the file's numbers: {numbers} (the options have changed since)",),
        )
    order = presentation.order or tuple(range(len(card.options)))
    options = [card.options[index] for index in order]
    lines = tuple(
        f"{number}. {option}" + ("  ✓" if option in card.answer else "")
        for number, option in enumerate(options, 1)
    )
    brief = " | ".join(options) if presentation.order else "file order"
    return ShownAs(brief, lines)


@dataclass(frozen=True, slots=True)
class CardFilter:
    """A search such as ``clamp deck:arith kind:code tag:p22 is:leech -is:suspended``.

    Plain words must all appear (case-insensitively) in the deck slug, card id,
    question or tags. ``deck:`` and ``kind:`` match a prefix, ``tag:`` a whole tag;
    ``is:`` takes a state (``new``, ``learning``, ``review``, ``relearning``), ``due``,
    or a flag (``suspended``, ``leech``, ``edited``, ``buried``). A leading ``-``
    negates a term. Quotes group words: ``"column sums"``.
    """

    terms: tuple[tuple[bool, str, str], ...] = ()  # (negated, key or "", value)

    @classmethod
    def parse(cls, text: str) -> CardFilter:
        try:
            words = shlex.split(text)
        except ValueError:  # an unclosed quote while typing: take the words as they are
            words = text.split()
        terms = []
        for word in words:
            negated = word.startswith("-") and len(word) > 1
            body = word[1:] if negated else word
            key, sep, value = body.partition(":")
            key = key.lower()
            if sep and key in ("deck", "kind", "tag", "is") and value:
                terms.append((negated, key, value.lower()))
            elif body:
                terms.append((negated, "", body.lower()))
        return cls(tuple(terms))

    def matches(self, row: BrowseRow, now: datetime) -> bool:
        return all(_term(row, key, value, now) != negated for negated, key, value in self.terms)

    def apply(
        self, rows: Iterable[BrowseRow], now: datetime, order: SortOrder | None = None
    ) -> list[BrowseRow]:
        """The rows that match, in ``order`` (default: as listed)."""
        found = [row for row in rows if self.matches(row, now)]
        return found if order is None else order.apply(found)


def _term(row: BrowseRow, key: str, value: str, now: datetime) -> bool:
    if key == "deck":
        return row.ref.deck.startswith(value)
    if key == "kind":
        return row.kind.startswith(value)
    if key == "tag":
        return any(tag.lower() == value for tag in row.tags)
    if key == "is":
        if value in PHASE_WORDS:
            return row.phase is PHASE_WORDS[value]
        if value == "due":
            return row.due_by(now)
        if value in FLAG_WORDS:
            return bool(getattr(row, value))
        return False
    haystack = " ".join((row.ref.deck, row.ref.card_id, row.question, *row.tags)).lower()
    return value in haystack


class SortColumn(StrEnum):
    """A column Browse sorts by, in the order of the table's columns."""

    DECK = "deck"
    CARD = "card"
    KIND = "kind"
    STATE = "state"
    DUE = "due"
    STABILITY = "stability"
    REPS = "reps"
    LAPSES = "lapses"
    FLAGS = "flags"
    TAGS = "tags"


def _text(value: str) -> str | None:
    return value.casefold() or None


# What each column sorts on; None is an empty cell (a new card's due date or
# stability, no flags, no tags), listed last whichever the direction.
SORT_VALUES: dict[SortColumn, Callable[[BrowseRow], Any]] = {
    SortColumn.DECK: lambda row: row.ref.deck,
    SortColumn.CARD: lambda row: row.ref.card_id.casefold(),
    SortColumn.KIND: lambda row: row.kind,
    SortColumn.STATE: lambda row: int(row.phase),  # new, learning, review, relearning
    SortColumn.DUE: lambda row: None if row.state.is_new else row.state.due,
    SortColumn.STABILITY: lambda row: row.state.stability,
    SortColumn.REPS: lambda row: row.reps,
    SortColumn.LAPSES: lambda row: row.lapses,
    SortColumn.FLAGS: lambda row: _text("".join(name[0] for name in row.flags())),
    SortColumn.TAGS: lambda row: _text(" ".join(row.tags)),
}


@dataclass(frozen=True, slots=True)
class SortOrder:
    """Browse's order: by one column, ascending or descending; no column is the listing's order.

    Numbers sort as numbers, due dates by time, text case-insensitively, states in
    the order a card goes through them. Empty cells come last in both directions.
    Cards that tie keep deck then file order (by deck slug, then position in the
    deck) in both directions, so the order never depends on the one before.
    """

    column: SortColumn | None = None
    descending: bool = False  # only with a column

    def apply(self, rows: Iterable[BrowseRow]) -> list[BrowseRow]:
        if self.column is None:
            return list(rows)
        cell = SORT_VALUES[self.column]
        keyed = sorted(((cell(row), row) for row in rows), key=lambda pair: _tie(pair[1]))
        filled = [pair for pair in keyed if pair[0] is not None]
        # sort() is stable in reverse too: ties keep the deck-then-position order.
        filled.sort(key=lambda pair: pair[0], reverse=self.descending)
        return [row for _, row in filled] + [row for value, row in keyed if value is None]

    def by(self, column: SortColumn) -> SortOrder:
        """A header chosen: its column ascending, or the other way if it is already sorted."""
        if column == self.column:
            return self.reversed()
        return SortOrder(column)

    def next(self) -> SortOrder:
        """The next column, ascending (after the last, the first)."""
        columns = list(SortColumn)
        if self.column is None:
            return SortOrder(SortColumn.DECK)
        return SortOrder(columns[(columns.index(self.column) + 1) % len(columns)])

    def reversed(self) -> SortOrder:
        """The other direction; with no column yet, by deck descending."""
        if self.column is None:
            return SortOrder(SortColumn.DECK, descending=True)
        return SortOrder(self.column, not self.descending)


def _tie(row: BrowseRow) -> tuple[str, int]:
    return row.ref.deck, row.position
