"""Scheduling with fsrs: the four possible outcomes of an answer, computed once.

With fuzz on, fsrs draws a random interval on every call, so two computations of
"Good" may differ. A :class:`Preview` therefore holds all four outcomes computed at
one moment; the learner sees those intervals, and the one chosen is saved exactly.

fsrs counts the time since a card's last review in whole 24-hour periods, but a
review card is shown at any time on its due *study day*. Answered the next morning,
under 24 hours after the last answer, a card on a one-day interval would take fsrs's
same-day path and barely grow. So, as Anki does, the elapsed time fsrs sees is the
number of study days between the two answers (:func:`days_elapsed`); when that
already equals fsrs's own count, the card goes to fsrs untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from types import MappingProxyType

import fsrs

from quiz.judge.verdict import Rating
from quiz.review.clock import as_utc, study_day
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


def days_elapsed(last_review: datetime, now: datetime, start_hour: int, tz: tzinfo | None) -> int:
    """Study days from the one holding ``last_review`` to the one holding ``now``
    (each begins at ``start_hour`` local time in ``tz``; None is the system's zone)."""
    then = study_day(last_review, start_hour, tz).day
    return (study_day(now, start_hour, tz).day - then).days


def in_study_days(card: fsrs.Card, now: datetime, start_hour: int, tz: tzinfo | None) -> fsrs.Card:
    """``card`` as fsrs should see it at ``now``: its last review moved, if need be, so
    that fsrs's whole 24-hour periods since it equal the study days since it.

    fsrs reads ``last_review`` only to count those periods (for its same-day path and
    the retrievability); the card it returns is reviewed at ``now``, so the moved
    time is never stored. A card reviewed in the future (a clock set back) is left
    alone.
    """
    last = card.last_review
    if last is None or last > now:
        return card
    days = days_elapsed(last, now, start_hour, tz)
    if (now - last).days == days:
        return card
    moved = copy(card)
    moved.last_review = now - timedelta(days=days)
    return moved


def preview(
    scheduler: fsrs.Scheduler,
    card: int,
    before: CardState,
    now: datetime,
    *,
    start_hour: int,
    tz: tzinfo | None,
) -> Preview:
    """All four outcomes of answering ``card`` (in state ``before``) at ``now``, with the
    time since its last review counted in study days (starting at ``start_hour`` in
    ``tz``)."""
    now = as_utc(now)
    fsrs_card = in_study_days(before.to_fsrs(card, now), now, start_hour, tz)
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
