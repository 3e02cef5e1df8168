"""The end-of-session summary: how many answers, how many right, how long, what next.

The review screen adds each rating to a ``Tally`` (and takes it back on undo); at the
end it calls :func:`session_summary` with its study session, which reads the earliest
next due date of the studied decks (``quiz.review.cards.next_due``). A read-model
for a screen, so it lives in the progress layer, as Home's ``overview`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quiz.judge.verdict import Rating, Verdict
from quiz.review.cards import next_due
from quiz.review.store import Store

if TYPE_CHECKING:
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

    @property
    def right_share(self) -> float | None:
        return self.right / self.reviewed if self.reviewed else None


def summarize(tally: Tally, store: Store, decks: Sequence[str], now: datetime) -> Summary:
    return Summary(tally.reviewed, tally.right, now - tally.started, next_due(store, decks, now))


def session_summary(session: Session, tally: Tally) -> Summary:
    """The end of a sitting: ``tally``'s answers and when the session's studied decks are due."""
    return summarize(tally, session.store, session.focused, session.now())


def format_duration(elapsed: timedelta) -> str:
    seconds = int(elapsed.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
