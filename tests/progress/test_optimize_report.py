"""optimize: too few reviews, a real fit, and no heavy import; report: one self-contained page."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from quiz.judge.verdict import Rating
from quiz.progress.optimize import MIN_REVIEWS, fit_and_store, read_histories, training_items
from quiz.progress.report import render_report
from quiz.progress.stats import collect
from quiz.review.store import Store

from .conftest import T0, Learner, history, open_store, write_decks

NOW = T0 + timedelta(hours=2)


def test_too_few_reviews_says_how_many_more(store: Store, learner: Learner):
    history(learner)
    result = fit_and_store(store, NOW, tz=UTC)
    # Usable: a1 on day -1 (after day -3), a2 and b1 today: 3 answers a day or more apart.
    assert result.usable == 3 and result.needed == MIN_REVIEWS - 3
    assert f"{MIN_REVIEWS - 3} more needed" in result.summary()
    assert store.settings.fsrs_parameters == ()


def test_an_empty_log_needs_them_all(store: Store):
    assert fit_and_store(store, NOW).needed == MIN_REVIEWS


def test_histories_are_in_study_days_since_the_last_reset(store: Store, learner: Learner):
    history(learner)
    histories = read_histories(store, UTC)
    assert sorted(histories.values()) == sorted(
        [[(3, 0), (3, 0), (1, 2), (3, 0)], [(1, 0), (4, 0), (2, 3)], [(4, 0), (3, 2)]]
    )
    items = training_items(histories)
    assert sorted(len(item) for item in items) == [2, 3, 3]


def test_a_real_fit_is_stored_when_it_predicts_better(tmp_path: Path):
    pytest.importorskip("fsrs_rs_python")
    decks = write_decks(tmp_path / "decks", {"many": [f"c{i}" for i in range(150)]})
    with open_store(tmp_path / "fit.sqlite3", decks) as store:
        learner = Learner(store)
        rng = random.Random(7)
        for i in range(150):
            at = T0 - timedelta(days=60) + timedelta(minutes=i)
            for step in range(5):
                rating = Rating.AGAIN if rng.random() < 0.25 else Rating.GOOD
                learner.answer(f"many/c{i}", rating, at)
                at += timedelta(days=1 + step * 2 + rng.randint(0, 2))
        lines: list[str] = []
        result = fit_and_store(store, NOW, say=lines.append, tz=UTC)
        assert result.needed == 0 and result.before and result.after
        assert any("fitting" in line for line in lines)  # progress was shown
        assert "before:" in result.summary() and "after:" in result.summary()
        if result.after.log_loss < result.before.log_loss:
            assert result.stored and store.settings.fsrs_parameters == result.parameters
            assert len(result.parameters) == 21
        dry = fit_and_store(store, NOW, dry_run=True, tz=UTC)
        assert not dry.stored and "dry run" in dry.summary()


def test_report_is_one_self_contained_page_with_the_charts_data(store: Store, learner: Learner):
    history(learner)
    page = render_report(collect(store, NOW, tz=UTC, days=365, forecast_days=30))
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(?i)(https?:|//[a-z]|src=|<link|@import|url\()", page)
    for chart in ("reviews-per-day", "due-forecast", "retention-by-deck", "calendar-heatmap"):
        assert f'id="{chart}"' in page
    assert 'id="hardest-cards"' in page and "alpha/a1" in page
    data = re.search(r'<script type="application/json" id="torch-quiz-stats">(.*?)</script>', page)
    assert data is not None
    stats = json.loads(data.group(1))
    assert len(stats["per_day"]) == 365 and len(stats["overall"]["forecast"]) == 30
    assert sum(d["reviews"] for d in stats["per_day"]) == 9


def test_report_on_an_empty_database(store: Store):
    page = render_report(collect(store, NOW, tz=UTC, days=365))
    assert "Nothing yet" in page and "No card has been answered Again" in page


def test_reset_goes_back_to_the_default_parameters(store: Store):
    from quiz.progress.optimize import forget_parameters

    assert "already" in forget_parameters(store)
    fitted = [0.3] * 4 + [6.0] + [0.5] * 16
    store.save_settings(store.settings.replace(fsrs_parameters=fitted))
    assert store.settings.fsrs_parameters == tuple(fitted)
    assert "forgot" in forget_parameters(store)
    assert store.settings.fsrs_parameters == ()
