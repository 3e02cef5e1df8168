"""Deck packs: decks other people publish as Python distributions, found without running them.

Why it exists: sharing a deck should be ``pip install torch-quiz-decks-foo``, the way
pytest and llm find their plugins. A pack is any installed distribution that declares
an entry point in the ``torch_quiz.decks`` group whose value is a dotted package path
(``torch_quiz_decks_foo`` or ``torch_quiz_decks_foo.decks``): the folder of that
package holds its deck files (``docs/packs.md``).

Packs are data, and strangers' data: this module only *locates* their folders. It
reads the distribution's metadata (``importlib.metadata``), maps the dotted path to a
folder through the files the distribution recorded (``RECORD``) and ``locate_file``,
and, for an editable install (which records none), asks the import system where the
top-level package would be found (``find_spec`` of a top-level name runs the finders
but imports nothing). Only an editable install may point outside its own files, so a
pack cannot name another distribution's package as its folder. No pack module is ever
imported; the decks in the folder go through the same loader, limits and sandbox as
any other deck file. A pack that cannot be located is one :class:`PackProblem` line
and the others are still found.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.deck.printable import printable
from quiz.deck.starterpack import ENTRY_POINT_GROUP as GROUP

if TYPE_CHECKING:
    from importlib import metadata

MAX_SHOWN = 80  # a pack's name, version or entry point as shown
_INFO = (".dist-info", ".egg-info")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass(frozen=True, slots=True)
class Pack:
    """One entry point of an installed pack: whose it is and the folder of its decks."""

    name: str  # the distribution's name, as its metadata spells it
    version: str
    entry: str  # the entry point's name
    folder: Path

    @property
    def label(self) -> str:
        """The source as ``torch-quiz decks`` and Home name it."""
        return f"pack {self.name} {self.version}"


@dataclass(frozen=True, slots=True)
class PackProblem:
    """Why one entry point gave no folder; ``where`` is the place it was looked for."""

    where: Path
    message: str


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def site_path() -> Sequence[str]:
    """The folders installed distributions are looked for in: ``sys.path``, as
    ``importlib.metadata`` reads it. The tests narrow it to the folders they install
    packs into, so a pack installed where they run is not one of their decks."""
    return sys.path


def find_packs(path: Sequence[str] | None = None) -> tuple[list[Pack], list[PackProblem]]:
    """Every pack installed in the folders of ``path`` (default: :func:`site_path`), its
    folders sorted by pack, then entry point, and the problems."""
    folders = list(site_path() if path is None else path)
    packs: list[Pack] = []
    problems: list[PackProblem] = []
    if not _may_hold_packs(folders):
        return packs, problems
    entries, problems = entry_points(folders)
    for entry in entries:
        try:
            found = _locate(entry)
        except Exception as error:  # a stranger's metadata that importlib cannot read
            said = f"entry point '{_shown(entry.name)} = {_shown(entry.value)}' in {GROUP}"
            found = PackProblem(Path(entry.value), f"{said}: {_unreadable(error)}")
        (packs if isinstance(found, Pack) else problems).append(found)
    packs.sort(key=lambda pack: (normalized(pack.name), pack.entry))
    return packs, problems


def entry_points(path: Sequence[str]) -> tuple[list[metadata.EntryPoint], list[PackProblem]]:
    """The ``torch_quiz.decks`` entry points of the distributions in the folders of
    ``path`` now, and a problem for each distribution naming the group whose entry points cannot be
    read (``metadata.entry_points()`` would fail on the first, for every pack)."""
    from importlib import metadata

    entries: list[metadata.EntryPoint] = []
    problems: list[PackProblem] = []
    seen: set[str] = set()
    for dist in metadata.distributions(path=list(path)):
        try:
            declared = list(dist.entry_points.select(group=GROUP))
        except Exception as error:  # a malformed entry_points.txt
            if GROUP in (dist.read_text("entry_points.txt") or ""):
                where = Path(str(dist.locate_file("")))
                name = _shown(dist.metadata["Name"])
                problems.append(PackProblem(where, f"pack {name}: {_unreadable(error)}"))
            continue
        if not declared:
            continue
        name = normalized(_shown(dist.metadata["Name"]))
        if name not in seen:  # the first on the path shadows the others
            seen.add(name)
            entries.extend(declared)
    return entries, problems


def _unreadable(error: Exception) -> str:
    return f"its metadata cannot be read ({type(error).__name__}: {_shown(str(error))})"


def _may_hold_packs(path: Sequence[str]) -> bool:
    """Whether a distribution in the folders of ``path`` may declare the group, by a
    look at their ``entry_points.txt`` files.

    Importing ``importlib.metadata`` (it brings the ``email`` package) is a good part of
    start-up, and most learners have no pack: it is imported only when one may be
    there. Anything this look cannot read (a zip archive on the path) counts as a maybe.
    """
    group = GROUP.encode()
    for entry in path:
        folder = Path(entry or ".")
        try:
            with os.scandir(folder) as found:
                infos = [item.name for item in found if item.name.endswith(_INFO)]
        except NotADirectoryError:
            return True  # a zip archive: importlib.metadata reads those
        except OSError:
            continue
        for info in infos:
            try:
                if group in (folder / info / "entry_points.txt").read_bytes():
                    return True
            except OSError:
                continue
    return False


def _locate(entry: metadata.EntryPoint) -> Pack | PackProblem:
    dist = entry.dist
    name = _shown(dist.metadata["Name"]) if dist is not None else "?"
    version = _shown(dist.version) if dist is not None else "?"
    value = entry.value.strip()
    said = f"pack {name} {version}: entry point '{_shown(entry.name)} = {_shown(value)}' in {GROUP}"
    if dist is None:
        return PackProblem(Path(value), f"{said}: no distribution holds it")
    if not _DOTTED.fullmatch(value):
        return PackProblem(
            Path(str(dist.locate_file(""))),
            f"{said}: the value must be a dotted package path such as "
            "'my_pack' or 'my_pack.decks' (no ':object', nothing to import)",
        )
    parts = value.split(".")
    folder = _recorded(dist, parts) or (_found(parts) if _editable(dist) else None)
    if folder is None or not folder.is_dir():
        where = folder or Path(str(dist.locate_file("/".join(parts))))
        return PackProblem(where, f"{said}: no folder {'/'.join(parts)} in the distribution")
    return Pack(name, version, _shown(entry.name), folder)


def _shown(text: str | None) -> str:
    """A stranger's metadata as one short line: no control characters, no line breaks."""
    one_line = printable(" ".join(str(text or "?").split()), multiline=False)
    return one_line if len(one_line) <= MAX_SHOWN else one_line[: MAX_SHOWN - 1] + "…"


def _recorded(dist: metadata.Distribution, parts: list[str]) -> Path | None:
    """The folder through the files the distribution recorded (a wheel's RECORD)."""
    prefix = "/".join(parts) + "/"
    for file in dist.files or ():
        if file.as_posix().startswith(prefix):
            return Path(str(dist.locate_file("/".join(parts))))
    return None


def _editable(dist: metadata.Distribution) -> bool:
    """Whether pip installed ``dist`` editable (PEP 610's ``direct_url.json``): only then
    may its folder be outside what it recorded, where the import system finds it."""
    try:
        said = json.loads(dist.read_text("direct_url.json") or "{}")
        return said.get("dir_info", {}).get("editable") is True
    except (ValueError, AttributeError):
        return False


def _found(parts: list[str]) -> Path | None:
    """The folder where the import system would find the package (an editable install).

    Only the top-level name is looked up: ``find_spec("a.b")`` would import ``a``.
    """
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location).joinpath(*parts[1:])
        if folder.is_dir():
            return folder
    return None
