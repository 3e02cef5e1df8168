"""From Home, `/` opens Browse, `t` Stats and `a` Author, on the app's own session; the
heavy reads of Home, Browse and Stats never run on the UI thread."""

from __future__ import annotations

import sqlite3
import threading

from textual.widgets import DataTable, Input

from quiz.deck.loader import load_deck
from quiz.review.reading import watching
from quiz.ui.author import AuthorScreen
from quiz.ui.browse import BrowseScreen
from quiz.ui.home import HomeScreen
from quiz.ui.stats import StatsScreen

from .pilots import home_read, launched, until

Traced = list[tuple[threading.Thread, str]]


def trace(conn: sqlite3.Connection, into: Traced) -> None:
    """Record each statement ``conn`` runs, with the thread that runs it."""
    conn.set_trace_callback(lambda sql: into.append((threading.current_thread(), sql)))


async def test_home_keys_open_browse_stats_and_author(app_factory):
    """Each screen draws what its worker read; the session's connection, on the UI
    thread, runs none of those reads: read-only connections on other threads do."""
    app = app_factory()
    ui, read = threading.current_thread(), []
    writer: Traced = []
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert isinstance(app.screen, HomeScreen)
        trace(app.session.store.db.conn, writer)
        with watching(lambda conn: trace(conn, read)):
            await pilot.press("slash")
            assert isinstance(app.screen, BrowseScreen)
            await until(pilot, lambda: app.screen.settled, "Browse's cards")
            assert app.screen.query_one("#browse-cards", DataTable).row_count == 6
            await pilot.press("escape")
            await home_read(pilot)  # read again on the way back
            home = app.screen
            assert "all decks: 6 new" in str(home.query_one("#summary").render())
            assert [str(cell) for cell in home.query_one("#decks", DataTable).get_row_at(0)][
                1:
            ] == ["1", "0", "0", "1", "—"]
            await pilot.press("t")
            assert isinstance(app.screen, StatsScreen)
            await until(pilot, lambda: app.screen.drawn, "the statistics drawn")
            await pilot.press("escape")
            await home_read(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AuthorScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
    heavy = ("GROUP BY", "json_each", "count(*)")
    on_ui = [sql for thread, sql in writer if any(word in sql for word in heavy)]
    assert not on_ui, on_ui
    assert read and all(thread is not ui for thread, _ in read)
    for word in ("json_each", "GROUP BY deck", "FROM cards"):  # Stats, Home, Browse
        assert any(word in sql for _, sql in read), word


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
        await until(pilot, lambda: app.screen.settled, "Browse's cards")
        ids = [row.ref.card_id for row in app.screen.rows]
        assert "from-the-app" in ids
