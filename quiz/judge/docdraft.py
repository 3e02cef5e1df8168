"""Draft cards from the ``>>>`` examples of a torch function's docstring.

Authoring starts from a blank page, yet torch ships thousands of worked examples. This
module reads a docstring in the sandbox (``DocReader``: the app never imports torch),
reads its examples (``quiz.deck.docexamples``), runs each one's expression in the
sandbox to learn whether its givens are random, and makes a card of it: an output card
whose reference the sandbox computes, with the docstring's print as an ``accept``
example and a near miss as a ``reject`` one, or, on random givens, a code card judged
on trials. Every card then goes through ``check`` (``check_card``), in the deck it is
appended to when there is one (``quiz.deck.append``, exactly as the Author screen saves
a card), and a card that fails is left out with check's words as the reason.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from quiz.atomicfile import atomic_write
from quiz.deck.append import AppendError, commit_append, prepare_append, render_card
from quiz.deck.diagnostics import Diagnostic
from quiz.deck.docexamples import (
    Drafted,
    Example,
    card_id,
    code_card,
    draws_random,
    examples,
    output_card,
)
from quiz.deck.loader import load_deck
from quiz.deck.starter import new_deck_header
from quiz.errors import UserError
from quiz.judge.deckcheck import check_card
from quiz.judge.judge import Judge
from quiz.sandbox.docs import DocReader, Docstring, UnknownName
from quiz.sandbox.protocol import Status

# "See :func:`torch.clamp`": a Tensor method's docstring that points at the function's.
_SEE = re.compile(r"See :(?:func|meth|class):`~?(torch\.[\w.]+)`")


class DraftError(UserError):
    """Nothing can be drafted for this name; the message says why, in one line."""


def read_examples(name: str, reader: DocReader) -> tuple[str, list[Example]]:
    """The canonical name and the examples of ``name``'s docstring (or of the function
    its docstring only points at, as most Tensor methods' do)."""
    try:
        doc = reader.docstring(name)
        if ">>>" not in doc.text and (seen := _SEE.search(doc.text)):
            pointed = reader.docstring(seen.group(1))
            doc = Docstring(doc.name, pointed.text) if ">>>" in pointed.text else doc
    except UnknownName as error:
        raise DraftError(str(error)) from None
    if not doc.text.strip():
        raise DraftError(f"{doc.name} has no docstring")
    found = examples(doc.text)
    if not found:
        raise DraftError(f"{doc.name}'s docstring has no examples (no >>> line that prints)")
    return doc.name, found


def reader_of(judge: Judge) -> DocReader:
    """The judge's sandbox, which reads docstrings too (the worker client does)."""
    if not isinstance(judge.runner, DocReader):
        raise DraftError("this sandbox cannot read torch's docstrings")
    return judge.runner


def draft(
    name: str,
    judge: Judge,
    *,
    to: Path | None = None,
    on_card: Callable[[dict[str, Any], int | None], None] | None = None,
) -> Drafted:
    """Draft ``name``'s examples as cards that pass ``check``; with ``to``, append each
    one to that deck file as it passes (``on_card(card, line)`` after each)."""
    canonical, found = read_examples(name, reader_of(judge))
    drafted = Drafted(canonical)
    taken = _ids_in(to) if to is not None and to.exists() else set()
    number = 0
    for example in found:
        if example.skip is not None:
            drafted.skipped.append((example, example.skip))
            continue
        card, reason = _card(example, canonical, judge)
        if card is None:
            drafted.skipped.append((example, reason))
            continue
        number += 1
        card["id"] = _free(card_id(canonical, number), taken)
        problems, line = _check(card, judge, to)
        if problems:
            drafted.skipped.append((example, f"fails check: {problems[0].message}"))
            continue
        taken.add(card["id"])
        drafted.cards.append(card)
        if on_card is not None:
            on_card(card, line)
    return drafted


def _card(example: Example, name: str, judge: Judge) -> tuple[dict[str, Any] | None, str]:
    """The card for ``example``, or None and why not (run once in the sandbox)."""
    if draws_random(example):
        return None, "it draws random numbers itself"
    run = judge.evaluate(example.givens, example.expr)
    trial = run.trials[0]
    if trial.given_failure is not None:
        given, failure = trial.given_failure
        return None, f"given '{given}': {failure.describe(judge.time_limit)}"
    result = trial.results[0]
    shown_raising = example.raises is not None and result.status is Status.RAISED
    if result.status is not Status.VALUE and not shown_raising:
        return None, f"the sandbox says: {result.describe(judge.time_limit)}"
    if run.random:
        if shown_raising:
            return None, "it raises on random givens"
        return code_card(example, "", name), ""
    return output_card(example, "", name), ""


def _check(
    card: dict[str, Any], judge: Judge, to: Path | None
) -> tuple[list[Diagnostic], int | None]:
    """Check's problems with ``card`` (none: appended to ``to`` when given, and its line).
    A ``to`` that does not exist yet becomes a new deck with this card, as ``new`` would
    name it: a deck is never written without a card."""
    if to is None:
        return _check_alone(card, judge), None
    if not to.exists():
        problems = _check_alone(card, judge)
        if not problems:
            header = new_deck_header(to)
            with atomic_write(to) as temporary:
                temporary.write_text(header + render_card(card), encoding="utf-8")
        return problems, None if problems else header.count("\n") + 1
    try:
        prepared = prepare_append(to, card)
    except AppendError as error:
        if error.diagnostics:
            return list(error.diagnostics), None
        raise
    problems = prepared.relocate(check_card(prepared.deck, prepared.card, judge))
    if problems:
        return problems, None
    commit_append(prepared)
    return [], prepared.line


def _check_alone(card: dict[str, Any], judge: Judge) -> list[Diagnostic]:
    """``check`` on a deck of this one card, in a scratch file."""
    with tempfile.TemporaryDirectory(prefix="torch-quiz-draft-") as folder:
        path = Path(folder) / "draft.yaml"
        header = "deck: draft\ntitle: Drafted from torch's docs\ncards:\n"
        path.write_text(header + render_card(card), encoding="utf-8")
        loaded = load_deck(path)
        if not loaded.ok or loaded.deck is None:
            return list(loaded.diagnostics)
        return check_card(loaded.deck, loaded.deck.cards[0], judge)


def _ids_in(path: Path) -> set[str]:
    loaded = load_deck(path)
    if loaded.deck is None:
        first = loaded.diagnostics[0] if loaded.diagnostics else f"{path}: cannot be read"
        raise DraftError(f"the deck has problems already: {first}")
    return {card.id for card in loaded.deck.cards}


def _free(wanted: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    if wanted not in taken:
        return wanted
    stem, _, number = wanted.rpartition("-")
    count = int(number) if number.isdigit() else 1
    while f"{stem}-{count}" in taken:
        count += 1
    return f"{stem}-{count}"


def scratchpad(name: str, judge: Judge) -> tuple[str, list[tuple[str, str]], list[str]]:
    """For the Author screen: the canonical name, the givens the examples use (in the
    order they are first used) and the examples' expressions, each on one line, without
    running them. The first goes into the box, so an example that draws random numbers
    itself (often a docstring's ``>>> a`` showing its random given) comes after those
    that can be cards, as ``draft`` skips it."""
    canonical, found = read_examples(name, reader_of(judge))
    usable = sorted((example for example in found if example.skip is None), key=draws_random)
    if not usable:
        raise DraftError(f"none of {canonical}'s examples can be a card: {found[0].skip}")
    givens: dict[str, str] = {}
    for example in usable:
        for given, expr in example.givens:
            givens.setdefault(given, _one_line(expr))
    return canonical, list(givens.items()), [_one_line(example.expr) for example in usable]


def _one_line(expr: str) -> str:
    """An expression continued over lines (``torch.tensor([[1, 2],\n  [3, 4]])``) on one,
    as the scratchpad's boxes hold them."""
    return re.sub(r"\s*\n\s*", " ", expr.strip())
