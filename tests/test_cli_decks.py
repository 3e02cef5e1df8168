"""Decks opened by path are remembered: ``torch-quiz decks``, ``export``, ``grade`` find them.

The bundled decks are stood in for by one small deck, so no test here loads them all;
nothing here needs torch (``no_sandbox``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import quiz.paths
from quiz.cli import app
from quiz.review.opening import load_study, open_session

runner = CliRunner()


def flash_deck(slug: str) -> str:
    return f"""format: 1
deck: {slug}
title: "{slug.title()}"
cards:
  - id: rsqrt
    kind: flash
    front: What does `x.rsqrt()` compute?
    back: 1 / sqrt(x), element-wise.
"""


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bundled"
    folder.mkdir()
    (folder / "basics.yaml").write_text(flash_deck("basics"), encoding="utf-8")
    monkeypatch.setattr(quiz.paths, "bundled_decks_dir", lambda: folder)
    return folder


def study_by_path(db: Path, deck_file: Path) -> None:
    """What ``torch-quiz review PATH`` does before its first screen: open, sync, remember."""
    open_session(db, None, load_study(review=[str(deck_file)], db_path=db)).close()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_a_deck_opened_by_path_is_remembered_until_forgotten(
    tmp_path: Path, bundled: Path, no_sandbox
):
    db = str(tmp_path / "progress.sqlite3")
    elsewhere = tmp_path / "somewhere" / "my-deck.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(flash_deck("my-deck"), encoding="utf-8")
    study_by_path(Path(db), elsewhere)

    code, out = cli("decks", "--db", db)
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert "bundled" in rows["basics"] and "opened by path" in rows["my-deck"]
    assert str(elsewhere) in rows["my-deck"] and " 1 " in rows["my-deck"]
    code, out = cli("decks", "--json", "--db", db)
    listed = {deck["slug"]: deck for deck in json.loads(out)["decks"]}
    assert listed["my-deck"] == {
        "slug": "my-deck",
        "title": "My-Deck",
        "source": "opened by path",
        "cards": 1,
        "path": str(elsewhere),
        "missing": False,
    }

    package = tmp_path / "mine.apkg"
    code, out = cli(
        "export", "--format", "apkg", "--deck", "my-deck", "-o", str(package), "--db", db
    )
    assert code == 0 and package.is_file() and "1 note in 1 deck (Anki package)" in out

    # the file is gone: said in one line, its progress kept
    elsewhere.rename(tmp_path / "moved.yaml")
    code, out = cli(
        "export", "--format", "apkg", "--deck", "my-deck", "-o", str(package), "--db", db
    )
    assert code == 1 and len(out.strip().splitlines()) == 1
    assert f"was opened from {elsewhere}, which is gone; its progress is kept" in out
    code, out = cli("decks", "--db", db)
    assert "(file gone; progress kept)" in out and "opened by path" in out

    code, out = cli("decks", "--forget", "basics", "--db", db)
    assert code == 1 and "no deck 'basics' opened by path is remembered" in out
    code, out = cli("decks", "--forget", "my-deck", "--db", db)
    assert code == 0 and "forgot my-deck" in out and "progress is kept" in out
    code, out = cli("decks", "--json", "--db", db)
    listed = {deck["slug"]: deck for deck in json.loads(out)["decks"]}
    assert listed["my-deck"]["source"] == "progress only" and listed["my-deck"]["cards"] == 1


def test_decks_names_the_learners_folder_and_needs_no_database(
    tmp_path: Path, bundled: Path, no_sandbox
):
    mine = quiz.paths.user_decks_dir()
    mine.mkdir(parents=True)
    (mine / "own.yaml").write_text(flash_deck("own"), encoding="utf-8")
    db = tmp_path / "none-yet.sqlite3"
    code, out = cli("decks", "--db", str(db))
    assert code == 0 and "your decks folder" in out.splitlines()[2] and "own" in out
    assert not db.exists()
