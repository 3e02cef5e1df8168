"""The console script's entry point: a bare ``torch-quiz`` opens the app at once.

The command line is built with typer, which imports pydantic to convert parameters:
about a tenth of a second before anything can be drawn. So the plain launch
(``torch-quiz``, optionally with ``--db PATH``) is recognised here and opens the app
directly; every other invocation, ``--help`` included, goes to ``quiz.cli``.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from quiz.paths import resolve_db_path


def main() -> None:
    bare, db = plain_launch(sys.argv[1:])
    if not bare:
        from quiz.cli import main as command_line

        command_line()
        return
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


def run_app(db: Path | None, review: list[str] | None) -> None:
    """Run the app; a bad deck name or database is a clean one-line error, exit 2.

    The database is opened once the first frame is drawn (``defer``): if it cannot be,
    the app ends at once and the reason is printed here, after the screen is restored.

    Start-up (importing Textual, composing Home, then the review engine) allocates a
    great deal and frees almost nothing, so the cyclic garbage collector is off until
    opening progress has ended: its passes over the growing heap were a fifth of the time to the
    first frame (``bench/run.py``, ``startup_first_paint_s``).
    """
    gc.disable()
    from quiz.errors import UserError
    from quiz.ui.app import make_app  # only the app needs Textual

    try:
        app = make_app(resolve_db_path(db), review=review, defer=True, after_open=collect_again)
    except UserError as error:
        _fail(str(error))
    app.run()
    if app.open_error is not None:
        _fail(app.open_error)


def collect_again() -> None:
    """Turn the garbage collector back on, leaving what start-up built out of its scans."""
    gc.freeze()  # modules, classes and screens live as long as the app
    gc.enable()


def _fail(message: str) -> None:
    sys.stderr.write(f"torch-quiz: error: {message}\n")
    sys.exit(2)
