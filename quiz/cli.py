"""The ``torch-quiz`` command line: a thin layer over the library.

Library problems become clean messages and exit codes here; no command prints a
Python traceback for bad input. Textual is imported only when the app is launched,
and torch never in this process.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from quiz import __version__
from quiz.deck.printable import printable, printable_json
from quiz.errors import UserError
from quiz.paths import DB_ENV, bundled_decks_dir, resolve_db_path, user_decks_dir

if TYPE_CHECKING:
    from quiz.deck.diagnostics import Diagnostic
    from quiz.deck.model import Deck
    from quiz.judge.client import WorkerClient

# Commands whose refusals mean bad usage (an unknown deck or card): they exit 2.
USAGE_COMMANDS = frozenset({"grade", "review"})


class _Commands(TyperGroup):
    """The one place a library refusal (``UserError``) becomes ``torch-quiz: error: ...``."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as error:
            _fail(str(error), 2 if ctx.invoked_subcommand in USAGE_COMMANDS else 1)


class _Command(TyperCommand):
    """A command whose help names its arguments plainly: ``grade [OPTIONS] DECK CARD
    ANSWER``, ``review [OPTIONS] [DECK...]``, rather than typer's ``{deck}``,
    ``[[DECK...]]...`` and ``deck <str>``. Options name their value with a metavar of
    their own (``--days N``); ``tests/test_cli.py`` keeps every placeholder out."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(_argument_usage(param))
        return pieces

    def format_options(self, ctx: typer.Context, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _argument_name(param: TyperArgument) -> str:
    return param.metavar or (param.name or "").upper()


def _argument_usage(param: TyperArgument) -> str:
    """``DECK``, ``[PATH]``, ``[DECK...]``: optional in brackets, repeatable with dots."""
    name = _argument_name(param) + ("..." if param.nargs != 1 else "")
    return name if param.required else f"[{name}]"


app = typer.Typer(
    name="torch-quiz",
    cls=_Commands,
    help="Learn PyTorch's tensor API by heart: spaced repetition, answers checked by torch.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _db_before_the_command(ctx: typer.Context, value: Path | None) -> Path | None:
    """``--db`` after a command wins; else one before it (``torch-quiz --db X stats``);
    else $TORCH_QUIZ_DB. Without this the one before the command was silently ignored."""
    parent = ctx.parent
    if parent is None:
        return value
    here, before = ctx.get_parameter_source("db"), parent.get_parameter_source("db")
    typed = type(here).COMMANDLINE  # the enum of the click that typer bundles
    return parent.params["db"] if here is not typed and before is typed else value


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        help=f"Progress database file (default: in your data folder; also ${DB_ENV}).",
        dir_okay=False,
        show_default=False,
        metavar="PATH",
        callback=_db_before_the_command,
    ),
]


def _version(value: bool) -> None:
    if value:
        _say(f"torch-quiz {__version__}")
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
    _run_app(db, None)


def _run_app(db: Path | None, review: list[str] | None) -> None:
    from quiz.launch import run_app

    run_app(db, review)


@app.command(cls=_Command)
def review(
    decks: Annotated[
        list[str] | None,
        typer.Argument(
            help="Deck slugs or deck files to review (default: everything due).",
            metavar="DECK",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Open the app straight on the review screen for these decks (or everything due)."""
    _run_app(db, list(decks or []))


# -- serve: the app in a browser (quiz/serve.py) ------------------------------------------


@app.command(cls=_Command)
def serve(
    decks: Annotated[
        list[str] | None,
        typer.Argument(
            help="Deck slugs or deck files each tab reviews at once (default: Home).",
            metavar="DECK",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", metavar="N", help="The port to listen on.")] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="HOST",
            help="The address to listen on; any but localhost needs --allow-remote.",
        ),
    ] = "localhost",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Let --host listen beyond this machine (anyone reaching it gets your app).",
        ),
    ] = False,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            metavar="URL",
            help="The address browsers reach the server by, if not http://HOST:PORT.",
            show_default=False,
        ),
    ] = None,
    max_tabs: Annotated[
        int,
        typer.Option(
            "--max-tabs", metavar="N", help="Browser tabs open at once (each runs the app)."
        ),
    ] = 4,
    db: DbOption = None,
) -> None:
    """Serve the app to a browser: each tab runs it on the same progress database."""
    from quiz import serve as serving
    from quiz.review.opening import load_study

    db_path = resolve_db_path(db)
    chosen = serving.plan(
        db_path,
        list(decks or []),
        host=host,
        port=port,
        allow_remote=allow_remote,
        url=url,
        max_tabs=max_tabs,
    )
    if decks:
        load_study(None, list(decks), db_path)  # an unknown deck: one error here, not per tab
    if chosen.remote:
        _say(serving.remote_warning(chosen), err=True)
    serving.serve(chosen)


@app.command(cls=_Command)
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Deck files or folders (searched recursively). Default: the bundled decks.",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    run: Annotated[
        bool,
        typer.Option(
            "--run/--no-run",
            help="Also run every card in the sandbox (default), or only check the format.",
        ),
    ] = True,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print one JSON object per card (JSON lines) instead."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Validate deck files and run every card; print problems as path:line:col: error: ...

    Every problem of a file is reported in one run: the cards that can run are run even
    when other parts of the file are wrong. Exits 0 when every deck is valid and 1 when
    any problem was found.
    """
    import json

    from quiz.deck.check import deck_set, load_files
    from quiz.deck.checkreport import check_records
    from quiz.judge.client import WorkerClient

    clients = [WorkerClient() for _ in range(_check_workers())]
    with contextlib.ExitStack() as stack:
        for client in clients:
            stack.enter_context(client)

        def warm_up() -> None:  # torch loads while the rest is parsed
            for client in clients:
                client.warm_up()

        # once a file has cards to run: a deck that never loads needs no torch
        warm = _once(warm_up) if run else None
        results, path_problems = load_files(paths or [bundled_decks_dir()], on_runnable=warm)
        found = deck_set(results, path_problems)
        found.diagnostics.extend(problem for loaded in results for problem in loaded.spacing)
        runnable = [loaded.runnable for loaded in results if loaded.runnable is not None]
        if run and runnable:
            found.diagnostics.extend(_run_cards(runnable, clients))
    if as_json:
        for record in check_records(results, found.diagnostics):
            _say_json(json.dumps(record, ensure_ascii=False))
    else:
        for diagnostic in sorted(set(found.diagnostics)):
            _say(str(diagnostic))
        _say(found.summary())
    raise typer.Exit(1 if found.errors else 0)


def _once(action: Callable[[], object]) -> Callable[[], None]:
    """``action`` the first time the result is called, nothing after."""
    done = False

    def call() -> None:
        nonlocal done
        if not done:
            done = True
            action()

    return call


def _check_workers() -> int:
    """Two sandbox workers for ``check`` where two cores can run them, else one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(2, cores)


def _run_cards(decks: list[Deck], clients: list[WorkerClient]) -> list[Diagnostic]:
    from quiz.judge.client import SandboxUnavailable
    from quiz.judge.deckcheck import run_cards
    from quiz.judge.judge import Judge

    total = sum(len(deck.cards) for deck in decks)
    first, *others = [Judge(client) for client in clients]
    with _progress(total) as advance:
        try:
            return run_cards(decks, first, on_card=lambda _card: advance(), helpers=others)
        except SandboxUnavailable as error:
            _fail(f"cannot run the cards: {error}")


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("running cards"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("cards", total=total)
        yield lambda: progress.advance(task)


@app.command(name="try", cls=_Command)
def try_expression(
    expr: Annotated[
        str,
        typer.Argument(
            metavar="EXPR", help="A torch expression, e.g. 'torch.arange(6).view(2, 3)'."
        ),
    ],
    given: Annotated[
        list[str] | None,
        typer.Option(
            "--given",
            "-g",
            help="A fixture NAME=EXPR (repeatable), evaluated in order.",
            metavar="NAME=EXPR",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Evaluate an expression in the sandbox and print its value as torch prints it.

    An aid for deck authors. Exits 0 with a value, 1 when it raises, is refused or
    hits a limit.
    """
    import json

    from quiz.judge.client import WorkerClient
    from quiz.judge.report import result_dict
    from quiz.sandbox.protocol import Status

    givens = [_parse_given(item) for item in given or []]
    with WorkerClient() as client:
        trial = client.run(givens, [expr]).trials[0]  # SandboxUnavailable: a UserError
    if trial.given_failure is not None:
        name, failure = trial.given_failure
        _fail(f"given '{name}': {failure.describe(client.time_limit)}")
    result = trial.results[0]
    if as_json:
        _say_json(json.dumps(result_dict(result), ensure_ascii=False))
    elif result.status is Status.VALUE:
        _say(result.printed)
    else:
        _say(result.describe(client.time_limit), err=True)
    for warning in result.warnings if not as_json else ():
        _say(f"warning: {warning}", err=True)
    raise typer.Exit(0 if result.status is Status.VALUE else 1)


def _parse_given(text: str) -> tuple[str, str]:
    name, equals, expr = text.partition("=")
    name = name.strip()
    if not equals or not name.isidentifier() or name.startswith("_") or not expr.strip():
        _fail(
            f"--given takes NAME=EXPR, e.g. --given 'x=torch.tensor([1, 7, 3])' (got {text!r})", 2
        )
    return name, expr.strip()


@app.command(cls=_Command)
def grade(
    deck: Annotated[
        str, typer.Argument(metavar="DECK", help="A deck slug, or the path of a deck file.")
    ],
    card_id: Annotated[str, typer.Argument(metavar="CARD", help="The card's id.")],
    answer: Annotated[
        str, typer.Argument(metavar="ANSWER", help="The answer, as a learner would type it.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Judge one answer to one card, as the app would.

    Exits 0 when the answer is right, 1 when it is wrong, 2 on bad usage (unknown
    deck or card, an answer that cannot be read) and 3 when the card cannot be graded.
    """
    import json

    from quiz.judge.client import WorkerClient
    from quiz.judge.judge import Judge
    from quiz.judge.report import verdict_lines
    from quiz.judge.verdict import Outcome

    found = _find_deck(deck, resolve_db_path(db))
    card = found.card(card_id)
    if card is None:
        ids = ", ".join(c.id for c in found.cards[:8])
        _fail(f"deck '{found.slug}' has no card '{card_id}' (cards: {ids}, ...)", 2)
    if card.kind.value == "flash":
        _fail(f"'{card_id}' is a flash card: learners grade those themselves", 2)
    with WorkerClient() as client:
        verdict = Judge(client).judge(found, card, answer)
    if as_json:
        _say_json(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        explain = card.explain.get() if card.explain and verdict.gradable else None
        for line in verdict_lines(verdict, explain):
            _say(line)
    codes = {Outcome.RIGHT: 0, Outcome.WRONG: 1, Outcome.INVALID: 2, Outcome.UNGRADABLE: 3}
    raise typer.Exit(codes[verdict.outcome])


def _find_deck(name: str, db_path: Path) -> Deck:
    """The deck ``name`` means (see ``quiz.review.opening``), loading only what it needs:
    a deck file alone, or every deck the learner has for a slug."""
    from quiz.deck.naming import is_deck_file
    from quiz.review.opening import known_decks

    if is_deck_file(name):
        return known_decks(None, [], [name], cached=False).find([name])[0]
    return known_decks(db_path, cached=False).find([name])[0]


@app.command(cls=_Command)
def new(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="The deck file to create, ending in .yaml.")
    ],
    title: Annotated[str | None, typer.Option(metavar="TITLE", help="The deck's title.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    db: DbOption = None,
) -> None:
    """Write a commented starter deck with one card of each kind."""
    from quiz.atomicfile import atomic_write
    from quiz.deck.starter import starter_deck

    if path.suffix not in (".yaml", ".yml"):
        _fail(f"{path}: a deck file name ends in .yaml")
    if path.exists() and not force:
        _fail(f"{path}: already exists (use --force to overwrite it)")
    with atomic_write(path) as temporary:
        temporary.write_text(starter_deck(path, title), encoding="utf-8")
    _say(f"wrote {path}; edit it, then run: torch-quiz check {path}")


@app.command(cls=_Command)
def draft(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="A function of torch, torch.nn.functional (F.), torch.linalg or a Tensor "
            "method: torch.clamp, F.relu, Tensor.clamp.",
        ),
    ],
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            metavar="DECK",
            help="Append the cards to this deck file, a new deck if it does not exist "
            "(else print them).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Draft cards from the examples in a torch function's docstring.

    Each example that prints a value becomes an output card (the print its accept
    example, a near miss its reject example); one on random givens a code card. Each
    card runs through check first; with --to it is appended to the deck file as the
    Author screen saves a card, else printed as YAML. Examples left out are listed with
    the reason. Exits 0 when a card was drafted, 1 when none was.
    """
    from quiz.deck.append import render_card
    from quiz.judge.client import WorkerClient
    from quiz.judge.docdraft import draft as draft_cards
    from quiz.judge.judge import Judge
    from quiz.sandbox.docs import UnknownName, split_name

    try:
        split_name(name)  # a name that cannot be one of torch's needs no sandbox
    except UnknownName as error:
        _fail(str(error))
    if to is not None and to.suffix not in (".yaml", ".yml"):
        _fail(f"{to}: a deck file name ends in .yaml")
    if to is not None and to.exists() and not to.is_file():
        _fail(f"{to}: not a deck file")
    if to is not None and not to.parent.is_dir():
        _fail(f"{to.parent}: no such folder (create it, or name a deck file in another)")
    new_deck = to is not None and not to.exists()  # written with the first card that passes

    shown: list[str] = []

    def show(card: dict[str, Any], line: int | None) -> None:
        if line is None:
            _say(render_card(card).rstrip("\n"))
        elif new_deck and not shown:
            _say(f"wrote the new deck {to} with {card['id']} at {to}:{line}")
        else:
            _say(f"appended {card['id']} at {to}:{line}")
        shown.append(card["id"])

    with WorkerClient() as client:
        drafted = draft_cards(name, Judge(client), to=to, on_card=show)
    for example, reason in drafted.skipped:
        source = " ".join(example.source.split())
        source = source if len(source) <= 60 else source[:57] + "..."
        _say(f"skipped example {example.number} ({source}): {reason}", err=True)
    total = len(drafted.cards) + len(drafted.skipped)
    _say(
        f"{drafted.name}: {len(drafted.cards)} of {total} examples drafted as cards"
        + (f" into {to}" if to is not None and drafted.cards else "")
        + (" (a new deck)" if new_deck and drafted.cards else ""),
        err=True,
    )
    raise typer.Exit(0 if drafted.cards else 1)


@app.command(cls=_Command)
def decks(
    forget: Annotated[
        str | None,
        typer.Option(
            "--forget",
            metavar="DECK",
            help="Stop loading this deck opened by path (a slug); its progress is kept.",
        ),
    ] = None,
    prefer: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--prefer",
            metavar="SOURCE DECK",
            help="When two sources hold deck DECK, use SOURCE's: bundled, folder, a pack's "
            "name, or a deck file (then remembered as opened by path). Kept in the database.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """List every deck you have: its source, its cards and its file.

    Sources: bundled, your decks folder, pack NAME VERSION (an installed deck pack),
    opened by path (remembered since torch-quiz review PATH, for as long as the file
    exists), or progress only (a deck the database knows whose file is not loaded). A
    deck two sources hold is listed with both, and --prefer chooses which one is used.
    """
    from quiz.progress import commands

    if forget is not None:
        _say(commands.forget_deck(resolve_db_path(db), forget))
        return
    if prefer is not None:
        _say(commands.prefer_deck(resolve_db_path(db), *prefer))
        return
    (_say_json if as_json else _say)(commands.deck_list(resolve_db_path(db), as_json=as_json))


@app.command(name="new-pack", cls=_Command)
def new_pack(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The pack's distribution name, such as torch-quiz-decks-foo."
        ),
    ],
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            metavar="PATH",
            help="Where to create the pack's folder NAME (default: here).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a starter deck pack: a pyproject with the entry point, one deck, a test."""
    from quiz.atomicfile import atomic_write
    from quiz.deck.starterpack import starter_pack

    try:
        files = starter_pack(name)
    except ValueError as error:
        _fail(str(error))
    root = (folder or Path()) / name
    if root.exists():
        _fail(f"{root}: already exists")
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as temporary:
            temporary.write_text(text, encoding="utf-8")
    _say(f"wrote {root}; check it with: torch-quiz check {root / name.replace('-', '_')}")
    where = str(root) if root.is_absolute() else os.path.join(".", root)  # not a PyPI name
    _say(f"install it with: pip install {where}   (then: torch-quiz decks)")


@app.command(cls=_Command)
def paths(db: DbOption = None) -> None:
    """Show where progress and decks are kept."""
    _say(f"database:      {resolve_db_path(db)}")
    _say(f"your decks:    {user_decks_dir()}")
    _say(f"bundled decks: {bundled_decks_dir()}")


@app.command(cls=_Command)
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Show the sandbox: versions, limits, the worker's environment and the OS-level wall.

    Starts a worker and reports what it raised. Exits 0 when every wall is up and 1 when
    part of it is missing (the reason is printed) or the worker cannot start.
    """
    import json

    from quiz.judge.client import WorkerClient
    from quiz.judge.doctor import diagnose

    with WorkerClient() as client:
        diagnosis = diagnose(client)  # SandboxUnavailable is a UserError: one line, exit 1
    if as_json:
        typer.echo(json.dumps(diagnosis.to_dict(), ensure_ascii=False))
    else:
        for line in diagnosis.lines():
            typer.echo(line)
    raise typer.Exit(0 if diagnosis.healthy else 1)


# -- progress: stats, export, import, backup, optimize, report (logic: quiz/progress/) --


@app.command(cls=_Command)
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (docs/progress.md).")] = False,
    deck: Annotated[
        str | None, typer.Option(metavar="DECK", help="Only this deck (a slug).")
    ] = None,
    days: Annotated[
        int, typer.Option(min=1, metavar="N", help="Days of retention and history.")
    ] = 30,
    forecast: Annotated[int, typer.Option(min=1, metavar="N", help="Days of due forecast.")] = 7,
    db: DbOption = None,
) -> None:
    """Show cards, reviews, true retention, streak and the due forecast, per deck and overall."""
    from quiz.progress import commands

    shown = commands.stats(
        resolve_db_path(db), as_json=as_json, deck=deck, days=days, forecast_days=forecast
    )
    (_say_json if as_json else _say)(shown)


@app.command(cls=_Command)
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="csv, json, apkg or fsrs.")
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File to write (csv, json and fsrs default to standard output).",
            metavar="PATH",
            dir_okay=False,
        ),
    ] = None,
    deck: Annotated[
        list[str] | None, typer.Option(metavar="DECK", help="Only this deck (repeatable).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only reviews from DATE on.", metavar="DATE")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            metavar="LANG",
            help="apkg: the cards' language, en, zh or both (default: the one in Settings).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export reviews (csv, fsrs), everything restorable (json) or the decks for Anki (apkg)."""
    from quiz.progress import commands

    message = commands.export(
        resolve_db_path(db), fmt, output, deck or [], since, language=language
    )
    if message:
        _say(message, err=True)


@app.command(name="import", cls=_Command)
def import_progress(
    file: Annotated[
        Path, typer.Argument(help="A json export (torch-quiz export).", metavar="FILE.json")
    ],
    db: DbOption = None,
) -> None:
    """Restore or merge progress from a json export: idempotent, the newest state wins."""
    from quiz.progress import commands

    _say(commands.import_progress(resolve_db_path(db), file))


@app.command(cls=_Command)
def backup(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="PATH",
            help="The copy to write (default: backups/ beside the database).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    db: DbOption = None,
) -> None:
    """Write a consistent copy of the database (SQLite online backup), even while studying."""
    from quiz.progress import commands

    _say(commands.backup(resolve_db_path(db), file, force=force))


@app.command(cls=_Command)
def optimize(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fit and report; store nothing.")
    ] = False,
    reset: Annotated[
        bool, typer.Option("--reset", help="Forget fitted parameters: back to FSRS's defaults.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Fit FSRS parameters to your own review log and store them.

    Needs the optimize extra: pip install 'torch-quiz[optimize]'.
    """
    from quiz.progress import commands

    say = lambda line: _say(line, err=True)  # noqa: E731 - progress on stderr
    _say(commands.optimize(resolve_db_path(db), dry_run=dry_run, reset=reset, say=say))


@app.command(cls=_Command)
def report(
    file: Annotated[
        Path, typer.Argument(help="The HTML file to write.", metavar="FILE.html", dir_okay=False)
    ],
    days: Annotated[int, typer.Option(min=7, metavar="N", help="Days of history to chart.")] = 365,
    db: DbOption = None,
) -> None:
    """Write a self-contained HTML page of charts: reviews, forecast, retention, heatmap."""
    from quiz.progress import commands

    _say(commands.report(resolve_db_path(db), file, days=days))


def _say(text: str, *, err: bool = False) -> None:
    """Print text that may come from a deck, the sandbox or the database: every control
    or format character but newline and tab is shown escaped, so none reaches the
    terminal as an escape sequence."""
    typer.echo(printable(text), err=err)


def _say_json(text: str) -> None:
    """Print JSON with unsafe characters as JSON escapes: the same data once parsed."""
    typer.echo(printable_json(text))


def _fail(message: str, code: int = 1) -> NoReturn:
    _say(f"torch-quiz: error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
