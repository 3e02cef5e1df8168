"""Stats: figures and charts drawn from quiz.progress.stats, for a history and for nothing."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import Static
from textual_plotext import PlotextPlot

from quiz.progress.stats import collect
from quiz.review.session import Session
from quiz.review.store import Store
from quiz.ui.stats import StatsScreen, heatmap_text

from .pilots import record_notifications
from .screen_host import T0, Clock, HostApp, studied_session


@pytest.fixture
def studied(tmp_path: Path):
    session, _ = studied_session(tmp_path)
    yield session
    session.close()


def make_app(session: Session) -> HostApp:
    return HostApp(lambda: StatsScreen(session))


async def test_figures_match_the_stats_module(studied):
    expected = collect(studied.store, T0, tz=UTC, days=30, forecast_days=30, hardest=0).overall
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        figures = str(app.screen.query_one("#stats-figures", Static).render())
        assert f"{expected.reviews.last_30_days.reviews} in 30 days" in figures
        assert f"True retention {expected.retention.rate:.0%}" in figures
        assert f"Streak {expected.streak.days} day" in figures
        assert "Cards 5 · 0 new" in figures
        for plot in app.screen.query(PlotextPlot):
            assert plot.size.width > 30 and plot.size.height > 8
        await pilot.press("f5")
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_an_empty_database_draws_without_failing(tmp_path: Path):
    session = Session(Store.open(tmp_path / "empty.sqlite3"), [], clock=Clock(), tz=UTC)
    app = make_app(session)
    shown = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        figures = str(app.screen.query_one("#stats-figures", Static).render())
        assert "True retention —" in figures and "Streak 0 days" in figures
        assert not [n for n in shown if n.severity == "error"]
    session.close()


def test_heatmap_shades_by_reviews():
    from quiz.progress.stats import DayActivity

    today = T0.date()
    days = (DayActivity(today, 8, 0, 0, 0), DayActivity(today.replace(day=1), 1, 0, 0, 0))
    text = heatmap_text(days, today)
    lines = text.plain.splitlines()
    assert len(lines) == 9  # months, 7 weekdays, legend
    assert lines[1].startswith("Mon ")
    styles = {str(span.style) for span in text.spans}
    assert "bright_green" in styles and "dark_green" in styles


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_stats_snapshot(studied, snap_compare, size):
    assert snap_compare(make_app(studied), terminal_size=size)
