"""Stats: figures and charts drawn from quiz.progress.stats, for a history and for nothing."""

from __future__ import annotations

import re
import threading
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static
from textual_plotext import PlotextPlot

import quiz.ui.stats as stats_module
from quiz.deck.check import load_decks
from quiz.judge.verdict import Rating
from quiz.progress.stats import DayCount, collect
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.store import Store
from quiz.ui.stats import StatsScreen, heatmap_text

from .pilots import DEADLINE_S, record_notifications, until
from .screen_host import T0, Clock, HostApp, RightJudge, studied_session


@pytest.fixture
def studied(tmp_path: Path):
    session, _ = studied_session(tmp_path)
    yield session
    session.close()


@pytest.fixture
def empty(tmp_path: Path):
    session = Session(Store.open(tmp_path / "empty.sqlite3"), [], clock=Clock(), tz=UTC)
    yield session
    session.close()


def make_app(session: Session) -> HostApp:
    return HostApp(lambda: StatsScreen(session))


def drawn(app: HostApp) -> bool:
    return isinstance(app.screen, StatsScreen) and app.screen.drawn


async def drawn_stats(pilot) -> None:
    await until(pilot, lambda: drawn(pilot.app), "the statistics drawn")


async def test_figures_match_the_stats_module_and_the_charts_are_drawn(studied):
    expected = collect(studied.store, T0, tz=UTC, days=30, forecast_days=30, hardest=0).overall
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await drawn_stats(pilot)
        screen = app.screen
        figures = str(screen.query_one("#stats-figures", Static).render())
        assert f"{expected.reviews.last_30_days.reviews} in 30 days" in figures
        assert f"True retention {expected.retention.rate:.0%}" in figures
        assert f"Streak {expected.streak.days} day" in figures
        assert "Cards 5 · 0 new" in figures
        for plot in screen.query(PlotextPlot):
            assert plot.size.width > 30 and plot.size.height > 8
        # retention with data: a chart under its title, without the empty text
        assert screen.query_one("#stats-retention", PlotextPlot).display
        assert not screen.query_one("#stats-retention-empty", Static).display
        title = screen.query_one("#stats-retention-title", Static)
        assert "True retention per deck" in str(title.render()) and title.region.height == 1
        # the legend sits under the chart, not on its bars
        chart = screen.query_one("#stats-per-day", PlotextPlot)
        drawing = chart.plt.build()
        assert "passed" not in drawing and "again" not in drawing
        legend = screen.query_one(".stats-legend", Static)
        assert "passed" in str(legend.render()) and "again" in str(legend.render())
        assert legend.region.y >= chart.region.bottom
        await pilot.press("f5")
        await drawn_stats(pilot)
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_an_empty_database_draws_and_says_why_retention_has_no_chart(empty):
    """The report's words, under the retention panel's title, instead of an empty frame."""
    app = make_app(empty)
    shown = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn_stats(pilot)
        screen = app.screen
        figures = str(screen.query_one("#stats-figures", Static).render())
        assert "True retention —" in figures and "Streak 0 days" in figures
        assert not [n for n in shown if n.severity == "error"]
        title = screen.query_one("#stats-retention-title", Static)
        said = screen.query_one("#stats-retention-empty", Static)
        assert "True retention per deck" in str(title.render()) and title.region.height == 1
        assert str(said.render()).startswith("No second answers yet") and said.display
        assert said.region.height > 0
        assert not screen.query_one("#stats-retention", PlotextPlot).display


def many_decks_session(tmp_path: Path, count: int) -> Session:
    """``count`` one-card decks, each card answered Easy, then Again in every third deck
    and Good in the others whenever due, so true retention differs between decks."""
    paths = []
    for number in range(count):
        path = tmp_path / f"d{number:02}.yaml"
        path.write_text(
            f"deck: d{number:02}\ntitle: D{number}\ncards:\n  - id: c\n    kind: flash\n"
            "    front: Front?\n    back: Back.\n",
            encoding="utf-8",
        )
        paths.append(path)
    deck_set = load_decks(paths)
    clock = Clock(T0 - timedelta(days=10))
    store = Store.open(tmp_path / "many.sqlite3")
    store.save_settings(Settings(fuzz=False))
    session = Session(store, deck_set.decks, RightJudge(), clock=clock, tz=UTC)
    for day in range(10):
        clock.now = T0 - timedelta(days=10 - day)
        answered: set[str] = set()  # once a day: a relearning card comes back at once
        while (card := session.next_card()) is not None and card.deck.slug not in answered:
            answered.add(card.deck.slug)
            weak = day > 0 and int(card.deck.slug[1:]) % 3 == 0
            session.rate(Rating.AGAIN if weak else Rating.EASY if day == 0 else Rating.GOOD)
    clock.now = T0
    return session


async def test_retention_shows_the_weakest_decks_that_fit(tmp_path: Path):
    session = many_decks_session(tmp_path, 12)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn_stats(pilot)
        title = str(app.screen.query_one("#stats-retention-title", Static).render())
        assert re.search(r"\(lowest \d of \d+\)", title), title
    session.close()


async def test_the_screen_shows_it_is_loading_and_answers_keys_meanwhile(studied, monkeypatch):
    """The figures are read in a thread worker; until they come the grid shows a loading
    indicator, and the screen still answers keys (Escape leaves it)."""
    gate = threading.Event()
    read = stats_module.session_stats

    def slow_stats(*args, **kwargs):
        gate.wait(DEADLINE_S)
        return read(*args, **kwargs)

    monkeypatch.setattr(stats_module, "session_stats", slow_stats)
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats screen")
        screen = app.screen
        grid = screen.query_one("#stats-grid")
        await until(pilot, lambda: grid.loading, "a loading indicator over the charts")
        assert "loading" in str(screen.query_one("#stats-figures", Static).render())
        assert not screen.drawn
        gate.set()
        await drawn_stats(pilot)
        assert not grid.loading
        await pilot.press("f5")
        await pilot.press("escape")  # while the reload may still run
        await until(pilot, lambda: not isinstance(app.screen, StatsScreen), "stats left")
        await app.workers.wait_for_complete()


async def test_the_charts_are_built_off_the_ui_thread(studied, monkeypatch):
    """plotext lays a chart out as it builds it: the "charts" worker does, not the loop."""
    from textual_plotext.plot import Plot

    built: list[threading.Thread] = []
    build = Plot.build

    def traced(self, *args, **kwargs):
        built.append(threading.current_thread())
        return build(self, *args, **kwargs)

    monkeypatch.setattr(Plot, "build", traced)
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await drawn_stats(pilot)
        await pilot.pause()
        assert len(built) == 3 and threading.current_thread() not in built
        chart = app.screen.query_one("#stats-per-day", PlotextPlot)
        assert "Reviews per day" in "".join(
            segment.text for y in range(chart.size.height) for segment in chart.render_line(y)
        )


def test_heatmap_shades_by_reviews():
    today = T0.date()
    days = (DayCount(today, 8), DayCount(today.replace(day=1), 1))
    text = heatmap_text(days, today)
    lines = text.plain.splitlines()
    assert len(lines) == 9  # months, 7 weekdays, legend
    assert lines[1].startswith("Mon ")
    styles = {str(span.style) for span in text.spans}
    assert "bright_green" in styles and "dark_green" in styles


async def wait_drawn(pilot) -> None:
    await drawn_stats(pilot)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_stats_snapshot(studied, snap_compare, size):
    assert snap_compare(make_app(studied), run_before=wait_drawn, terminal_size=size)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_empty_stats_snapshot(empty, snap_compare, size):
    assert snap_compare(make_app(empty), run_before=wait_drawn, terminal_size=size)
