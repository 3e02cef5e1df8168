"""The entry point: a bare launch skips typer; everything else is the typer command line."""

from __future__ import annotations

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


def test_a_bad_database_is_a_clean_error_before_the_app_starts(tmp_path: Path):
    foreign = tmp_path / "foreign.sqlite3"
    foreign.write_bytes(b"this is not a database at all" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(foreign)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith("torch-quiz: error: ")
    assert "Traceback" not in result.stderr
    assert foreign.read_bytes().startswith(b"this is not a database")
