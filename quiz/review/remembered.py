"""Deck files the learner opened by path, remembered so they come back on every start;
and which file wins a deck slug two sources claim (``torch-quiz decks --prefer``).

Why it exists: ``torch-quiz review ~/somewhere/my-deck.yaml`` syncs that deck into
the database, and without a note of its file the next start (Home, Browse,
``export --format apkg``, ``grade``) would not find the deck again. This module is
the one home of the ``remembered_decks`` and ``deck_choices`` tables' SQL
(``tests/test_sql_homes.py``).

The list is needed before the database is opened for writing (the app draws its
first frame first, and ``export --format apkg`` never writes), so
:func:`remembered_in` reads the file read-only: a database that does not exist yet,
cannot be read or predates the table remembers nothing, and the real open reports
any problem with the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.review.clock import to_text

if TYPE_CHECKING:  # read before the store is opened: no sqlite-utils at start-up
    from quiz.review.store import Store


@dataclass(frozen=True, slots=True)
class RememberedDeck:
    """A deck opened by path: its slug and its file (absolute)."""

    slug: str
    path: Path


@dataclass(frozen=True, slots=True)
class DeckChoice:
    """The learner's choice for a slug claimed twice: this file (absolute) wins."""

    slug: str
    path: Path
    source: str  # as the learner named it, for the listing


def remembered_in(db_path: Path) -> list[RememberedDeck]:
    """The remembered decks of the database at ``db_path``, by slug, read without writing."""
    rows = _read(db_path, "SELECT slug, path FROM remembered_decks ORDER BY slug")
    return [RememberedDeck(slug, Path(path)) for slug, path in rows]


def choices_in(db_path: Path) -> list[DeckChoice]:
    """The learner's choices for slugs claimed twice, by slug, read without writing."""
    rows = _read(db_path, "SELECT slug, path, source FROM deck_choices ORDER BY slug")
    return [DeckChoice(slug, Path(path), source) for slug, path, source in rows]


def _read(db_path: Path, sql: str) -> list[tuple[str, ...]]:
    if not db_path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.Error:  # no such table yet, not SQLite, locked: nothing remembered
        return []
    finally:
        conn.close()


def choose(store: Store, choice: DeckChoice, now: datetime) -> None:
    """Let ``choice.path`` win its slug from now on; an earlier choice for it is replaced."""
    with store.write() as db:
        db.conn.execute(
            "INSERT INTO deck_choices (slug, path, source, chosen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (slug) DO UPDATE SET path = excluded.path, "
            "source = excluded.source, chosen_at = excluded.chosen_at",
            (choice.slug, str(choice.path), choice.source, to_text(now)),
        )


def remember(store: Store, decks: Iterable[RememberedDeck], now: datetime) -> None:
    """Remember ``decks``; a slug remembered before now points at the file named now."""
    rows = [(deck.slug, str(deck.path), to_text(now)) for deck in decks]
    if not rows:
        return
    with store.write() as db:
        db.conn.executemany(
            "INSERT INTO remembered_decks (slug, path, remembered_at) VALUES (?, ?, ?) "
            "ON CONFLICT (slug) DO UPDATE SET "
            "path = excluded.path, remembered_at = excluded.remembered_at",
            rows,
        )


def forget(store: Store, slug: str) -> RememberedDeck | None:
    """Stop loading the deck ``slug`` from its file; its progress stays. None: not remembered."""
    with store.write() as db:
        row = db.conn.execute(
            "SELECT slug, path FROM remembered_decks WHERE slug = ?", (slug,)
        ).fetchone()
        if row is None:
            return None
        db.conn.execute("DELETE FROM remembered_decks WHERE slug = ?", (slug,))
    return RememberedDeck(row[0], Path(row[1]))
