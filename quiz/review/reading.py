"""A read-only view of the progress database, for reads that run off the UI thread.

SQLite connections belong to the thread that opened them, and the app's one writer
connection belongs to the UI thread. Heavy reads (Home's figures, Browse's rows, the
statistics) run in Textual thread workers instead, each on its own connection opened
here with ``mode=ro``: it can never write, and in WAL mode it reads the last committed
state without blocking the writer or being blocked by it.

``watching`` hands every read-only connection, as it opens, to a callable: a test
traces on it which thread runs which query, without reaching into the screens.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from quiz.review.errors import StoreError
from quiz.review.store import BUSY_TIMEOUT_S, Store

Watcher = Callable[[sqlite3.Connection], None]
STOP_CHECK_STEPS = 10_000  # SQLite virtual machine steps between two looks at ``stop``
_watchers: list[Watcher] = []
_lock = threading.Lock()  # connections open on worker threads while a test adds a watcher


@contextmanager
def watching(watcher: Watcher) -> Iterator[None]:
    """Call ``watcher`` with each read-only connection opened, on any thread, in the block."""
    with _lock:
        _watchers.append(watcher)
    try:
        yield
    finally:
        with _lock:
            _watchers.remove(watcher)


@contextmanager
def read_only(path: Path, stop: threading.Event | None = None) -> Iterator[Store]:
    """A :class:`Store` on ``path`` that cannot write, closed when the block ends.

    Once ``stop`` is set, the query running stops with a :class:`StoreError` (a screen
    left before its figures came need not make the next screen's reads wait for CPU).
    """
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise StoreError(path, f"cannot open for reading: {error}") from None
    with _lock:
        watchers = list(_watchers)
    for watcher in watchers:
        watcher(conn)
    if stop is not None:
        conn.set_progress_handler(stop.is_set, STOP_CHECK_STEPS)
    store = Store(Path(path), Database(conn))
    try:
        if stop is not None and stop.is_set():  # no longer wanted before it began
            raise sqlite3.OperationalError("interrupted")
        yield store
    except sqlite3.Error as error:
        raise StoreError(path, f"cannot read: {error}") from None
    finally:
        store.close()
