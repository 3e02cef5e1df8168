"""The progress commands from the command line: --db, empty databases, clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.review.store import Store

from .conftest import Learner, history

runner = CliRunner()
COMMANDS = ("stats", "export", "import", "backup", "optimize", "report")


@pytest.fixture
def db(store: Store, learner: Learner) -> Path:
    history(learner)
    return store.path


@pytest.mark.parametrize("name", COMMANDS)
def test_help_and_db_option(name: str):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0 and "--db" in result.output


def test_every_command_works_on_an_empty_database(tmp_path: Path):
    db = str(tmp_path / "empty.sqlite3")
    result = runner.invoke(app, ["stats", "--db", db])
    assert result.exit_code == 0 and "No progress yet" in result.output
    assert json.loads(runner.invoke(app, ["stats", "--json", "--db", db]).output)["schema"] == 1
    result = runner.invoke(app, ["export", "--format", "csv", "--db", db])
    assert result.exit_code == 0 and result.output.startswith("reviewed_at,deck,card")
    out = tmp_path / "empty.json"
    assert runner.invoke(app, ["export", "-o", str(out), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["import", str(out), "--db", db])
    assert result.exit_code == 0 and "nothing new" in result.output
    result = runner.invoke(app, ["backup", str(tmp_path / "b.sqlite3"), "--db", db])
    assert result.exit_code == 0 and "0 reviews" in result.output
    result = runner.invoke(app, ["optimize", "--db", db])
    assert result.exit_code == 0 and "more needed" in result.output
    result = runner.invoke(app, ["report", str(tmp_path / "r.html"), "--db", db])
    assert result.exit_code == 0 and (tmp_path / "r.html").exists()


def test_a_csv_export_has_presentations_and_is_not_imported(db: Path, tmp_path: Path):
    """The csv export ends with a presentation column; importing it says to use json."""
    out = tmp_path / "reviews.csv"
    assert (
        runner.invoke(app, ["export", "--format", "csv", "-o", str(out), "--db", str(db)]).exit_code
        == 0
    )
    assert out.read_text(encoding="utf-8").splitlines()[0].endswith(",due,presentation")
    result = runner.invoke(app, ["import", str(out), "--db", str(db)])
    assert result.exit_code == 1
    assert "is a csv export" in result.output and "--format json" in result.output


WRONG_FILES = {
    "fsrs.csv": (b"card_id,review_time,review_rating\n1,2,3\n", "is an fsrs review log"),
    "progress.csv": (b"date,card,grade\n2025-03-01,x,3\n", "is a CSV file, not a json export"),
    "cards.apkg": (b"PK\x03\x04" + bytes(60), "is an Anki package, which holds cards"),
    "copy.sqlite3": (b"SQLite format 3\x00" + bytes(84), "is an SQLite database, not an export"),
    "empty.json": (b"", "is empty"),
    "notes.txt": (b"hello\n", "is not JSON, so not a torch-quiz export"),
}


@pytest.mark.parametrize("name", [*WRONG_FILES, "a-folder"])
def test_import_names_the_export_it_needs(name: str, db: Path, tmp_path: Path):
    """A file that is not a json export says what it is and which export to make, in
    one line: never 'not valid JSON; truncated?' for a CSV, an Anki package or a folder."""
    path = tmp_path / name
    if name == "a-folder":
        path.mkdir()
        said = "is a folder, not an export file"
    else:
        content, said = WRONG_FILES[name]
        path.write_bytes(content)
    result = runner.invoke(app, ["import", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.startswith(f"torch-quiz: error: {path}: {said}")
    assert "torch-quiz export --format json" in result.output
    assert "truncated" not in result.output and len(result.output.splitlines()) == 1


def test_stats_json_and_table_through_env(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TORCH_QUIZ_DB", str(db))
    data = json.loads(runner.invoke(app, ["stats", "--json", "--forecast", "3"]).output)
    assert data["overall"]["cards"]["total"] == 5 and len(data["overall"]["forecast"]) == 3
    result = runner.invoke(app, ["stats", "--deck", "alpha"])
    assert result.exit_code == 0 and "alpha" in result.output and "retention" in result.output
    result = runner.invoke(app, ["stats", "--deck", "nope"])
    assert result.exit_code == 1 and "torch-quiz: error: no deck 'nope'" in result.output


def test_export_files_and_round_trip(tmp_path: Path, db: Path):
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["export", "-f", "json", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0 and "9 reviews" in result.output
    other = tmp_path / "other.sqlite3"
    result = runner.invoke(app, ["import", str(out), "--db", str(other)])
    assert result.exit_code == 0 and "added 2 decks, 5 cards and 9 reviews" in result.output
    result = runner.invoke(app, ["import", str(out), "--db", str(other)])
    assert "nothing new" in result.output
    fsrs = runner.invoke(app, ["export", "-f", "fsrs", "--since", "2025-03-02", "--db", str(db)])
    assert (
        fsrs.output.splitlines()[0]
        == "card_id,review_time,review_rating,review_state,review_duration"
    )
    assert len(fsrs.output.splitlines()) == 1 + 4


def test_export_apkg_of_the_bundled_decks(tmp_path: Path):
    out = tmp_path / "decks.apkg"
    result = runner.invoke(app, ["export", "-f", "apkg", "-o", str(out), "--deck", "arithmetic"])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out)
    result = runner.invoke(app, ["export", "-f", "apkg"])
    assert result.exit_code == 1 and "-o FILE.apkg" in result.output


def test_bad_input_is_one_line(tmp_path: Path, db: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "torch-quiz-progress", "version": 1, "decks": [', encoding="utf-8")
    before = list(Store.open(db).db.conn.iterdump())
    for args in (
        ["import", str(bad)],
        ["import", str(tmp_path / "missing.json")],
        ["export", "-f", "xml"],
        ["export", "--since", "yesterday"],
        ["backup", str(db)],
    ):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 1, args
        assert result.output.startswith("torch-quiz: error: ") and result.output.count("\n") == 1
    assert list(Store.open(db).db.conn.iterdump()) == before


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_no_traceback_in_a_real_process(tmp_path: Path):
    env = dict(os.environ, TORCH_QUIZ_DB=str(tmp_path / "p.sqlite3"))
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"some": "other app"}', encoding="utf-8")
    not_db = tmp_path / "not-a-db.sqlite3"
    not_db.write_text("hello", encoding="utf-8")
    for args in (("import", str(foreign)), ("stats", "--db", str(not_db))):
        result = _run(*args, env=env)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr + result.stdout
        assert result.stderr.startswith("torch-quiz: error: ")
