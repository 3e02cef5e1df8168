"""Launching: ``torch-quiz review DECK...`` names decks by slug or file; bad names are errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from quiz.cli import app
from quiz.paths import bundled_decks_dir
from quiz.ui.app import editor_command
from quiz.ui.review import ReviewScreen

from .pilots import launched

runner = CliRunner()


def test_review_of_an_unknown_deck_is_a_clean_error(tmp_path: Path):
    result = runner.invoke(app, ["review", "no-such-deck", "--db", str(tmp_path / "p.sqlite3")])
    assert result.exit_code == 2
    looked = f"no deck 'no-such-deck' in {bundled_decks_dir()} (decks: activations"
    assert f"torch-quiz: error: {looked}" in result.output
    assert "Traceback" not in result.output


def test_review_of_a_broken_deck_file_names_its_problem(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: broken\ntitle: [\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(broken), "--db", str(tmp_path / "p.sqlite3")])
    assert result.exit_code == 2
    assert f"cannot load {broken}: {broken}:3:1: error: invalid YAML" in result.output


def test_an_unusable_database_is_a_clean_error(tmp_path: Path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database, just some notes\n" * 100, encoding="utf-8")
    result = runner.invoke(app, ["--db", str(junk)])
    assert result.exit_code == 2
    assert f"torch-quiz: error: {junk}" in result.output and "Traceback" not in result.output


async def test_review_a_deck_file_by_its_path(app_factory, tmp_path: Path, deck_folder: Path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "deck: mine\ntitle: Mine\ncards:\n  - {id: one, kind: flash, front: F, back: B}\n",
        encoding="utf-8",
    )
    app = app_factory(review=[str(extra), "bilingual"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.session.focused == ("bilingual", "mine")


def test_editor_command_opens_the_line():
    path = Path("/d/deck.yaml")
    assert editor_command(path, 12, {"EDITOR": "vim"}) == ["vim", "+12", "/d/deck.yaml"]
    assert editor_command(path, 3, {"VISUAL": "code", "EDITOR": "vim"}) == [
        "code",
        "--wait",
        "--goto",
        "/d/deck.yaml:3",
    ]
    assert editor_command(path, 3, {"EDITOR": "emacs -nw"}) == [
        "emacs",
        "-nw",
        "+3",
        "/d/deck.yaml",
    ]
    assert editor_command(path, 1, {}) == ["vi", "+1", "/d/deck.yaml"]
