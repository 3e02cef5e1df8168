"""Browse: the table of every card, search, a card's history, and suspend / unsuspend / reset."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from quiz.review.cards import CardRef, get_card
from quiz.review.state import Phase
from quiz.ui.browse import BrowseScreen
from quiz.ui.card import CardScreen, ConfirmScreen, due_text, span

from .screen_host import HostApp, studied_store


@pytest.fixture
def studied(tmp_path: Path):
    store, decks, clock = studied_store(tmp_path)
    yield store, decks, clock
    store.close()


def make_app(studied) -> HostApp:
    store, decks, clock = studied
    return HostApp(lambda: BrowseScreen(store, decks, clock=clock, tz=UTC))


def _ids(app: HostApp) -> list[str]:
    table = app.screen.query_one("#browse-cards", DataTable)
    return [table.get_row_at(i)[1] for i in range(table.row_count)]


async def test_lists_every_card_with_its_state(studied):
    app = make_app(studied)
    async with app.run_test(size=(100, 32)):
        table = app.screen.query_one("#browse-cards", DataTable)
        assert table.row_count == 5
        first = table.get_row_at(0)
        assert first[:4] == ["tensors", "clamp-both", "output", "review"]
        assert first[8] == "clamp p22"
        assert "5 of 5 cards" in str(app.screen.query_one("#browse-count", Static).render())


async def test_search_filters_as_you_type_and_escape_clears(studied):
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"deck:sh")
        assert _ids(app) == ["view-shape", "mm-batches"]
        app.screen.query_one("#browse-search", Input).value = "tag:clamp"
        await pilot.pause()
        assert _ids(app) == ["clamp-both"]
        app.screen.query_one("#browse-search", Input).value = "-kind:output sum"
        await pilot.pause()
        assert _ids(app) == ["column-sums"]
        await pilot.press("escape")  # clears the search first
        assert len(_ids(app)) == 5
        await pilot.press("enter")  # back to the table
        assert app.screen.query_one("#browse-cards", DataTable).has_focus


async def test_card_detail_shows_history_and_suspends(studied):
    store, _, _ = studied
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, CardScreen)
        history = app.screen.query_one("#card-history", DataTable)
        assert history.row_count == 11
        when = [history.get_row_at(i)[0] for i in range(history.row_count)]
        assert when == sorted(when, reverse=True) and when[-1].startswith("2025-02-11")
        summary = str(app.screen.query_one("#card-summary", Static).render())
        assert "tensors/clamp-both" in summary and "11 reps, 1 lapse" in summary
        await pilot.press("s")
        ref = CardRef("tensors", "clamp-both")
        assert get_card(store, ref).suspended
        assert "flags: suspended" in str(app.screen.query_one("#card-summary", Static).render())
        await pilot.press("u")
        assert not get_card(store, ref).suspended
        await pilot.press("s", "escape")
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.query_one("#browse-cards", DataTable).get_row_at(0)[7].plain == "S"


async def test_reset_asks_first(studied):
    store, _, _ = studied
    ref = CardRef("tensors", "clamp-both")
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter", "r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, CardScreen)
        assert get_card(store, ref).state.phase is Phase.REVIEW
        await pilot.press("r", "y")
        assert isinstance(app.screen, CardScreen)
        assert get_card(store, ref).state.phase is Phase.NEW
        summary = str(app.screen.query_one("#card-summary", Static).render())
        assert "state new" in summary and "0 reps, 0 lapses" in summary
        history = app.screen.query_one("#card-history", DataTable)
        assert history.get_row_at(0)[7] == "before reset"  # the history stays


async def test_an_action_that_fails_is_a_notification(studied):
    store, _, _ = studied
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter")
        store.db.execute("DELETE FROM reviews")
        store.db.execute("DELETE FROM cards")  # the card vanished under the screen
        await pilot.press("s")
        await pilot.pause()
        assert any("no card tensors/clamp-both" in n.message for n in app._notifications)
        assert isinstance(app.screen, CardScreen)


def test_short_spans():
    from datetime import timedelta

    from quiz.review.state import CardState

    assert [span(timedelta(seconds=s)) for s in (30, 600, 7200, 3 * 86400, 90 * 86400)] == [
        "30s",
        "10m",
        "2h",
        "3d",
        "3mo",
    ]
    from .screen_host import T0

    assert due_text(CardState(), T0) == "—"
    assert due_text(CardState(Phase.REVIEW, due=T0 - timedelta(days=2)), T0) == "-2d"


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_browse_snapshot(studied, snap_compare, size):
    assert snap_compare(make_app(studied), terminal_size=size)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_card_snapshot(studied, snap_compare, size):
    assert snap_compare(make_app(studied), press=["down", "enter"], terminal_size=size)


def test_confirm_snapshot(studied, snap_compare):
    assert snap_compare(make_app(studied), press=["enter", "r"], terminal_size=(100, 32))
