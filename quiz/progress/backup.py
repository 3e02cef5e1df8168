"""A consistent copy of the progress database, taken while the app may be running.

Why it exists: copying the file with ``cp`` while torch-quiz writes can catch a
half-written page, and misses what still sits in the WAL. SQLite's online backup
copies every page of one committed snapshot instead; in WAL mode it neither waits for
nor blocks a writer. The copy is written beside its final name, checked with
``PRAGMA integrity_check``, switched out of WAL mode (so it is one self-contained
file), and only then renamed into place.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quiz.atomicfile import atomic_write
from quiz.errors import UserError
from quiz.review.clock import as_utc
from quiz.review.store import Store


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int  # bytes
    reviews: int
    cards: int


def default_backup_path(db_path: Path, now: datetime) -> Path:
    """``backups/progress-YYYYMMDD-HHMMSS.sqlite3`` beside the database (UTC time)."""
    stamp = as_utc(now).strftime("%Y%m%d-%H%M%S")
    return db_path.parent / "backups" / f"{db_path.stem}-{stamp}{db_path.suffix or '.sqlite3'}"


def backup(store: Store, target: Path, *, overwrite: bool = False) -> Backup:
    """Copy ``store`` to ``target`` with SQLite's online backup; refuse to clobber a file."""
    if target.resolve() == store.path.resolve():
        raise UserError(f"{target}: is the database itself; choose another file")
    if target.is_dir():
        raise UserError(f"{target}: is a folder; give a file name")
    if target.exists() and not overwrite:
        raise UserError(f"{target}: already exists (use --force to replace it)")
    try:
        with atomic_write(target) as temporary:
            copy = sqlite3.connect(str(temporary))
            try:
                store.db.conn.backup(copy)  # one step: every page of one committed snapshot
                copy.execute("PRAGMA journal_mode=DELETE")
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
                if verdict != "ok":
                    raise UserError(f"{target}: the copy failed its integrity check ({verdict})")
                reviews = copy.execute("SELECT count(*) FROM reviews").fetchone()[0]
                cards = copy.execute("SELECT count(*) FROM cards").fetchone()[0]
            finally:
                copy.close()
    except sqlite3.Error as error:
        raise UserError(f"{target}: cannot back up {store.path}: {error}") from None
    return Backup(target, target.stat().st_size, reviews, cards)
