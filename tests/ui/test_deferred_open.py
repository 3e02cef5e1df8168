"""The launch path: Home is drawn from the decks first, and progress opens just after."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual import work
from textual.widgets import DataTable, Static

from quiz.review.errors import StoreError
from quiz.review.opening import StudyPlan, load_study, open_session
from quiz.ui.app import TorchQuizApp
from quiz.ui.home import HomeScreen
from quiz.ui.seams import TorchState

from .conftest import FixedClock
from .pilots import ReadyClient, launched, until


def summary(app: TorchQuizApp) -> str:
    return str(app.screen.query_one("#summary", Static).content)


def app_with(study: StudyPlan, opener, sandbox=ReadyClient) -> TorchQuizApp:
    return TorchQuizApp(opener, decks=study.decks.decks, sandbox=sandbox)


async def test_home_shows_the_decks_before_progress_opens(deck_folder: Path, db_path: Path, judge):
    study = load_study([deck_folder])
    seen: list[tuple[int, str, bool]] = []

    def opener():
        # What the learner saw before progress was opened.
        screen = app.screen
        table = screen.query_one("#decks", DataTable)
        seen.append((table.row_count, summary(app), app.session_ready()))
        return open_session(db_path, judge, study, clock=FixedClock(), check_same_thread=False)

    app = app_with(study, opener)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await until(pilot, lambda: "today, all decks" in summary(app), "Home's figures")
        assert seen == [(len(study.decks.decks), seen[0][1], False)]  # opened once
        assert "opening your progress…" in seen[0][1]
        assert isinstance(app.screen, HomeScreen) and app.session is not None
        assert app.screen_stack == [app.screen]  # Home is the app's own first screen
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, HomeScreen), "a study screen")


async def test_progress_opens_off_the_event_loop(deck_folder: Path, db_path: Path, judge):
    """The database's checks, migrations and the deck sync never hold the screen."""
    study = load_study([deck_folder])
    threads: list[int] = []

    def opener():
        threads.append(threading.get_ident())
        return open_session(db_path, judge, study, clock=FixedClock(), check_same_thread=False)

    app = app_with(study, opener)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: "today, all decks" in summary(app), "Home's figures")
        assert threads and threads[0] != threading.get_ident()  # not the event loop's
        await pilot.press("enter")  # and the session, opened there, is used here
        await until(pilot, lambda: not isinstance(app.screen, HomeScreen), "a study screen")


async def test_progress_that_cannot_open_ends_the_app_with_its_reason(deck_folder: Path):
    study = load_study([deck_folder])

    def opener():
        raise StoreError(Path("x.sqlite3"), "is not a torch-quiz database")

    app = app_with(study, opener)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.return_code is not None, "the app to end")
    assert app.return_code == 2
    assert app.open_error is not None and "not a torch-quiz database" in app.open_error


async def test_the_sandbox_is_started_once_home_is_drawn(deck_folder: Path, db_path: Path, judge):
    """Importing the client and spawning torch's worker wait for Home's first frame."""
    study = load_study([deck_folder])
    client = ReadyClient()
    made: list[tuple[int, TorchState]] = []

    def sandbox() -> ReadyClient:
        table = app.screen.query_one("#decks", DataTable)
        made.append((table.row_count, app.torch_state))
        return client

    app = app_with(
        study,
        lambda: open_session(db_path, judge, study, clock=FixedClock(), check_same_thread=False),
        sandbox,
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert made == [(len(study.decks.decks), TorchState.LOADING)]  # once, decks shown
        assert client.waited == 1
    assert client.closed == 1


async def test_an_engine_that_cannot_load_ends_the_app_with_its_reason(
    deck_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    """If the review engine's modules fail to import, the app ends and says why."""
    study = load_study([deck_folder])

    @work(thread=True, exclusive=True, exit_on_error=False, name="open")
    def broken_engine(self: TorchQuizApp) -> None:
        raise ImportError("No module named 'fsrs'")

    monkeypatch.setattr(TorchQuizApp, "open_session", broken_engine)
    app = app_with(study, lambda: pytest.fail("never opened"))
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.return_code is not None, "the app to end")
    assert app.return_code == 2
    assert app.open_error is not None and "No module named 'fsrs'" in app.open_error
