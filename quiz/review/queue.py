"""The daily queue: which card comes next, and how many are left today.

Order: learning and relearning cards that are due, then review cards due today,
then new cards in deck order (the decks in the order given, cards in file order),
and last, when nothing else is left, learning cards due within the learn-ahead
window. Reviews and new cards are capped per deck and overall by the daily limits;
what was done today is counted from the review log, so undo gives the quota back.
Every pick is an indexed lookup (``cards_by_due``, ``cards_new_in_order``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from quiz.review.clock import StudyDay, to_text
from quiz.review.log import DeckAnswers, answers_by_deck
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
    """How many more new cards and reviews today, per deck and overall.

    ``new_total`` and ``new_done`` are the all-decks figures; ``new_extra`` holds the
    decks whose new-card limit the learner raised for today (``Session.study_more_new``):
    such a deck may go that many new cards past both its own and the all-decks limit.
    """

    new: dict[str, int]
    review: dict[str, int]
    new_total: int
    review_total: int
    new_done: int = 0
    new_extra: Mapping[str, int] = field(default_factory=dict)

    def new_room(self, deck: str, taken: int = 0) -> int:
        """New cards ``deck`` may still show today, after ``taken`` by decks before it."""
        extra = self.new_extra.get(deck, 0)
        return max(0, min(self.new[deck], self.new_total + extra - taken))


def quota(
    store: Store,
    settings: Settings,
    decks: Sequence[str],
    day: StudyDay,
    extra_new: Mapping[str, int] | None = None,
) -> Quota:
    """Today's quota, counted from the log; ``extra_new`` raises some decks' new limit."""
    return _quota(answers_by_deck(store, day.start, day.end), settings, decks, extra_new)


def _quota(
    done: Mapping[str, DeckAnswers],
    settings: Settings,
    decks: Sequence[str],
    extra_new: Mapping[str, int] | None,
) -> Quota:
    extra = dict(extra_new or {})
    new_done = {deck: answered.new for deck, answered in done.items()}
    review_done = {deck: answered.review for deck, answered in done.items()}
    new_total_done = sum(new_done.values())
    return Quota(
        new={d: max(0, settings.new_per_day + extra.get(d, 0) - new_done.get(d, 0)) for d in decks},
        review={d: max(0, settings.reviews_per_day - review_done.get(d, 0)) for d in decks},
        # may be below zero once a raised deck went past it: that deck's extra covers it
        new_total=settings.new_per_day_total - new_total_done,
        review_total=max(0, settings.reviews_per_day_total - sum(review_done.values())),
        new_done=new_total_done,
        new_extra=extra,
    )


class Limit(StrEnum):
    """Which daily limit holds a deck's new cards back."""

    DECK = "deck"  # the deck's own (new_per_day)
    ALL = "all"  # the all-decks one (new_per_day_total)


@dataclass(frozen=True, slots=True)
class NewToday:
    """A deck's new cards today, against the daily limits: what Home and the summary say."""

    waiting: int  # new cards the deck could show, limits aside
    studied: int  # new cards of this deck studied today
    left: int  # what it may still show today (its own limit and the all-decks one)
    deck_left: int  # what its own limit alone would still allow (raised ones included)
    all_studied: int = 0  # new cards studied today over all decks, loaded here or not

    @property
    def held_back(self) -> int:
        """New cards waiting beyond today's limits."""
        return self.waiting - self.left

    @property
    def limit(self) -> Limit | None:
        """The limit that holds cards back (None: none does)."""
        if self.held_back <= 0:
            return None
        return Limit.DECK if self.left == self.deck_left else Limit.ALL

    @property
    def held_by_all_decks(self) -> bool:
        """Whether the all-decks limit, not the deck's own, holds its new cards back."""
        return self.limit is Limit.ALL


def new_today(
    store: Store,
    settings: Settings,
    decks: Sequence[str],
    now: datetime,
    day: StudyDay,
    extra_new: Mapping[str, int] | None = None,
) -> dict[str, NewToday]:
    """Each deck of ``decks`` studied alone: its new cards waiting, studied and allowed today."""
    if not decks:
        return {}
    done = answers_by_deck(store, day.start, day.end)
    left = _quota(done, settings, decks, extra_new)
    waiting = _per_deck(
        store, "cards_new_in_order", "state = ?", (int(Phase.NEW),), decks, to_text(now)
    )
    return {
        deck: NewToday(
            waiting=waiting.get(deck, 0),
            studied=done[deck].new if deck in done else 0,
            left=min(waiting.get(deck, 0), left.new_room(deck)),
            deck_left=min(waiting.get(deck, 0), left.new[deck]),
            all_studied=left.new_done,
        )
        for deck in decks
    }


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
    store: Store,
    settings: Settings,
    decks: Sequence[str],
    now: datetime,
    day: StudyDay,
    extra_new: Mapping[str, int] | None = None,
) -> tuple[int, Queue] | None:
    """The row id of the card to show now, and the queue it comes from; None when done."""
    learning = _first_learning(store, decks, now, now)
    if learning is not None:
        return learning, Queue.LEARNING
    left = quota(store, settings, decks, day, extra_new)
    if left.review_total > 0:
        open_decks = [d for d in decks if left.review[d] > 0]
        hit = _first_due(store, Phase.REVIEW, open_decks, day.end, now, inclusive=False)
        if hit is not None:
            return hit[0], Queue.REVIEW
    for deck in decks:
        if left.new_room(deck) > 0:
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
    store: Store,
    settings: Settings,
    decks: Sequence[str],
    now: datetime,
    day: StudyDay,
    extra_new: Mapping[str, int] | None = None,
) -> Counts:
    """What is left today: learning cards due before the day ends, capped reviews and new.

    Reviews and new cards are counted deck by deck only up to what the limits allow,
    so the cost stays small however large the backlog.
    """
    if not decks:
        return Counts()
    learning = store.scalar(  # deck by deck: other decks' learning cards are never read
        "SELECT count(*) FROM cards INDEXED BY cards_by_deck_due WHERE state IN (?, ?) "
        f"AND due < ? AND {_ELIGIBLE} AND {_in(decks)}",
        (int(Phase.LEARNING), int(Phase.RELEARNING), to_text(day.end), to_text(now), *decks),
    )
    left = quota(store, settings, decks, day, extra_new)
    review = _capped(
        store,
        "SELECT 1 FROM cards INDEXED BY cards_by_deck_due WHERE deck = ? AND state = ? AND due < ? "
        f"AND {_ELIGIBLE}",
        decks,
        lambda deck: (deck, int(Phase.REVIEW), to_text(day.end), to_text(now)),
        lambda deck, found: min(left.review[deck], left.review_total - found),
    )
    new = _capped(
        store,
        f"SELECT 1 FROM cards INDEXED BY cards_new_in_order WHERE deck = ? AND state = ? "
        f"AND {_ELIGIBLE}",
        decks,
        lambda deck: (deck, int(Phase.NEW), to_text(now)),
        left.new_room,
    )
    return Counts(new=new, learning=learning, review=review)


def counts_by_deck(
    store: Store,
    settings: Settings,
    decks: Sequence[str],
    now: datetime,
    day: StudyDay,
    extra_new: Mapping[str, int] | None = None,
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
    left = quota(store, settings, decks, day, extra_new)
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
            new=min(new.get(deck, 0), left.new_room(deck)),
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
    room_for: Callable[[str, int], int],
) -> int:
    """Rows of ``select`` summed over ``decks``, at most ``room_for(deck, found so far)`` each."""
    found = 0
    for deck in decks:
        room = room_for(deck, found)
        if room <= 0:
            continue
        found += store.scalar(f"SELECT count(*) FROM ({select} LIMIT ?)", (*params(deck), room))
    return found


def queue_of(state: CardState) -> Queue:
    """Which of today's counts a card in ``state`` belongs to."""
    if state.is_new:
        return Queue.NEW
    return Queue.REVIEW if state.phase is Phase.REVIEW else Queue.LEARNING
