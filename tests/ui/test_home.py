"""The app as a learner first sees it: Home, languages, broken decks, quitting, snapshots.

These run without torch: the judge is a stand-in and the sandbox client is "ready".
The review screen is tested in ``tests/ui/``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from quiz.judge.verdict import Outcome, Verdict
from quiz.launch import make_app
from quiz.ui.app import TorchQuizApp
from quiz.ui.home import HomeScreen
from quiz.ui.review import ReviewScreen
from quiz.ui.seams import TorchState

from .pilots import GatedClient, ReadyClient, launched, record_notifications, until

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


class StandInJudge:
    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        return Verdict(Outcome.RIGHT, "right")


@pytest.fixture
def deck_folder(deck_folder: Path, db_path: Path) -> Path:
    """The shared deck folder, with the database ``build`` opens beside it made first."""
    assert db_path == deck_folder.parent / "progress.sqlite3"
    return deck_folder


def build(folder: Path, language: str = "en", client=None, **options) -> TorchQuizApp:
    return make_app(
        folder.parent / "progress.sqlite3",
        decks=[folder],
        judge=StandInJudge(),
        sandbox=lambda: client or ReadyClient(),
        language=language,
        clock=lambda: T0,
        tz=UTC,
        **options,
    )


async def test_home_lists_decks_with_todays_figures_and_ctrl_q_quits(deck_folder: Path):
    app = build(deck_folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["Comparisons", "1", "0", "0", "1", "—"],
            ["Tensor arithmetic", "5", "0", "0", "5", "—"],
        ]
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_home_fits_again_when_the_terminal_shrinks(deck_folder: Path):
    """From 100x32 to 80x24 while the app runs: the Deck column narrows as at a launch at
    80 columns, so the figures (Retention 30d last) stay on screen."""
    app = build(deck_folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        table = app.screen.query_one("#decks", DataTable)
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: table.size.width <= 80, "the table laid out at 80 columns")
        assert table.virtual_size.width <= table.size.width
        await pilot.resize_terminal(100, 32)
        await until(pilot, lambda: table.size.width > 80, "the table laid out at 100 columns")
        deck = table.columns[table.ordered_columns[0].key]
        assert deck.width == 48


async def test_r_reviews_everything_due(deck_folder: Path):
    app = build(deck_folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)
        assert app.session.focused == ("bilingual", "tensor-math")
        assert app.screen.card.ref.card_id == "eq-dtype"


async def test_language_choice_shows_chinese_titles(deck_folder: Path):
    app = build(deck_folder, language="zh")
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        table = app.screen.query_one("#decks", DataTable)
        assert str(table.get_row_at(0)[0]) == "比较"


async def test_broken_deck_is_reported_and_the_rest_load(deck_folder: Path):
    (deck_folder / "broken.yaml").write_text("deck: broken\ntitle: [\n")
    app = build(deck_folder)
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert app.screen.query_one("#decks", DataTable).row_count == 2
        messages = [note.message for note in shown]
        assert any("broken.yaml:3:1: error: invalid YAML" in m for m in messages)


async def test_the_status_line_follows_torch_loading(deck_folder: Path):
    client = GatedClient()
    app = build(deck_folder, client=client)
    async with app.run_test(size=(100, 32)) as pilot:
        status = app.screen.query_one("TorchStatus", Static)
        assert status.display and "loading torch" in str(status.content)
        await until(pilot, lambda: app.session is not None, "progress open")
        assert status.display  # progress is open, torch is still loading
        client.finish()
        await until(pilot, lambda: not status.display, "the status line to go")
        assert app.torch_state is TorchState.READY


async def test_a_sandbox_that_cannot_start_is_said_once_and_flash_cards_still_work(
    deck_folder: Path,
):
    client = GatedClient()
    app = build(deck_folder, client=client)
    async with app.run_test(size=(100, 32)) as pilot:
        client.finish(failed=True)
        await until(pilot, lambda: app.torch_state is TorchState.FAILED, "torch failed")
        status = app.screen.query_one("TorchStatus", Static)
        assert status.display and "torch could not start" in str(status.content)
        assert status.has_class("-failed")


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_home_snapshot(deck_folder: Path, snap_compare, size):
    assert snap_compare(build(deck_folder), terminal_size=size, run_before=launched)
