"""The daily queue: which card comes next, and how many are left today.

Order: learning and relearning cards that are due, then review cards due today,
then new cards in deck order (the decks in the order given, cards in file order),
and last, when nothing else is left, learning cards due within the learn-ahead
window. Reviews and new cards are capped per deck and overall by the daily limits;
what was done today is counted from the review log, so undo gives the quota back.
Every pick is an indexed lookup (``cards_by_due``, ``cards_new_in_order``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from quiz.review.clock import StudyDay, to_text
from quiz.review.log import answers_by_deck
from quiz.review.settings import Settings
from quiz.review.state import CardState, Phase
from quiz.review.store import Store

_ELIGIBLE = "present = 1 AND suspended = 0 AND (buried_until IS NULL OR buried_until <= ?)"


class Queue(StrEnum):
    LEARNING = "learning"
    REVIEW = "review"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class Counts:
    """Cards left today in each queue, within the daily limits."""

    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True, slots=True)
class Quota:
    """How many more new cards and reviews today, per deck and overall."""

    new: dict[str, int]
    review: dict[str, int]
    new_total: int
    review_total: int


def quota(store: Store, settings: Settings, decks: Sequence[str], day: StudyDay) -> Quota:
    done = answers_by_deck(store, day.start, day.end)
    new_done = {deck: answered.new for deck, answered in done.items()}
    review_done = {deck: answered.review for deck, answered in done.items()}
    return Quota(
        new={d: max(0, settings.new_per_day - new_done.get(d, 0)) for d in decks},
        review={d: max(0, settings.reviews_per_day - review_done.get(d, 0)) for d in decks},
        new_total=max(0, settings.new_per_day_total - sum(new_done.values())),
        review_total=max(0, settings.reviews_per_day_total - sum(review_done.values())),
    )


def _in(decks: Sequence[str]) -> str:
    return f"deck IN ({', '.join('?' * len(decks))})"


def _first_due(
    store: Store,
    phase: Phase,
    decks: Sequence[str],
    before: datetime,
    now: datetime,
    *,
    inclusive: bool,
) -> tuple[int, str] | None:
    if not decks:
        return None
    rows = store.db.conn.execute(
        f"SELECT id, due FROM cards INDEXED BY cards_by_due WHERE state = ? "
        f"AND due {'<=' if inclusive else '<'} ? AND {_ELIGIBLE} AND {_in(decks)} "
        "ORDER BY due, id LIMIT 1",
        (int(phase), to_text(before), to_text(now), *decks),
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def _first_learning(
    store: Store, decks: Sequence[str], before: datetime, now: datetime
) -> int | None:
    found = [
        hit
        for phase in (Phase.LEARNING, Phase.RELEARNING)
        if (hit := _first_due(store, phase, decks, before, now, inclusive=True))
    ]
    return min(found, key=lambda hit: (hit[1], hit[0]))[0] if found else None


def pick_next(
    store: Store, settings: Settings, decks: Sequence[str], now: datetime, day: StudyDay
) -> tuple[int, Queue] | None:
    """The row id of the card to show now, and the queue it comes from; None when done."""
    learning = _first_learning(store, decks, now, now)
    if learning is not None:
        return learning, Queue.LEARNING
    left = quota(store, settings, decks, day)
    if left.review_total > 0:
        open_decks = [d for d in decks if left.review[d] > 0]
        hit = _first_due(store, Phase.REVIEW, open_decks, day.end, now, inclusive=False)
        if hit is not None:
            return hit[0], Queue.REVIEW
    if left.new_total > 0:
        for deck in decks:
            if left.new[deck] <= 0:
                continue
            row = store.db.conn.execute(
                "SELECT id FROM cards INDEXED BY cards_new_in_order "
                f"WHERE deck = ? AND state = ? AND {_ELIGIBLE} ORDER BY position LIMIT 1",
                (deck, int(Phase.NEW), to_text(now)),
            ).fetchone()
            if row is not None:
                return row[0], Queue.NEW
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    learning = _first_learning(store, decks, ahead, now)
    return (learning, Queue.LEARNING) if learning is not None else None


def counts(
    store: Store, settings: Settings, decks: Sequence[str], now: datetime, day: StudyDay
) -> Counts:
    """What is left today: learning cards due before the day ends, capped reviews and new.

    Reviews and new cards are counted deck by deck only up to what the limits allow,
    so the cost stays small however large the backlog.
    """
    if not decks:
        return Counts()
    learning = store.scalar(
        f"SELECT count(*) FROM cards INDEXED BY cards_by_due WHERE state IN (?, ?) AND due < ? "
        f"AND {_ELIGIBLE} AND {_in(decks)}",
        (int(Phase.LEARNING), int(Phase.RELEARNING), to_text(day.end), to_text(now), *decks),
    )
    left = quota(store, settings, decks, day)
    review = _capped(
        store,
        "SELECT 1 FROM cards INDEXED BY cards_by_deck_due WHERE deck = ? AND state = ? AND due < ? "
        f"AND {_ELIGIBLE}",
        decks,
        lambda deck: (deck, int(Phase.REVIEW), to_text(day.end), to_text(now)),
        left.review,
        left.review_total,
    )
    new = _capped(
        store,
        f"SELECT 1 FROM cards INDEXED BY cards_new_in_order WHERE deck = ? AND state = ? "
        f"AND {_ELIGIBLE}",
        decks,
        lambda deck: (deck, int(Phase.NEW), to_text(now)),
        left.new,
        left.new_total,
    )
    return Counts(new=new, learning=learning, review=review)


def counts_by_deck(
    store: Store, settings: Settings, decks: Sequence[str], now: datetime, day: StudyDay
) -> dict[str, Counts]:
    """``counts`` for each deck of ``decks`` studied alone, as Home lists them.

    Four queries whatever the number of decks: today's answers, then the learning,
    review and new cards each deck could show, grouped by deck; the daily limits
    (the deck's own, and what is left of the overall ones) are applied here. Unlike
    ``counts``, which stops at the limit, each count reads a deck's whole backlog, from
    an index that holds every column it needs.
    """
    if not decks:
        return {}
    left = quota(store, settings, decks, day)
    end, shown = to_text(day.end), to_text(now)
    learning = _per_deck(
        store,
        "cards_by_due",
        "state IN (?, ?) AND due < ?",
        (int(Phase.LEARNING), int(Phase.RELEARNING), end),
        decks,
        shown,
    )
    review = _per_deck(
        store, "cards_by_deck_due", "state = ? AND due < ?", (int(Phase.REVIEW), end), decks, shown
    )
    new = _per_deck(store, "cards_new_in_order", "state = ?", (int(Phase.NEW),), decks, shown)
    return {
        deck: Counts(
            new=min(new.get(deck, 0), left.new[deck], left.new_total),
            learning=learning.get(deck, 0),
            review=min(review.get(deck, 0), left.review[deck], left.review_total),
        )
        for deck in decks
    }


def _per_deck(
    store: Store,
    index: str,
    where: str,
    params: tuple[object, ...],
    decks: Sequence[str],
    now: str,
) -> dict[str, int]:
    """How many cards of each of ``decks`` match ``where`` and may be shown ``now``."""
    cursor = store.db.conn.execute(
        f"SELECT deck, count(*) FROM cards INDEXED BY {index} WHERE {where} "
        f"AND {_ELIGIBLE} AND {_in(decks)} GROUP BY deck",
        (*params, now, *decks),
    )
    return dict(cursor.fetchall())


def _capped(
    store: Store,
    select: str,
    decks: Sequence[str],
    params: Callable[[str], tuple],
    per_deck: dict[str, int],
    total: int,
) -> int:
    """Rows of ``select`` summed over ``decks``, at most ``per_deck`` each and ``total`` in all."""
    found = 0
    for deck in decks:
        room = min(per_deck[deck], total - found)
        if room <= 0:
            continue
        found += store.scalar(f"SELECT count(*) FROM ({select} LIMIT ?)", (*params(deck), room))
    return found


def queue_of(state: CardState) -> Queue:
    """Which of today's counts a card in ``state`` belongs to."""
    if state.is_new:
        return Queue.NEW
    return Queue.REVIEW if state.phase is Phase.REVIEW else Queue.LEARNING
