"""A card's page shows what each past review showed: a fresh card's values, a choice's order.

The answers are given through a real session with the sandbox judge (the fresh card's
values are drawn by torch), then the card's page is opened on its own host app: the
history's Shown column and the line under it must name the values and options exactly
as the review stored them, numbered as the learner saw them.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from quiz.deck.check import load_decks
from quiz.judge.verdict import Rating
from quiz.progress.browse import session_cards, session_history
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.store import Store
from quiz.ui.card import CardScreen

from .pilots import until
from .screen_host import T0, Clock, HostApp

DECK = """\
deck: shown
title: Shown
cards:
  - id: pick
    kind: choice
    prompt: Which multiplies batches of matrices?
    options: [torch.mm, torch.matmul, torch.dot, torch.bmm, none of these]
    answer: [torch.matmul, torch.bmm]
    pin: [none of these]
  - id: clamp
    kind: output
    fresh: true
    given: {x: "torch.randint(0, 10, (4,))"}
    expr: x.clamp(2, 5)
  - id: plain
    kind: output
    expr: torch.tensor([1, 2]) * 2
"""


@pytest.fixture
def answered(tmp_path: Path, judge):
    """A session whose cards were answered (each several times) on two days."""
    path = tmp_path / "shown.yaml"
    path.write_text(DECK, encoding="utf-8")
    deck_set = load_decks([path])
    assert not deck_set.errors
    store = Store.open(tmp_path / "progress.sqlite3")
    store.save_settings(Settings(fuzz=False))
    clock = Clock(T0 - timedelta(days=5))
    session = Session(store, deck_set.decks, judge, clock=clock, tz=UTC)
    for day in range(2):
        clock.now = T0 - timedelta(days=5 - 3 * day)
        while (card := session.next_card()) is not None:
            session.draw()
            session.submit("1" if card.card.id == "pick" else "[2, 4]")
            session.rate(Rating.GOOD)
            clock.now += timedelta(minutes=1)
    clock.now = T0
    yield session
    session.close()


def page(session: Session, card_id: str) -> HostApp:
    row = next(row for row in session_cards(session) if row.ref.card_id == card_id)
    return HostApp(lambda: CardScreen(session, row))


def column(table: DataTable, name: str) -> list[str]:
    index = [c.label.plain for c in table.ordered_columns].index(name)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


def stored(session: Session, card_id: str):
    """The card's stored presentations, latest first (as the page lists them)."""
    ref = next(row.ref for row in session_cards(session) if row.ref.card_id == card_id)
    return [entry.presentation for entry in reversed(session_history(session, ref))]


async def test_a_fresh_card_shows_the_values_each_review_drew(answered):
    shown = stored(answered, "clamp")
    assert len(shown) >= 2 and all(p.givens for p in shown)
    drawn = [dict(p.givens)["x"] for p in shown]
    app = page(answered, "clamp")
    async with app.run_test(size=(100, 32)) as pilot:
        table = app.screen.query_one("#card-history", DataTable)
        assert column(table, "Shown") == [f"x = {value}" for value in drawn]
        line = str(app.screen.query_one("#card-shown", Static).render())
        assert f"answered [2, 4] to:\nx = {drawn[0]}" in line
        await pilot.press("down")  # the older review: its own values below
        line = str(app.screen.query_one("#card-shown", Static).render())
        assert f"x = {drawn[1]}" in line and f"x = {drawn[0]}" not in line


async def test_a_choice_shows_its_options_numbered_as_on_screen(answered):
    shown = stored(answered, "pick")
    options = ["torch.mm", "torch.matmul", "torch.dot", "torch.bmm", "none of these"]
    orders = [[options[i] for i in p.order] for p in shown]
    assert all(order[-1] == "none of these" for order in orders)  # pinned
    app = page(answered, "pick")
    async with app.run_test(size=(100, 32)) as pilot:
        table = app.screen.query_one("#card-history", DataTable)
        for order, brief in zip(orders, column(table, "Shown"), strict=True):
            assert " | ".join(order).startswith(brief.rstrip("…"))
            assert brief.startswith(f"{order[0]} | ")
        line = str(app.screen.query_one("#card-shown", Static).render())
        right = {"torch.matmul", "torch.bmm"}
        for number, option in enumerate(orders[0], 1):
            assert f"{number}. {option}{'  ✓' if option in right else ''}\n" in line + "\n"
        assert "answered 1 to:" in line
        await pilot.press("down")
        line = str(app.screen.query_one("#card-shown", Static).render())
        assert f"1. {orders[1][0]}" in line


async def test_the_count_of_answers_agrees_with_its_number(answered, tmp_path: Path, judge):
    answers = len(stored(answered, "plain"))
    app = page(answered, "plain")
    async with app.run_test(size=(100, 32)):
        summary = str(app.screen.query_one("#card-summary", Static).render())
        assert f"{answers} answer{'s' * (answers != 1)} in the log" in summary
    store = Store.open(tmp_path / "once.sqlite3")
    session = Session(store, answered.decks, judge, clock=Clock(T0), tz=UTC)
    session.next_card()
    session.submit("1")
    session.rate(Rating.GOOD)
    app = page(session, "pick")
    async with app.run_test(size=(100, 32)):
        summary = str(app.screen.query_one("#card-summary", Static).render())
        assert "1 answer in the log" in summary
    session.close()


async def test_a_card_shown_as_its_file_says_has_no_shown_column(answered):
    app = page(answered, "plain")
    async with app.run_test(size=(100, 32)):
        table = app.screen.query_one("#card-history", DataTable)
        assert "Shown" not in [c.label.plain for c in table.ordered_columns]
        assert not app.screen.query_one("#card-shown", Static).display


def test_card_shown_snapshot(answered, snap_compare):
    """The fresh card's page at 80x24: the history narrowed to fit, the values under it."""
    assert snap_compare(page(answered, "clamp"), terminal_size=(80, 24))


def headers(table: DataTable) -> list[str]:
    return [c.label.plain for c in table.ordered_columns]


async def test_under_100_columns_the_history_fits_and_keeps_next_and_note(answered):
    """At 80 columns the history ran off the screen (Next and Note cut to "N"); it now
    leaves the Shown column to the line under it and shortens the rest. A resize lays
    it out again."""
    drawn = [dict(p.givens)["x"] for p in stored(answered, "clamp")]
    app = page(answered, "clamp")
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#card-history", DataTable)
        await until(pilot, lambda: table.row_count == len(drawn), "the history")
        assert headers(table) == [
            "When", "Rating", "Outcome", "Answer", "Took", "State", "Next", "Note"
        ]  # fmt: skip
        await until(pilot, lambda: table.virtual_size.width > 0, "the table laid out")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert all(len(when) == len("12-03 18:54") for when in column(table, "When"))
        line = str(app.screen.query_one("#card-shown", Static).render())
        assert f"x = {drawn[0]}" in line  # the values, below the table

        await pilot.resize_terminal(100, 32)
        await until(pilot, lambda: "Shown" in headers(table), "the Shown column back")
        assert column(table, "Shown") == [f"x = {value}" for value in drawn]
