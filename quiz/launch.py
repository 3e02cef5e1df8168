"""Start-up in one place: from the command line's choices to a running app.

``make_app`` is the factory the command line and the tests share. It loads the decks
(Home's rows, from the deck cache) and hands the app one opener for progress and one
maker for the sandbox client; the app calls both once its first frame is drawn.

``run_app`` is the launch itself, with the one speed trick start-up keeps: the cyclic
garbage collector is paused from here until progress is open (``PAUSE_COLLECTOR``).
Importing Textual, composing Home and then the review engine allocates a great deal
and frees almost nothing, so the collector's passes over that growing heap are pure
cost; ``bench/run.py`` measures first paint with the pause and without it
(``startup_first_paint_s``, ``startup_collector_on_s``), so its worth is a figure
checked in every bench run, not a claim.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, cast

from quiz.errors import UserError
from quiz.paths import resolve_db_path
from quiz.review.clock import Clock, system_clock
from quiz.review.opening import load_study, open_session
from quiz.ui.keymap import keymap_path

if TYPE_CHECKING:
    from quiz.review.session import AnswerJudge, Session
    from quiz.sandbox.protocol import Runner
    from quiz.ui.app import TorchQuizApp, Warmable

PAUSE_COLLECTOR = True
"""Pause the garbage collector until progress is open (the bench turns it off to compare)."""


def make_app(
    db_path: Path,
    *,
    decks: Sequence[Path] | None = None,
    review: Sequence[str] | None = None,
    judge: AnswerJudge | None = None,
    sandbox: Callable[[], Warmable] | None = None,
    language: str | None = None,
    clock: Clock = system_clock,
    tz: tzinfo | None = None,
    on_opened: Callable[[], None] | None = None,
) -> TorchQuizApp:
    """The app on ``db_path``: the bundled and the learner's decks (or ``decks``), and
    the deck files remembered in that database because they were once opened by path.

    Without a ``judge`` it judges with the sandbox worker that ``sandbox`` makes (by
    default a ``WorkerClient``). ``review`` names decks (slugs or deck files) to review
    at once. ``language`` (None: the stored setting) is the decks' language. Keys are
    remapped by ``keymap.toml`` beside the database. Raises UserError for an unknown
    deck name; a database that cannot be opened ends the app with ``open_error``.
    ``on_opened`` is called once opening has ended, opened or not.
    """
    from quiz.ui.app import TorchQuizApp

    study = load_study(decks, review, db_path)
    client: Warmable | None = None

    def make_sandbox() -> Warmable:
        nonlocal client
        if sandbox is not None:
            client = sandbox()
        else:
            from quiz.judge.client import WorkerClient  # once the first frame is drawn

            client = WorkerClient()
        return client

    def opener() -> Session:
        # Called in the app's "open" worker; the session is used on the UI thread after.
        try:
            if judge is not None:
                judge_used = judge
            else:
                from quiz.judge.judge import Judge, Seeds

                runner = cast("Runner", client)  # made by make_sandbox before progress opens
                judge_used = Judge(runner, seeds=Seeds.FRESH)  # new draws at every attempt
            return open_session(
                db_path, judge_used, study, clock=clock, tz=tz, check_same_thread=False
            )
        finally:
            if on_opened is not None:
                on_opened()

    return TorchQuizApp(
        opener,
        decks=study.decks.decks,
        sandbox=make_sandbox,
        language=language,
        review=study.review,
        problems=study.decks.errors,
        keymap_file=keymap_path(db_path),
        find_decks=study.find_decks,
        deck_source=study.source_label,
        learners_own=study.learners_own,
    )


def run_app(db: Path | None, review: list[str] | None) -> None:
    """Run the app; a bad deck name or database is a clean one-line error, exit 2.

    The database is opened once the first frame is drawn: if it cannot be, the app
    ends at once and the reason is printed here, after the screen is restored.
    """
    if PAUSE_COLLECTOR:
        gc.disable()
    try:
        app = make_app(resolve_db_path(db), review=review, on_opened=_collect_again)
    except UserError as error:
        _collect_again()
        _fail(str(error))
    app.run()
    _collect_again()  # opening never began (the app was quit at once) or failed
    if app.open_error is not None:
        _fail(app.open_error)


def _collect_again() -> None:
    """Turn the garbage collector back on, leaving what start-up built out of its scans."""
    if not gc.isenabled():
        gc.freeze()  # modules, classes and screens live as long as the app
        gc.enable()


def _fail(message: str) -> None:
    sys.stderr.write(f"torch-quiz: error: {message}\n")
    sys.exit(2)
