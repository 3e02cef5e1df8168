"""The end-of-session summary: answers, right ones, time taken, and when cards fall due next."""

from __future__ import annotations

from datetime import timedelta

from quiz.judge.verdict import Rating
from quiz.progress.summary import Tally, format_duration, session_summary, summarize
from quiz.review.session import Session

from .conftest import Clock


def test_summary(session: Session, clock: Clock):
    tally = Tally(started=clock.now)
    session.next_card()
    session.rate(Rating.GOOD)
    tally.add(None, Rating.GOOD)
    tally.add(None, Rating.AGAIN)
    tally.take_back()
    tally.add(None, Rating.HARD)
    clock.now += timedelta(minutes=3, seconds=5)
    summary = summarize(tally, session.store, session.focused, session.now())
    assert session_summary(session, tally) == summary
    assert (summary.reviewed, summary.right, summary.right_share) == (2, 2, 1.0)
    assert format_duration(summary.elapsed) == "3m 05s"
    assert summary.next_due is not None and summary.next_due > session.now() - timedelta(1)


def test_the_next_due_date_is_of_the_studied_decks_only(session: Session, clock: Clock):
    session.focus(["alpha"])
    session.next_card()
    session.rate(Rating.GOOD)
    session.focus(["beta"])
    assert session_summary(session, Tally(started=clock.now)).next_due is None
    session.focus(None)
    assert session_summary(session, Tally(started=clock.now)).next_due is not None
