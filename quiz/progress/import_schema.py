"""What a json export must hold to be imported: pydantic models of its parts.

Why it exists: import checks every field at the edge (times with a zone, ratings 1-4,
known phases, states the scheduler can work from) before anything reaches the
database, and gives each value the stored form (times as canonical UTC text). The
file is read piece by piece (``quiz.progress.importer``), so each deck, card and
review is validated on its own; :class:`Head` is the file without its reviews.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from quiz.review.clock import to_text
from quiz.review.state import Phase

MAX_STEP = 64
FUTURE_SLACK = timedelta(days=1)  # clocks differ between machines, but not by days


def checking_context() -> dict[str, Any]:
    """The validation context: the latest last review accepted, computed once per file."""
    return {"latest": to_text(datetime.now(UTC) + FUTURE_SLACK)}


# The form every stored and exported time has; such a text needs no conversion.
_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


def _utc_text(text: str) -> str:
    moment = datetime.fromisoformat(text)
    if _CANONICAL.fullmatch(text):
        return text
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
Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StateIn(_Model):
    phase: Literal["new", "learning", "review", "relearning"]
    step: int | None = Field(ge=0, le=MAX_STEP)
    stability: Finite | None = Field(gt=0)
    difficulty: Finite | None = Field(ge=1, le=10)
    due: Time | None
    last_review: Time | None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> StateIn:
        """A state the scheduler can work from: a studied card has its memory and its due."""
        if self.phase != "new":
            missing = [k for k in ("stability", "difficulty", "due") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"a {self.phase} card needs {', '.join(missing)}")
        if self.phase in ("learning", "relearning") and self.step is None:
            raise ValueError(f"a {self.phase} card needs its step")
        latest = (info.context or checking_context())["latest"]
        if self.last_review is not None and self.last_review > latest:
            raise ValueError(f"last_review {self.last_review} is in the future")
        return self

    def values(self) -> tuple[Any, ...]:
        """The stored columns, in the order of ``STATE_COLUMNS``."""
        return (
            int(Phase[self.phase.upper()]),
            self.step,
            self.stability,
            self.difficulty,
            self.due,
            self.last_review,
        )


STATE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review")


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

    def compact(self) -> CardRow:
        file = (
            self.deck,
            self.card_id,
            self.kind,
            self.position,
            self.content_hash,
            int(self.present),
            self.added_at,
            self.edited_at,
        )
        flags = (int(self.suspended), self.buried_until, int(self.leech), self.reset_at)
        state = (*self.state.values(), *flags)
        return CardRow(self.deck, self.card_id, self.changed_at, file, state)


@dataclass(frozen=True, slots=True)
class CardRow:
    """A checked card as import keeps it: slots, not the pydantic model, so that the cards
    of a large export fit in memory at once."""

    deck: str
    card_id: str
    changed_at: str
    file_values: tuple[Any, ...]  # from its deck file, as CARD_FILE_COLUMNS
    state_values: tuple[Any, ...]  # state and flags, which the newest side gives


CARD_FILE_COLUMNS = (
    "deck", "card_id", "kind", "position", "content_hash", "present", "added_at", "edited_at",
)  # fmt: skip
CARD_STATE_COLUMNS = (*STATE_COLUMNS, "suspended", "buried_until", "leech", "reset_at")


REVIEW_COLUMNS = (
    "reviewed_at", "card", "deck", "card_id", "kind", "answer", "outcome", "verdict",
    "suggested", "rating", "duration_ms", *(f"before_{name}" for name in STATE_COLUMNS),
    *(f"after_{name}" for name in STATE_COLUMNS), "leeched", "presentation",
)  # fmt: skip


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
    presentation: dict[str, Any] | None = None  # how the card was shown (export version 2)

    def row(self, card: int) -> tuple[Any, ...]:
        """The stored columns for the card with row id ``card``, as ``REVIEW_COLUMNS``."""
        return (
            self.reviewed_at,
            card,
            self.deck,
            self.card_id,
            self.kind,
            self.answer,
            self.outcome,
            None if self.verdict is None else json.dumps(self.verdict),
            self.suggested,
            self.rating,
            self.duration_ms,
            *self.before.values(),
            *self.after.values(),
            int(self.leeched),
            None if self.presentation is None else json.dumps(self.presentation),
        )


class Head(_Model):
    """The whole file but its reviews, which are read and checked one by one later."""

    format: Literal["torch-quiz-progress"]
    version: int
    exported_at: Time
    settings: dict[str, Any]
    decks: list[DeckIn]
    cards: list[Any]  # CardRow, each checked as read
    reviews: list[Any]  # only whether it is there and a list
