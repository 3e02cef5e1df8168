"""A cache of loaded decks, so the app starts without parsing YAML or validating them.

Parsing and validating the bundled decks (and importing PyYAML and pydantic to do it)
is most of what the app does before its first frame. The loaded ``DeckSet`` is kept in
the user's cache folder, keyed by torch-quiz's version and every deck file's path,
size and modification time: any change to any file, or a file added or removed, loads
everything afresh. ``torch-quiz check`` never uses the cache. A missing, corrupt or
unwritable cache only costs the time of a fresh load.
"""

from __future__ import annotations

import contextlib
import copyreg
import pickle
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType

import platformdirs

from quiz import __version__
from quiz.atomicfile import atomic_write
from quiz.deck.check import DeckSet, find_deck_files, load_decks
from quiz.errors import UserError

# Part of the key, so older caches are ignored; 2: deck values lost their slots; 3: cards
# say whether their dtype was declared; 4: fresh givens, shuffled and pinned options;
# 5: the ids a card replaces; 6: a deck set's claims (a slug claimed by two files).
CACHE_FORMAT = 6


def read_only(items: dict[str, object]) -> MappingProxyType[str, object]:
    """Rebuilds a card's read-only mapping when the cache is loaded."""
    return MappingProxyType(items)


def _reduce_read_only(proxy: MappingProxyType[str, object]) -> tuple[object, ...]:
    return read_only, (dict(proxy),)


class _DeckPickler(pickle.Pickler):
    """Pickles read-only mappings (which pickle refuses) for this cache alone.

    Its own dispatch table, rather than ``copyreg.pickle``, leaves every other pickle in
    the process as it was.
    """

    dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_read_only}


def cache_path() -> Path:
    return platformdirs.user_cache_path("torch-quiz", appauthor=False) / "decks.pickle"


def load_decks_cached(paths: Iterable[Path], cache: Path | None = None) -> DeckSet:
    """``load_decks(paths)``, from the cache when no deck file changed since it was made."""
    paths = list(paths)
    cache = cache or cache_path()
    key = _key(paths)
    if key is not None:
        with contextlib.suppress(Exception):  # anything wrong with the cache: load afresh
            with cache.open("rb") as stream:
                stored_key, decks = pickle.load(stream)
            if stored_key == key and isinstance(decks, DeckSet):
                return decks
    decks = load_decks(paths)
    if key is not None:
        _store(cache, key, decks)
    return decks


def _key(paths: list[Path]) -> tuple[object, ...] | None:
    files, _ = find_deck_files(paths)
    try:
        stats = [(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    except OSError:
        return None
    return (CACHE_FORMAT, __version__, tuple(str(p) for p in paths), tuple(stats))


def _store(cache: Path, key: tuple[object, ...], decks: DeckSet) -> None:
    with (
        contextlib.suppress(UserError, pickle.PicklingError),  # unwritable: load afresh next time
        atomic_write(cache) as temporary,
        temporary.open("wb") as stream,
    ):
        _DeckPickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump((key, decks))
