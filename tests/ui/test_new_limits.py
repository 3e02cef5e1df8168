"""The daily new-card limits where they bite: Home says which limit holds a deck back,
the summary says so too, and ``n`` studies the deck's new cards today (issue 18, 1).

These run without torch: the decks are flash cards, rated without a judge.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from quiz.deck.check import load_decks
from quiz.judge.verdict import Rating
from quiz.launch import make_app
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.store import Store
from quiz.ui.home import HomeScreen
from quiz.ui.review import ReviewScreen
from quiz.ui.summary import SummaryScreen

from .conftest import FixedClock
from .pilots import ReadyClient, launched, until

LIMIT = 3  # new cards a day, per deck and over all decks


def flash_deck(slug: str, title: str, count: int) -> str:
    cards = "".join(
        f"  - id: c{i}\n    kind: flash\n    front: Front {i} of {slug}\n    back: Back {i}\n"
        for i in range(count)
    )
    return f"deck: {slug}\ntitle: {title}\ncards:\n{cards}"


@pytest.fixture
def limited(tmp_path: Path, db_path: Path) -> Path:
    """Two flash decks; today ``first`` used the all-decks limit up, ``second`` is untouched."""
    folder = tmp_path / "limited"
    folder.mkdir()
    (folder / "first.yaml").write_text(flash_deck("first", "First deck", 5), encoding="utf-8")
    (folder / "second.yaml").write_text(flash_deck("second", "Second deck", 4), encoding="utf-8")
    with Store.open(db_path) as store:
        store.save_settings(
            Settings(fuzz=False, cursor_blink=False, new_per_day=LIMIT, new_per_day_total=LIMIT)
        )
        decks = load_decks([folder / "first.yaml", folder / "second.yaml"]).decks
        session = Session(store, decks, clock=FixedClock(), tz=UTC)
        session.focus(["first"])
        for _ in range(LIMIT):
            assert session.next_card() is not None
            session.rate(Rating.EASY)
    return folder


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_a_deck_held_back_by_the_all_decks_limit_says_so_and_n_studies_it(
    db_path: Path, limited: Path
):
    app = _limited_app(db_path, limited, review=["second"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        # `torch-quiz review second.yaml`: nothing to study, and the summary says why
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        summary = app.screen
        said = text_of(summary, "#summary-limit")
        assert "daily limit of 3 new cards over all decks is reached; 4 new cards wait" in said
        assert "Settings (o)" in said and "press n to study 3 more new cards" in said
        assert {"n", "o"} <= {
            key for key, bound in summary.active_bindings.items() if bound.enabled
        }

        await pilot.press("escape")  # Home: the header and the deck's row say it as well
        home = app.screen
        assert isinstance(home, HomeScreen)
        header = text_of(home, "#summary")
        assert "new today: 3 of 3 (all decks), limit reached · * new cards wait (o)" in header
        table = home.query_one(DataTable)
        new = {slug: str(table.get_cell(slug, "New")) for slug in ("first", "second")}
        assert new == {"first": "0", "second": "0*"}  # first met its own limit: no star
        table.move_cursor(row=table.get_row_index("second"))
        await pilot.pause()
        assert "over all decks is reached; 4 new cards wait" in text_of(home, "#details")

        await pilot.press("enter", "n")  # study it: nothing left, then n on the summary
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        session = app.session
        assert session is not None and session.counts().new == LIMIT
        for _ in range(LIMIT):
            await pilot.press("space", "4")  # flip, Easy
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        assert app.screen.summary.reviewed == LIMIT
        # recorded as new cards studied today, past the all-decks limit
        assert session.new_today(["second"])["second"].all_studied == 2 * LIMIT
        # the raise is used up: the last card waits, and n offers it
        said = text_of(app.screen, "#summary-limit")
        assert "over all decks is reached; 1 new card waits" in said
        assert "study 1 more new card of this deck" in said


def _limited_app(db_path: Path, limited: Path, **options):
    return make_app(
        db_path, decks=[limited], sandbox=ReadyClient, clock=FixedClock(), tz=UTC, **options
    )


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_home_with_the_all_decks_limit_reached(db_path, limited, snap_compare, size):
    async def second_deck(pilot) -> None:
        await launched(pilot)
        await pilot.press("down")
        await pilot.pause()

    app = _limited_app(db_path, limited)
    assert snap_compare(app, terminal_size=size, run_before=second_deck)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_nothing_left_because_of_the_limit(db_path, limited, snap_compare, size):
    async def summary(pilot) -> None:
        await launched(pilot)
        await until(pilot, lambda: isinstance(pilot.app.screen, SummaryScreen), "the summary")

    app = _limited_app(db_path, limited, review=["second"])
    assert snap_compare(app, terminal_size=size, run_before=summary)
