"""Backup while another connection writes; the Anki package: valid, one note per card, stable."""

from __future__ import annotations

import sqlite3
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from quiz.deck.check import load_decks
from quiz.deck.starter import starter_deck
from quiz.errors import UserError
from quiz.progress.apkg import note_fields, note_guid, write_apkg
from quiz.progress.backup import backup, default_backup_path
from quiz.review.store import Store

from .conftest import T0, Learner, history


def test_backup_is_a_consistent_copy_while_a_write_transaction_is_open(
    tmp_path: Path, store: Store, learner: Learner
):
    history(learner)
    writer = sqlite3.connect(str(store.path))
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM reviews")  # uncommitted: must not reach the copy
    try:
        made = backup(store, tmp_path / "copy.sqlite3")
    finally:
        writer.rollback()
        writer.close()
    assert (made.reviews, made.cards) == (9, 5)
    with Store.open(made.path) as copy:
        assert copy.scalar("PRAGMA integrity_check") == "ok"
        assert copy.scalar("SELECT count(*) FROM reviews") == 9
        assert copy.scalar("PRAGMA journal_mode") == "wal"  # reopened as a normal database
    assert not list(tmp_path.glob(".copy*"))


def test_backup_while_another_process_keeps_writing(tmp_path: Path, store: Store):
    stop = threading.Event()
    started = threading.Event()
    written = []

    def keep_writing() -> None:
        with Store.open(store.path) as other:
            n = 0
            while not stop.is_set():
                learner = Learner(other)
                learner.answer("alpha/a1", 3, T0 + timedelta(minutes=n))
                n += 1
                written.append(n)
                if n == 5:
                    started.set()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        assert started.wait(30)
        copies = [backup(store, tmp_path / f"b{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    for made in copies:
        check = sqlite3.connect(str(made.path))
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        latest = check.execute("SELECT max(id) FROM reviews").fetchone()[0]
        state = check.execute("SELECT after_due FROM reviews WHERE id = ?", (latest,)).fetchone()
        card = check.execute("SELECT due FROM cards WHERE deck='alpha' AND card_id='a1'").fetchone()
        assert state == card  # the card's state is its latest review's: one snapshot
        check.close()


def test_backup_refuses_to_overwrite_or_copy_onto_itself(tmp_path: Path, store: Store):
    target = tmp_path / "copy.sqlite3"
    backup(store, target)
    with pytest.raises(UserError, match="already exists"):
        backup(store, target)
    backup(store, target, overwrite=True)
    with pytest.raises(UserError, match="database itself"):
        backup(store, store.path)


def test_default_backup_path(tmp_path: Path):
    path = default_backup_path(tmp_path / "progress.sqlite3", T0)
    assert path == tmp_path / "backups" / "progress-20250303-120000.sqlite3"


@pytest.fixture
def starter(tmp_path: Path):
    path = tmp_path / "starter.yaml"
    path.write_text(starter_deck(path, "Starter"), encoding="utf-8")
    deck_set = load_decks([path])
    assert not deck_set.errors
    return deck_set.decks


def _notes(path: Path, tmp_path: Path) -> list[tuple[str, str]]:
    assert zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path / path.stem)
    db = sqlite3.connect(str(tmp_path / path.stem / "collection.anki2"))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM cards").fetchone()[0] >= 1
        return sorted(db.execute("SELECT guid, flds FROM notes").fetchall())
    finally:
        db.close()


def test_apkg_is_a_zip_with_one_note_per_card_and_stable_guids(tmp_path: Path, starter):
    deck = starter[0]
    first, second = tmp_path / "one.apkg", tmp_path / "two.apkg"
    assert write_apkg(starter, first) == len(deck.cards)
    write_apkg(starter, second)
    notes_one, notes_two = _notes(first, tmp_path), _notes(second, tmp_path)
    assert len(notes_one) == len(deck.cards) == 5
    assert [g for g, _ in notes_one] == [g for g, _ in notes_two]
    assert {g for g, _ in notes_one} == {note_guid(deck.slug, c.id) for c in deck.cards}
    assert all(len(fields.split("\x1f")) == 4 for _, fields in notes_one)


def test_note_fields_of_each_kind(starter):
    deck = starter[0]
    fields = {card.kind.value: note_fields(deck, card) for card in deck.cards}
    assert set(fields) == {"output", "code", "cloze", "choice", "flash"}
    assert all(f.prompt and f.answer for f in fields.values())
    assert "____" not in fields["cloze"].answer


def test_guids_depend_on_deck_and_card():
    assert note_guid("a", "x") == note_guid("a", "x")
    assert len({note_guid("a", "x"), note_guid("a", "y"), note_guid("b", "x")}) == 3


def test_a_cards_given_replaces_the_decks_in_the_note(tmp_path: Path):
    """The note shows the givens the card is judged with, not both of a shadowed pair."""
    path = tmp_path / "shadow.yaml"
    path.write_text(
        "deck: shadow\ntitle: Shadow\ngiven: {x: torch.ones(2), y: torch.zeros(2)}\n"
        "cards:\n  - id: a\n    kind: output\n    given: {x: torch.arange(3)}\n"
        "    expr: x + y\n    accept: ['tensor([1, 2, 3])']\n",
        encoding="utf-8",
    )
    (deck,) = load_decks([path]).decks
    fields = note_fields(deck, deck.cards[0])
    assert fields.code == "y = torch.zeros(2)\nx = torch.arange(3)\nx + y"


def test_a_fresh_card_shows_its_fixed_draw_and_says_it_varies(tmp_path: Path, judge):
    from quiz.progress.apkg import fixed_draws

    path = tmp_path / "fresh.yaml"
    path.write_text(
        "deck: fresh\ntitle: Fresh\ngiven: {unused: torch.zeros(2)}\n"
        "cards:\n  - id: clamp\n    kind: output\n"
        "    fresh: true\n    given: {x: 'torch.randint(0, 10, (4,))'}\n"
        "    expr: x.clamp(2, 5)\n  - id: fixed\n    kind: output\n    expr: torch.ones(2)\n",
        encoding="utf-8",
    )
    (deck,) = load_decks([path]).decks
    draws = fixed_draws([deck], judge)
    assert list(draws) == [("fresh", "clamp")]  # only fresh cards need a draw
    fields = note_fields(deck, deck.cards[0], draws["fresh", "clamp"])
    # seed 0, as check; the deck's given the card does not use is drawn but not shown
    assert fields.code == "x = tensor([4, 9, 3, 0])\nx.clamp(2, 5)"
    assert fields.answer == "tensor([4, 5, 3, 2])"
    assert fields.varies and "randint" not in fields.code
    notes = tmp_path / "fresh.apkg"
    assert write_apkg([deck], notes, draws) == 2
    (clamp,) = [flds for _, flds in _notes(notes, tmp_path) if "tensor([4, 5, 3, 2])" in flds]
    assert "draws fresh values" in clamp
