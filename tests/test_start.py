"""The entry point: a bare launch skips typer; everything else is the typer command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

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
