"""The app as a learner sees it: pilot tests and snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_docs import examples
from textual.widgets import DataTable

from quiz.deck.check import load_decks
from quiz.ui.app import TorchQuizApp
from quiz.ui.home import DeckScreen, HomeScreen


@pytest.fixture
def deck_folder(tmp_path: Path) -> Path:
    (tmp_path / "complete.yaml").write_text(examples()[0], encoding="utf-8")
    (tmp_path / "bilingual.yaml").write_text(examples()[1], encoding="utf-8")
    return tmp_path


def make_app(folder: Path, language: str = "en") -> TorchQuizApp:
    return TorchQuizApp(
        decks=load_decks([folder]), db_path=folder / "progress.sqlite3", language=language
    )


async def test_home_lists_decks_and_opens_one(deck_folder: Path):
    app = make_app(deck_folder)
    async with app.run_test(size=(100, 32)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        assert table.row_count == 2
        assert [table.get_row_at(i)[0] for i in range(2)] == ["bilingual", "tensor-math"]
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DeckScreen)
        cards = app.screen.query_one("#cards", DataTable)
        assert cards.row_count == 5
        assert cards.get_row_at(4)[:2] == ["rsqrt", "flash"]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_language_choice_shows_chinese_titles(deck_folder: Path):
    app = make_app(deck_folder, language="zh")
    async with app.run_test(size=(100, 32)):
        table = app.screen.query_one("#decks", DataTable)
        assert table.get_row_at(0)[1] == "比较"


async def test_broken_deck_is_reported_and_the_rest_load(deck_folder: Path):
    (deck_folder / "broken.yaml").write_text("deck: broken\ntitle: [\n")
    app = make_app(deck_folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#decks", DataTable).row_count == 2
        messages = [n.message for n in app._notifications]
        assert any("broken.yaml:3:1: error: invalid YAML" in m for m in messages)


async def test_ctrl_q_quits(deck_folder: Path):
    app = make_app(deck_folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+q")
    assert app.return_code == 0


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_home_snapshot(deck_folder: Path, snap_compare, size):
    assert snap_compare(make_app(deck_folder), terminal_size=size)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_deck_screen_snapshot(deck_folder: Path, snap_compare, size):
    assert snap_compare(make_app(deck_folder), press=["down", "enter"], terminal_size=size)
