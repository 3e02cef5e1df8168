"""The deck model: frozen dataclasses that the rest of torch-quiz works with.

Deck files are validated at the edge (``quiz.deck.schema``) and turned into these
immutable values; nothing downstream ever sees raw YAML. Every card remembers
where it came from, so later stages (running cards, editing them) can point at
the right line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

# The small values below (thousands per deck set) have no __slots__: the deck cache
# unpickles a plain instance __dict__ in C, while slotted frozen dataclasses restore
# each field through Python, on every launch before the first frame (``bench/run.py``,
# ``startup_first_paint_s``).

DEFAULT_LANGUAGE = "en"
BLANK = "____"
DECK_SUFFIXES = (".yaml", ".yml")


class CardKind(StrEnum):
    OUTPUT = "output"  # predict the value of an expression
    CODE = "code"  # write an expression with the same result as the solution
    CLOZE = "cloze"  # fill the one blank of a template
    CHOICE = "choice"  # pick one (or several) of the options
    FLASH = "flash"  # self-graded front and back


class DtypePolicy(StrEnum):
    EXACT = "exact"  # dtypes must be identical
    KIND = "kind"  # bool / integer / float / complex must match
    IGNORE = "ignore"


@dataclass(frozen=True)
class Location:
    """A 1-based position in a deck file, printed the way compilers do."""

    path: Path
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Text:
    """A text field given in one or more languages, in the order the author wrote them."""

    variants: tuple[tuple[str, str], ...]

    @classmethod
    def plain(cls, text: str) -> Text:
        return cls(((DEFAULT_LANGUAGE, text),))

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The text in ``language``, else English, else the first one given."""
        by_language = dict(self.variants)
        for wanted in (language, DEFAULT_LANGUAGE):
            if wanted in by_language:
                return by_language[wanted]
        return self.variants[0][1]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.variants)

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Given:
    """A named fixture: ``name`` is bound to the value of the torch expression ``expr``."""

    name: str
    expr: str


@dataclass(frozen=True)
class EdgeCase:
    """An author's edge draw: these givens replace theirs, the rest are drawn as in the
    first random draw."""

    given: tuple[Given, ...]


@dataclass(frozen=True)
class Tolerance:
    atol: float | None = None
    rtol: float | None = None


@dataclass(frozen=True, kw_only=True)
class Card:
    """What every kind of card has. ``locations`` maps a field name to where it was written."""

    id: str
    kind: CardKind
    replaces: tuple[str, ...] = ()  # ids of earlier cards whose progress this one takes over
    given: tuple[Given, ...] = ()
    explain: Text | None = None
    hint: Text | None = None
    tags: tuple[str, ...] = ()
    location: Location
    locations: Mapping[str, Location] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    content_hash: str = ""

    def where(self, field_name: str) -> Location:
        """Where ``field_name`` was written, or where the card starts."""
        return self.locations.get(field_name, self.location)

    @property
    def varies(self) -> bool:
        """Whether its givens are drawn afresh at each review (an output card's ``fresh``)."""
        return False


@dataclass(frozen=True, kw_only=True)
class JudgedCard(Card):
    """A card whose answer is compared with a computed value."""

    prompt: Text
    dtype: DtypePolicy = DtypePolicy.KIND
    dtype_declared: bool = False  # `dtype` written in the deck: the dtype is the lesson
    tol: Tolerance = Tolerance()
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OutputCard(JudgedCard):
    expr: str
    fresh: bool = False  # draw the givens afresh at each review; the prompt shows the draw

    @property
    def varies(self) -> bool:
        return self.fresh


@dataclass(frozen=True, kw_only=True)
class CodeCard(JudgedCard):
    solution: str
    trials: int = 5
    forbid: tuple[str, ...] = ()
    require: tuple[str, ...] = ()
    edges: tuple[EdgeCase, ...] = ()  # the author's edge draws, on top of the automatic ones
    scale: tuple[float, ...] = ()  # an edge draw of the first draw's floats × each factor
    skip_edges: tuple[str, ...] = ()  # automatic edge draws outside what the card asks


@dataclass(frozen=True, kw_only=True)
class ClozeCard(JudgedCard):
    template: str
    solution: str
    edges: tuple[EdgeCase, ...] = ()  # as for code cards
    scale: tuple[float, ...] = ()
    skip_edges: tuple[str, ...] = ()

    def filled(self, fill: str) -> str:
        """The template with its blank replaced by ``fill``."""
        return self.template.replace(BLANK, fill, 1)


@dataclass(frozen=True, kw_only=True)
class ChoiceCard(Card):
    prompt: Text
    options: tuple[str, ...]
    answer: tuple[str, ...]
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    shuffle: bool = True  # the review screen shows the options in a fresh order
    pin: tuple[str, ...] = ()  # options that keep their place when shuffled ("all of the above")


@dataclass(frozen=True, kw_only=True)
class FlashCard(Card):
    front: Text
    back: Text
    demo: str | None = None


AnyCard = OutputCard | CodeCard | ClozeCard | ChoiceCard | FlashCard


@dataclass(frozen=True, kw_only=True)
class Deck:
    slug: str
    title: Text
    description: Text | None = None
    given: tuple[Given, ...] = ()
    cards: tuple[AnyCard, ...] = ()
    location: Location

    @property
    def path(self) -> Path:
        return self.location.path

    def card(self, card_id: str) -> AnyCard | None:
        return next((card for card in self.cards if card.id == card_id), None)

    def count_by_kind(self) -> dict[CardKind, int]:
        counts = dict.fromkeys(CardKind, 0)
        for card in self.cards:
            counts[card.kind] += 1
        return counts


def card_givens(deck: Deck, card: AnyCard) -> list[tuple[str, str]]:
    """The deck's givens then the card's; a card's given replaces a deck's of that name."""
    own = {given.name for given in card.given}
    merged = [(g.name, g.expr) for g in deck.given if g.name not in own]
    return merged + [(g.name, g.expr) for g in card.given]


def content_hash(data: Any) -> str:
    """A stable digest of a card's source data, so edits to its text can be noticed."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
