"""``torch-quiz stats`` says "1 day" of streak, and "2 days"."""

from __future__ import annotations

from datetime import UTC, timedelta

from quiz.judge.verdict import Rating
from quiz.progress.render import stats_text
from quiz.progress.stats import collect
from quiz.review.store import Store

from .conftest import T0, Learner


def test_the_streak_is_one_day_then_two_days(store: Store, learner: Learner):
    learner.answer("alpha/a1", Rating.GOOD, T0)
    assert "Streak: 1 day." in stats_text(collect(store, T0, tz=UTC))
    tomorrow = T0 + timedelta(days=1)
    learner.answer("alpha/a2", Rating.GOOD, tomorrow)
    assert "Streak: 2 days." in stats_text(collect(store, tomorrow, tz=UTC))
