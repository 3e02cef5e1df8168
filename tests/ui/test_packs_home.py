"""An installed deck pack in the app: on Home with its source, studied like any deck.

The pack is the fixture folder ``tests/packs/demo`` installed onto a temporary folder of
``sys.path`` with its metadata; the bundled decks are stood in for by one small deck.
Answers are judged by the session's sandbox worker.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from support.packs import install_pack
from textual.widgets import DataTable, Static

import quiz.paths
from quiz.launch import make_app
from quiz.ui.app import TorchQuizApp
from quiz.ui.home import HomeScreen
from quiz.ui.review import ReviewScreen, ReviewStep
from quiz.ui.verdict import VerdictPanel

from .conftest import FixedClock
from .pilots import ReadyClient, launched, until

SIZES = [(100, 32), (80, 24)]


@pytest.fixture
def with_a_pack(deck_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tests' decks as the bundled ones, and the demo pack installed (its folder)."""
    monkeypatch.setattr(quiz.paths, "bundled_decks_dir", lambda: deck_folder)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    return install_pack(site)


def build(db_path: Path, judge, **options) -> TorchQuizApp:
    return make_app(
        db_path, judge=judge, sandbox=ReadyClient, clock=FixedClock(), tz=UTC, **options
    )


def home_slugs(app: TorchQuizApp) -> list[str]:
    table = app.screen.query_one("#decks", DataTable)
    return [str(key.value) for key in table.rows]


def details(app: TorchQuizApp) -> str:
    return str(app.screen.query_one("#details", Static).content)


async def test_a_packs_deck_is_on_home_with_its_source_and_is_studied(
    with_a_pack: Path, db_path: Path, judge
):
    app = build(db_path, judge)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert isinstance(app.screen, HomeScreen)
        slugs = home_slugs(app)
        assert "pack-shapes" in slugs
        await pilot.press(*["down"] * slugs.index("pack-shapes"))
        await until(pilot, lambda: "pack-shapes" in details(app), "the pack's deck selected")
        assert "from pack torch-quiz-decks-demo 1.0" in details(app)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert app.session.focused == ("pack-shapes",)
        screen = app.screen
        await pilot.press(*"torch.Size([2, 3])", "enter")
        await until(pilot, lambda: screen.phase is ReviewStep.ANSWERED, "the verdict")
        assert "✓" in screen.query_one(VerdictPanel).plain.plain


@pytest.mark.parametrize("size", SIZES)
def test_home_with_a_packs_deck_selected(with_a_pack, db_path: Path, judge, snap_compare, size):
    async def select_the_pack(pilot) -> None:
        await launched(pilot)
        slugs = home_slugs(pilot.app)
        await pilot.press(*["down"] * slugs.index("pack-shapes"))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(build(db_path, judge), terminal_size=size, run_before=select_the_pack)
