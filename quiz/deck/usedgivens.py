"""Which givens a card shows: those its expressions name, with the givens those need.

A deck-wide given (``a: torch.arange(6)``) is there for some of the deck's cards; shown
on every card, it is noise the learner has to read past, and on a card that never uses
it, a false clue. So a card shows the deck's givens that it names, and every given those
name in turn (``y: x * 2`` needs ``x``), in the order the judge evaluates them. A card's
own givens were written for it and are always shown.

A card names what its expressions read: an output card's ``expr``, the ``solution`` of a
code or cloze card, the names a code card's answer must use (``require``), a cloze
card's ``template``, a flash card's ``demo``, a choice card's options that are Python,
and the code spans (`` `x.sum()` ``) of its prompt or front in every language. Names are
read from the parsed expression, so ``x`` in ``t.x`` or ``"x"`` is not the given ``x``;
text that does not parse is read for identifiers instead, which can only show a given
too many. This is plain data, with no torch and no Textual: the review screen and the
Anki export share it.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Iterator

from quiz.deck.exprsyntax import MAX_EXPR_CHARS
from quiz.deck.model import (
    AnyCard,
    ChoiceCard,
    ClozeCard,
    CodeCard,
    Deck,
    FlashCard,
    OutputCard,
    Text,
    card_givens,
)

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def names_in(source: str) -> frozenset[str]:
    """The names ``source`` reads: ``x`` and ``y`` in ``(x * y).sum(dim=0)``, not ``sum``
    or ``dim``; and not ``x`` in ``t.x`` or ``"x"``. Text that does not parse (or is too
    long to parse safely) gives every identifier in it."""
    if len(source) <= MAX_EXPR_CHARS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "invalid escape sequence" and the like
                tree = ast.parse(source.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        else:
            return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
    return frozenset(_IDENTIFIER.findall(source))


def _code_spans(text: Text | None) -> Iterator[str]:
    if text is None:
        return
    for _, variant in text.variants:
        for match in _CODE_SPAN.finditer(variant):
            yield match.group(2)


def card_sources(card: AnyCard) -> tuple[str, ...]:
    """The text of ``card`` that may name a given, as listed in the module docstring."""
    sources: list[str] = []
    if isinstance(card, OutputCard):
        sources.append(card.expr)
    elif isinstance(card, CodeCard):
        sources += [card.solution, *card.require]  # a required name must be in view
    elif isinstance(card, ClozeCard):
        # filled: a blank glued to a name (``w____``) would hide the name
        sources += [card.filled(card.solution), card.solution]
    elif isinstance(card, FlashCard):
        sources += [card.demo] if card.demo else []
    elif isinstance(card, ChoiceCard):
        sources += card.options
    shown = card.front if isinstance(card, FlashCard) else card.prompt
    sources += _code_spans(shown)
    return tuple(sources)


def _names(sources: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for source in sources:
        found |= names_in(source)
    return found


def used_given_names(deck: Deck, card: AnyCard) -> frozenset[str]:
    """The names of the givens ``card`` shows (see the module docstring)."""
    givens = card_givens(deck, card)
    own = {given.name for given in card.given}
    wanted = _names(card_sources(card)) | own
    reads = {name: names_in(expr) for name, expr in givens}
    while True:  # until no wanted given needs one more (``z: y + 1``, ``y: x * 2``)
        needed = set().union(*(reads[name] for name in wanted if name in reads)) - wanted
        if not needed & reads.keys():
            break
        wanted |= needed
    return frozenset(name for name, _ in givens if name in wanted)


def used_givens(deck: Deck, card: AnyCard) -> list[tuple[str, str]]:
    """``card_givens(deck, card)`` less those ``card`` does not use, in the same order."""
    keep = used_given_names(deck, card)
    return [(name, expr) for name, expr in card_givens(deck, card) if name in keep]
