"""Importing a json export: restoring progress, or merging it in from another machine.

Why it exists: progress must survive a new laptop and two machines used in turn.
A malformed, truncated, foreign or inconsistent file changes nothing, and memory
stays bounded however many reviews the file holds (a million reviews are 660 MB of
JSON, and took 7 GB when loaded whole). The file is read front to back with
``quiz.progress.jsonstream``, one element at a time:

1. :func:`read_document` checks everything but the reviews (format, version, decks,
   cards, settings) before the database is opened; it reads only as far as the
   reviews when, as the exporter writes it, they come last;
2. :func:`merge` works in one transaction: it merges decks and cards, then reads the
   file again, checking each review and staging it in a temporary table, and
   inserts the new ones in time order. The first problem rolls it all back.

Checking every review in a first pass of its own would have read and validated a
million reviews twice; the transaction gives the same all-or-nothing.

Merging is idempotent (importing the same file twice changes nothing):

- decks and cards unknown here are added; for a card known on both sides the newest
  state wins (the later of its last answer and its last reset), ties keep ours;
- reviews are de-duplicated by (card, time of the answer);
- settings are taken from the file only when this database has none of its own.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ValidationError

from quiz.errors import UserError
from quiz.progress.export import CSV_COLUMNS, FORMAT, FSRS_COLUMNS, VERSION
from quiz.progress.import_schema import (
    CARD_FILE_COLUMNS,
    CARD_STATE_COLUMNS,
    REVIEW_COLUMNS,
    CardIn,
    DeckIn,
    Head,
    ReviewIn,
    checking_context,
)
from quiz.progress.jsonstream import JSONStreamError, ObjectReader
from quiz.review.cards import deck_titles
from quiz.review.settings import Settings
from quiz.review.store import Store

MAX_BYTES = 4 << 30  # refuse absurd files before reading them
BATCH = 2000  # reviews staged per statement
_HEAD_KEYS = frozenset(Head.model_fields) - {"reviews"}
_ITEMS: dict[str, type[BaseModel]] = {"decks": DeckIn, "cards": CardIn}


class ImportFileError(UserError):
    """The file cannot be imported; the database was not changed."""


@dataclass(frozen=True, slots=True)
class Document:
    """A checked export file: everything but its reviews, which :func:`merge` reads."""

    path: Path
    head: Head
    keys: frozenset[str]  # the top-level keys checked; merge refuses any other
    stamp: tuple[int, int]  # size and modification time of the file checked


@dataclass(frozen=True, slots=True)
class ImportReport:
    decks_added: int
    cards_added: int
    cards_updated: int
    reviews_added: int
    reviews_skipped: int  # already here
    settings_restored: bool

    @property
    def changed(self) -> bool:
        return bool(
            self.decks_added
            or self.cards_added
            or self.cards_updated
            or self.reviews_added
            or self.settings_restored
        )

    def summary(self) -> str:
        if not self.changed:
            return f"nothing new: all {self.reviews_skipped} reviews were already here"
        return (
            f"added {self.decks_added} decks, {self.cards_added} cards and "
            f"{self.reviews_added} reviews; updated {self.cards_updated} cards to a newer "
            f"state; {self.reviews_skipped} reviews were already here"
            + ("; settings restored" if self.settings_restored else "")
        )


# -- reading and checking --------------------------------------------------------------


HOW_TO_EXPORT = "import reads a json export (torch-quiz export --format json -o FILE.json)"


@contextmanager
def _reading(path: Path) -> Iterator[BinaryIO]:
    """The file open for reading; unreadable, non-UTF-8 and non-JSON files become one line,
    naming what the file is when it is one a learner may take for an export."""
    try:
        with path.open("rb") as handle:
            yield handle
    except OSError as error:
        raise ImportFileError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ImportFileError(
            _mistaken(path, text=False)
            or f"{path}: is not a torch-quiz export (not UTF-8 text); {HOW_TO_EXPORT}"
        ) from None
    except JSONStreamError as error:
        if mistaken := _mistaken(path, text=True):
            raise ImportFileError(mistaken) from None
        where = f"line {error.line}, column {error.column}"
        raise ImportFileError(f"{path}: is not valid JSON ({where}); truncated?") from None


def _mistaken(path: Path, *, text: bool) -> str | None:
    """The one line for a file that is not JSON and is something else a learner has at
    hand: another export of ours, an Anki package, a database, any CSV, other ``text``;
    None otherwise (JSON gone wrong, perhaps truncated, or unknown bytes)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(512).removeprefix(b"\xef\xbb\xbf")  # a spreadsheet's BOM
    except OSError:
        return None
    first_line = start.split(b"\n", 1)[0]
    if first_line.startswith(",".join(CSV_COLUMNS[:3]).encode()):
        return (
            f"{path}: is a csv export, for spreadsheets; only a json export can be "
            "imported (torch-quiz export --format json)"
        )
    if first_line.startswith(",".join(FSRS_COLUMNS[:2]).encode()):
        return f"{path}: is an fsrs review log, for FSRS tools; {HOW_TO_EXPORT}"
    if start.startswith(b"PK\x03\x04"):
        what = "an Anki package" if path.suffix.lower() in (".apkg", ".colpkg") else "a zip file"
        return f"{path}: is {what}, which holds cards, not progress; {HOW_TO_EXPORT}"
    if start.startswith(b"SQLite format 3\x00"):
        return (
            f"{path}: is an SQLite database, not an export (a backup? use it with "
            f"--db {path}, or copy it over the database); {HOW_TO_EXPORT}"
        )
    if start.lstrip()[:1] in (b"{", b"["):
        return None
    if path.suffix.lower() in (".csv", ".tsv") or b"," in first_line:
        return f"{path}: is a CSV file, not a json export; {HOW_TO_EXPORT}"
    return f"{path}: is not JSON, so not a torch-quiz export; {HOW_TO_EXPORT}" if text else None


def _stamp(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def read_document(path: Path) -> Document:
    """Everything but the reviews, checked; :class:`ImportFileError` for any problem."""
    if path.is_dir():
        raise ImportFileError(f"{path}: is a folder, not an export file; {HOW_TO_EXPORT}")
    with _reading(path) as handle:
        stat = os.fstat(handle.fileno())
        if stat.st_size > MAX_BYTES:
            raise ImportFileError(f"{path}: too large for an export ({stat.st_size} bytes)")
        data = _read_head(path, ObjectReader(handle))
    try:
        head = Head.model_validate(data, context=checking_context())
    except ValidationError as error:
        raise ImportFileError(f"{path}: {_first_problem(error)}") from None
    _check_cards(path, head)
    try:
        Settings.from_dict(head.settings, path=path)
    except UserError as error:
        raise ImportFileError(str(error)) from None
    return Document(path, head, frozenset(data), _stamp(stat))


def _read_head(path: Path, reader: ObjectReader) -> dict[str, Any]:
    """The top-level members but the reviews; decks and cards checked one by one.

    Reading stops at the reviews when everything else came before them, as the
    exporter writes it; otherwise they are read past without being kept.
    """
    if reader.is_empty():
        raise ImportFileError(f"{path}: is empty; {HOW_TO_EXPORT}")
    if not reader.is_object():
        reader.skip()
        reader.finish()
        _recognise(path, {})
    data: dict[str, Any] = {}
    checked: set[str] = set()
    context = checking_context()
    for key in reader.members():
        _check_key(path, key, data)
        if key == "reviews" and reader.is_array():
            data[key] = []
            if data.keys() >= _HEAD_KEYS:
                break
            reader.skip()
        elif key in _ITEMS and reader.is_array():
            items: Iterable[Any] = reader.elements()
            if _recognised(data):  # else a foreign file's problem is that it is foreign
                checked.add(key)
                items = (_item(path, key, i, item, context) for i, item in enumerate(items))
            data[key] = list(items)
        else:
            data[key] = reader.value()
    _recognise(path, data)
    for key in _ITEMS.keys() - checked:
        if isinstance(data.get(key), list):
            data[key] = [_item(path, key, i, item, context) for i, item in enumerate(data[key])]
    return data


def _recognised(data: dict[str, Any]) -> bool:
    version = data.get("version")
    return data.get("format") == FORMAT and isinstance(version, int) and version <= VERSION


def _recognise(path: Path, data: dict[str, Any]) -> None:
    """Refuse a file of another program or of a newer torch-quiz."""
    if data.get("format") != FORMAT:
        raise ImportFileError(
            f'{path}: is not a torch-quiz progress export (no "format": "{FORMAT}"); '
            "make one with: torch-quiz export --format json"
        )
    version = data.get("version")
    if isinstance(version, int) and version > VERSION:
        raise ImportFileError(
            f"{path}: was written by a newer torch-quiz (export version {version}; "
            f"this one reads {VERSION})"
        )


def _item(path: Path, key: str, index: int, item: Any, context: dict[str, Any]) -> Any:
    checked = _checked(path, _ITEMS[key], item, (key, index), context)
    return checked.compact() if isinstance(checked, CardIn) else checked


def _check_key(path: Path, key: str, seen: dict[str, Any] | set[str]) -> None:
    if key in seen:
        raise ImportFileError(f'{path}: "{key}" is in the file twice')


def _checked(
    path: Path, model: type[BaseModel], item: Any, where: tuple[str, int], context: dict[str, Any]
) -> Any:
    try:
        return model.model_validate(item, context=context)
    except ValidationError as error:
        raise ImportFileError(f"{path}: {_first_problem(error, where)}") from None


def _first_problem(error: ValidationError, where: tuple[str | int, ...] = ()) -> str:
    problems = error.errors()
    first = problems[0]
    place = ".".join(str(part) for part in (*where, *first["loc"])) or "the top level"
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{place}: {first['msg']}{more}"


def _check_cards(path: Path, head: Head) -> None:
    decks = {deck.slug for deck in head.decks}
    cards = set()
    for index, card in enumerate(head.cards):
        if card.deck not in decks:
            raise ImportFileError(f"{path}: cards.{index}: deck '{card.deck}' is not in the file")
        key = (card.deck, card.card_id)
        if key in cards:
            raise ImportFileError(f"{path}: cards.{index}: {card.deck}/{card.card_id} twice")
        cards.add(key)


# -- merging ---------------------------------------------------------------------------


def import_file(store: Store, path: Path) -> ImportReport:
    """Merge the export at ``path`` into ``store`` (see the module docstring)."""
    return merge(store, read_document(path))


def merge(store: Store, document: Document) -> ImportReport:
    """Merge a checked file in one transaction; a problem in its reviews undoes it all."""
    head = document.head
    with store.write():
        decks_added = _merge_decks(store, head)
        ids, added, updated = _merge_cards(store, head)
        reviews_added, skipped = _merge_reviews(store, document, ids)
        restored = False
        if not store.settings_stored() and head.settings:
            new = Settings.from_dict(head.settings, path=store.path)
            restored = new != Settings()
            if restored:
                store.save_settings(new)
    store.reload_settings()
    return ImportReport(decks_added, added, updated, reviews_added, skipped, restored)


def _merge_decks(store: Store, head: Head) -> int:
    known = deck_titles(store)
    rows = [deck.model_dump() for deck in head.decks if deck.slug not in known]
    if rows:
        store.db["decks"].insert_all(rows)
    return len(rows)


_CARD_COLUMNS = (*CARD_FILE_COLUMNS, *CARD_STATE_COLUMNS)
_ADD_CARD = (
    f"INSERT INTO cards ({', '.join(_CARD_COLUMNS)}) VALUES ({', '.join('?' * len(_CARD_COLUMNS))})"
)
_UPDATE_CARD = f"UPDATE cards SET {', '.join(f'{c} = ?' for c in CARD_STATE_COLUMNS)} WHERE id = ?"


def _merge_cards(store: Store, head: Head) -> tuple[dict[tuple[str, str], int], int, int]:
    """The row id of each of the file's cards, and how many were added and updated.

    Deck-file fields (kind, position, content hash) of a card known here stay ours.
    """
    conn = store.db.conn
    local = {
        (deck, card_id): (card, max(last_review or "", reset_at or ""))
        for card, deck, card_id, last_review, reset_at in conn.execute(
            "SELECT id, deck, card_id, last_review, reset_at FROM cards"
        )
    }
    ids: dict[tuple[str, str], int] = {}
    added = updated = 0
    for card in head.cards:
        key = (card.deck, card.card_id)
        mine = local.get(key)
        if mine is None:
            row = (*card.file_values, *card.state_values)
            ids[key] = conn.execute(_ADD_CARD, row).lastrowid  # type: ignore[assignment]
            added += 1
            continue
        ids[key], ours = mine
        if card.changed_at > ours:
            conn.execute(_UPDATE_CARD, (*card.state_values, ids[key]))
            updated += 1
    return ids, added, updated


_COLUMNS = ", ".join(REVIEW_COLUMNS)
_STAGE = (
    f"INSERT OR IGNORE INTO temp.import_reviews (seq, {_COLUMNS}) "
    f"VALUES (?, {', '.join('?' * len(REVIEW_COLUMNS))})"
)
# Staged reviews already here are dropped; the rest go in by time (ties in file order),
# as the app would have written them. (Inserting with a NOT EXISTS on reviews instead
# would make SQLite copy every staged row to a second temporary table first.)
_DROP_KNOWN = (
    "DELETE FROM temp.import_reviews AS s WHERE EXISTS (SELECT 1 FROM reviews AS r "
    "WHERE r.reviewed_at = s.reviewed_at AND r.card = s.card)"
)
_INSERT = (
    f"INSERT INTO reviews ({_COLUMNS}) SELECT {_COLUMNS} FROM temp.import_reviews "
    "ORDER BY reviewed_at, seq"
)


def _merge_reviews(
    store: Store, document: Document, ids: dict[tuple[str, str], int]
) -> tuple[int, int]:
    """Stage the file's reviews (each checked, the first of a (card, time) kept), insert the new."""
    conn = store.db.conn
    conn.execute("DROP TABLE IF EXISTS temp.import_reviews")
    # In SQLite's temporary file (by default), so neither in memory nor in the database.
    conn.execute(
        f"CREATE TEMP TABLE import_reviews (seq INTEGER NOT NULL, {_COLUMNS}, "
        "PRIMARY KEY (reviewed_at, card)) WITHOUT ROWID"
    )
    try:
        staged = _stage_reviews(conn, document, ids)
        conn.execute(_DROP_KNOWN)
        added = conn.execute(_INSERT).rowcount
    finally:
        conn.execute("DROP TABLE temp.import_reviews")
    return added, staged - added


def _stage_reviews(
    conn: sqlite3.Connection, document: Document, ids: dict[tuple[str, str], int]
) -> int:
    """Read, check and stage every review of the file; returns how many it holds."""
    path = document.path
    count = 0
    with _reading(path) as handle:
        if _stamp(os.fstat(handle.fileno())) != document.stamp:
            raise ImportFileError(f"{path}: changed while it was being imported")
        reader = ObjectReader(handle)
        context = checking_context()
        seen: set[str] = set()
        for key in reader.members():
            _check_key(path, key, seen)
            seen.add(key)
            if key not in document.keys:
                raise ImportFileError(f"{path}: {key}: Extra inputs are not permitted")
            if key != "reviews":
                continue
            rows = []
            for index, item in enumerate(reader.elements()):
                review = _checked(path, ReviewIn, item, ("reviews", index), context)
                card = ids.get((review.deck, review.card_id))
                if card is None:
                    raise ImportFileError(
                        f"{path}: reviews.{index}: card {review.deck}/{review.card_id} "
                        "is not in the file"
                    )
                rows.append((index, *review.row(card)))
                count += 1
                if len(rows) == BATCH:
                    conn.executemany(_STAGE, rows)
                    rows.clear()
            conn.executemany(_STAGE, rows)
    return count
