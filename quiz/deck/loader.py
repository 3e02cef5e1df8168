"""Load one deck file into a ``Deck``, or into the list of problems that stop it loading.

The steps: read safe YAML with positions (``yamlsource``), validate the shape
(``schema``), apply cross-field rules (``rules``), then build the frozen model.
Problems come back as located diagnostics; nothing here raises on bad input.

Every step runs even when an earlier one found problems, so an author sees them all in
one run. A file with problems gives no ``deck``, but still a ``runnable`` one for
``check``: the cards whose problems leave what they compute and how they are judged
alone, so their accept and reject examples are tried in the same run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from quiz.deck import model as m
from quiz.deck.cjkspacing import text_spacing
from quiz.deck.diagnostics import DeckError, Diagnostic
from quiz.deck.rules import check_parts
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


# The fields of a card that change neither what it computes nor how its answers are
# judged in ``check``: a problem in one of them (or an unknown key) leaves the card
# running. A problem in any other field of the card, or in the card as a whole, keeps
# it from running (so a key added to the format counts as one that matters until it
# is listed here); a problem in one accept or reject example keeps only that one out.
NOT_RUN_FIELDS = frozenset({"id", "prompt", "explain", "hint", "tags", "options", "shuffle",
                            "pin", "front", "back", "replaces"})  # fmt: skip
EXAMPLES = ("accept", "reject")
EVERY_EXAMPLE = None  # the whole list is left out


@dataclass(frozen=True)
class CardEntry:
    """One item of a file's ``cards`` list as written, valid or not: what ``check``
    reports each card's problems against."""

    index: int
    id: str | None  # as written, when it is text
    kind: str | None  # as written, when it is text
    location: m.Location  # where the item starts
    end: tuple[int, int]  # (line, col) just past the item
    card: m.AnyCard | None = None  # the card as ``check`` runs it, when it can run

    def holds(self, diagnostic: Diagnostic) -> bool:
        """Whether ``diagnostic`` points inside this item of the file."""
        start = (self.location.line, self.location.col)
        inside = start <= (diagnostic.line, diagnostic.col) < self.end
        return inside and diagnostic.path == self.location.path


@dataclass(frozen=True)
class LoadResult:
    path: Path
    deck: m.Deck | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    slug: str | None = None  # the `deck:` the file claims, even when it has problems
    slug_location: m.Location | None = None  # where `deck:` was written
    entries: tuple[CardEntry, ...] = ()  # every item of `cards`, in the file's order
    runnable: m.Deck | None = None  # what `check` runs: `deck`, or its cards that can run
    # Spaces that Chinese text has no place for (``cjkspacing``): ``check`` reports them,
    # but they do not stop the deck loading, so a learner can still use it.
    spacing: list[Diagnostic] = field(default_factory=list)

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
    diagnostics = list(source.problems)
    faults: list[DataPath] = list(source.broken)
    # What the YAML reading already reported (a tag, a duplicate key) is not reported again.
    for at, message in problems:
        if not _under(at, source.broken):
            diagnostics.append(source.diagnostic(at, message))
            faults.append(at)
    given, cards = (model.given, list(enumerate(model.cards))) if model else valid_parts(data)
    for problem in check_parts(given, cards):
        if not _under(problem.at, source.broken):
            diagnostics.append(_locate(source, problem.at, problem.message, problem.offset))
            faults.append(problem.at)
    spacing = sorted(
        {_locate(source, p.at, p.message, p.offset) for p in text_spacing(data)} - set(diagnostics)
    )
    if model is not None and not diagnostics:
        deck = _build_deck(model, data, source)
        entries = _entries(data, source, dict(enumerate(deck.cards)))
        return LoadResult(path, deck, [], slug, slug_location, entries, deck, spacing)
    runnable = _runnable(data, source, model, given, cards, faults)
    entries = _entries(data, source, runnable)
    deck = None
    if runnable and given is not None:
        deck = _partial_deck(data, source, model, given, runnable.values())
    problems = sorted(set(diagnostics))
    return LoadResult(path, None, problems, slug, slug_location, entries, deck, spacing)


def _under(at: DataPath, broken: set[DataPath]) -> bool:
    return any(at[:end] in broken for end in range(len(at) + 1))


def _runnable(
    data: Any,
    source: SourceMap,
    model: DeckModel | None,
    given: dict[str, str] | None,
    cards: list[tuple[int, Any]],
    faults: list[DataPath],
) -> dict[int, m.AnyCard]:
    """The cards of a file with problems that ``check`` can still run, by their index."""
    deck_faults = [at for at in faults if not at or at[0] in ("given", "format")]
    if given is None or deck_faults:
        return {}  # every card runs on the deck's givens
    runnable: dict[int, m.AnyCard] = {}
    for index, card in cards:
        own = [at[2:] for at in faults if at[:2] == ("cards", index)]
        if any(not at or _runs_on(card, at[0]) for at in own):
            continue
        if isinstance(card, ChoiceModel) and len(set(card.options)) < len(card.options):
            continue  # an option listed twice: the judge cannot tell its copies apart
        built = _build_card(card, data["cards"][index], source, ("cards", index))
        for name in EXAMPLES:
            left_out = {at[1] if len(at) > 1 else EVERY_EXAMPLE for at in own if at[0] == name}
            if left_out and hasattr(built, name):
                kept = [] if EVERY_EXAMPLE in left_out else [
                    text for number, text in enumerate(getattr(built, name))
                    if number not in left_out
                ]  # fmt: skip
                built = replace(built, **{name: tuple(kept)})
        runnable[index] = built
    return runnable


def _runs_on(card: Any, field_name: object) -> bool:
    """Whether a problem in ``field_name`` of ``card`` (a schema model) keeps it from
    running: a field of its kind that is not known to leave running alone."""
    fields = type(card).model_fields
    return field_name in fields and field_name not in (*NOT_RUN_FIELDS, *EXAMPLES)


def _partial_deck(
    data: dict[str, Any],
    source: SourceMap,
    model: DeckModel | None,
    given: dict[str, str],
    cards: Iterable[m.AnyCard],
) -> m.Deck:
    """A deck of the cards that can run, whatever else in the file is wrong."""
    slug = data.get("deck") if isinstance(data.get("deck"), str) else source.path.stem
    return m.Deck(
        slug=model.deck if model else str(slug),
        title=model.title if model else m.Text.plain(str(slug)),
        given=_givens(given),
        cards=tuple(cards),
        location=_location(source, ("deck",)),
    )


def _entries(data: Any, source: SourceMap, cards: dict[int, m.AnyCard]) -> tuple[CardEntry, ...]:
    raw_cards = data.get("cards") if isinstance(data, dict) else None
    entries = []
    for index, raw in enumerate(raw_cards if isinstance(raw_cards, list) else []):
        fields = raw if isinstance(raw, dict) else {}
        line, col = source.key(("cards", index))
        entries.append(
            CardEntry(
                index=index,
                id=fields["id"] if isinstance(fields.get("id"), str) else None,
                kind=fields["kind"] if isinstance(fields.get("kind"), str) else None,
                location=m.Location(source.path, line, col),
                end=source.ends.get(("cards", index), (line, col + 1)),
                card=cards.get(index),
            )
        )
    return tuple(entries)


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
        "replaces": tuple(card.replaces),
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
