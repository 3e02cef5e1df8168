"""Home's figures: cards left today per deck, the deck's size, its retention."""

from __future__ import annotations

from datetime import timedelta

from quiz.judge.verdict import Rating
from quiz.progress.overview import deck_rows, format_retention
from quiz.review.session import Session

from .conftest import Clock


def test_deck_rows_count_left_total_and_retention(session: Session, clock: Clock):
    rows = deck_rows(session)
    assert [(r.slug, r.left.new, r.total, r.retention) for r in rows] == [
        ("alpha", 20, 30, None),
        ("beta", 20, 30, None),
    ]
    card = session.next_card()
    session.rate(Rating.EASY)  # graduates at once
    clock.now += timedelta(days=30)
    while (study := session.next_card()) is not None and study.ref != card.ref:
        session.bury()
    session.rate(Rating.AGAIN)
    assert deck_rows(session)[0].retention == 0.0
    assert format_retention(0.875) == "88%" and format_retention(None) == "—"
