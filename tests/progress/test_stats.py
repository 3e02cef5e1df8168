"""Stats on a hand-built history with known answers, at fixed UTC times."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pytest

from quiz.errors import UserError
from quiz.judge.verdict import Rating
from quiz.progress.stats import answers_per_day, collect, retention_by_deck
from quiz.review.cards import CardRef, get_card, reset
from quiz.review.log import counts_from_log
from quiz.review.store import Store

from .conftest import T0, Learner, history

NOW = T0 + timedelta(hours=2)


def test_true_retention_counts_each_cards_first_answer_of_a_day(store: Store, learner: Learner):
    history(learner)
    stats = collect(store, NOW, tz=UTC, days=7)
    # Counted: a1 Again (day -1), a2 Hard and b1 Good (today). Answers to new cards and
    # second answers of the same day are not.
    assert (stats.overall.retention.passed, stats.overall.retention.failed) == (2, 1)
    assert stats.overall.retention.rate == pytest.approx(2 / 3)
    alpha, beta = stats.decks
    assert (alpha.deck, alpha.retention.rate) == ("alpha", 0.5)
    assert (beta.deck, beta.retention.rate) == ("beta", 1.0)


def test_retention_alone_is_collects_retention(store: Store, learner: Learner):
    """Home asks for retention only; it must be the figure Stats shows."""
    history(learner)
    for days in (1, 7, 30):
        full = collect(store, NOW, tz=UTC, days=days)
        alone = retention_by_deck(store, NOW, tz=UTC, days=days)
        assert alone == {d.deck: d.retention for d in full.decks}
    assert retention_by_deck(store, NOW, tz=UTC, days=7)["alpha"].rate == 0.5


def test_streak_per_deck_and_overall(store: Store, learner: Learner):
    history(learner)
    stats = collect(store, NOW, tz=UTC)
    assert (stats.overall.streak.days, stats.overall.streak.studied_today) == (4, True)
    alpha, beta = stats.decks
    assert alpha.streak.days == 2  # days -3, -1 and today: the gap breaks it
    assert beta.streak.days == 1


def test_a_streak_ending_yesterday_is_alive_until_today_ends(store: Store, learner: Learner):
    history(learner)
    tomorrow = collect(store, NOW + timedelta(days=1), tz=UTC)
    assert (tomorrow.overall.streak.days, tomorrow.overall.streak.studied_today) == (4, False)
    later = collect(store, NOW + timedelta(days=2), tz=UTC)
    assert later.overall.streak.days == 0


def test_a_streak_longer_than_the_window_is_counted_in_full(store: Store, learner: Learner):
    for day in range(45):
        learner.answer("alpha/a1", Rating.GOOD, T0 - timedelta(days=44 - day))
    stats = collect(store, NOW, tz=UTC, days=7)
    assert stats.overall.streak.days == 45
    assert [d.streak.days for d in stats.decks] == [45, 0]
    assert collect(store, NOW, tz=UTC, deck="alpha").overall.streak.days == 45
    assert collect(store, NOW, tz=UTC, deck="beta").overall.streak.days == 0


def test_counts_windows_and_time(store: Store, learner: Learner):
    history(learner)
    learner.answer("alpha/a3", Rating.GOOD, T0 - timedelta(days=20), duration_ms=1000)
    stats = collect(store, NOW, tz=UTC)
    reviews = stats.overall.reviews
    assert (reviews.today.reviews, reviews.last_7_days.reviews, reviews.last_30_days.reviews) == (
        2,
        9,
        10,
    )
    assert reviews.last_30_days.time_ms == 9 * 5000 + 1000
    cards = stats.overall.cards
    assert (cards.new, cards.total) == (1, 5)
    assert cards.new + cards.learning + cards.review + cards.suspended == cards.total


def test_the_study_day_starts_at_4_am_local(store: Store, learner: Learner):
    learner.answer("alpha/a1", Rating.GOOD, T0.replace(hour=3))  # still yesterday's study day
    stats = collect(store, NOW, tz=UTC)
    assert stats.overall.reviews.today.reviews == 0
    assert stats.per_day[-2].reviews == 1


def test_forecast_counts_overdue_today_and_takes_n_days(store: Store, learner: Learner):
    history(learner)
    stats = collect(store, NOW + timedelta(days=30), tz=UTC, forecast_days=3)
    assert len(stats.overall.forecast) == 3
    assert stats.overall.forecast[0].due == 3  # every studied card is overdue by then
    assert sum(d.due for d in collect(store, NOW, tz=UTC, forecast_days=60).overall.forecast) == 3


def test_per_day_and_hardest(store: Store, learner: Learner):
    history(learner)
    stats = collect(store, NOW, tz=UTC, days=7)
    assert [d.reviews for d in stats.per_day] == [0, 0, 0, 4, 1, 2, 2]
    assert [d.again for d in stats.per_day] == [0, 0, 0, 1, 0, 1, 0]
    assert [(h.deck, h.card_id, h.again, h.lapses) for h in stats.hardest] == [
        ("alpha", "a1", 1, 1),
        ("alpha", "a2", 1, 0),
    ]


def test_hardest_counts_since_the_last_reset_as_browse_does(store: Store, learner: Learner):
    """A reset card starts afresh: its old Agains no longer make it one of the hardest."""
    history(learner)
    assert [h.card_id for h in collect(store, NOW, tz=UTC, days=7).hardest] == ["a1", "a2"]
    reset(store, CardRef.parse("alpha/a1"), NOW)
    (a2,) = collect(store, NOW, tz=UTC, days=7).hardest
    assert a2.card_id == "a2"
    card = get_card(store, CardRef.parse("alpha/a2"))
    assert (a2.reviews, a2.lapses) == counts_from_log(store, card)  # Browse's figures


def test_one_deck_only_and_an_unknown_deck(store: Store, learner: Learner):
    history(learner)
    stats = collect(store, NOW, tz=UTC, deck="beta")
    assert [d.deck for d in stats.decks] == ["beta"]
    assert stats.overall.deck == "beta" and stats.overall.reviews.last_7_days.reviews == 2
    with pytest.raises(UserError, match=r"no deck 'nope'.*alpha, beta"):
        collect(store, NOW, tz=UTC, deck="nope")


def test_an_empty_database(store: Store):
    stats = collect(store, NOW, tz=UTC)
    assert stats.overall.retention.rate is None
    assert stats.overall.streak.days == 0 and stats.hardest == ()


def test_to_dict_is_the_documented_json(store: Store, learner: Learner):
    history(learner)
    data = json.loads(json.dumps(collect(store, NOW, tz=UTC).to_dict()))
    assert data["schema"] == 1
    assert set(data) == {
        "schema", "generated_at", "study_day", "deck", "days", "overall", "decks", "per_day",
        "hardest",
    }  # fmt: skip
    assert set(data["overall"]) == {
        "deck", "title", "cards", "reviews", "retention", "streak", "forecast",
    }  # fmt: skip
    assert set(data["overall"]["cards"]) == {
        "new", "learning", "review", "suspended", "leech", "total",
    }  # fmt: skip
    assert data["overall"]["reviews"]["today"] == {"reviews": 2, "time_ms": 10000}
    assert data["overall"]["retention"]["rate"] == pytest.approx(2 / 3)
    assert data["overall"]["forecast"][0] == {"day": "2025-03-03", "due": 1}
    assert data["per_day"][-1]["day"] == "2025-03-03"
    assert data["generated_at"] == "2025-03-03T14:00:00.000000+00:00"


def test_answers_per_day_alone_is_collects_per_day(store: Store, learner: Learner):
    """The Stats calendar asks for this only; it must be the figure collect gives."""
    history(learner)
    for days in (1, 7, 30, 182):
        full = collect(store, NOW, tz=UTC, days=days).per_day
        alone = answers_per_day(store, NOW, tz=UTC, days=days)
        assert [(d.day, d.reviews) for d in alone] == [(d.day, d.reviews) for d in full]
    assert [d.reviews for d in answers_per_day(store, NOW, tz=UTC, days=7)] == [0, 0, 0, 4, 1, 2, 2]
    with pytest.raises(UserError):
        answers_per_day(store, NOW, days=0)
