"""What ``torch-quiz check --json`` prints: one record per card, so editors and scripts
can use what ``check`` found without reading its text.

Each problem goes to the card whose lines it points into; a problem that is in no card
(the deck's slug or givens, a YAML error, a file that cannot be read, a path that does
not exist) goes to a record for its file. The records are plain dicts, ready for
``json.dumps``; their keys are documented in ``docs/deck-format.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from quiz.deck.diagnostics import Diagnostic
from quiz.deck.loader import LoadResult
from quiz.deck.model import AnyCard


def varies(card: AnyCard | None) -> bool:
    """Whether ``card`` shows the learner new givens at each review (an output card's
    ``fresh``); False for an item that is not a card that can run."""
    return card is not None and card.varies


def check_records(
    results: Iterable[LoadResult], diagnostics: Iterable[Diagnostic]
) -> Iterator[dict[str, Any]]:
    """A record per card of each file in ``results`` (in the file's order), after a
    record for the file when it has problems outside its cards; then a record for each
    other path with problems. ``diagnostics`` is everything ``check`` found."""
    by_path: dict[Path, list[Diagnostic]] = {}
    for diagnostic in sorted(set(diagnostics)):
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    for loaded in results:
        found = by_path.pop(loaded.path, [])
        outside = [d for d in found if not any(entry.holds(d) for entry in loaded.entries)]
        if outside or not loaded.entries:
            yield _file_record(loaded.path, loaded.slug, outside)
        for entry in loaded.entries:
            yield {
                "type": "card",
                "path": str(loaded.path),
                "deck": loaded.slug,
                "id": entry.id,
                "kind": entry.kind,
                "line": entry.location.line,
                "col": entry.location.col,
                "varies": varies(entry.card),
                "problems": [_problem(d) for d in found if entry.holds(d)],
            }
    for path, found in by_path.items():
        yield _file_record(path, None, found)


def _file_record(path: Path, slug: str | None, found: list[Diagnostic]) -> dict[str, Any]:
    return {
        "type": "file",
        "path": str(path),
        "deck": slug,
        "problems": [_problem(d) for d in found],
    }


def _problem(diagnostic: Diagnostic) -> dict[str, Any]:
    return {"line": diagnostic.line, "col": diagnostic.col, "message": diagnostic.message}
