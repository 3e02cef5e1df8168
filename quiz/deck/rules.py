"""Rules that the schema alone cannot express: names, cross-field and cross-card checks.

Each rule reports ``(data path, message)`` or, for expressions, an exact position
inside the value; the loader turns them into located diagnostics.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from quiz.deck.exprsyntax import expression_problem
from quiz.deck.fills import fill_problem
from quiz.deck.model import BLANK
from quiz.deck.schema import (
    ChoiceModel,
    ClozeModel,
    CodeModel,
    DeckModel,
    FlashModel,
    OutputModel,
    shown,
)
from quiz.deck.yamlsource import DataPath

RESERVED_NAMES = frozenset({"torch", "F", "nn", "math"})
UNDERSCORE_RUN = re.compile(r"_{4,}")


@dataclass(frozen=True, slots=True)
class RuleProblem:
    at: DataPath
    message: str
    offset: int | None = None  # a character offset inside the value at ``at``


def check_deck(deck: DeckModel) -> Iterator[RuleProblem]:
    yield from check_parts(deck.given, list(enumerate(deck.cards)))


def check_parts(
    given: dict[str, str] | None, cards: list[tuple[int, Any]]
) -> Iterator[RuleProblem]:
    """The rules for the deck's givens and the cards given as (index in the file, card)."""
    yield from _givens(("given",), given or {})
    seen: dict[str, int] = {}
    for index, card in cards:
        at: DataPath = ("cards", index)
        if card.id in seen:
            yield RuleProblem(
                (*at, "id"),
                f"duplicate card id '{card.id}' (also card {seen[card.id] + 1} of this deck); "
                "progress is keyed by id, so ids must be unique",
            )
        else:
            seen[card.id] = index
        yield from _givens((*at, "given"), card.given)
        yield from _replaces(at, card)
        yield from _card(at, card)
        if isinstance(card, OutputModel) and card.fresh and not (given or card.given):
            yield RuleProblem(
                (*at, "fresh"),
                "fresh: true draws the givens afresh at each review, but this card has none; "
                "give it random givens such as torch.randint(-5, 6, (4,))",
            )
        yield from _edge_cases(at, card, given or {})


def _replaces(at: DataPath, card: Any) -> Iterator[RuleProblem]:
    """``replaces`` names earlier ids: never the card's own, nor one id twice."""
    seen: set[str] = set()
    for index, old in enumerate(getattr(card, "replaces", ())):
        if old == card.id:
            yield RuleProblem((*at, "replaces", index), f"a card cannot replace itself ('{old}')")
        elif old in seen:
            yield RuleProblem((*at, "replaces", index), f"'{old}' is listed twice in replaces")
        seen.add(old)


def _givens(at: DataPath, givens: dict[str, str]) -> Iterator[RuleProblem]:
    for name, expr in givens.items():
        if not name.isidentifier() or keyword.iskeyword(name):
            yield RuleProblem((*at, name), f"given name '{name}' is not a valid Python name")
        elif name.startswith("_"):
            yield RuleProblem((*at, name), f"given name '{name}' may not start with '_'")
        elif name in RESERVED_NAMES:
            yield RuleProblem((*at, name), f"given name '{name}' would hide the built-in '{name}'")
        yield from _expression((*at, name), expr)


def _edge_cases(at: DataPath, card: Any, deck_given: dict[str, str]) -> Iterator[RuleProblem]:
    """An author's edge case replaces givens of the card or the deck, by expressions."""
    names = [*deck_given, *(name for name in card.given if name not in deck_given)]
    for index, case in enumerate(getattr(card, "edges", ())):
        where: DataPath = (*at, "edges", index)
        if not case:
            yield RuleProblem(where, "an edge case needs at least one given, such as {x: ...}")
        for name, expr in case.items():
            if name not in names:
                known = f" (the givens are {', '.join(names)})" if names else ""
                yield RuleProblem(
                    (*where, name),
                    f"edge case {index + 1} gives '{shown(name)}', which is not a given of "
                    f"this card or its deck{known}",
                )
                continue
            yield from _expression((*where, name), expr)


def _expression(at: DataPath, source: str) -> Iterator[RuleProblem]:
    problem = expression_problem(source)
    if problem:
        message = problem.message
        if isinstance(at[-1], int) and ("never closed" in message or "unmatched" in message):
            message += " (YAML splits [a, b] lists at commas: quote an item that has one)"
        yield RuleProblem(at, message, problem.offset)


def _name(at: DataPath, text: str) -> Iterator[RuleProblem]:
    """A forbid or require entry: the judge matches names and dotted chains only, or a
    few of them separated by ``|`` (any one of them counts)."""
    names = [name.strip() for name in text.split("|")] if "|" in text else [text]
    for name in names:
        parts = name.split(".")  # as written: the judge compares it exactly
        if not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
            yield RuleProblem(
                at,
                f"'{text}' is not a name: forbid and require list names such as torch.sum "
                "or sum, or alternatives such as 'expand | broadcast_to'",
            )
            return


def _card(at: DataPath, card: object) -> Iterator[RuleProblem]:
    if isinstance(card, OutputModel):
        yield from _expression((*at, "expr"), card.expr)
    elif isinstance(card, CodeModel):
        yield from _expression((*at, "solution"), card.solution)
        for field_name in ("forbid", "require"):
            for index, text in enumerate(getattr(card, field_name)):
                yield from _name((*at, field_name, index), text)
        # Reject examples are not checked here: one that does not read or compile is
        # judged invalid, which is not right, so it does what it is there for.
        for index, text in enumerate(card.accept):
            yield from _expression((*at, "accept", index), text)
    elif isinstance(card, ClozeModel):
        yield from _cloze(at, card)
    elif isinstance(card, ChoiceModel):
        yield from _choice(at, card)
    elif isinstance(card, FlashModel) and card.demo is not None:
        yield from _expression((*at, "demo"), card.demo)


def _cloze(at: DataPath, card: ClozeModel) -> Iterator[RuleProblem]:
    runs = UNDERSCORE_RUN.findall(card.template)
    blanks = runs.count(BLANK)
    if blanks != 1 or len(runs) != blanks:
        found = f"found {blanks}" if len(runs) == blanks else "found a run of underscores"
        yield RuleProblem(
            (*at, "template"),
            f"a cloze template needs exactly one blank '{BLANK}' (four underscores), {found}",
        )
        return
    template_problem = expression_problem(card.template.replace(BLANK, "blank", 1))
    blank_problem = fill_problem(card.template, "blank")
    if template_problem or blank_problem:
        message = template_problem.message if template_problem else blank_problem
        yield RuleProblem((*at, "template"), f"the template: {message}")
        return
    for field_name, fills in (("solution", [card.solution]), ("accept", card.accept)):
        for index, fill in enumerate(fills):
            where = (*at, field_name) if field_name == "solution" else (*at, field_name, index)
            broken = fill_problem(card.template, fill)
            if broken:
                yield RuleProblem(where, f"the fill {fill!r}: {broken}")
                continue
            filled = card.template.replace(BLANK, fill, 1)
            problem = expression_problem(filled)
            if problem:
                yield RuleProblem(where, f"the template filled with '{fill}': {problem.message}")


def _choice(at: DataPath, card: ChoiceModel) -> Iterator[RuleProblem]:
    seen: set[str] = set()
    for index, option in enumerate(card.options):
        if option in seen:
            yield RuleProblem((*at, "options", index), f"option '{option}' is listed twice")
        seen.add(option)
    for index, option in enumerate(card.options):
        number = _option_number(option)
        if number is not None and 1 <= number <= len(card.options) and number != index + 1:
            yield RuleProblem(
                (*at, "options", index),
                f"option '{option}' reads like the number of option {number}; learners may "
                "answer with a number, so write it out (say 'base 2', not '2')",
            )
    for answer in card.answer:
        if answer not in seen:
            yield RuleProblem((*at, "answer"), f"answer '{answer}' is not one of the options")
    for pinned in card.pin:
        if pinned not in seen:
            yield RuleProblem((*at, "pin"), f"pin '{pinned}' is not one of the options")


def _option_number(text: str) -> int | None:
    """The number a text reads as, if it is a short run of decimal digits. ``isdigit`` is
    also true of '²', which int() refuses, and int() refuses 4,300 digits or more."""
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) <= 9 else None
