"""Problems found in deck files, reported the way compilers do (``path:line:col: error: ...``).

The gcc format lets editors and CI annotators jump straight to the offending line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quiz.deck.printable import printable


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        # One line, whatever the deck or its file name held: control characters escaped.
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.message)
        path = printable(str(self.path), multiline=False)
        return f"{path}:{self.line}:{self.col}: error: {message}"


class DeckError(Exception):
    """Raised inside the loader when a file cannot be read further; carries its diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics
