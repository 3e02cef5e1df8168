"""How one review showed its card: a fresh card's draw and a choice card's option order.

A card whose givens are drawn afresh (``fresh: true``) and a choice card whose options
are shuffled look different at each review, so what the learner saw is part of the
review: the judge grades against it, the review log stores it (``reviews.presentation``)
so the review can be shown again, exported and undone to the same question. It is plain
data, made here without torch: the seed of the draw is chosen here, and the drawn values
come back from the sandbox (``Judge.draw``) to be kept beside it.

Deck files, ``check`` and ``torch-quiz grade`` have no presentation: option numbers refer
to the file's order and a fresh card uses its fixed draw, seed 0.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from typing import Any

from quiz.deck.model import AnyCard, ChoiceCard

SEEDS = 1 << 31  # a draw's seed is below this (torch takes 64 bits; JSON keeps 31 exactly)


@dataclass(frozen=True, slots=True)
class Presentation:
    """What varied in one showing of a card; empty (the default) when nothing did."""

    seed: int | None = None  # the draw of a fresh card's givens
    givens: tuple[tuple[str, str], ...] = ()  # that draw, each given as torch printed it
    order: tuple[int, ...] = ()  # a choice card's options as shown: file indexes, from 0

    @property
    def empty(self) -> bool:
        return self.seed is None and not self.order

    @property
    def awaiting_draw(self) -> bool:
        """A fresh card's seed is chosen, but its values have not come back from torch."""
        return self.seed is not None and not self.givens

    def drawn(self, givens: tuple[tuple[str, str], ...]) -> Presentation:
        return replace(self, givens=givens)

    def shown_number(self, index: int) -> int:
        """The 1-based number on screen of the option at file index ``index``."""
        return self.order.index(index) + 1 if self.order else index + 1

    def file_index(self, number: int) -> int:
        """The file index of the option shown as ``number`` (1-based)."""
        return self.order[number - 1] if self.order else number - 1

    def fits(self, card: AnyCard) -> bool:
        """Whether this can still show ``card`` (an edit may have changed its options)."""
        if isinstance(card, ChoiceCard):
            return sorted(self.order) == list(range(len(card.options))) and self.seed is None
        return not self.order and (self.seed is not None) == card.varies

    # -- stored as JSON in the review log, and exported -------------------------------

    def to_dict(self) -> dict[str, Any] | None:
        if self.empty:
            return None
        data: dict[str, Any] = {}
        if self.seed is not None:
            data["seed"] = self.seed
            data["givens"] = dict(self.givens)
        if self.order:
            data["order"] = list(self.order)
        return data

    def to_json(self) -> str | None:
        data = self.to_dict()
        return None if data is None else json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Presentation:
        if not data:
            return cls()
        seed = data.get("seed")
        givens = data.get("givens") or {}
        return cls(
            seed=int(seed) if seed is not None else None,
            givens=tuple((str(name), str(value)) for name, value in givens.items()),
            order=tuple(int(index) for index in data.get("order") or ()),
        )

    @classmethod
    def from_json(cls, text: str | None) -> Presentation:
        return cls.from_dict(json.loads(text) if text else None)


PLAIN = Presentation()  # a card shown as its file says: nothing drawn, nothing shuffled


def present(card: AnyCard, rng: random.Random) -> Presentation:
    """A new showing of ``card``: a seed for a fresh card, an order for a choice card."""
    if isinstance(card, ChoiceCard):
        return Presentation(order=shuffled_order(card, rng))
    if card.varies:
        return Presentation(seed=rng.randrange(SEEDS))
    return Presentation()


def shuffled_order(card: ChoiceCard, rng: random.Random) -> tuple[int, ...]:
    """The options' file indexes in a random order; pinned options keep their place, and
    ``shuffle: false`` keeps the file's order. An option that reads as a number (deck rules
    allow '3' only as option 3) keeps its place too, so typing it means one option."""
    indexes = list(range(len(card.options)))
    if not card.shuffle:
        return tuple(indexes)
    pinned = {card.options.index(option) for option in card.pin if option in card.options}
    pinned |= {index for index in indexes if card.options[index].strip().isdecimal()}
    moving = [index for index in indexes if index not in pinned]
    rng.shuffle(moving)
    picks = iter(moving)
    return tuple(index if index in pinned else next(picks) for index in indexes)


def review_rng(*parts: object) -> random.Random:
    """A generator for one showing, seeded from what identifies it (the card, its number
    of reviews, the time it is shown): tests with a fixed clock see the same draw every
    run; in use the clock's microseconds make each showing's draw its own."""
    return random.Random("|".join(str(part) for part in parts))
