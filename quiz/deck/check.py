"""Check many deck files at once: find them, load each, and apply rules across files.

Used by ``torch-quiz check`` and by everything that loads a set of decks, so that a
broken deck is reported and skipped while the others load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.deck.diagnostics import Diagnostic
from quiz.deck.model import DECK_SUFFIXES, Deck

if TYPE_CHECKING:
    from quiz.deck.loader import LoadResult


@dataclass(frozen=True, slots=True)
class Claim:
    """A deck slug claimed by a second file: the file kept, the one dropped and its line."""

    slug: str
    kept: Path
    dropped: Path
    diagnostic: Diagnostic


@dataclass
class DeckSet:
    """The decks that loaded, and every problem found on the way."""

    decks: list[Deck] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    claims: list[Claim] = field(default_factory=list)  # each also among the diagnostics

    @property
    def errors(self) -> list[Diagnostic]:
        return self.diagnostics  # every diagnostic is an error; the format has no warnings

    @property
    def card_count(self) -> int:
        return sum(len(deck.cards) for deck in self.decks)

    def summary(self) -> str:
        errors = len(self.errors)
        decks = f"{len(self.decks)} deck{'s' * (len(self.decks) != 1)}"
        cards = f"{self.card_count} card{'s' * (self.card_count != 1)}"
        files = f"{self.files} file{'s' * (self.files != 1)}"
        if errors:
            return f"{errors} error{'s' * (errors != 1)} in {files}; fine: {decks}, {cards}"
        return f"{files} checked: {decks}, {cards}, no problems"


def find_deck_files(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand folders into their deck files (recursively, sorted); report missing paths."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in DECK_SUFFIXES and p.is_file())
            if not found:
                problems.append(Diagnostic(path, 1, 1, "no deck files (*.yaml, *.yml) here"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Diagnostic(path, 1, 1, "no such file or folder"))
    unique = list(dict.fromkeys(p.resolve() for p in files))
    by_resolved = {p.resolve(): p for p in files}
    return [by_resolved[p] for p in unique], problems


def load_files(
    paths: Iterable[Path],
    on_runnable: Callable[[], object] | None = None,
    claims: list[Claim] | None = None,
) -> tuple[list[LoadResult], list[Diagnostic]]:
    """Load every deck file under ``paths``, each with its own problems and those across
    files (a deck slug claimed twice keeps its first file); and the problems with the
    paths themselves. ``on_runnable`` is called each time a file yields cards to run
    (``check`` starts loading torch then, and not at all for files that never load).
    Each slug claimed again is added to ``claims`` when it is given."""
    from quiz.deck.loader import load_deck  # YAML and pydantic: only when parsing decks

    files, problems = find_deck_files(paths)
    results: list[LoadResult] = []
    claimed: dict[str, LoadResult] = {}
    claims = [] if claims is None else claims
    for path in files:
        loaded = load_deck(path)
        # A slug is claimed even by a file with other problems, so both are reported.
        first = claimed.get(loaded.slug) if loaded.slug else None
        if first is not None and loaded.slug_location is not None:
            where = loaded.slug_location
            claim = Diagnostic(
                where.path,
                where.line,
                where.col,
                f"deck '{loaded.slug}' is also claimed by {first.slug_location}; "
                "each deck needs its own slug",
            )
            loaded = replace(loaded, deck=None, diagnostics=[*loaded.diagnostics, claim])
            claims.append(Claim(loaded.slug, first.path, loaded.path, claim))
        elif loaded.slug:
            claimed[loaded.slug] = loaded
        if on_runnable is not None and loaded.runnable is not None:
            on_runnable()
        results.append(loaded)
    return results, problems


def deck_set(results: Iterable[LoadResult], problems: Iterable[Diagnostic] = ()) -> DeckSet:
    """The decks that loaded of ``results``, and every problem found."""
    found = DeckSet(diagnostics=list(problems))
    for loaded in results:
        found.files += 1
        found.diagnostics.extend(loaded.diagnostics)
        if loaded.deck is not None:
            found.decks.append(loaded.deck)
    return found


def load_decks(paths: Iterable[Path]) -> DeckSet:
    """Load every deck under ``paths``; a deck slug claimed twice keeps its first file."""
    claims: list[Claim] = []
    found = deck_set(*load_files(paths, claims=claims))
    found.claims.extend(claims)
    return found
