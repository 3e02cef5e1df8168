"""Stats counted by SQLite equal stats counted row by row in Python, and read off-thread.

The statistics used to stream every review of the window into Python and count there;
SQLite now groups them by study day and deck. ``python_tally`` below is the old
counting, kept as the reference: on a random history both must agree exactly.
"""

from __future__ import annotations

import random
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from quiz.errors import UserError
from quiz.judge.verdict import Rating
from quiz.progress.days import DayIndex, days_ahead, days_back
from quiz.progress.stats import answers_per_day, collect, session_stats
from quiz.review.clock import study_day
from quiz.review.reading import read_only
from quiz.review.state import Phase
from quiz.review.store import Store

from .conftest import T0, Learner

NOW = T0 + timedelta(hours=2)
CARDS = ("alpha/a1", "alpha/a2", "alpha/a3", "beta/b1", "beta/b2")


def random_history(learner: Learner, days: int = 40, seed: int = 7) -> None:
    """Answers on most of ``days`` days, some cards twice a day, every rating."""
    rng = random.Random(seed)
    for back in range(days, -1, -1):
        if rng.random() < 0.2:
            continue
        for ref in rng.sample(CARDS, rng.randint(1, len(CARDS))):
            at = T0 - timedelta(days=back, hours=rng.randint(0, 6))
            for again in range(rng.choice((1, 1, 2))):
                rating = rng.choice(list(Rating))
                learner.answer(
                    ref, rating, at + timedelta(minutes=5 * again), duration_ms=rng.randint(1, 9000)
                )


def python_tally(store: Store, days: int) -> dict:
    """The old row-by-row counting: per deck (and None: all) the windows, retention, per day."""
    hour = store.settings.day_start_hour
    past = DayIndex(days_back(study_day(NOW, hour, UTC), max(days, 30), hour, UTC))
    span, first_counted = len(past.days), len(past.days) - days
    tallies: dict = {}
    seen: set = set()
    rows = store.db.conn.execute(
        "SELECT reviewed_at, card, deck, before_state, rating, coalesce(duration_ms, 0) "
        "FROM reviews WHERE reviewed_at >= ? ORDER BY reviewed_at, id",
        [past.start_text],
    )
    for stamp, card, slug, before, rating, ms in rows:
        index = past.index(stamp)
        if index is None:
            continue
        ago = span - 1 - index
        first = (card, index) not in seen
        seen.add((card, index))
        for key in (slug, None):
            t = tallies.setdefault(
                key, {"windows": [[0, 0], [0, 0], [0, 0]], "passed": 0, "failed": 0,
                      "per_day": [[0, 0, 0, 0] for _ in range(days)]}
            )  # fmt: skip
            for which, limit in enumerate((1, 7, 30)):
                if ago < limit:
                    t["windows"][which][0] += 1
                    t["windows"][which][1] += ms
            if index >= first_counted:
                row = t["per_day"][index - first_counted]
                row[0] += 1
                row[1] += rating == 1
                row[2] += before == Phase.NEW
                row[3] += ms
                if first and before != Phase.NEW:
                    t["passed" if rating != 1 else "failed"] += 1
    return tallies


def python_forecast(store: Store, forecast_days: int) -> list[int]:
    hour = store.settings.day_start_hour
    ahead = DayIndex(days_ahead(study_day(NOW, hour, UTC), forecast_days, hour, UTC))
    counts = [0] * forecast_days
    for (due,) in store.db.conn.execute(
        "SELECT due FROM cards WHERE present = 1 AND suspended = 0 AND state != 0"
    ):
        index = ahead.index(due) if due >= ahead.start_text else 0
        if index is not None:
            counts[index] += 1
    return counts


@pytest.mark.parametrize("days", [7, 30, 45])
def test_sql_counts_equal_the_python_counts(store: Store, learner: Learner, days: int):
    random_history(learner)
    expected = python_tally(store, days)
    stats = collect(store, NOW, tz=UTC, days=days, forecast_days=21)
    for deck in (*stats.decks, stats.overall):
        tally = expected[deck.deck]
        reviews = deck.reviews
        spans = (reviews.today, reviews.last_7_days, reviews.last_30_days)
        windows = [[w.reviews, w.time_ms] for w in spans]
        assert windows == tally["windows"]
        assert (deck.retention.passed, deck.retention.failed) == (tally["passed"], tally["failed"])
    per_day = [[d.reviews, d.again, d.new, d.time_ms] for d in stats.per_day]
    assert per_day == expected[None]["per_day"]
    assert [d.due for d in stats.overall.forecast] == python_forecast(store, 21)
    assert sum(d.due for d in stats.overall.forecast) > 0
    assert [d.reviews for d in answers_per_day(store, NOW, tz=UTC, days=days)] == [
        d.reviews for d in stats.per_day
    ]


def test_streaks_reach_back_past_the_first_stretch(store: Store, learner: Learner):
    """A streak longer than the window and the first older stretch (32 days) is counted
    whole, for all decks and per deck; skipping the decks' streaks keeps the overall one."""
    for back in range(80):
        learner.answer("alpha/a1", Rating.GOOD, T0 - timedelta(days=back))
    learner.answer("beta/b1", Rating.GOOD, T0 - timedelta(days=1))
    stats = collect(store, NOW, tz=UTC)
    alpha, beta = stats.decks
    assert stats.overall.streak.days == 80 and alpha.streak.days == 80
    assert (beta.streak.days, beta.streak.studied_today) == (1, False)
    quick = collect(store, NOW, tz=UTC, deck_streaks=False)
    assert quick.overall.streak == stats.overall.streak
    assert [d.streak for d in quick.decks] == [None, None]
    assert collect(store, NOW, tz=UTC, deck="alpha").overall.streak.days == 80


def test_the_read_only_connection_reads_and_cannot_write(store: Store, learner: Learner):
    learner.answer("alpha/a1", Rating.GOOD, T0)
    with read_only(store.path) as reader:
        assert collect(reader, NOW, tz=UTC) == collect(store, NOW, tz=UTC)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.db.conn.execute("DELETE FROM reviews")


def test_session_stats_read_in_another_thread(session):
    """A Textual thread worker calls it: it must not touch the session's own connection,
    which belongs to the thread that opened it."""
    with ThreadPoolExecutor(1) as pool:
        stats = pool.submit(session_stats, session, deck_streaks=False).result()
    assert stats == session_stats(session, deck_streaks=False)
    assert stats.overall.cards.total > 0


def test_a_missing_database_is_a_one_line_error(tmp_path: Path):
    with pytest.raises(UserError, match="cannot open for reading"), read_only(tmp_path / "x"):
        pass
