"""The command line's one boundary for refusals: one line ``torch-quiz: error: ...``, never
a traceback, exit 2 for bad usage (``grade``, ``review``) and 1 for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.deck.append import AppendError
from quiz.deck.cardform import FormError
from quiz.errors import UserError
from quiz.paths import bundled_decks_dir
from quiz.progress import commands
from quiz.progress.importer import ImportFileError
from quiz.review.errors import ReviewError, SettingsError, StoreError

runner = CliRunner()

REFUSALS = [
    UserError("the plain kind"),
    ReviewError("nothing to undo"),
    StoreError("/x/p.sqlite3", "is not a torch-quiz database"),
    SettingsError("/x/p.sqlite3", "theme", "unknown theme"),
    ImportFileError("/x/e.json: not an export"),
    AppendError("/x/d.yaml is read-only; nothing was written"),
    FormError("the card needs an id"),
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda error: type(error).__name__)
def test_every_user_error_is_one_line_and_exit_1(
    refusal: UserError, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    def refuse(*args: object, **kwargs: object) -> str:
        raise refusal

    monkeypatch.setattr(commands, "stats", refuse)
    result = runner.invoke(app, ["stats", "--db", str(tmp_path / "p.sqlite3")])
    assert result.exit_code == 1
    assert result.output == f"torch-quiz: error: {refusal}\n"


def test_an_unknown_deck_for_grade_names_where_it_looked_and_exits_2():
    result = runner.invoke(app, ["grade", "no-such-deck", "x", "1"])
    assert result.exit_code == 2
    looked = f"no deck 'no-such-deck' in {bundled_decks_dir()} (decks: activations, arithmetic"
    assert result.output.startswith(f"torch-quiz: error: {looked}")
    assert result.output.count("\n") == 1


def test_grade_refuses_a_folder_instead_of_taking_its_first_deck():
    result = runner.invoke(app, ["grade", str(bundled_decks_dir()), "x", "1"])
    assert result.exit_code == 2
    assert result.output == (
        f"torch-quiz: error: cannot load {bundled_decks_dir()}: it is a folder; "
        "name one deck file in it, or a deck's slug\n"
    )


def test_grade_of_a_broken_deck_file_is_one_line_with_its_first_problem(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: broken\ntitle: [\n", encoding="utf-8")
    result = runner.invoke(app, ["grade", str(broken), "x", "1"])
    assert result.exit_code == 2
    assert result.output.startswith(f"torch-quiz: error: cannot load {broken}: {broken}:3:1: ")
    assert result.output.count("\n") == 1


def test_an_unknown_deck_in_the_database_names_the_database(tmp_path: Path):
    db = tmp_path / "p.sqlite3"
    assert runner.invoke(app, ["stats", "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["stats", "--deck", "nope", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"torch-quiz: error: no deck 'nope' in {db} (decks: none yet)\n"


def test_an_anki_export_of_an_unknown_deck_names_the_folders_searched(tmp_path: Path):
    out = tmp_path / "out.apkg"
    result = runner.invoke(app, ["export", "-f", "apkg", "-o", str(out), "--deck", "nope"])
    assert result.exit_code == 1
    looked = f"no deck 'nope' in {bundled_decks_dir()} (decks: activations"
    assert result.output.startswith(f"torch-quiz: error: {looked}")
    assert not out.exists()


def test_a_starter_deck_that_cannot_be_written_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    target = blocker / "deck.yaml"
    result = runner.invoke(app, ["new", str(target)])
    assert result.exit_code == 1
    assert result.output.startswith(f"torch-quiz: error: {target}: cannot write: ")
    assert result.output.count("\n") == 1
