"""``atomic_write``: replace a file whole or not at all, even across a crash.

Why it exists: progress exports, backups, Anki packages, deck files and the deck cache
are all written over files a learner cares about. Writing in place can leave half a
file after a crash, a full disk or a kill; so every writer goes through this one routine
instead of its own variant. The new content is written to a temporary file in the same
folder (a rename is atomic only within one file system), flushed to disk with
``fsync``, renamed over the target, and the folder is synced so the rename itself
survives a power cut. The temporary name is unique per call, so two writers, in one
process or two, never share one; on failure it is removed and the old file is left as
it was. A file that already exists keeps its permissions; a new one gets the usual
ones (0666 less the umask), as ``open`` would give it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from quiz.errors import UserError


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a new, empty temporary file beside ``path``; on success it replaces ``path``.

    Write the whole content to the yielded path (open it, or hand it to a library that
    writes files). When the block ends normally the file is synced and renamed over
    ``path`` (through a symlink: its target is replaced) and the folder is synced; when
    it raises, the temporary file is removed and ``path`` is untouched. The folder is
    created if needed. An ``OSError`` becomes a one-line ``UserError``
    (``PATH: cannot write: REASON``); any other exception passes through unchanged.
    """
    target = path.resolve() if path.is_symlink() else path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = _create_beside(target)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        yield temporary
        _keep_mode(target, temporary)
        _sync(temporary)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise
    with contextlib.suppress(OSError):  # the rename is done; a folder that cannot sync is rare
        _sync(target.parent)


def _create_beside(target: Path) -> Path:
    """A new empty file in ``target``'s folder, under a name no other writer holds."""
    while True:
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return candidate


def _keep_mode(target: Path, temporary: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temporary, target.stat().st_mode & 0o7777)


def _sync(path: Path) -> None:
    """``fsync`` a file or a folder (a folder must be opened read-only to be synced)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _cannot_write(path: Path, error: OSError) -> UserError:
    return UserError(f"{path}: cannot write: {error.strerror or error}")
