"""Turn the Author screen's form fields into a card mapping, as a deck file would hold it.

The form is plain text boxes: givens one per line (``name = expr``), lists separated
by ``;`` (expressions and printed values are full of commas), tags by spaces, numbers
(``trials``, ``atol``, ``rtol``, ``scale``) as typed, an author's edge cases as
``x = expr, y = expr`` with ``;`` between cases, and choices (``fresh``, ``shuffle``)
as "" for the format's default or ``true``/``false``. This module reads them into the
card's keys, in the order the deck format documents, writes only the keys a kind
accepts and leaves validation to the deck loader, so a card typed in the form is
judged exactly as ``check`` judges a file. It also says which expression the scratchpad
should run for a kind. (Cards drafted from torch's docstrings are ``quiz.judge.docdraft``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quiz.deck.model import BLANK, CardKind
from quiz.deck.schema import CARD_MODELS
from quiz.errors import UserError

LIST_SEPARATOR = ";"

# What the scratchpad's expression becomes in the card, by kind (choice cards have none).
EXPR_KEY = {
    CardKind.OUTPUT: "expr",
    CardKind.CODE: "solution",
    CardKind.CLOZE: "template",
    CardKind.FLASH: "demo",
}


class FormError(UserError):
    """A form field cannot be read; the message names it, ``field`` is the field's name."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class FormFields:
    """The Author form, as typed. ``prompt`` is a flash card's front."""

    kind: str
    id: str
    prompt: str = ""
    back: str = ""
    given: str = ""
    expr: str = ""
    fill: str = ""  # a cloze card's solution
    options: str = ""
    answer: str = ""
    accept: str = ""
    reject: str = ""
    explain: str = ""
    hint: str = ""
    tags: str = ""
    dtype: str = ""  # "" is the format's default policy: nothing is written
    atol: str = ""
    rtol: str = ""
    trials: str = ""
    forbid: str = ""
    require: str = ""
    fresh: str = ""  # "" (the default, written as nothing) or "true"
    edges: str = ""  # cases separated by ";", each "name = expr, name = expr"
    scale: str = ""
    skip_edges: str = ""
    shuffle: str = ""  # "" (the default, shuffled) or "false"
    pin: str = ""


def parse_givens(text: str) -> list[tuple[str, str]]:
    """``name = expr`` (or ``name: expr``) per line; blank lines and ``#`` comments skipped."""
    givens: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cut = _separator(line)
        if cut is None:
            raise FormError(f"given line {number}: write it as name = expression", "given")
        name, expr = line[:cut].strip(), line[cut + 1 :].strip()
        if not name.isidentifier() or not expr:
            raise FormError(f"given line {number}: write it as name = expression", "given")
        givens.append((name, expr))
    return givens


def _separator(line: str) -> int | None:
    """The first ``=`` or ``:`` that ends a leading name (``x == y`` is not a given)."""
    for index, char in enumerate(line):
        if char in "=:":
            if line[index + 1 : index + 2] == "=":
                return None
            return index
        if not (char.isalnum() or char in "_ \t"):
            return None
    return None


def parse_edges(text: str) -> list[dict[str, str]]:
    """An author's edge cases: ``x = torch.zeros(3), y = torch.ones(2); x = ...``.

    Cases are separated by ``;``; in a case, each given is ``name = expression`` and a
    comma outside brackets and quotes starts the next one, unless what follows it is not
    ``name =`` (then the comma belongs to the expression, as in ``x = 1, 2``)."""
    cases: list[dict[str, str]] = []
    for number, case in enumerate(split_items(text), start=1):
        givens: list[list[str]] = []
        for piece in _top_level_pieces(case):
            cut = _separator(piece.strip())
            name = piece.strip()[:cut].strip() if cut is not None else ""
            if cut is not None and name.isidentifier():
                givens.append([name, piece.strip()[cut + 1 :].strip()])
            elif givens:
                givens[-1][1] += "," + piece
            else:
                raise FormError(
                    f"edge case {number}: write it as name = expression, name = expression",
                    "edges",
                )
        if any(not expr.strip() for _, expr in givens):
            raise FormError(f"edge case {number}: a given has no expression", "edges")
        names = [name for name, _ in givens]
        if len(set(names)) != len(names):
            raise FormError(f"edge case {number}: a given name is listed twice", "edges")
        cases.append({name: expr.strip() for name, expr in givens})
    return cases


def _top_level_pieces(text: str) -> list[str]:
    """``text`` cut at the commas outside brackets and string quotes."""
    pieces, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    return [*pieces, text[start:]]


def split_items(text: str) -> list[str]:
    """Items separated by ``;``, stripped; empty items dropped."""
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def number(text: str) -> int | float | str:
    """A numeric field as a deck file reads it (``5``, ``1e-4``); other text stays text,
    which the deck format then refuses with its own message."""
    text = text.strip()
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


def scratch_expression(kind: str, expr: str, fill: str) -> str:
    """What the scratchpad runs: a cloze template is run with its fill in the blank."""
    if kind == CardKind.CLOZE and BLANK in expr:
        return expr.replace(BLANK, fill.strip() or BLANK, 1)
    return expr


def build_card(fields: FormFields) -> dict[str, Any]:
    """The card's mapping, keys in the documented order; empty optional fields left out."""
    try:
        kind = CardKind(fields.kind)
    except ValueError:
        raise FormError(f"unknown kind {fields.kind!r}") from None
    if not fields.id.strip():
        raise FormError("the card needs an id (a slug such as clamp-both)")
    card: dict[str, Any] = {"id": fields.id.strip(), "kind": kind.value}
    prompt = fields.prompt.strip()
    if kind is CardKind.FLASH:
        card["front"] = prompt
        card["back"] = fields.back.strip()
    elif prompt or kind is not CardKind.OUTPUT:
        card["prompt"] = prompt
    givens = parse_givens(fields.given) if kind is not CardKind.CHOICE else []
    if givens:
        card["given"] = dict(givens)
        if len(card["given"]) != len(givens):
            raise FormError("a given name is listed twice")
    expr = fields.expr.strip()
    if kind in EXPR_KEY and (expr or kind is not CardKind.FLASH):
        card[EXPR_KEY[kind]] = expr
    if kind is CardKind.CLOZE:
        card["solution"] = fields.fill.strip()
    if kind is CardKind.CHOICE:
        card["options"] = split_items(fields.options)
        answers = split_items(fields.answer)
        card["answer"] = answers[0] if len(answers) == 1 else answers
        if fields.shuffle.strip():
            card["shuffle"] = _switch(fields.shuffle, "shuffle")
        pinned = split_items(fields.pin)
        if pinned:
            card["pin"] = pinned[0] if len(pinned) == 1 else pinned
    card.update(_judging(kind, fields))
    if kind is not CardKind.FLASH:
        for key in ("accept", "reject"):
            items = split_items(getattr(fields, key))
            if items:
                card[key] = items
    for key in ("explain", "hint"):
        text = getattr(fields, key).strip()
        if text:
            card[key] = text
    tags = fields.tags.replace(",", " ").split()
    if tags:
        card["tags"] = tags
    return card


def _judging(kind: CardKind, fields: FormFields) -> dict[str, Any]:
    """The filled judging keys that ``kind`` accepts (the schema says which)."""
    accepted = CARD_MODELS[kind.value].model_fields
    keys: dict[str, Any] = {}
    if "fresh" in accepted and fields.fresh.strip():
        keys["fresh"] = _switch(fields.fresh, "fresh")
    if "trials" in accepted and fields.trials.strip():
        keys["trials"] = number(fields.trials)
    if "edges" in accepted and fields.edges.strip():
        keys["edges"] = parse_edges(fields.edges)
    scale = [number(item) for item in fields.scale.replace(",", " ").replace(";", " ").split()]
    if "scale" in accepted and scale:
        keys["scale"] = scale
    skipped = fields.skip_edges.replace(",", " ").replace(";", " ").split()
    if "skip_edges" in accepted and skipped:
        keys["skip_edges"] = skipped
    for key in ("forbid", "require"):
        items = split_items(getattr(fields, key))
        if key in accepted and items:
            keys[key] = items
    if "dtype" in accepted and fields.dtype.strip():
        keys["dtype"] = fields.dtype.strip()
    tol = {key: number(text) for key in ("atol", "rtol") if (text := getattr(fields, key)).strip()}
    if "tol" in accepted and tol:
        keys["tol"] = tol
    return keys


def _switch(text: str, key: str) -> bool:
    """A yes/no field as the form's choice gives it: ``true`` or ``false``."""
    value = text.strip().lower()
    if value not in ("true", "false"):
        raise FormError(f"'{key}' must be true or false, not {text.strip()!r}", key)
    return value == "true"
