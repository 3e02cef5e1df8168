"""The ``torch-quiz`` command line: a thin layer over the library.

Library problems become clean messages and exit codes here; no command prints a
Python traceback for bad input. Textual is imported only when the app is launched,
and torch never in this process.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from quiz import __version__
from quiz.paths import DB_ENV, bundled_decks_dir, resolve_db_path, user_decks_dir

app = typer.Typer(
    name="torch-quiz",
    help="Learn PyTorch's tensor API by heart: spaced repetition, answers checked by torch.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        help=f"Progress database file (default: in your data folder; also ${DB_ENV}).",
        dir_okay=False,
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"torch-quiz {__version__}")
        raise typer.Exit()


@app.callback()
def launch(
    ctx: typer.Context,
    db: DbOption = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Without a command: open the app on the bundled decks and your own."""
    if ctx.invoked_subcommand is not None:
        return
    from quiz.deck.check import load_decks

    decks = load_decks(_deck_sources())
    from quiz.ui.app import TorchQuizApp  # imported here: only the app needs Textual

    TorchQuizApp(decks=decks, db_path=resolve_db_path(db)).run()


def _deck_sources() -> list[Path]:
    sources = [bundled_decks_dir()]
    if user_decks_dir().is_dir() and any(user_decks_dir().glob("**/*.y*ml")):
        sources.append(user_decks_dir())
    return sources


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Deck files or folders (searched recursively). Default: the bundled decks.",
            metavar="PATH...",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Validate deck files; print every problem as path:line:col: error: message.

    Exits 0 when every deck is valid and 1 when any problem was found.
    """
    from quiz.deck.check import load_decks

    result = load_decks(paths or [bundled_decks_dir()])
    for diagnostic in sorted(result.diagnostics):
        typer.echo(str(diagnostic))
    typer.echo(result.summary())
    raise typer.Exit(1 if result.errors else 0)


@app.command()
def new(
    path: Annotated[Path, typer.Argument(help="The deck file to create, ending in .yaml.")],
    title: Annotated[str | None, typer.Option(help="The deck's title.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    db: DbOption = None,
) -> None:
    """Write a commented starter deck with one card of each kind."""
    from quiz.deck.starter import starter_deck

    if path.suffix not in (".yaml", ".yml"):
        _fail(f"{path}: a deck file name ends in .yaml")
    if path.exists() and not force:
        _fail(f"{path}: already exists (use --force to overwrite it)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(starter_deck(path, title), encoding="utf-8")
    except OSError as error:
        _fail(f"{path}: cannot write: {error.strerror or error}")
    typer.echo(f"wrote {path}; edit it, then run: torch-quiz check {path}")


@app.command()
def paths(db: DbOption = None) -> None:
    """Show where progress and decks are kept."""
    typer.echo(f"database:      {resolve_db_path(db)}")
    typer.echo(f"your decks:    {user_decks_dir()}")
    typer.echo(f"bundled decks: {bundled_decks_dir()}")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"torch-quiz: error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
