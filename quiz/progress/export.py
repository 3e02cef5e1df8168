"""Exporting progress as csv, json or the FSRS optimizer's review log.

Why it exists: the learner's history should leave the app in plain formats — a
spreadsheet (csv, one row per answer), a complete restorable copy (json, read back by
``quiz.progress.importer``), and the log other FSRS tools read (fsrs). Every format is
streamed row by row, so a million reviews never sit in memory at once. The formats
are documented in docs/progress.md; the json layout is versioned by ``VERSION``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from quiz.atomicfile import atomic_write
from quiz.deck.naming import no_deck_message
from quiz.errors import UserError
from quiz.review.cards import deck_titles
from quiz.review.clock import as_utc, from_text, to_text
from quiz.review.state import Phase
from quiz.review.store import Store

FORMAT = "torch-quiz-progress"
VERSION = 2  # 2: reviews carry how the card was shown ("presentation")
FORMATS = ("csv", "json", "fsrs", "apkg")

CSV_COLUMNS = (
    "reviewed_at",
    "deck",
    "card",
    "kind",
    "answer",
    "verdict",
    "rating",
    "duration_ms",
    "state",
    "stability",
    "difficulty",
    "due",
    "presentation",  # how the card was shown: JSON text as in the json export, or empty
)
FSRS_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")

_CARD_COLUMNS = (
    "deck, card_id, kind, position, content_hash, present, added_at, edited_at, "
    "state, step, stability, difficulty, due, last_review, "
    "suspended, buried_until, leech, reset_at"
)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which progress to export: some decks (empty: all) and reviews from ``since`` on."""

    decks: tuple[str, ...] = ()
    since: datetime | None = None

    def check(self, store: Store) -> Selection:
        """This selection, after making sure every named deck exists."""
        known = deck_titles(store)
        unknown = [d for d in self.decks if d not in known]
        if unknown:
            raise UserError(no_deck_message(unknown[0], str(store.path), known))
        return self

    def where(self, *, reviews: bool, alias: str = "") -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.decks:
            clauses.append(f"{alias}deck IN ({', '.join('?' * len(self.decks))})")
            params += self.decks
        if reviews and self.since is not None:
            clauses.append(f"{alias}reviewed_at >= ?")
            params.append(to_text(self.since))
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def parse_since(text: str) -> datetime:
    """``2025-03-01`` (midnight UTC) or an ISO time (UTC when it names no zone)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"--since {text!r}: expected a date such as 2025-03-01 or a time "
            "such as 2025-03-01T12:00:00+00:00"
        ) from None
    return as_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


# -- json ------------------------------------------------------------------------------


_PHASES = {int(phase): phase.name.lower() for phase in Phase}


def _state(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A card's state as exported, straight from the columns (stored times are canonical)."""
    return {
        "step": row[f"{prefix}step"],
        "stability": row[f"{prefix}stability"],
        "difficulty": row[f"{prefix}difficulty"],
        "due": row[f"{prefix}due"],
        "last_review": row[f"{prefix}last_review"],
        "phase": _PHASES[row[f"{prefix}state"]],
    }


def card_record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "deck": row["deck"],
        "card_id": row["card_id"],
        "kind": row["kind"],
        "position": row["position"],
        "content_hash": row["content_hash"],
        "present": bool(row["present"]),
        "added_at": row["added_at"],
        "edited_at": row["edited_at"],
        "state": _state(row),
        "suspended": bool(row["suspended"]),
        "buried_until": row["buried_until"],
        "leech": bool(row["leech"]),
        "reset_at": row["reset_at"],
    }


def review_record(row: dict[str, Any]) -> dict[str, Any]:
    verdict = row["verdict"]
    return {
        "reviewed_at": row["reviewed_at"],
        "deck": row["deck"],
        "card_id": row["card_id"],
        "kind": row["kind"],
        "answer": row["answer"],
        "outcome": row["outcome"],
        "verdict": json.loads(verdict) if verdict else None,
        "suggested": row["suggested"],
        "rating": row["rating"],
        "duration_ms": row["duration_ms"],
        "before": _state(row, "before_"),
        "after": _state(row, "after_"),
        "leeched": bool(row["leeched"]),
        "presentation": json.loads(shown) if (shown := row["presentation"]) else None,
    }


def _rows(store: Store, sql: str, params: Sequence[Any]) -> Iterator[dict[str, Any]]:
    cursor = store.db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(2000):
        for values in batch:
            yield dict(zip(names, values, strict=True))


def write_json(store: Store, out: TextIO, selection: Selection, now: datetime) -> int:
    """The decks, cards (with their FSRS state) and reviews; returns the number of reviews."""
    decks_where, decks_params = Selection(selection.decks).where(reviews=False)
    deck_rows = store.query(
        "SELECT slug, title, path, first_seen, synced_at FROM decks"
        + decks_where.replace("deck IN", "slug IN")
        + " ORDER BY slug",
        decks_params,
    )
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": to_text(now),
        "settings": store.settings.to_dict(),
        "decks": deck_rows,
    }
    text = json.dumps(head, ensure_ascii=False, indent=1)
    out.write(text[: text.rstrip().rindex("}")].rstrip() + ',\n "cards": [')
    where, params = selection.where(reviews=False)
    cards = _rows(
        store, f"SELECT {_CARD_COLUMNS} FROM cards{where} ORDER BY deck, position, card_id", params
    )
    _write_items(out, (card_record(row) for row in cards))
    out.write('],\n "reviews": [')
    where, params = selection.where(reviews=True)
    reviews = _rows(store, f"SELECT * FROM reviews{where} ORDER BY reviewed_at, id", params)
    count = _write_items(out, (review_record(row) for row in reviews))
    out.write("]\n}\n")
    return count


def _write_items(out: TextIO, items: Iterator[dict[str, Any]]) -> int:
    count = 0
    for item in items:
        out.write(("," if count else "") + "\n  " + json.dumps(item, ensure_ascii=False))
        count += 1
    if count:
        out.write("\n ")
    return count


# -- csv and fsrs ----------------------------------------------------------------------


def write_csv(store: Store, out: TextIO, selection: Selection) -> int:
    """One row per review, oldest first, with a header; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    where, params = selection.where(reviews=True)
    count = 0
    for row in _rows(store, f"SELECT * FROM reviews{where} ORDER BY reviewed_at, id", params):
        writer.writerow(
            (
                row["reviewed_at"],
                row["deck"],
                row["card_id"],
                row["kind"],
                row["answer"] or "",
                row["outcome"] or "",
                row["rating"],
                "" if row["duration_ms"] is None else row["duration_ms"],
                Phase(row["after_state"]).name.lower(),
                _number(row["after_stability"]),
                _number(row["after_difficulty"]),
                row["after_due"] or "",
                _presentation_text(row["presentation"]),
            )
        )
        count += 1
    return count


def write_fsrs(store: Store, out: TextIO, selection: Selection) -> int:
    """The review log in the FSRS optimizer's schema; returns the number of rows.

    ``card_id`` is the card's row id, ``review_time`` milliseconds since the epoch,
    ``review_state`` the card's state before the answer (0 new, 1 learning, 2 review,
    3 relearning) and ``review_duration`` milliseconds (0 when unknown).
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FSRS_COLUMNS)
    where, params = selection.where(reviews=True)
    sql = (
        "SELECT card, reviewed_at, rating, before_state, duration_ms "
        f"FROM reviews{where} ORDER BY card, reviewed_at, id"
    )
    count = 0
    for row in _rows(store, sql, params):
        moment = from_text(row["reviewed_at"])
        assert moment is not None
        millis = round(moment.timestamp() * 1000)
        writer.writerow(
            (row["card"], millis, row["rating"], row["before_state"], row["duration_ms"] or 0)
        )
        count += 1
    return count


def _presentation_text(stored: str | None) -> str:
    """The stored presentation as one JSON text (the json export's object, written the
    same way whether the review was recorded here or imported), or "" when nothing varied."""
    return json.dumps(json.loads(stored), ensure_ascii=False) if stored else ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


# -- writing a file safely -------------------------------------------------------------


def write_text_file(path: Path, write: Callable[[TextIO], int]) -> int:
    """Write text to ``path`` with ``write`` (see :func:`quiz.atomicfile.atomic_write`)."""
    with atomic_write(path) as temporary, temporary.open("w", encoding="utf-8", newline="") as out:
        return write(out)


def export_text(store: Store, fmt: str, out: TextIO, selection: Selection, now: datetime) -> int:
    """Write ``fmt`` (csv, json or fsrs) to ``out``; returns the number of reviews written."""
    selection.check(store)
    if fmt == "json":
        return write_json(store, out, selection, now)
    if fmt == "csv":
        return write_csv(store, out, selection)
    if fmt == "fsrs":
        return write_fsrs(store, out, selection)
    raise UserError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
