"""The review engine's exceptions: one line each, naming the file, never a traceback.

Each is a ``quiz.errors.UserError``, so the CLI and the TUI print ``str(error)`` and
stop; nothing here ever carries a stack trace to the learner, and raising one of
these never writes to the file.
"""

from __future__ import annotations

from pathlib import Path

from quiz.errors import UserError


class ReviewError(UserError):
    """Something the learner asked for cannot be done (nothing to undo, no such card)."""


class StoreError(ReviewError):
    """The progress database cannot be used: unreadable, foreign, corrupt or too new."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = " ".join(problem.split())  # always one line
        super().__init__(f"{self.path}: {self.problem}")


class SettingsError(StoreError):
    """A setting has a value the engine cannot use; ``key`` says which one."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.key = key
        super().__init__(path, f"setting '{key}': {problem}")
