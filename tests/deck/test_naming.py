"""Which deck a name means (``quiz.deck.naming``): slugs, deck files, and the messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.deck.check import DeckSet, load_decks
from quiz.deck.naming import (
    deck_files,
    find_decks,
    is_deck_file,
    no_deck_message,
    not_loaded_message,
)
from quiz.errors import UserError


def deck_text(slug: str) -> str:
    return f"deck: {slug}\ntitle: {slug}\ncards:\n  - {{id: one, kind: flash, front: F, back: B}}\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A searched folder with the decks alpha and beta."""
    decks = tmp_path / "decks"
    decks.mkdir()
    for slug in ("alpha", "beta"):
        (decks / f"{slug}.yaml").write_text(deck_text(slug), encoding="utf-8")
    return decks


def find(folder: Path, *names: str) -> list[str]:
    """Load as the app does (the folder plus the files named), then resolve ``names``."""
    deck_set = load_decks([folder, *deck_files(names)])
    return [deck.slug for deck in find_decks(deck_set, names, [folder])]


def refusal(folder: Path, *names: str) -> str:
    with pytest.raises(UserError) as raised:
        find(folder, *names)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_slugs_and_files_mean_their_decks_in_order_each_once(folder: Path, tmp_path: Path):
    mine = tmp_path / "mine.yml"
    mine.write_text(deck_text("mine"), encoding="utf-8")
    named = ["beta", str(mine), "alpha", "beta", str(folder / "beta.yaml")]
    assert find(folder, *named) == ["beta", "mine", "alpha"]


def test_a_relative_path_means_the_same_file(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder.parent)
    assert find(folder, "decks/alpha.yaml", "./decks/beta.yaml") == ["alpha", "beta"]


def test_no_names_mean_no_decks(folder: Path):
    assert find(folder) == []


def test_an_unknown_slug_names_where_it_was_looked_for_and_what_is_there(
    folder: Path, tmp_path: Path
):
    other = tmp_path / "other"
    other.mkdir()
    deck_set = load_decks([folder, other])
    with pytest.raises(UserError) as raised:
        find_decks(deck_set, ["alpah"], [folder, other])
    assert str(raised.value) == f"no deck 'alpah' in {folder}, {other} (decks: alpha, beta)"


def test_a_broken_file_gives_its_first_problem_and_counts_the_others(folder: Path, tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: broken\ntitle: Broken\ncards:\n  - {id: a, kind: nope}\n  - 3\n")
    message = refusal(folder, str(broken))
    problems = load_decks([broken]).errors
    assert len(problems) > 1
    assert message == f"cannot load {broken}: {problems[0]} (and {len(problems) - 1} more problems)"


def test_a_file_with_one_problem_gives_just_that(folder: Path, tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: broken\ntitle: [\n", encoding="utf-8")
    (problem,) = load_decks([broken]).errors
    assert str(problem).startswith(f"{broken}:3:1: error: invalid YAML")
    assert refusal(folder, str(broken)) == f"cannot load {broken}: {problem}"


def test_a_missing_deck_file_says_so(folder: Path, tmp_path: Path):
    missing = tmp_path / "missing.yaml"
    message = refusal(folder, str(missing))
    assert message == f"cannot load {missing}: {missing}:1:1: error: no such file or folder"


def test_a_folder_is_not_a_deck_even_with_decks_in_it(folder: Path):
    message = refusal(folder, str(folder))
    assert message == (
        f"cannot load {folder}: it is a folder; name one deck file in it, or a deck's slug"
    )


def test_a_file_whose_slug_another_deck_has_names_the_clash(folder: Path, tmp_path: Path):
    copy = tmp_path / "copy.yaml"
    copy.write_text(deck_text("alpha"), encoding="utf-8")
    message = refusal(folder, str(copy))
    assert message.startswith(f"cannot load {copy}: {copy}:1:")
    assert message.endswith(
        f"deck 'alpha' is also claimed by {folder / 'alpha.yaml'}:1:1; each deck needs its own slug"
    )


def test_an_existing_file_of_another_suffix_is_a_path_not_a_slug(folder: Path, tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("deck: notes\n", encoding="utf-8")
    assert is_deck_file(str(notes)) and not is_deck_file("notes")
    assert refusal(folder, str(notes)).startswith(f"cannot load {notes}: ")


def test_a_yaml_suffix_makes_a_path_even_when_missing():
    assert is_deck_file("missing.yaml") and is_deck_file("dir/missing.yml")
    assert not is_deck_file("alpha")
    assert deck_files(["alpha", "x.yaml", "beta"]) == [Path("x.yaml")]


def test_the_messages_list_known_decks_sorted_or_none():
    assert no_deck_message("x", "/db", ["b", "a"]) == "no deck 'x' in /db (decks: a, b)"
    assert no_deck_message("x", "/db", []) == "no deck 'x' in /db (decks: none yet)"


def test_a_file_that_gave_no_deck_and_no_problem_says_it_holds_none(tmp_path: Path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert not_loaded_message(str(empty), DeckSet()) == f"cannot load {empty}: it holds no deck"
