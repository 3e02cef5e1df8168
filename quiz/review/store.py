"""Opening the progress database safely, and writing to it one transaction at a time.

Before anything is written the file is inspected: a folder, an unreadable or
read-only file, something that is not SQLite, an SQLite file of another program,
a corrupt file or one made by a newer torch-quiz all raise a one-line
:class:`StoreError` and leave the file exactly as it was. A good file is put in WAL
mode with a busy timeout, so several torch-quiz processes can share it, and is
migrated to the current schema.

Every change goes through :meth:`Store.write`: ``BEGIN IMMEDIATE`` (the write lock
is taken up front, so a read-modify-write never fails half-way when another process
commits first) around sqlite-utils' ``db.atomic()``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from quiz.review.errors import StoreError
from quiz.review.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from quiz.review.settings import Settings

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
_LEFT_ALONE = "it was left untouched"


class Store:
    """One open progress database. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, path: Path, db: Database) -> None:
        self.path = path
        self.db = db
        self._settings: Settings | None = None

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
        check_same_thread: bool = True,
    ) -> Store:
        """The database at ``path``, checked, in WAL mode and migrated.

        ``check_same_thread`` False lets the thread that opens it (the app's "open"
        worker) hand it to another (the UI thread), which alone uses it from then on.
        """
        path = Path(path)
        _inspect_file(path)
        try:
            conn = sqlite3.connect(
                str(path), timeout=busy_timeout_s, check_same_thread=check_same_thread
            )
        except sqlite3.Error as error:
            raise StoreError(path, f"cannot open: {error}") from None
        try:
            _inspect_contents(path, conn)
            store = cls(path, Database(conn))
            store._prepare()
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as error:
            conn.close()
            raise StoreError(path, f"cannot use this database: {error}") from None
        return store

    def _prepare(self) -> None:
        mode = self.db.conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(self.path, f"cannot switch to WAL mode (still {mode})")
        self.db.conn.execute("PRAGMA foreign_keys=ON")
        with self.write():
            migrations.apply(self.db)
        self.settings  # noqa: B018 - validate stored settings now, not at the first card

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One transaction holding the write lock from its start; nested calls are savepoints."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _busy(self.path, error) from None
        try:
            with self.db.atomic():
                yield self.db
        except BaseException:
            self.db.rollback()
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            self.db.rollback()
            raise _busy(self.path, error) from None

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cursor = self.db.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.db.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- settings ----------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            stored: dict[str, Any] = {}
            for row in self.query("SELECT key, value FROM settings"):
                try:
                    stored[row["key"]] = json.loads(row["value"])
                except ValueError:
                    stored[row["key"]] = row["value"]
            self._settings = Settings.from_dict(stored, path=self.path)
        return self._settings

    def settings_stored(self) -> bool:
        """Whether any setting was ever changed from its default (and so stored)."""
        return self.scalar("SELECT 1 FROM settings LIMIT 1") is not None

    def save_settings(self, settings: Settings) -> None:
        """Store every value that differs from the default (validated again on the way in)."""
        Settings.from_dict(settings.to_dict(), path=self.path)
        defaults = Settings().to_dict()
        rows = [
            {"key": key, "value": json.dumps(value)}
            for key, value in settings.to_dict().items()
            if value != defaults[key]
        ]
        with self.write():
            self.db.execute("DELETE FROM settings")
            if rows:
                self.db["settings"].insert_all(rows, pk="key")
        self._settings = settings

    def set_setting(self, key: str, text: str) -> Settings:
        """Change one setting from text, as typed on a command line."""
        self.reload_settings()
        settings = self.settings.with_text(key, text, path=self.path)
        self.save_settings(settings)
        return settings

    def reload_settings(self) -> None:
        self._settings = None


def _inspect_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(path, "is a folder, not a database file")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(path, f"cannot create its folder: {error.strerror}") from None
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(path, f"cannot read: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(path, f"is not a torch-quiz database (not an SQLite file); {_LEFT_ALONE}")
    if not os.access(path, os.W_OK):
        raise StoreError(path, "is read-only; torch-quiz needs to write its progress")


def _inspect_contents(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse foreign, corrupt and too-new databases before anything writes to them."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
    except sqlite3.DatabaseError as error:
        raise StoreError(path, f"is not a usable database ({error}); {_LEFT_ALONE}") from None
    if app_id != APPLICATION_ID and (tables or app_id != 0):
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(
            path,
            f"is an SQLite database of another program (tables: {shown or 'none'}); {_LEFT_ALONE}",
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            path,
            f"was written by a newer torch-quiz (schema {version}; this one knows "
            f"{SCHEMA_VERSION}); {_LEFT_ALONE}",
        )


def _busy(path: Path, error: sqlite3.OperationalError) -> StoreError:
    if "locked" in str(error) or "busy" in str(error):
        return StoreError(path, "is busy: another torch-quiz kept it locked too long; try again")
    return StoreError(path, f"cannot write: {error}")
