"""Load one deck file into a ``Deck``, or into the list of problems that stop it loading.

The steps: read safe YAML with positions (``yamlsource``), validate the shape
(``schema``), apply cross-field rules (``rules``), then build the frozen model.
Problems come back as located diagnostics; nothing here raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from quiz.deck import model as m
from quiz.deck.diagnostics import DeckError, Diagnostic
from quiz.deck.rules import check_deck, check_parts
from quiz.deck.schema import (
    ChoiceModel,
    ClozeModel,
    CodeModel,
    DeckModel,
    FlashModel,
    OutputModel,
    valid_parts,
    validate,
)
from quiz.deck.yamlsource import DataPath, SourceMap, read_deck_file

DECK_SUFFIXES = m.DECK_SUFFIXES


@dataclass(frozen=True)
class LoadResult:
    path: Path
    deck: m.Deck | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    slug: str | None = None  # the `deck:` the file claims, even when it has problems
    slug_location: m.Location | None = None  # where `deck:` was written

    @property
    def ok(self) -> bool:
        return self.deck is not None and not self.diagnostics


def load_deck(path: Path) -> LoadResult:
    """Read, validate and build the deck at ``path``; never raises on bad content."""
    try:
        data, source = read_deck_file(path)
    except DeckError as error:
        return LoadResult(path, None, sorted(error.diagnostics))
    slug_location = _slug_location(data, source)
    slug = data["deck"] if slug_location else None
    model, problems = validate(data)
    diagnostics = [source.diagnostic(at, message) for at, message in problems]
    rule_problems = check_deck(model) if model is not None else check_parts(*valid_parts(data))
    for problem in rule_problems:
        diagnostics.append(_locate(source, problem.at, problem.message, problem.offset))
    if diagnostics or model is None:
        return LoadResult(path, None, sorted(set(diagnostics)), slug, slug_location)
    return LoadResult(path, _build_deck(model, data, source), [], slug, slug_location)


def _slug_location(data: Any, source: SourceMap) -> m.Location | None:
    if isinstance(data, dict) and isinstance(data.get("deck"), str):
        line, col = source.key(("deck",))
        return m.Location(source.path, line, col)
    return None


def _locate(source: SourceMap, at: DataPath, message: str, offset: int | None) -> Diagnostic:
    """Point inside a one-line plain value when the offset is known, else at its key."""
    mark = source.value(at)
    if offset is not None and mark is not None and mark.plain_one_line:
        return Diagnostic(source.path, mark.line, mark.col + offset, message)
    return source.diagnostic(at, message)


def _location(source: SourceMap, at: DataPath) -> m.Location:
    line, col = source.key(at)
    return m.Location(source.path, line, col)


def _givens(givens: dict[str, str]) -> tuple[m.Given, ...]:
    return tuple(m.Given(name, expr) for name, expr in givens.items())


def _build_deck(deck: DeckModel, data: dict[str, Any], source: SourceMap) -> m.Deck:
    cards = tuple(
        _build_card(card, data["cards"][index], source, ("cards", index))
        for index, card in enumerate(deck.cards)
    )
    return m.Deck(
        slug=deck.deck,
        title=deck.title,
        description=deck.description,
        given=_givens(deck.given),
        cards=cards,
        location=_location(source, ("deck",)),
    )


def _build_card(card: Any, raw: dict[str, Any], source: SourceMap, at: DataPath) -> m.AnyCard:
    common: dict[str, Any] = {
        "id": card.id,
        "kind": m.CardKind(card.kind),
        "given": _givens(card.given),
        "explain": card.explain,
        "hint": card.hint,
        "tags": tuple(card.tags),
        "location": _location(source, at),
        "locations": MappingProxyType({key: _location(source, (*at, key)) for key in raw}),
        "content_hash": m.content_hash(raw),
    }
    if isinstance(card, ChoiceModel):
        return m.ChoiceCard(
            **common,
            prompt=card.prompt,
            options=tuple(card.options),
            answer=card.answer,
            accept=tuple(card.accept),
            reject=tuple(card.reject),
            shuffle=card.shuffle,
            pin=card.pin,
        )
    if isinstance(card, FlashModel):
        return m.FlashCard(**common, front=card.front, back=card.back, demo=card.demo)
    judged = {
        **common,
        "prompt": card.prompt,
        "dtype": m.DtypePolicy(card.dtype),
        "dtype_declared": "dtype" in raw,
        "tol": m.Tolerance(card.tol.atol, card.tol.rtol) if card.tol else m.Tolerance(),
        "accept": tuple(card.accept),
        "reject": tuple(card.reject),
    }
    if isinstance(card, OutputModel):
        return m.OutputCard(**judged, expr=card.expr, fresh=card.fresh)
    edged = {
        "edges": tuple(m.EdgeCase(_givens(case)) for case in card.edges),
        "scale": tuple(float(factor) for factor in card.scale),
        "skip_edges": tuple(card.skip_edges),
    }
    if isinstance(card, CodeModel):
        return m.CodeCard(
            **judged,
            **edged,
            solution=card.solution,
            trials=card.trials,
            forbid=tuple(card.forbid),
            require=tuple(card.require),
        )
    assert isinstance(card, ClozeModel)
    return m.ClozeCard(**judged, **edged, template=card.template, solution=card.solution)
