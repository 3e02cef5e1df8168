"""Scheduling with fsrs: the four possible outcomes of an answer, computed once.

With fuzz on, fsrs draws a random interval on every call, so two computations of
"Good" may differ. A :class:`Preview` therefore holds all four outcomes computed at
one moment; the learner sees those intervals, and the one chosen is saved exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

import fsrs

from quiz.judge.verdict import Rating
from quiz.review.clock import as_utc
from quiz.review.settings import Settings
from quiz.review.state import CardState


def make_scheduler(settings: Settings) -> fsrs.Scheduler:
    fitted = {"parameters": settings.fsrs_parameters} if settings.fsrs_parameters else {}
    return fsrs.Scheduler(
        **fitted,
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzz,
    )


@dataclass(frozen=True, slots=True)
class Preview:
    """Every rating's outcome for one card, from the state ``before``, at time ``now``."""

    card: int  # the card's row id (also its fsrs card_id)
    now: datetime
    before: CardState
    outcomes: Mapping[Rating, CardState] = field(default_factory=dict)

    def after(self, rating: Rating) -> CardState:
        return self.outcomes[Rating(rating)]

    def interval(self, rating: Rating) -> timedelta:
        due = self.after(rating).due
        assert due is not None  # fsrs always schedules a reviewed card
        return due - self.now

    def intervals(self) -> dict[Rating, timedelta]:
        return {rating: self.interval(rating) for rating in Rating}


def preview(scheduler: fsrs.Scheduler, card: int, before: CardState, now: datetime) -> Preview:
    """All four outcomes of answering ``card`` (in state ``before``) at ``now``."""
    now = as_utc(now)
    fsrs_card = before.to_fsrs(card, now)
    outcomes = {
        rating: CardState.from_fsrs(
            scheduler.review_card(fsrs_card, fsrs.Rating(int(rating)), now)[0]
        )
        for rating in Rating
    }
    return Preview(card, now, before, MappingProxyType(outcomes))


def format_interval(interval: timedelta) -> str:
    """A short human form for a button: ``<1m``, ``6m``, ``3h``, ``4d``, ``2.1mo``, ``1.5y``."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
