"""The command line: help for every command, exit codes, new, paths and --db."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from quiz.cli import app
from quiz.deck.check import load_decks
from quiz.deck.loader import load_deck
from quiz.deck.model import CardKind
from quiz.paths import bundled_decks_dir

runner = CliRunner()


def command_names() -> list[str]:
    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_there_are_commands():
    assert {"check", "new", "paths"} <= set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help(name: str):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and command.help.strip()
    assert command.help.strip().splitlines()[0] in " ".join(result.output.split())


# typer's own placeholders: {path}, [[DECK...]]..., deck <str>, --deck <list[str]>, <int range>
PLACEHOLDER = re.compile(r"\{[^}]*\}|<[^>]*>|\[\[|\]\]|list\[")


@pytest.mark.parametrize("name", ["", *command_names()])
def test_help_names_values_plainly(name: str):
    result = runner.invoke(app, [name, "--help"] if name else ["--help"])
    assert result.exit_code == 0
    assert not PLACEHOLDER.findall(result.output), result.output


def test_arguments_are_named_as_the_help_names_them():
    assert (
        "Usage: torch-quiz grade [OPTIONS] DECK CARD ANSWER"
        in runner.invoke(app, ["grade", "--help"]).output
    )
    assert (
        "Usage: torch-quiz review [OPTIONS] [DECK...]"
        in runner.invoke(app, ["review", "--help"]).output
    )
    stats = runner.invoke(app, ["stats", "--help"]).output
    assert "--days N" in stats and "--deck DECK" in stats
    missing = runner.invoke(app, ["grade", "tensors"])
    assert missing.exit_code == 2 and "'CARD'" in missing.output


@pytest.mark.parametrize("name", command_names())
def test_every_command_takes_db(name: str):
    result = runner.invoke(app, [name, "--help"])
    assert "--db" in result.output


def test_top_level_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in command_names():
        assert name in result.output


def test_unknown_option_is_a_usage_error():
    result = runner.invoke(app, ["check", "--no-such-option"])
    assert result.exit_code == 2


def test_check_missing_path(tmp_path: Path, no_sandbox):
    missing = tmp_path / "nope.yaml"
    result = runner.invoke(app, ["check", str(missing)])
    assert result.exit_code == 1
    assert f"{missing}:1:1: error: no such file or folder" in result.output


def test_check_folder_without_decks(tmp_path: Path, no_sandbox):
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "no deck files" in result.output


def test_check_without_paths_checks_the_bundled_decks():
    """Every bundled file, deck and card; tests/test_bundled_decks.py runs each card, and
    the tests of check with paths run theirs, so only the format is checked here."""
    result = runner.invoke(app, ["check", "--no-run"])
    assert result.exit_code == 0, result.output
    bundled = load_decks([bundled_decks_dir()])
    assert bundled.card_count >= 300
    assert result.output == f"{bundled.summary()}\n"
    assert "no problems" in result.output


def test_new_writes_a_starter_deck_that_passes_check(tmp_path: Path):
    path = tmp_path / "sub" / "My Tensors.yaml"
    result = runner.invoke(app, ["new", str(path), "--title", "My tensors"])
    assert result.exit_code == 0, result.output
    loaded = load_deck(path)
    assert loaded.ok, [str(d) for d in loaded.diagnostics]
    assert loaded.deck.slug == "my-tensors"
    assert loaded.deck.title.get() == "My tensors"
    assert {card.kind for card in loaded.deck.cards} == set(CardKind)
    assert "#" in path.read_text()  # it is commented for the author
    assert runner.invoke(app, ["check", str(path)]).exit_code == 0


def test_new_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "deck.yaml"
    path.write_text("mine")
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_text() == "mine"
    assert runner.invoke(app, ["new", str(path), "--force"]).exit_code == 0
    assert load_deck(path).ok


def test_new_wants_a_yaml_name(tmp_path: Path):
    result = runner.invoke(app, ["new", str(tmp_path / "deck.txt")])
    assert result.exit_code == 1
    assert "ends in .yaml" in result.output
    assert not (tmp_path / "deck.txt").exists()


def test_new_reports_unwritable_place(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(app, ["new", str(blocker / "deck.yaml")])
    assert result.exit_code == 1
    assert "cannot write" in result.output


def test_default_database_is_in_the_data_folder(isolated_user_dirs: Path):
    result = runner.invoke(app, ["paths"])
    expected = isolated_user_dirs / "data" / "torch-quiz" / "progress.sqlite3"
    assert f"database:      {expected}" in result.output


def test_the_deck_cache_is_in_the_temporary_folder_too(isolated_user_dirs: Path):
    """A test never writes the learner's real cache (XDG_CACHE_HOME may be set outside)."""
    from quiz.deck.cache import cache_path

    assert cache_path().is_relative_to(isolated_user_dirs)


def test_db_option_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from_env = tmp_path / "env.sqlite3"
    from_option = tmp_path / "option.sqlite3"
    monkeypatch.setenv("TORCH_QUIZ_DB", str(from_env))
    assert f"database:      {from_env}" in runner.invoke(app, ["paths"]).output
    result = runner.invoke(app, ["paths", "--db", str(from_option)])
    assert f"database:      {from_option}" in result.output


def test_db_before_the_command_reaches_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``torch-quiz --db X stats`` means X, as ``torch-quiz stats --db X`` does."""
    before, after = tmp_path / "before.sqlite3", tmp_path / "after.sqlite3"
    monkeypatch.setenv("TORCH_QUIZ_DB", str(tmp_path / "env.sqlite3"))
    result = runner.invoke(app, ["--db", str(before), "paths"])
    assert f"database:      {before}" in result.output
    result = runner.invoke(app, ["--db", str(before), "paths", "--db", str(after)])
    assert f"database:      {after}" in result.output


def test_python_dash_m_and_version():
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("torch-quiz ")
