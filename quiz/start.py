"""The console script's entry point: a bare ``torch-quiz`` opens the app at once.

The command line is built with typer, which imports pydantic to convert parameters,
all before anything could be drawn (``bench/run.py``'s ``startup_first_paint_s``
measures the launch that skips it). So the plain launch
(``torch-quiz``, optionally with ``--db PATH``) is recognised here and goes straight to
``quiz.launch``; every other invocation, ``--help`` included, goes to ``quiz.cli``,
which launches the app through the same module. Neither imports this one, so there is
no cycle.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def main() -> None:
    bare, db = plain_launch(sys.argv[1:])
    if not bare:
        from quiz.cli import main as command_line

        command_line()
        return
    from quiz.launch import run_app

    try:
        run_app(db, None)
    except KeyboardInterrupt:
        sys.exit(130)


def plain_launch(args: Sequence[str]) -> tuple[bool, Path | None]:
    """Whether ``args`` only open the app, and the ``--db`` they give (None: the default)."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return True, Path(args[1])
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return True, Path(args[0].removeprefix("--db="))
    return False, None
