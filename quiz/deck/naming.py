"""Which deck a name means: a deck's slug, or the path of a deck file.

Why it exists: the learner names decks in several places (``torch-quiz review DECK...``
opening the app, ``torch-quiz grade DECK``, ``torch-quiz export --deck``), and the
same name must mean the same deck everywhere and fail with the same line. So the rule
and its messages live here, once: a name that ends in ``.yaml``/``.yml`` or names an
existing file or folder is a path, anything else a slug. A message names what was
looked for and where: the folders searched, the database, the file and its first
problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from quiz.deck.check import DeckSet
from quiz.deck.model import DECK_SUFFIXES, Deck
from quiz.errors import UserError


def is_deck_file(name: str) -> bool:
    """Whether ``name`` means a file (or folder) on disk rather than a deck slug."""
    path = Path(name)
    return path.suffix in DECK_SUFFIXES or path.exists()


def deck_files(names: Iterable[str]) -> list[Path]:
    """The paths among ``names``, to be loaded along with the decks searched."""
    return [Path(name) for name in names if is_deck_file(name)]


def no_deck_message(name: str, where: str, known: Iterable[str]) -> str:
    """The one wording for a slug that names no deck: what, where, and what is there."""
    shown = ", ".join(sorted(known)) or "none yet"
    return f"no deck '{name}' in {where} (decks: {shown})"


def searched_text(searched: Sequence[Path]) -> str:
    """The folders and files searched for decks, as a message names them."""
    return ", ".join(str(path) for path in searched) or "no folder"


def not_loaded_message(name: str, deck_set: DeckSet) -> str:
    """Why the file ``name`` gave no deck in ``deck_set``: its first problem, or why none.

    ``deck_set`` must have loaded ``name`` (``load_decks`` reports a missing file too).
    """
    path = Path(name)
    if path.is_dir():
        return f"cannot load {name}: it is a folder; name one deck file in it, or a deck's slug"
    resolved = path.resolve()
    problems = [d for d in deck_set.errors if Path(d.path).resolve() == resolved]
    if not problems:
        return f"cannot load {name}: it holds no deck"
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"cannot load {name}: {problems[0]}{more}"


def find_decks(deck_set: DeckSet, names: Sequence[str], searched: Sequence[Path]) -> list[Deck]:
    """The decks ``names`` mean, in their order, each once.

    ``deck_set`` holds the decks loaded from ``searched`` and from every path among
    ``names`` (see :func:`deck_files`). A name that means no deck raises a one-line
    ``UserError``.
    """
    by_path = {deck.path.resolve(): deck for deck in deck_set.decks}
    by_slug = {deck.slug: deck for deck in deck_set.decks}
    found: dict[str, Deck] = {}
    for name in names:
        if is_deck_file(name):
            deck = by_path.get(Path(name).resolve())
            if deck is None:
                raise UserError(not_loaded_message(name, deck_set))
        else:
            deck = by_slug.get(name)
            if deck is None:
                raise UserError(no_deck_message(name, searched_text(searched), by_slug))
        found.setdefault(deck.slug, deck)
    return list(found.values())
