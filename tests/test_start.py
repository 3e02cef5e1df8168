"""The entry point: a bare launch skips typer; everything else is the typer command line."""

from __future__ import annotations

import gc
import re
import subprocess
import sys
from pathlib import Path

import pytest

import quiz.launch
from quiz.launch import run_app
from quiz.start import plain_launch


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (True, None)),
        (["--db", "x.sqlite3"], (True, Path("x.sqlite3"))),
        (["--db=x.sqlite3"], (True, Path("x.sqlite3"))),
        (["--db"], (False, None)),
        (["--db="], (False, None)),
        (["--db", "--help"], (False, None)),
        (["--help"], (False, None)),
        (["--version"], (False, None)),
        (["check"], (False, None)),
        (["--db", "x", "review"], (False, None)),
    ],
)
def test_plain_launch(args: list[str], expected: tuple[bool, Path | None]):
    assert plain_launch(args) == expected


def test_everything_else_reaches_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("torch-quiz ")


def test_a_bad_database_ends_the_app_with_a_clean_error(tmp_path: Path):
    """The database opens after the first frame; a bad one ends the app at once and the
    reason is the last line printed, once the screen is restored."""
    foreign = tmp_path / "foreign.sqlite3"
    foreign.write_bytes(b"this is not a database at all" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(foreign)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    plain = re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]", "", result.stderr)  # the app's drawing
    tail = plain[plain.rindex("torch-quiz: error: ") :].strip()
    assert "not a torch-quiz database" in tail and "\n" not in tail  # one line, the last
    assert "Traceback" not in result.stderr
    assert foreign.read_bytes().startswith(b"this is not a database")


class _StartingApp:
    """Stands in for the app: records whether the collector ran at each stage."""

    def __init__(self, on_opened) -> None:
        self.on_opened = on_opened
        self.open_error = None
        self.collecting: list[tuple[str, bool]] = []

    def run(self) -> None:
        self.collecting.append(("first frame", gc.isenabled()))
        self.on_opened()
        self.collecting.append(("progress open", gc.isenabled()))


@pytest.fixture
def launched_apps(monkeypatch: pytest.MonkeyPatch) -> list[_StartingApp]:
    """``run_app`` makes stand-in apps, listed here; the collector is restored after."""
    made: list[_StartingApp] = []

    def make_app(db, *, review, on_opened):
        made.append(_StartingApp(on_opened))
        return made[-1]

    monkeypatch.setattr(quiz.launch, "make_app", make_app)
    yield made
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_off_until_progress_is_open(launched_apps, tmp_path: Path):
    frozen_before = gc.get_freeze_count()
    run_app(tmp_path / "progress.sqlite3", None)
    assert launched_apps[0].collecting == [("first frame", False), ("progress open", True)]
    assert gc.get_freeze_count() > frozen_before  # start-up's objects left out of scans


def test_without_the_pause_the_collector_runs_throughout(launched_apps, monkeypatch, tmp_path):
    """``PAUSE_COLLECTOR`` off (as the bench compares) leaves the collector alone."""
    monkeypatch.setattr(quiz.launch, "PAUSE_COLLECTOR", False)
    frozen_before = gc.get_freeze_count()
    run_app(tmp_path / "progress.sqlite3", None)
    assert launched_apps[0].collecting == [("first frame", True), ("progress open", True)]
    assert gc.get_freeze_count() == frozen_before


def test_an_app_quit_before_opening_still_turns_the_collector_back_on(
    launched_apps, monkeypatch, tmp_path: Path
):
    monkeypatch.setattr(_StartingApp, "run", lambda self: None)  # quit before opening
    run_app(tmp_path / "progress.sqlite3", None)
    assert launched_apps and gc.isenabled()
