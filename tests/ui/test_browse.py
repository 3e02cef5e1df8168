"""Browse: the table of every card, search, sorting, a card's history, and card actions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label, Static

from quiz.deck.check import load_decks
from quiz.progress.browse import CardFilter, SortColumn
from quiz.review.cards import CardRef, get_card
from quiz.review.session import Session
from quiz.review.state import Phase
from quiz.review.store import Store
from quiz.ui import browse as browse_screen
from quiz.ui.browse import BrowseScreen, SearchBox, fit_columns
from quiz.ui.card import CardScreen, ConfirmScreen, due_text, span

from .pilots import DEADLINE_S, launched, record_notifications, until
from .screen_host import Clock, HostApp, RightJudge, studied_session


@pytest.fixture
def studied(tmp_path: Path):
    session, _ = studied_session(tmp_path)
    yield session
    session.close()


LONG = """\
deck: broadcasting-and-reductions
title: Long names
cards:
  - id: broadcasting-a-row-vector-against-a-column-vector
    kind: output
    expr: torch.arange(3) + torch.arange(2).reshape(2, 1)
    tags: [broadcasting, shapes, row-vector, column-vector, outer-sum, chapter-three]
  - id: sum
    kind: output
    expr: torch.arange(4).sum()
    tags: [sum]
"""


@pytest.fixture
def long_names(tmp_path: Path):
    """A deck whose name, first card id and tags are longer than any screen has room for."""
    path = tmp_path / "long.yaml"
    path.write_text(LONG, encoding="utf-8")
    deck_set = load_decks([path])
    assert not deck_set.errors, [str(e) for e in deck_set.errors]
    store = Store.open(tmp_path / "p.sqlite3")
    session = Session(store, deck_set.decks, RightJudge(), clock=Clock())
    yield session
    session.close()


def make_app(session: Session, *, search: bool = False) -> HostApp:
    return HostApp(lambda: BrowseScreen(session, search=search))


async def settled(pilot) -> None:
    """Wait until Browse (if it is the screen) shows the latest cards, search and order."""
    app = pilot.app
    await pilot.pause()  # a search typed by setting the value: its Changed comes first
    await until(
        pilot,
        lambda: not isinstance(app.screen, BrowseScreen) or app.screen.settled,
        "Browse's cards",
    )


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settled(pilot)


def pressing(*keys: str):
    """A snapshot's keys, each drawn before the picture (Browse's rows come from workers)."""

    async def run_before(pilot) -> None:
        await settled(pilot)
        for key in keys:
            await press(pilot, key)

    return run_before


def _ids(app: HostApp) -> list[str]:
    table = app.screen.query_one("#browse-cards", DataTable)
    return [table.get_row_at(i)[1] for i in range(table.row_count)]


def _headers(app: HostApp) -> list[str]:
    table = app.screen.query_one("#browse-cards", DataTable)
    return [column.label.plain for column in table.ordered_columns]


def _at_cursor(app: HostApp) -> str:
    table = app.screen.query_one("#browse-cards", DataTable)
    return table.get_row_at(table.cursor_row)[1]


async def _click_header(pilot, key: str) -> None:
    """Click the middle of a column's header cell, found from the widths the table drew."""
    table = pilot.app.screen.query_one("#browse-cards", DataTable)
    x = 0
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        if column.key == key:
            assert await pilot.click(table, offset=(x + width // 2, 0))
            await settled(pilot)
            return
        x += width
    raise AssertionError(f"no column {key}")


async def test_lists_every_card_with_its_state(studied):
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        table = app.screen.query_one("#browse-cards", DataTable)
        assert table.row_count == 5
        first = table.get_row_at(0)
        assert first[:4] == ["tensors", "clamp-both", "output", "review"]
        assert first[6:] == ["6", "", first[8], "clamp p22"] and first[8].plain == ""
        assert "5 of 5 cards" in str(app.screen.query_one("#browse-count", Static).render())


async def test_search_filters_as_you_type_enter_shows_and_escape_clears(studied):
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        browse = app.screen
        search = browse.query_one("#browse-search", Input)
        table = browse.query_one("#browse-cards", DataTable)
        await press(pilot, "slash")
        await press(pilot, *"deck:sh")
        assert _ids(app) == ["view-shape", "mm-batches"]
        search.value = "tag:clamp"
        await settled(pilot)
        assert _ids(app) == ["clamp-both"]
        search.value = "-kind:output sum"
        await settled(pilot)
        assert _ids(app) == ["column-sums"]
        await press(pilot, "enter")  # shows the cards: the table has the focus, the search stays
        assert table.has_focus and app.screen is browse
        assert search.value == "-kind:output sum" and _ids(app) == ["column-sums"]
        await press(pilot, "slash", "escape")  # clears the search and leaves the box
        assert len(_ids(app)) == 5 and table.has_focus and search.value == ""
        await press(pilot, "slash", "escape")  # nothing typed: Escape leaves Browse
        assert app.screen is not browse


async def test_a_header_click_sorts_and_a_second_click_reverses(studied):
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        assert not any("▲" in h or "▼" in h for h in _headers(app))  # as listed: unsorted
        await _click_header(pilot, "lapses")
        # 0, 0, 0, 1, 5 lapses; equal ones in deck (shapes < tensors) then file order.
        assert _ids(app) == ["clamp-both", "column-sums", "rsqrt", "mm-batches", "view-shape"]
        assert "Lapses ▲" in _headers(app)
        await _click_header(pilot, "lapses")
        assert _ids(app) == ["view-shape", "mm-batches", "clamp-both", "column-sums", "rsqrt"]
        assert "Lapses ▼" in _headers(app)
        await _click_header(pilot, "stability")  # another column: ascending, one arrow
        assert _ids(app) == ["view-shape", "mm-batches", "clamp-both", "column-sums", "rsqrt"]
        assert [h for h in _headers(app) if "▲" in h or "▼" in h] == ["Stab. ▲"]


async def test_s_cycles_the_column_and_shift_s_reverses(studied):
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await press(pilot, "s")
        assert _headers(app)[0] == "Deck ▲"
        assert _ids(app) == ["view-shape", "mm-batches", "clamp-both", "column-sums", "rsqrt"]
        await press(pilot, "S")
        assert _headers(app)[0] == "Deck ▼"
        assert _ids(app) == ["clamp-both", "column-sums", "rsqrt", "view-shape", "mm-batches"]
        await press(pilot, *"ssssss")  # card, kind, state, due, stability, reps
        assert _headers(app)[:7] == ["Deck", "Card", "Kind", "State", "Due", "Stab.", "Reps ▲"]
        assert _ids(app) == ["rsqrt", "column-sums", "clamp-both", "mm-batches", "view-shape"]
        await press(pilot, "S")
        assert _ids(app) == ["view-shape", "mm-batches", "clamp-both", "column-sums", "rsqrt"]
        await press(pilot, "slash", "s")  # in the search box, s is a letter
        assert app.screen.query_one("#browse-search", Input).value == "s"
        assert "Reps ▼" in _headers(app)


async def test_a_new_card_has_no_due_date_and_sorts_last_both_ways(studied):
    studied.reset(CardRef("tensors", "rsqrt"))
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await _click_header(pilot, "due")
        assert _ids(app) == ["view-shape", "mm-batches", "clamp-both", "column-sums", "rsqrt"]
        await press(pilot, "S")
        assert _ids(app) == ["column-sums", "clamp-both", "mm-batches", "view-shape", "rsqrt"]
        table = app.screen.query_one("#browse-cards", DataTable)
        assert table.get_row_at(4)[4] == "—"


async def test_the_cursor_stays_on_its_card_and_search_keeps_the_order(studied):
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await press(pilot, "down")
        assert _at_cursor(app) == "column-sums"
        await press(pilot, "s")  # by deck: shapes first
        table = app.screen.query_one("#browse-cards", DataTable)
        assert table.cursor_row == 3 and _at_cursor(app) == "column-sums"
        await _click_header(pilot, "reps")
        await _click_header(pilot, "reps")
        assert _at_cursor(app) == "column-sums"
        app.screen.query_one("#browse-search", Input).value = "-deck:shapes"
        await settled(pilot)
        assert _ids(app) == ["clamp-both", "column-sums", "rsqrt"]  # 6, 4, 2 reps
        assert _at_cursor(app) == "column-sums"
        await press(pilot, "f5")  # reloaded: the same search, the same order
        assert _ids(app) == ["clamp-both", "column-sums", "rsqrt"]
        assert "Reps ▼" in _headers(app)


async def test_the_table_holds_the_rows_reached_and_more_as_the_cursor_comes(
    studied, monkeypatch: pytest.MonkeyPatch
):
    """A large list is not put in the table at once: rows join as the cursor nears the end."""
    monkeypatch.setattr(browse_screen, "ROWS_AT_ONCE", 2)
    monkeypatch.setattr(browse_screen, "MORE_WITHIN", 1)
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        table = app.screen.query_one("#browse-cards", DataTable)
        assert table.row_count == 2
        assert "5 of 5 cards" in str(app.screen.query_one("#browse-count", Static).render())
        await press(pilot, "down")  # one row from the end: two more
        assert table.row_count == 4
        await press(pilot, "down", "down", "down")
        assert _ids(app) == ["clamp-both", "column-sums", "rsqrt", "view-shape", "mm-batches"]
        assert _at_cursor(app) == "mm-batches"
        await press(pilot, "s")  # by deck: the cursor's card is held wherever it goes
        assert _at_cursor(app) == "mm-batches" and table.row_count >= table.cursor_row + 1


async def test_the_count_line_says_the_cards_are_being_read_until_they_come(
    studied, monkeypatch: pytest.MonkeyPatch
):
    gate = threading.Event()
    read = browse_screen.read_cards

    def slow_read(*args, **kwargs):
        gate.wait(DEADLINE_S)
        return read(*args, **kwargs)

    monkeypatch.setattr(browse_screen, "read_cards", slow_read)
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen), "Browse")
        count = app.screen.query_one("#browse-count", Static)
        await until(pilot, lambda: "reading the cards…" in str(count.render()), "reading…")
        assert app.screen.query_one("#browse-cards", DataTable).row_count == 0
        gate.set()
        await settled(pilot)
        assert "5 of 5 cards" in str(count.render())


async def test_a_burst_of_keys_searches_once(studied, monkeypatch: pytest.MonkeyPatch):
    """Typing waits for a pause before it searches; Enter searches at once."""
    monkeypatch.setattr(browse_screen, "SEARCH_PAUSE_S", 600.0)  # no pause in this test
    searched: list[str] = []
    apply = CardFilter.apply

    def counted(self, *args, **kwargs):
        searched.append("once")
        return apply(self, *args, **kwargs)

    monkeypatch.setattr(CardFilter, "apply", counted)
    app = make_app(studied, search=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        before = len(searched)
        await pilot.press(*"deck:sh")
        assert not app.screen.settled and len(searched) == before  # waiting for a pause
        await press(pilot, "enter")
        assert len(searched) == before + 1 and _ids(app) == ["view-shape", "mm-batches"]


async def test_slash_on_home_opens_browse_typing_and_a_suspension_asks(app_factory):
    """Home's / opens Browse in its search box: s and S are typed, Enter shows the cards
    in the table (it opens none); a card's s asks before suspending."""
    app = app_factory(judge=RightJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await launched(pilot)
        await press(pilot, "slash")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen), "Browse")
        await until(pilot, lambda: app.screen.rows, "the cards")
        browse = app.screen
        search = browse.query_one("#browse-search", SearchBox)
        assert search.has_focus
        footer = {b.binding.action for b in browse.active_bindings.values() if b.enabled}
        assert "sort" not in footer and "screen.cancel_search" in footer
        await press(pilot, *"clamp-both", "s", "S")
        assert search.value == "clamp-bothsS" and _ids(app) == []
        await press(pilot, "backspace", "backspace")
        assert _ids(app) == ["clamp-both"]
        assert not any("▲" in h or "▼" in h for h in _headers(app))  # not sorted
        await press(pilot, "enter")  # shows the cards; opens none
        assert app.screen is browse and browse.query_one("#browse-cards").has_focus
        await press(pilot, "enter", "tab", "s")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, CardScreen)
        assert not get_card(app.session.store, CardRef("tensor-math", "clamp-both")).suspended


def fits(app: HostApp) -> bool:
    table = app.screen.query_one("#browse-cards", DataTable)
    drawn = sum(column.get_render_width(table) for column in table.ordered_columns)
    return 0 < drawn <= table.size.width  # the width inside its scrollbar, if it has one


async def test_the_columns_fit_the_screen_and_long_names_give_way(long_names):
    app = make_app(long_names)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        assert fits(app)
        assert "Tags" in _headers(app) and "Reps" in _headers(app)
        first = app.screen.query_one("#browse-cards", DataTable).get_row_at(0)
        assert first[1].plain.startswith("broadcasting-a") and first[1].plain.endswith("…")
        assert first[9].plain.endswith("…")  # tags and card id give way
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "Reps" not in _headers(app), "the narrow layout")
        assert fits(app)
        assert _headers(app) == [
            *["Deck", "Card", "Kind", "State", "Due", "Stab.", "Flags", "Tags"]
        ]
        card = app.screen.query_one("#browse-cards", DataTable).get_row_at(0)[1]
        assert card.plain.startswith("broadcasting-a") and card.plain.endswith("…")
        await press(pilot, *"s" * 7)  # by reps, left out at this width: said in the count line
        assert "by Reps ▲" in str(app.screen.query_one("#browse-count", Static).render())


def test_fit_columns_keeps_what_fits_and_leaves_out_the_least_useful():
    natural = {column: 6 for column in SortColumn}
    natural |= {SortColumn.CARD: 40, SortColumn.DECK: 20, SortColumn.TAGS: 30}
    assert fit_columns(natural, 200, 1) == natural
    wide = fit_columns(natural, 100, 1)
    assert list(wide) == list(natural) and sum(wide.values()) + 2 * len(wide) == 100
    assert wide[SortColumn.CARD] > 20 and wide[SortColumn.TAGS] == 6  # the card id first
    narrow = fit_columns(natural, 70, 1)
    assert SortColumn.REPS not in narrow and SortColumn.CARD in narrow
    assert sum(narrow.values()) + 2 * len(narrow) <= 70


def test_the_sort_keys_have_ids_for_the_keymap():
    from quiz.ui.app import TorchQuizApp
    from quiz.ui.help import known_ids

    assert {"browse.sort", "browse.reverse"} <= known_ids(TorchQuizApp)


async def test_card_detail_shows_history_and_suspends(studied):
    store = studied.store
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, CardScreen)
        history = app.screen.query_one("#card-history", DataTable)
        assert history.row_count == 6
        when = [history.get_row_at(i)[0] for i in range(history.row_count)]
        assert when == sorted(when, reverse=True) and when[-1].startswith("2025-02-11")
        summary = str(app.screen.query_one("#card-summary", Static).render())
        assert "tensors/clamp-both" in summary and "6 reps, 0 lapses" in summary
        ref = CardRef("tensors", "clamp-both")
        await press(pilot, "s")  # asks first, as a reset does
        assert isinstance(app.screen, ConfirmScreen) and "Suspend tensors/clamp-both?" in str(
            app.screen.query_one("#confirm-question", Label).render()
        )
        await press(pilot, "escape")
        assert isinstance(app.screen, CardScreen) and not get_card(store, ref).suspended
        await press(pilot, "s", "y")
        assert get_card(store, ref).suspended
        assert "flags: suspended" in str(app.screen.query_one("#card-summary", Static).render())
        await press(pilot, "u")  # loses nothing: not asked
        assert not get_card(store, ref).suspended
        await press(pilot, "s", "y", "escape")
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.query_one("#browse-cards", DataTable).get_row_at(0)[8].plain == "S"


async def test_reset_asks_first(studied):
    store = studied.store
    ref = CardRef("tensors", "clamp-both")
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await press(pilot, "enter", "r")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, CardScreen)
        assert get_card(store, ref).state.phase is Phase.REVIEW
        await press(pilot, "r", "y")
        assert isinstance(app.screen, CardScreen)
        assert get_card(store, ref).state.phase is Phase.NEW
        summary = str(app.screen.query_one("#card-summary", Static).render())
        assert "state new" in summary and "0 reps, 0 lapses" in summary
        history = app.screen.query_one("#card-history", DataTable)
        assert history.get_row_at(0)[7] == "before reset"  # the history stays


@pytest.mark.parametrize(
    ("keys", "done"),
    [(("s", "y"), lambda card: card.suspended), (("r", "y"), lambda card: card.state.is_new)],
    ids=["suspend", "reset"],
)
async def test_an_action_on_the_card_being_studied_takes_it_off_the_session(studied, keys, done):
    """A card's actions go through the session, so the card it is showing is dropped with
    its old schedule: it cannot be rated (a reset undone) as if nothing had happened."""
    shown = studied.next_card()
    assert shown is not None and shown.stored.state.phase is Phase.REVIEW
    app = make_app(studied)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await press(pilot, *["down"] * _ids(app).index(shown.ref.card_id), "enter")
        assert isinstance(app.screen, CardScreen) and app.screen.row.ref == shown.ref
        await press(pilot, *keys)
        assert isinstance(app.screen, CardScreen)
    assert done(get_card(studied.store, shown.ref))
    assert studied.current is None
    following = studied.next_card()  # whatever comes next is as the database has it
    assert following is None or following.stored == get_card(studied.store, following.ref)


async def test_an_action_that_fails_is_a_notification(studied):
    store = studied.store
    app = make_app(studied)
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await settled(pilot)
        await press(pilot, "enter")
        store.db.execute("DELETE FROM reviews")
        store.db.execute("DELETE FROM cards")  # the card vanished under the screen
        await press(pilot, "s", "y")
        await pilot.pause()
        assert any("no card tensors/clamp-both" in n.message for n in shown)
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
    assert snap_compare(make_app(studied), run_before=pressing(), terminal_size=size)


def test_sorted_snapshot(studied, snap_compare):
    """By lapses, most first: the arrow in the header, and the footer's keys, at 80x24."""
    keys = ["s"] * 8 + ["S"]  # deck, card, kind, state, due, stability, reps, lapses; reverse
    assert snap_compare(make_app(studied), run_before=pressing(*keys), terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_card_snapshot(studied, snap_compare, size):
    assert snap_compare(make_app(studied), run_before=pressing("down", "enter"), terminal_size=size)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_long_names_searching_snapshot(long_names, snap_compare, size):
    """Opened as Home's / opens it: the search box has the focus (the footer says what Enter
    and Escape do), and long names give way."""
    assert snap_compare(
        make_app(long_names, search=True), run_before=pressing("b"), terminal_size=size
    )


def test_confirm_snapshot(studied, snap_compare):
    assert snap_compare(
        make_app(studied), run_before=pressing("enter", "r"), terminal_size=(100, 32)
    )
