"""What Home shows for each deck: cards left today, the deck's size and its retention.

The figures come from the same queue rules the session studies by
(``queue.counts_by_deck``: what ``queue.counts`` gives for each deck studied alone, in
a fixed number of queries however many decks there are), so Home never promises a
card the review screen will not show. The deck's size is ``cards.deck_sizes``, the
statistics' total of cards in the file. Retention over 30 days is
``quiz.progress.stats``'s true retention, the figure the stats screen shows, so the
two screens never disagree. It lives in the progress layer, beside the statistics it
reads, because the review engine below must not depend on them.

Home reads them in a thread worker: :meth:`OverviewSource.of` takes what the figures
depend on from the session (on the UI thread, which owns its connection), and
:meth:`OverviewSource.read` reads them on a read-only connection of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from threading import Event

from quiz.deck.model import Deck
from quiz.progress.stats import retention_by_deck
from quiz.review.cards import deck_sizes
from quiz.review.clock import StudyDay
from quiz.review.queue import Counts, Limit, NewToday, counts, counts_by_deck, new_today
from quiz.review.reading import read_only
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.store import Store

RETENTION_DAYS = 30


@dataclass(frozen=True, slots=True)
class DeckRow:
    """One line of Home's table."""

    deck: Deck
    left: Counts  # new / learning / review cards left today, within the limits
    total: int  # cards present in the file
    retention: float | None  # None when nothing was reviewed in the period
    new: NewToday  # its new cards against the daily limits: which one holds some back

    @property
    def slug(self) -> str:
        return self.deck.slug


@dataclass(frozen=True, slots=True)
class Overview:
    """Home's figures: a row per deck, and what "review all" studies today."""

    rows: tuple[DeckRow, ...]
    left: Counts  # every deck together, so the overall limits apply


@dataclass(frozen=True, slots=True)
class OverviewSource:
    """What Home's figures are read for, taken from the session at one moment."""

    path: Path
    decks: tuple[Deck, ...]
    settings: Settings
    now: datetime
    day: StudyDay
    extra_new: Mapping[str, int]
    tz: tzinfo | None

    @classmethod
    def of(cls, session: Session) -> OverviewSource:
        """Call on the session's own thread: its settings may be read from its connection."""
        return cls(
            session.db_path,
            tuple(session.decks),
            session.settings,
            session.now(),
            session.today(),
            session.extra_new,
            session.tz,
        )

    def read(self, stop: Event | None = None) -> Overview:
        """The figures, read on a connection of their own that cannot write (any thread);
        ``stop`` set stops the reading with a ``StoreError``."""
        with read_only(self.path, stop) as store:
            return Overview(tuple(self.rows(store)), self.left(store))

    def rows(self, store: Store) -> list[DeckRow]:
        slugs = [deck.slug for deck in self.decks]
        left = counts_by_deck(store, self.settings, slugs, self.now, self.day, self.extra_new)
        new = new_today(store, self.settings, slugs, self.now, self.day, self.extra_new)
        sizes = deck_sizes(store)
        kept = retention_by_deck(store, self.now, tz=self.tz, days=RETENTION_DAYS)
        return [
            DeckRow(
                deck,
                left[deck.slug],
                sizes.get(deck.slug, 0),
                kept[deck.slug].rate if deck.slug in kept else None,
                new[deck.slug],
            )
            for deck in self.decks
        ]

    def left(self, store: Store) -> Counts:
        slugs = [deck.slug for deck in self.decks]
        return counts(store, self.settings, slugs, self.now, self.day, self.extra_new)


def deck_rows(session: Session) -> list[DeckRow]:
    """Home's table: every deck of the session, in the session's order (its connection)."""
    return OverviewSource.of(session).rows(session.store)


def all_left(session: Session) -> Counts:
    """What "review all" would study today: every deck together, so the overall limits apply."""
    return OverviewSource.of(session).left(session.store)


@dataclass(frozen=True, slots=True)
class NewOverall:
    """New cards studied today over all decks (those not loaded now too), against the
    all-decks limit."""

    studied: int
    limit: int  # new_per_day_total
    held_back: int  # new cards the decks hold beyond what today's limits allow

    @property
    def reached(self) -> bool:
        return self.studied >= self.limit


def new_overall(rows: list[DeckRow], limit: int) -> NewOverall:
    """The all-decks figure for Home's header, from the rows already read."""
    studied = max((row.new.all_studied for row in rows), default=0)
    return NewOverall(studied, limit, sum(row.new.held_back for row in rows))


def limit_note(new: NewToday, per_deck: int, all_decks: int) -> str | None:
    """Why a deck shows fewer new cards than it holds, for Home and the summary.

    None when no limit holds its new cards back.
    """
    if new.limit is None:
        return None
    which = (
        f"this deck's daily limit of {per_deck} new cards"
        if new.limit is Limit.DECK
        else f"the daily limit of {all_decks} new cards over all decks"
    )
    one = new.held_back == 1
    waiting = f"{new.held_back} {'new card waits' if one else 'new cards wait'}"
    if new.left == 0:
        return f"{which} is reached; {waiting}"
    return f"{which} leaves {new.left} for today; {waiting} beyond it"


def format_retention(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
