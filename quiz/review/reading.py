"""A read-only view of the progress database, for reads that run off the UI thread.

SQLite connections belong to the thread that opened them, and the app's one writer
connection belongs to the UI thread. Heavy reads (the statistics) run in Textual
thread workers instead, each on its own connection opened here with ``mode=ro``: it
can never write, and in WAL mode it reads the last committed state without blocking
the writer or being blocked by it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from quiz.review.errors import StoreError
from quiz.review.store import BUSY_TIMEOUT_S, Store


@contextmanager
def read_only(path: Path) -> Iterator[Store]:
    """A :class:`Store` on ``path`` that cannot write, closed when the block ends."""
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise StoreError(path, f"cannot open for reading: {error}") from None
    store = Store(Path(path), Database(conn))
    try:
        yield store
    except sqlite3.Error as error:
        raise StoreError(path, f"cannot read: {error}") from None
    finally:
        store.close()
