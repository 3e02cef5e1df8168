"""What Home shows for each deck: cards left today, the deck's size and its retention.

The figures come from the same queue rules the session studies by (``queue.counts``
for one deck at a time), so Home never promises a card the review screen will not
show. Retention over 30 days is ``quiz.progress.stats``'s true retention (the figure the
stats screen shows); without that module, the share of answers to cards in the review
phase that were not Again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from quiz.deck.model import Deck
from quiz.review.clock import to_text
from quiz.review.queue import Counts, counts
from quiz.review.session import Session
from quiz.review.state import Phase
from quiz.review.store import Store

RETENTION_DAYS = 30


@dataclass(frozen=True, slots=True)
class DeckRow:
    """One line of Home's table."""

    deck: Deck
    left: Counts  # new / learning / review cards left today, within the limits
    total: int  # cards present in the file
    retention: float | None  # None when nothing was reviewed in the period

    @property
    def slug(self) -> str:
        return self.deck.slug


def retention_by_deck(store: Store, decks: Sequence[str], since: datetime) -> dict[str, float]:
    """{slug: share of review-phase answers not rated Again} since ``since``; absent if none."""
    if not decks:
        return {}
    rows = store.query(
        "SELECT deck, count(*) AS n, coalesce(sum(rating > 1), 0) AS kept FROM reviews "
        f"WHERE before_state = ? AND reviewed_at >= ? AND deck IN ({', '.join('?' * len(decks))}) "
        "GROUP BY deck",
        (int(Phase.REVIEW), to_text(since), *decks),
    )
    return {row["deck"]: row["kept"] / row["n"] for row in rows if row["n"]}


def deck_rows(session: Session) -> list[DeckRow]:
    """Home's table: every deck of the session, in the session's order."""
    now = session.now()
    day = session.today()
    slugs = [deck.slug for deck in session.decks]
    totals = {
        row["deck"]: row["n"]
        for row in session.store.query(
            "SELECT deck, count(*) AS n FROM cards WHERE present = 1 GROUP BY deck"
        )
    }
    kept = _retention(session, slugs)
    return [
        DeckRow(
            deck,
            counts(session.store, session.settings, [deck.slug], now, day),
            totals.get(deck.slug, 0),
            kept.get(deck.slug),
        )
        for deck in session.decks
    ]


def all_left(session: Session) -> Counts:
    """What "review all" would study today: every deck together, so the overall limits apply."""
    slugs = [deck.slug for deck in session.decks]
    return counts(session.store, session.settings, slugs, session.now(), session.today())


def _retention(session: Session, slugs: list[str]) -> dict[str, float]:
    """The stats module's true retention when it is there (one definition app-wide), else ours."""
    try:
        from quiz.progress.stats import collect
    except ImportError:
        since = session.now() - timedelta(days=RETENTION_DAYS)
        return retention_by_deck(session.store, slugs, since)
    stats = collect(session.store, session.now(), tz=session.tz, days=RETENTION_DAYS, hardest=0)
    return {
        d.deck: d.retention.rate for d in stats.decks if d.deck and d.retention.rate is not None
    }


def format_retention(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
