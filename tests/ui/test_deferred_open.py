"""The launch path: Home is drawn from the decks first, and progress opens just after."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import work
from textual.widgets import DataTable, Static

from quiz.review.errors import StoreError
from quiz.review.opening import StudyPlan, load_study, open_session
from quiz.ui.app import TorchQuizApp
from quiz.ui.home import HomeScreen

from .conftest import FixedClock, ReadyClient


def summary(app: TorchQuizApp) -> str:
    return str(app.screen.query_one("#summary", Static).content)


def deferred_app(study: StudyPlan, opener, after_open) -> TorchQuizApp:
    """The app as the command line makes it: no session yet, ``opener`` opens it."""
    return TorchQuizApp(
        None, opener=opener, decks=study.decks.decks, client=ReadyClient(), after_open=after_open
    )


async def test_home_shows_the_decks_before_progress_opens(deck_folder: Path, db_path: Path, judge):
    study = load_study([deck_folder])
    seen: list[tuple[int, str, bool]] = []

    def opener():
        # What the learner saw before progress was opened.
        screen = app.screen
        table = screen.query_one("#decks", DataTable)
        seen.append((table.row_count, summary(app), app.session_ready()))
        return open_session(db_path, judge, study, clock=FixedClock())

    opened: list[bool] = []
    app = deferred_app(study, opener, lambda: opened.append(True))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen == [(len(study.decks.decks), seen[0][1], False)]
        assert opened == [True]  # once
        assert "opening your progress…" in seen[0][1]
        assert isinstance(app.screen, HomeScreen) and app.session is not None
        assert app.screen_stack == [app.screen]  # Home is the app's own first screen
        assert "today, all decks" in summary(app)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, HomeScreen)  # now it studies


async def test_progress_that_cannot_open_ends_the_app_with_its_reason(deck_folder: Path):
    study = load_study([deck_folder])

    def opener():
        raise StoreError(Path("x.sqlite3"), "is not a torch-quiz database")

    opened: list[bool] = []
    app = deferred_app(study, opener, lambda: opened.append(True))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert opened == [True]  # the attempt ended: the collector comes back either way
    assert app.open_error is not None and "not a torch-quiz database" in app.open_error


async def test_the_sandbox_is_started_once_home_is_drawn(deck_folder: Path, db_path: Path, judge):
    """Importing the client and spawning torch's worker wait for Home's first frame."""
    study = load_study([deck_folder])
    client = ReadyClient()
    made: list[tuple[int, str]] = []

    def sandbox() -> ReadyClient:
        table = app.screen.query_one("#decks", DataTable)
        made.append((table.row_count, app.torch_state))
        return client

    app = TorchQuizApp(
        None,
        opener=lambda: open_session(db_path, judge, study, clock=FixedClock()),
        decks=study.decks.decks,
        sandbox=sandbox,
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert made == [(len(study.decks.decks), "loading")]  # once, with the decks shown
        assert app.client is client and client.warmed == 1
        assert app.torch_state == "ready"
    assert client.closed == 1


async def test_an_engine_that_cannot_load_is_reported_and_the_app_goes_on(
    deck_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    """If the review engine's modules fail to import, the learner sees why, Home stays up,
    and ``after_open`` still runs (the command line turns the collector back on there)."""
    study = load_study([deck_folder])

    @work(thread=True, exclusive=True, exit_on_error=False, name="open")
    def broken_engine(self: TorchQuizApp) -> None:
        raise ImportError("No module named 'fsrs'")

    monkeypatch.setattr(TorchQuizApp, "open_session", broken_engine)
    ended: list[bool] = []
    app = TorchQuizApp(
        None,
        opener=lambda: pytest.fail("never opened"),
        decks=study.decks.decks,
        client=ReadyClient(),
        after_open=lambda: ended.append(True),
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ended == [True]
        assert isinstance(app.screen, HomeScreen) and app.session is None
        assert any("fsrs" in str(n.message) for n in app._notifications)
