"""The benchmark database generator, at a tiny size: a valid, consistent, usable database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from quiz.review.store import Store

from .conftest import ROOT_DIR
from .consistency import assert_consistent


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(ROOT_DIR / "bench"))
    import make_big_db
    import time_next_card

    return make_big_db, time_next_card


def test_a_small_generated_database_is_consistent_and_usable(bench, tmp_path: Path, capsys):
    make_big_db, time_next_card = bench
    path = tmp_path / "big.sqlite3"
    assert make_big_db.main([str(path), "--cards", "60", "--reviews", "500", "--decks", "3"]) == 0
    assert assert_consistent(path) == 500
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM cards").fetchone()[0] == 60
    assert conn.execute("SELECT count(DISTINCT deck) FROM cards").fetchone()[0] == 3
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"cards_by_due", "cards_new_in_order", "reviews_by_card"} <= indexes
    conn.close()
    Store.open(path).close()  # the app accepts it as its own
    assert time_next_card.main([str(path), "--repeat", "3"]) == 0
    assert "next card" in capsys.readouterr().out


def test_an_existing_file_is_kept_without_force(bench, tmp_path: Path):
    make_big_db, _ = bench
    path = tmp_path / "keep.sqlite3"
    path.write_text("precious")
    with pytest.raises(SystemExit):
        make_big_db.main([str(path), "--cards", "5", "--reviews", "5"])
    assert path.read_text() == "precious"
