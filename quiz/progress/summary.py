"""The end-of-session summary: how many answers, how many right, how long, what next.

The review screen adds each rating to a ``Tally`` (and takes it back on undo); at the
end it calls :func:`session_summary` with its study session, which reads the earliest
next due date of the studied decks (``quiz.review.cards.next_due``). A read-model
for a screen, so it lives in the progress layer, as Home's ``overview`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quiz.judge.verdict import Rating, Verdict
from quiz.review.cards import next_due
from quiz.review.queue import NewToday
from quiz.review.store import Store

if TYPE_CHECKING:
    from quiz.review.practice import Practice
    from quiz.review.session import Session


@dataclass
class Tally:
    """Answers given in one sitting: each one right or not, in order."""

    started: datetime
    results: list[bool] = field(default_factory=list)

    def add(self, verdict: Verdict | None, rating: Rating) -> None:
        """Count a rating; a flash card (no verdict) was right unless rated Again."""
        self.results.append(verdict.correct if verdict is not None else rating > Rating.AGAIN)

    def take_back(self) -> None:
        if self.results:
            self.results.pop()

    @property
    def reviewed(self) -> int:
        return len(self.results)

    @property
    def right(self) -> int:
        return sum(self.results)


@dataclass(frozen=True, slots=True)
class Summary:
    reviewed: int
    right: int
    elapsed: timedelta
    next_due: datetime | None  # the earliest due card of the studied decks, if any
    new_limit: str | None = None  # why new cards wait beyond today's limits (None: none do)
    more_new: str | None = None  # the deck whose limit one key raises (one deck studied)
    more_new_count: int = 0  # by how much: the deck's daily limit, or fewer if fewer wait

    @property
    def right_share(self) -> float | None:
        return self.right / self.reviewed if self.reviewed else None


def summarize(tally: Tally, store: Store, decks: Sequence[str], now: datetime) -> Summary:
    return Summary(tally.reviewed, tally.right, now - tally.started, next_due(store, decks, now))


def session_summary(study: Session | Practice, tally: Tally) -> Summary:
    """The end of a sitting: ``tally``'s answers, when the studied decks are due, and, for a
    scheduled review, whether today's new-card limits hold new cards of them back.

    A practice drill ignores the schedule, so its summary says nothing of the limits.
    """
    from quiz.progress.overview import limit_note
    from quiz.review.practice import Practice

    session = study.session if isinstance(study, Practice) else study
    summary = summarize(tally, session.store, session.focused, session.now())
    if isinstance(study, Practice):
        return summary
    new = session.new_today()
    held = [slug for slug, figures in new.items() if figures.limit is not None]
    if not held or session.counts().new:  # a limit holds cards back only once none are left
        return summary
    settings = session.settings
    notes = [
        limit_note(new[slug], settings.new_per_day, settings.new_per_day_total) for slug in held
    ]
    note = notes[0] if len(held) == 1 else _all_decks_note(new, settings.new_per_day_total)
    if len(session.focused) != 1:
        return dataclasses.replace(summary, new_limit=note)
    slug = session.focused[0]
    more = min(new[slug].held_back, settings.new_per_day)
    return dataclasses.replace(summary, new_limit=note, more_new=slug, more_new_count=more)


def _all_decks_note(new: dict[str, NewToday], limit: int) -> str:
    waiting = sum(figures.held_back for figures in new.values())
    return f"today's new-card limits are reached ({limit} over all decks); {waiting} new cards wait"


def format_duration(elapsed: timedelta) -> str:
    seconds = int(elapsed.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
