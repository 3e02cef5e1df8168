"""What judging an answer produces: a verdict that explains itself and suggests a rating.

These plain values are shared by the judge, the review engine, the CLI and the TUI.
The ratings mirror FSRS's four buttons; the scheduler maps them onto ``fsrs.Rating``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class Outcome(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    INVALID = "invalid"  # the answer could not be read (not a value, no such option): retype it
    UNGRADABLE = "ungradable"  # the card itself is broken or the sandbox could not run it


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judgement of one answer.

    ``summary`` is one line ("right", "wrong: shape (1,) vs ()"); ``details`` are the
    further lines a learner may read (the exception message, the explanation of a
    difference). ``expected`` and ``got`` are values as torch prints them, when known.
    ``partial``: right, with partial credit (plain integers typed for a float result),
    so Hard is suggested.
    """

    outcome: Outcome
    summary: str
    details: tuple[str, ...] = ()
    expected: str | None = None
    got: str | None = None
    first_difference: tuple[int, ...] | None = None  # index of the first differing element
    suggested: Rating = Rating.AGAIN
    partial: bool = False

    @property
    def correct(self) -> bool:
        return self.outcome is Outcome.RIGHT

    @property
    def gradable(self) -> bool:
        """Whether the answer was judged at all; only then may a rating be recorded."""
        return self.outcome in (Outcome.RIGHT, Outcome.WRONG)

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome.value,
            "correct": self.correct,
            "summary": self.summary,
            "details": list(self.details),
            "expected": self.expected,
            "got": self.got,
            "first_difference": (
                list(self.first_difference) if self.first_difference is not None else None
            ),
            "suggested_rating": self.suggested.name.lower(),
            "partial": self.partial,
        }
