"""What the progress commands do, behind ``quiz/cli.py``'s thin typer layer.

Why it exists: the command line should only parse options and print; opening the
database, choosing files, running the work and phrasing the one-line summary happen
here, where they can be tested without typer. Each function raises
:class:`quiz.errors.UserError` (or a subclass) for anything the learner must
fix; the CLI prints it as ``torch-quiz: error: ...``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.errors import UserError
from quiz.review.clock import Clock, system_clock
from quiz.review.store import Store

if TYPE_CHECKING:
    from quiz.deck.diagnostics import Diagnostic
    from quiz.deck.model import Deck
    from quiz.progress.apkg import FixedDraw

Say = Callable[[str], None]


def _open(db_path: Path) -> Store:
    return Store.open(db_path)


def stats(
    db_path: Path,
    *,
    as_json: bool,
    deck: str | None,
    days: int,
    forecast_days: int,
    clock: Clock = system_clock,
) -> str:
    from quiz.progress.render import stats_text
    from quiz.progress.stats import collect

    with _open(db_path) as store:
        result = collect(store, clock(), deck=deck, days=days, forecast_days=forecast_days)
    if as_json:
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    return stats_text(result)


def export(
    db_path: Path,
    fmt: str,
    output: Path | None,
    decks: Sequence[str],
    since: str | None,
    *,
    language: str | None = None,
    clock: Clock = system_clock,
) -> str:
    """Run an export; returns the summary for standard error ('' when writing to stdout).

    ``language`` (apkg only): ``en``, ``zh`` or ``both``; by default the Settings one."""
    from quiz.progress.export import FORMATS, Selection, export_text, parse_since, write_text_file

    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    if fmt == "apkg":
        if since:
            raise UserError("--since does not apply to apkg: it exports cards, not reviews")
        return _export_apkg(db_path, output, decks, _apkg_languages(db_path, language))
    if language is not None:
        raise UserError("--language applies to apkg only: the other formats hold no card text")
    selection = Selection(tuple(decks), parse_since(since) if since else None)
    with _open(db_path) as store:
        selection.check(store)
        if output is None:
            export_text(store, fmt, sys.stdout, selection, clock())
            return ""
        count = write_text_file(
            output, lambda handle: export_text(store, fmt, handle, selection, clock())
        )
    return f"wrote {output}: {count} reviews ({fmt})"


def _apkg_languages(db_path: Path, choice: str | None) -> tuple[str, ...]:
    """The languages of an Anki export: ``choice``, else the learner's (Settings)."""
    from quiz.progress.anki_html import BOTH, export_languages
    from quiz.review.settings import LANGUAGES

    if choice is not None and choice not in (*LANGUAGES, BOTH):
        raise UserError(f"--language {choice!r}: expected one of {', '.join((*LANGUAGES, BOTH))}")
    learner = "en"
    if db_path.exists():  # exporting decks creates no database
        with _open(db_path) as store:
            learner = store.settings.language
    return export_languages(choice or learner, learner, LANGUAGES)


def _export_apkg(
    db_path: Path, output: Path | None, wanted: Sequence[str], languages: Sequence[str]
) -> str:
    from quiz.progress.apkg import write_apkg
    from quiz.review.opening import known_decks

    if output is None:
        raise UserError("an Anki package is a binary file: give one with -o FILE.apkg")
    known = known_decks(db_path, names=wanted, cached=False)
    decks = known.find(wanted) if wanted else known.decks.decks
    draws = _fixed_draws(decks) if any(c.varies for d in decks for c in d.cards) else {}
    notes = write_apkg(decks, output, draws, languages)
    notes_in = f"{notes} note{'s' if notes != 1 else ''} in {len(decks)} deck"
    return f"wrote {output}: {notes_in}{'s' if len(decks) != 1 else ''} (Anki package)"


def _fixed_draws(decks: Sequence[Deck]) -> dict[tuple[str, str], FixedDraw]:
    """Fresh cards' fixed draws, from a sandbox worker started for them."""
    from quiz.judge.client import WorkerClient
    from quiz.judge.judge import Judge
    from quiz.progress.apkg import fixed_draws

    client = WorkerClient()
    try:
        client.start()
        return fixed_draws(decks, Judge(client))
    finally:
        client.close()


def deck_list(db_path: Path, *, as_json: bool) -> str:
    """Every deck the learner has (``torch-quiz decks``): source, cards in its file, path.

    A pack's decks name the pack and its version as their source. Decks the database
    knows but no file gives (imported, or opened by path before decks were
    remembered) are listed as "progress only", with the file they last came from. A
    slug two sources claim is listed once, from the source that wins, followed by the
    other claims and how to choose; then a line for each pack that gives no folder and
    each problem of a pack's deck files.
    """
    from quiz.review.cards import stored_decks
    from quiz.review.opening import known_decks

    known = known_decks(db_path)
    rows: dict[str, dict[str, object]] = {}
    for deck in known.decks.decks:
        rows[deck.slug] = _deck_row(
            deck.slug, str(deck.title), known.label(deck.path), len(deck.cards), deck.path
        )
    chosen = {choice.slug: choice.path.resolve() for choice in known.choices}
    for claim in known.collisions:
        row = rows.get(claim.slug)
        if row is None:
            continue
        row["chosen"] = chosen.get(claim.slug) == claim.kept.resolve()
        also = {"source": known.label(claim.dropped), "path": str(claim.dropped)}
        also["prefer"] = f"torch-quiz decks --prefer {known.word(claim.dropped)} {claim.slug}"
        row.setdefault("also", []).append(also)  # type: ignore[union-attr]
    for gone in known.missing:
        rows.setdefault(gone.slug, _deck_row(gone.slug, "", "opened by path", None, gone.path))
    if db_path.is_file():
        with _open(db_path) as store:
            for slug, (title, path, cards) in stored_decks(store).items():
                rows.setdefault(slug, _deck_row(slug, title, "progress only", cards, Path(path)))
    listed = [rows[slug] for slug in sorted(rows)]
    broken = _one_line_per_file(known.pack_problems)
    if as_json:
        document = {"schema": 1, "decks": listed, "problems": broken}
        return json.dumps(document, ensure_ascii=False, indent=2)
    return "\n".join([_deck_table(listed), *broken])


def _one_line_per_file(problems: Sequence[Diagnostic]) -> list[str]:
    """The first problem of each file, saying how many more ``torch-quiz check`` gives."""
    by_file: dict[Path, list[Diagnostic]] = {}
    for problem in problems:
        by_file.setdefault(problem.path, []).append(problem)
    lines = []
    for path, found in by_file.items():
        more = len(found) - 1
        also = f" (and {more} more: torch-quiz check {path})" if more else ""
        lines.append(f"{min(found)}{also}")
    return lines


def _deck_row(
    slug: str, title: str, source: str, cards: int | None, path: Path
) -> dict[str, object]:
    return {
        "slug": slug,
        "title": title,
        "source": source,
        "cards": cards,  # in its file; for "progress only", the cards the database holds
        "path": str(path),
        "missing": not path.is_file(),
    }


def _deck_table(rows: Sequence[dict[str, object]]) -> str:
    if not rows:
        return "No decks."
    head = ("DECK", "SOURCE", "CARDS", "PATH")
    table = [
        (
            str(row["slug"]),
            str(row["source"]),
            "-" if row["cards"] is None else str(row["cards"]),
            str(row["path"]) + (" (file gone; progress kept)" if row["missing"] else ""),
        )
        for row in rows
    ]
    slug_w = max(len(head[0]), *(len(r[0]) for r in table))
    source_w = max(len(head[1]), *(len(r[1]) for r in table))
    cards_w = max(len(head[2]), *(len(r[2]) for r in table))
    lines = [
        f"{slug:<{slug_w}}  {source:<{source_w}}  {cards:>{cards_w}}  {path}"
        for slug, source, cards, path in (head, *table)
    ]
    for row in rows:
        for also in row.get("also", ()):  # type: ignore[attr-defined]
            why = "your choice" if row.get("chosen") else "the first source wins"
            lines.append(
                f"{row['slug']}: also from {also['source']} ({also['path']}), not used ({why}); "
                f"to use it: {also['prefer']}"
            )
    if any(row["source"] == "opened by path" for row in rows):
        lines.append(
            "Forget a deck opened by path (its progress stays): torch-quiz decks --forget DECK"
        )
    return "\n".join(lines)


def prefer_deck(db_path: Path, source: str, slug: str, *, clock: Clock = system_clock) -> str:
    """Let ``source``'s file win the deck ``slug`` that several sources claim
    (``torch-quiz decks --prefer SOURCE DECK``): kept in the database.

    ``source`` is ``bundled``, ``folder``, a pack's name, or a deck file, which is then
    remembered as opened by path, so that it is loaded on every start to win."""
    from quiz.deck.naming import is_deck_file
    from quiz.paths import DeckSource
    from quiz.review.opening import known_decks
    from quiz.review.packs import normalized
    from quiz.review.remembered import DeckChoice, RememberedDeck, choose, remember

    named = [source] if is_deck_file(source) else []
    known = known_decks(db_path, names=named, cached=False)
    claims = [deck.path for deck in known.decks.decks if deck.slug == slug]
    claims += [claim.dropped for claim in known.decks.claims if claim.slug == slug]
    if not claims:
        raise UserError(f"no deck '{slug}' in any source (see: torch-quiz decks)")
    if named:
        match = [path for path in claims if path.resolve() == Path(source).resolve()]
    else:
        match = [path for path in claims if normalized(known.word(path)) == normalized(source)]
    if not match:
        sources = ", ".join(known.word(path) for path in claims)
        raise UserError(f"deck '{slug}' is not in {source!r}; its sources: {sources}")
    path = match[0].resolve()
    with _open(db_path) as store:
        choose(store, DeckChoice(slug, path, known.label(path)), clock())
        if known.where(path)[0] is DeckSource.OPENED:
            remember(store, [RememberedDeck(slug, path)], clock())
    return f"deck '{slug}' now comes from {known.phrase(path)} ({path})"


def forget_deck(db_path: Path, slug: str) -> str:
    """Stop loading the deck ``slug`` from the file it was opened by; keep its progress."""
    from quiz.review.remembered import forget, remembered_in

    remembered = remembered_in(db_path)
    if not any(deck.slug == slug for deck in remembered):
        shown = ", ".join(deck.slug for deck in remembered) or "none"
        raise UserError(f"no deck '{slug}' opened by path is remembered (remembered: {shown})")
    with _open(db_path) as store:
        gone = forget(store, slug)
    if gone is None:  # forgotten meanwhile, by another torch-quiz
        return f"{slug}: already forgotten"
    return f"forgot {slug} ({gone.path}); its progress is kept"


def import_progress(db_path: Path, source: Path) -> str:
    from quiz.progress.importer import merge, read_document

    document = read_document(source)  # all but the reviews, before the database is opened
    new_file = not db_path.exists()
    try:
        with _open(db_path) as store:
            report = merge(store, document)  # one transaction, rolled back on a bad review
    except BaseException:
        if new_file:  # leave no empty database behind a refused or failed import
            for leftover in (db_path, *(Path(f"{db_path}{end}") for end in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        raise
    return f"{source}: {report.summary()}"


def backup(db_path: Path, target: Path | None, *, force: bool, clock: Clock = system_clock) -> str:
    from quiz.progress.backup import backup as make_backup
    from quiz.progress.backup import default_backup_path

    if not db_path.exists():
        raise UserError(f"{db_path}: no database yet, so nothing to back up")
    with _open(db_path) as store:
        made = make_backup(store, target or default_backup_path(db_path, clock()), overwrite=force)
    return (
        f"wrote {made.path}: {made.cards} cards, {made.reviews} reviews, {made.size / 1024:.0f} KiB"
    )


def optimize(
    db_path: Path, *, dry_run: bool, reset: bool = False, say: Say, clock: Clock = system_clock
) -> str:
    from quiz.progress.optimize import fit_and_store, forget_parameters

    with _open(db_path) as store:
        if reset:
            return forget_parameters(store)
        return fit_and_store(store, clock(), dry_run=dry_run, say=say).summary()


def report(db_path: Path, target: Path, *, days: int, clock: Clock = system_clock) -> str:
    from quiz.progress.export import write_text_file
    from quiz.progress.report import render_report
    from quiz.progress.stats import collect

    now: datetime = clock()
    with _open(db_path) as store:
        result = collect(store, now, days=days, forecast_days=30, hardest=15)
    page = render_report(result)
    write_text_file(target, lambda handle: handle.write(page))
    return f"wrote {target}: open it in a browser"
