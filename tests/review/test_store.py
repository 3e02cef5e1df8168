"""Opening the database: schema and migrations, WAL, and clear errors that never touch the file."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from quiz.progress.stats import retention_by_deck
from quiz.review.cards import card_counts
from quiz.review.errors import SettingsError, StoreError
from quiz.review.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from quiz.review.settings import Settings
from quiz.review.store import Store


def test_a_new_database_gets_the_whole_schema(db_path: Path):
    with Store.open(db_path) as store:
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
        assert store.scalar("PRAGMA application_id") == APPLICATION_ID
        assert store.scalar("PRAGMA busy_timeout") > 0
        tables = set(store.db.table_names())
        assert {"decks", "cards", "reviews", "settings", "_sqlite_migrations"} <= tables
        applied = [m.name for m in migrations.applied(store.db)]
        assert applied == [
            "0001_initial",
            "0002_queue_indexes",
            "0003_review_presentation",
            "0004_remembered_decks",
            "0005_deck_choices",
            "0006_read_indexes",
        ]
        assert len(applied) == SCHEMA_VERSION


def test_reopening_applies_nothing_twice(db_path: Path):
    Store.open(db_path).close()
    with Store.open(db_path) as store:
        assert store.scalar("SELECT count(*) FROM _sqlite_migrations") == SCHEMA_VERSION


def test_an_older_database_is_migrated_and_keeps_its_data(db_path: Path):
    db = Database(db_path)
    migrations.apply(db, stop_before="0002_queue_indexes")
    db.execute("INSERT INTO settings (key, value) VALUES ('new_per_day', '7')")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    with Store.open(db_path) as store:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
        assert "cards_by_due" in {index.name for index in store.db["cards"].indexes}
        assert store.settings.new_per_day == 7


def test_reviews_of_an_older_database_keep_their_data_and_gain_a_presentation(db_path: Path):
    db = Database(db_path)
    migrations.apply(db, stop_before="0003_review_presentation")
    db.execute("INSERT INTO decks VALUES ('d', 'D', 'd.yaml', 't', 't')")
    db.execute(
        "INSERT INTO cards (id, deck, card_id, kind, position, content_hash, added_at, state) "
        "VALUES (1, 'd', 'c', 'choice', 0, 'h', 't', 0)"
    )
    db.execute(
        "INSERT INTO reviews (reviewed_at, card, deck, card_id, kind, answer, rating, "
        "before_state, after_state) VALUES ('t', 1, 'd', 'c', 'choice', '2', 3, 0, 1)"
    )
    assert "presentation" not in db["reviews"].columns_dict
    db.close()
    with Store.open(db_path) as store:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
        row = store.query("SELECT answer, rating, presentation FROM reviews")[0]
        assert (row["answer"], row["rating"], row["presentation"]) == ("2", 3, None)


def test_the_heavy_reads_of_an_older_database_come_from_indexes_alone(db_path: Path):
    """Card counts and the answers per study day never read the tables row by row once
    ``0006_read_indexes`` has run (the query plans say so)."""
    db = Database(db_path)
    migrations.apply(db, stop_before="0006_read_indexes")
    db.execute("INSERT INTO decks VALUES ('d', 'D', 'd.yaml', 't', 't')")
    db.execute(
        "INSERT INTO cards (id, deck, card_id, kind, position, content_hash, added_at, state) "
        "VALUES (1, 'd', 'c', 'flash', 0, 'h', 't', 0)"
    )
    db.close()
    with Store.open(db_path) as store:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION == 6
        indexes = {index.name for index in store.db["reviews"].indexes}
        assert "reviews_by_time_counted" in indexes and "reviews_by_time" not in indexes
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        assert card_counts(store)["d"].new == 1
        retention_by_deck(store, datetime(2025, 6, 1, tzinfo=UTC), tz=UTC)
        store.db.conn.set_trace_callback(None)
        plans = [
            detail
            for sql in statements
            if "FROM cards" in sql or "FROM reviews" in sql or "JOIN reviews" in sql
            for *_, detail in store.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}")
        ]
    reads = [detail for detail in plans if " cards" in detail or " r " in detail]
    assert reads and all("COVERING INDEX" in detail for detail in reads), plans


def test_the_folder_is_created(tmp_path: Path):
    path = tmp_path / "deep" / "er" / "progress.sqlite3"
    Store.open(path).close()
    assert path.is_file()


def _unchanged(path: Path, action) -> str:
    before = path.read_bytes()
    names = sorted(os.listdir(path.parent))
    with pytest.raises(StoreError) as caught:
        action()
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == names  # no -wal / -shm left behind either
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("my precious notes\n")
    assert "not an SQLite file" in _unchanged(path, lambda: Store.open(path))


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    message = _unchanged(path, lambda: Store.open(path))
    assert "another program" in message and "recipes" in message


def test_a_corrupt_database_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    assert "not a usable database" in _unchanged(path, lambda: Store.open(path))


def test_a_database_from_a_newer_version_is_refused(db_path: Path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    assert "newer torch-quiz" in _unchanged(db_path, lambda: Store.open(db_path))


def test_a_folder_is_refused(tmp_path: Path):
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def _denied_as_for_a_user(monkeypatch: pytest.MonkeyPatch, db_path: Path, mode: int) -> None:
    """chmod ``db_path``; and since root (as on CI) reads and writes anything regardless,
    make the file system answer as it would for a user."""
    db_path.chmod(mode)
    real_open, real_access = Path.open, os.access

    def open_(self: Path, *args, **kwargs):
        if self == db_path and not mode & 0o400:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    def access(path, how, *args, **kwargs):
        if Path(path) == db_path and how == os.W_OK:
            return bool(mode & 0o200)
        return real_access(path, how, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    monkeypatch.setattr(os, "access", access)


def test_an_unreadable_file_is_refused(db_path: Path, monkeypatch: pytest.MonkeyPatch):
    Store.open(db_path).close()
    _denied_as_for_a_user(monkeypatch, db_path, 0)
    try:
        with pytest.raises(StoreError, match="cannot read: Permission denied"):
            Store.open(db_path)
    finally:
        db_path.chmod(0o600)


def test_a_read_only_file_is_refused(db_path: Path, monkeypatch: pytest.MonkeyPatch):
    Store.open(db_path).close()
    _denied_as_for_a_user(monkeypatch, db_path, 0o400)
    try:
        with pytest.raises(StoreError, match="read-only"):
            Store.open(db_path)
    finally:
        db_path.chmod(0o600)


def test_settings_are_stored_and_read_back(db_path: Path):
    with Store.open(db_path) as store:
        assert store.settings == Settings()
        store.set_setting("learning_steps", "2m 15m 1h")
        store.set_setting("desired_retention", "0.85")
        store.set_setting("fuzz", "off")
    with Store.open(db_path) as store:
        from datetime import timedelta

        assert store.settings.learning_steps == (
            timedelta(minutes=2),
            timedelta(minutes=15),
            timedelta(hours=1),
        )
        assert store.settings.desired_retention == 0.85
        assert store.settings.fuzz is False


@pytest.mark.parametrize(
    ("key", "text", "fragment"),
    [
        ("desired_retention", "1.5", "out of range"),
        ("desired_retention", "lots", "expected a number"),
        ("learning_steps", "1m banana", "not a duration"),
        ("learning_steps", "0m", "longer than zero"),
        ("maximum_interval", "0", "out of range"),
        ("maximum_interval", "2.5", "whole number"),
        ("new_per_day", "-1", "out of range"),
        ("new_per_day", "true", "whole number"),
        ("day_start_hour", "24", "out of range"),
        ("fuzz", "maybe", "true or false"),
        ("leech_lapses", "0", "out of range"),
        ("colour", "blue", "unknown setting"),
    ],
)
def test_bad_settings_are_refused_with_the_key_and_file(
    db_path: Path, key: str, text: str, fragment: str
):
    with Store.open(db_path) as store:
        with pytest.raises(SettingsError) as caught:
            store.set_setting(key, text)
        assert caught.value.key == key
        assert fragment in str(caught.value) and str(db_path) in str(caught.value)
        assert "\n" not in str(caught.value)
        assert store.settings == Settings()
        assert store.scalar("SELECT count(*) FROM settings") == 0


def test_a_bad_value_in_the_file_is_reported_on_open_and_left_alone(db_path: Path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO settings VALUES ('desired_retention', '\"high\"')")
    conn.commit()
    conn.close()
    with pytest.raises(SettingsError, match="desired_retention"):
        Store.open(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT value FROM settings").fetchall() == [('"high"',)]
    conn.close()


def test_a_failed_write_rolls_back_everything(store: Store):
    with pytest.raises(RuntimeError), store.write():
        store.db["settings"].insert({"key": "x", "value": "1"})
        store.db["settings"].insert({"key": "y", "value": "2"})
        raise RuntimeError("crash in the middle")
    assert store.scalar("SELECT count(*) FROM settings WHERE key IN ('x', 'y')") == 0
    assert not store.db.conn.in_transaction


def test_an_empty_file_becomes_a_database(tmp_path: Path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with Store.open(path) as store:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION


def test_a_symlink_loop_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "loop.sqlite3"
    path.symlink_to(path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
