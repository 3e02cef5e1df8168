"""Where torch-quiz keeps things: the progress database, the user's decks, the bundled decks.

Progress lives in one SQLite file in the user's data directory unless ``--db`` or
``TORCH_QUIZ_DB`` says otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

import platformdirs

APP_NAME = "torch-quiz"
DB_ENV = "TORCH_QUIZ_DB"
DB_FILENAME = "progress.sqlite3"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resolve_db_path(option: Path | None = None) -> Path:
    """``--db`` wins, then ``TORCH_QUIZ_DB``, then the default in the data directory."""
    if option is not None:
        return option.expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


def user_decks_dir() -> Path:
    """A folder for the learner's own decks; loaded next to the bundled ones."""
    return data_dir() / "decks"


def bundled_decks_dir() -> Path:
    """The decks shipped with torch-quiz: inside the wheel, or ``decks/`` in a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "bundled_decks"
    return installed if installed.is_dir() else package.parent / "decks"


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is one of the decks shipped with torch-quiz (the app's own files,
    replaced by the next upgrade: no place for a learner's cards)."""
    return path.resolve().is_relative_to(bundled_decks_dir().resolve())


class DeckSource(StrEnum):
    """Where a deck comes from, as ``torch-quiz decks`` and Home name it.

    The sources are searched in this order, so a slug claimed twice keeps the first
    unless the learner chose another (``torch-quiz decks --prefer``). A pack is named by
    its distribution (``pack NAME VERSION``, ``quiz.review.packs``).
    """

    BUNDLED = "bundled"
    FOLDER = "your decks folder"
    PACK = "pack"  # an installed deck pack (quiz.review.packs)
    OPENED = "opened by path"  # remembered in the progress database (quiz.review.remembered)

    @property
    def word(self) -> str:
        """How ``torch-quiz decks --prefer SOURCE DECK`` names it (a pack: by its name; a
        file opened by path: by its path)."""
        return "folder" if self is DeckSource.FOLDER else self.value


def deck_folders() -> list[tuple[DeckSource, Path]]:
    """The folders searched for decks: the bundled ones, and the learner's when it holds any."""
    from quiz.deck.model import DECK_SUFFIXES

    folders = [(DeckSource.BUNDLED, bundled_decks_dir())]
    mine = user_decks_dir()
    if mine.is_dir() and any(p.suffix in DECK_SUFFIXES for p in mine.rglob("*")):
        folders.append((DeckSource.FOLDER, mine))
    return folders


def deck_paths(extra: Iterable[Path] = ()) -> list[Path]:
    """The bundled decks, the learner's decks folder (when it holds any), and ``extra``."""
    return [*(folder for _, folder in deck_folders()), *extra]
