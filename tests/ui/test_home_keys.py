"""From Home, `/` opens Browse, `t` Stats and `a` Author, on the app's own session."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from quiz.deck.loader import load_deck
from quiz.ui.author import AuthorScreen
from quiz.ui.browse import BrowseScreen
from quiz.ui.home import HomeScreen
from quiz.ui.stats import StatsScreen

from .pilots import launched


async def test_home_keys_open_browse_stats_and_author(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("slash")
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.query_one("#browse-cards", DataTable).row_count == 6
        await pilot.press("escape", "t")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "a")
        assert isinstance(app.screen, AuthorScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_a_card_saved_from_the_app_is_studied_next(app_factory, deck_folder):
    app = app_factory()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.pause()
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AuthorScreen)
        path = screen.deck.path
        screen.query_one("#author-id", Input).value = "from-the-app"
        screen.query_one("#author-expr", Input).value = "torch.ones(2).sum()"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert load_deck(path).deck.cards[-1].id == "from-the-app"
        deck = app.session.deck(load_deck(path).deck.slug)
        assert deck.cards[-1].id == "from-the-app"  # the session reloaded the deck
        await pilot.press("escape", "slash")
        ids = [row.ref.card_id for row in app.screen.rows]
        assert "from-the-app" in ids
