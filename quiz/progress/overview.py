"""What Home shows for each deck: cards left today, the deck's size and its retention.

The figures come from the same queue rules the session studies by
(``queue.counts_by_deck``: what ``queue.counts`` gives for each deck studied alone, in
a fixed number of queries however many decks there are), so Home never promises a
card the review screen will not show. The deck's size is ``cards.deck_sizes``, the
statistics' total of cards in the file. Retention over 30 days is
``quiz.progress.stats``'s true retention, the figure the stats screen shows, so the
two screens never disagree. It lives in the progress layer, beside the statistics it
reads, because the review engine below must not depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from quiz.deck.model import Deck
from quiz.progress.stats import retention_by_deck
from quiz.review.cards import deck_sizes
from quiz.review.queue import Counts, Limit, NewToday, counts, counts_by_deck
from quiz.review.session import Session

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


def deck_rows(session: Session) -> list[DeckRow]:
    """Home's table: every deck of the session, in the session's order."""
    slugs = [deck.slug for deck in session.decks]
    left = counts_by_deck(
        session.store, session.settings, slugs, session.now(), session.today(), session.extra_new
    )
    new = session.new_today(slugs)
    sizes = deck_sizes(session.store)
    kept = _retention(session, slugs)
    return [
        DeckRow(deck, left[deck.slug], sizes.get(deck.slug, 0), kept.get(deck.slug), new[deck.slug])
        for deck in session.decks
    ]


def all_left(session: Session) -> Counts:
    """What "review all" would study today: every deck together, so the overall limits apply."""
    slugs = [deck.slug for deck in session.decks]
    return counts(
        session.store, session.settings, slugs, session.now(), session.today(), session.extra_new
    )


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


def _retention(session: Session, slugs: list[str]) -> dict[str, float]:
    """True retention as the stats module counts it (one definition app-wide)."""
    kept = retention_by_deck(session.store, session.now(), tz=session.tz, days=RETENTION_DAYS)
    return {slug: r.rate for slug, r in kept.items() if slug in slugs and r.rate is not None}


def format_retention(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
