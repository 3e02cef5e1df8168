"""A card's scheduling state as a frozen value, and its exact round trip through fsrs.

fsrs 6 has no "new" state (a fresh ``fsrs.Card`` is Learning at step 0 with no
stability), so the engine adds ``NEW`` for cards never rated. The values are
otherwise fsrs's own, so a stored state converts to an ``fsrs.Card`` and back
without loss; undo and replay rely on that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

import fsrs

from quiz.review.clock import as_utc, from_text, to_text


class Phase(IntEnum):
    NEW = 0
    LEARNING = 1  # fsrs.State.Learning
    REVIEW = 2  # fsrs.State.Review
    RELEARNING = 3  # fsrs.State.Relearning


@dataclass(frozen=True, slots=True)
class CardState:
    """What fsrs needs to schedule a card, plus NEW for a card never rated."""

    phase: Phase = Phase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None

    @property
    def is_new(self) -> bool:
        return self.phase is Phase.NEW

    def to_fsrs(self, card_id: int, now: datetime) -> fsrs.Card:
        """An ``fsrs.Card``; a new card is Learning at step 0, due ``now``."""
        if self.is_new:
            return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=as_utc(now))
        return fsrs.Card(
            card_id=card_id,
            state=fsrs.State(int(self.phase)),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=as_utc(self.due) if self.due else as_utc(now),
            last_review=as_utc(self.last_review) if self.last_review else None,
        )

    @classmethod
    def from_fsrs(cls, card: fsrs.Card) -> CardState:
        return cls(
            phase=Phase(int(card.state)),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        )

    def to_columns(self, prefix: str = "") -> dict[str, Any]:
        """Column values, named ``prefix + field`` (``before_state``, ``after_due``...)."""
        return {
            f"{prefix}state": int(self.phase),
            f"{prefix}step": self.step,
            f"{prefix}stability": self.stability,
            f"{prefix}difficulty": self.difficulty,
            f"{prefix}due": to_text(self.due),
            f"{prefix}last_review": to_text(self.last_review),
        }

    @classmethod
    def from_columns(cls, row: dict[str, Any], prefix: str = "") -> CardState:
        return cls(
            phase=Phase(row[f"{prefix}state"]),
            step=row[f"{prefix}step"],
            stability=row[f"{prefix}stability"],
            difficulty=row[f"{prefix}difficulty"],
            due=from_text(row[f"{prefix}due"]),
            last_review=from_text(row[f"{prefix}last_review"]),
        )


NEW = CardState()
