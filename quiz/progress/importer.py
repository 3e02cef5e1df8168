"""Importing a json export: restoring progress, or merging it in from another machine.

Why it exists: progress must survive a new laptop and two machines used in turn.
The whole file is read and checked before the database is touched, so a malformed,
truncated or foreign file changes nothing; then everything is merged in one
transaction. Merging is idempotent (importing the same file twice changes nothing):

- decks and cards unknown here are added; for a card known on both sides the newest
  state wins (the later of its last answer and its last reset), ties keep ours;
- reviews are de-duplicated by (card, time of the answer);
- settings are taken from the file only when this database has none of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from quiz.progress.export import FORMAT, VERSION
from quiz.review.clock import to_text
from quiz.review.errors import ReviewError
from quiz.review.settings import Settings
from quiz.review.state import Phase
from quiz.review.store import Store

MAX_BYTES = 4 << 30  # refuse absurd files before reading them


class ImportFileError(ReviewError):
    """The file cannot be imported; the database was not changed."""


def _utc_text(text: str) -> str:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a time without a zone")
    try:
        normal = to_text(moment.astimezone(UTC))
    except OverflowError:
        raise ValueError("a time outside the years 1 to 9999 in UTC") from None
    assert normal is not None
    return normal


Time = Annotated[str, AfterValidator(_utc_text)]
Name = Annotated[str, Field(min_length=1, max_length=500)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Finite = Annotated[float, Field(allow_inf_nan=False)]
MAX_STEP = 64
FUTURE_SLACK = timedelta(days=1)  # clocks differ between machines, but not by days


class StateIn(_Model):
    phase: Literal["new", "learning", "review", "relearning"]
    step: int | None = Field(ge=0, le=MAX_STEP)
    stability: Finite | None = Field(gt=0)
    difficulty: Finite | None = Field(ge=1, le=10)
    due: Time | None
    last_review: Time | None

    @model_validator(mode="after")
    def _consistent(self) -> StateIn:
        """A state the scheduler can work from: a studied card has its memory and its due."""
        if self.phase != "new":
            missing = [k for k in ("stability", "difficulty", "due") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"a {self.phase} card needs {', '.join(missing)}")
        if self.phase in ("learning", "relearning") and self.step is None:
            raise ValueError(f"a {self.phase} card needs its step")
        latest = to_text(datetime.now(UTC) + FUTURE_SLACK)
        if self.last_review is not None and latest is not None and self.last_review > latest:
            raise ValueError(f"last_review {self.last_review} is in the future")
        return self

    def columns(self, prefix: str = "") -> dict[str, Any]:
        """The stored columns (times were made canonical UTC text by validation)."""
        return {
            f"{prefix}state": int(Phase[self.phase.upper()]),
            f"{prefix}step": self.step,
            f"{prefix}stability": self.stability,
            f"{prefix}difficulty": self.difficulty,
            f"{prefix}due": self.due,
            f"{prefix}last_review": self.last_review,
        }


class DeckIn(_Model):
    slug: Name
    title: str
    path: str
    first_seen: Time
    synced_at: Time


class CardIn(_Model):
    deck: Name
    card_id: Name
    kind: Name
    position: int = Field(ge=0)
    content_hash: str
    present: bool
    added_at: Time
    edited_at: Time | None
    state: StateIn
    suspended: bool
    buried_until: Time | None
    leech: bool
    reset_at: Time | None

    @property
    def changed_at(self) -> str:
        """When its state last changed: its last answer or its last reset."""
        return max(self.state.last_review or "", self.reset_at or "")


class ReviewIn(_Model):
    reviewed_at: Time
    deck: Name
    card_id: Name
    kind: Name
    answer: str | None
    outcome: str | None
    verdict: dict[str, Any] | None
    suggested: int | None = Field(ge=1, le=4)
    rating: int = Field(ge=1, le=4)
    duration_ms: int | None = Field(ge=0)
    before: StateIn
    after: StateIn
    leeched: bool


class Document(_Model):
    format: Literal["torch-quiz-progress"]
    version: int
    exported_at: Time
    settings: dict[str, Any]
    decks: list[DeckIn]
    cards: list[CardIn]
    reviews: list[ReviewIn]


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


def read_document(path: Path) -> Document:
    """The checked contents of an export file; :class:`ImportFileError` for anything else."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ImportFileError(f"{path}: is a folder, not an export file")
        if size > MAX_BYTES:
            raise ImportFileError(f"{path}: too large for an export ({size} bytes)")
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: is not a torch-quiz export (not UTF-8 text)") from None
    except ValueError as error:
        where = f" (line {error.lineno}, column {error.colno})" if hasattr(error, "lineno") else ""
        problem = "is empty" if not raw.strip() else f"is not valid JSON{where}; truncated?"
        raise ImportFileError(f"{path}: {problem}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
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
    del raw
    try:
        document = Document.model_validate(data)
    except ValidationError as error:
        raise ImportFileError(f"{path}: {_first_problem(error)}") from None
    del data
    _check_references(path, document)
    try:
        Settings.from_dict(document.settings, path=path)
    except ReviewError as error:
        raise ImportFileError(str(error)) from None
    return document


def _first_problem(error: ValidationError) -> str:
    problems = error.errors()
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "the top level"
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _check_references(path: Path, document: Document) -> None:
    decks = {deck.slug for deck in document.decks}
    cards = set()
    for index, card in enumerate(document.cards):
        if card.deck not in decks:
            raise ImportFileError(f"{path}: cards.{index}: deck '{card.deck}' is not in the file")
        key = (card.deck, card.card_id)
        if key in cards:
            raise ImportFileError(f"{path}: cards.{index}: {card.deck}/{card.card_id} twice")
        cards.add(key)
    for index, review in enumerate(document.reviews):
        if (review.deck, review.card_id) not in cards:
            raise ImportFileError(
                f"{path}: reviews.{index}: card {review.deck}/{review.card_id} is not in the file"
            )


def import_file(store: Store, path: Path) -> ImportReport:
    """Merge the export at ``path`` into ``store`` (see the module docstring)."""
    return merge(store, read_document(path))


def merge(store: Store, document: Document) -> ImportReport:
    with store.write():
        decks_added = _merge_decks(store, document)
        ids, added, updated = _merge_cards(store, document)
        reviews_added, skipped = _merge_reviews(store, document, ids)
        restored = False
        has_settings = store.scalar("SELECT count(*) FROM settings")
        if not has_settings and document.settings:
            new = Settings.from_dict(document.settings, path=store.path)
            restored = new != Settings()
            if restored:
                store.save_settings(new)
    store.reload_settings()
    return ImportReport(decks_added, added, updated, reviews_added, skipped, restored)


def _merge_decks(store: Store, document: Document) -> int:
    known = {row["slug"] for row in store.query("SELECT slug FROM decks")}
    rows = [deck.model_dump() for deck in document.decks if deck.slug not in known]
    if rows:
        store.db["decks"].insert_all(rows)
    return len(rows)


_STATE_KEYS = ("state", "step", "stability", "difficulty", "due", "last_review")


def _merge_cards(store: Store, document: Document) -> tuple[dict[tuple[str, str], int], int, int]:
    local = {
        (row["deck"], row["card_id"]): row
        for row in store.query("SELECT id, deck, card_id, last_review, reset_at FROM cards")
    }
    ids = {key: row["id"] for key, row in local.items()}
    added = updated = 0
    for card in document.cards:
        key = (card.deck, card.card_id)
        flags = {
            "suspended": int(card.suspended),
            "buried_until": card.buried_until,
            "leech": int(card.leech),
            "reset_at": card.reset_at,
        }
        mine = local.get(key)
        if mine is None:
            row = {
                "deck": card.deck,
                "card_id": card.card_id,
                "kind": card.kind,
                "position": card.position,
                "content_hash": card.content_hash,
                "present": int(card.present),
                "added_at": card.added_at,
                "edited_at": card.edited_at,
                **card.state.columns(),
                **flags,
            }
            ids[key] = store.db["cards"].insert(row).last_rowid  # type: ignore[assignment]
            added += 1
            continue
        ours = max(mine["last_review"] or "", mine["reset_at"] or "")
        if card.changed_at > ours:
            store.db["cards"].update(mine["id"], {**card.state.columns(), **flags})
            updated += 1
    return ids, added, updated


def _merge_reviews(
    store: Store, document: Document, ids: dict[tuple[str, str], int]
) -> tuple[int, int]:
    cards = {ids[(r.deck, r.card_id)] for r in document.reviews}
    seen: set[tuple[int, str]] = set()
    if cards:
        cursor = store.db.conn.execute("SELECT card, reviewed_at FROM reviews")
        seen = {(card, at) for card, at in cursor if card in cards}
    rows = []
    skipped = 0
    # By time; ties keep the file's order, so a restored copy exports in the same order.
    for review in sorted(document.reviews, key=lambda r: r.reviewed_at):
        card = ids[(review.deck, review.card_id)]
        if (card, review.reviewed_at) in seen:
            skipped += 1
            continue
        seen.add((card, review.reviewed_at))
        rows.append(
            {
                "reviewed_at": review.reviewed_at,
                "card": card,
                "deck": review.deck,
                "card_id": review.card_id,
                "kind": review.kind,
                "answer": review.answer,
                "outcome": review.outcome,
                "verdict": None if review.verdict is None else json.dumps(review.verdict),
                "suggested": review.suggested,
                "rating": review.rating,
                "duration_ms": review.duration_ms,
                **review.before.columns("before_"),
                **review.after.columns("after_"),
                "leeched": int(review.leeched),
            }
        )
    if rows:
        names = list(rows[0])
        store.db.conn.executemany(
            f"INSERT INTO reviews ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            (tuple(row[name] for name in names) for row in rows),
        )
    return len(rows), skipped
