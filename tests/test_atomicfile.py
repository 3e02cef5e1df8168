"""``atomic_write``: the whole new file or the old one, never half, whatever happens."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.atomicfile import atomic_write
from quiz.errors import UserError


def names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "data.txt"
    path.write_text("old content\n", encoding="utf-8")
    return path


def test_the_new_content_replaces_the_old_and_nothing_is_left_beside_it(old: Path):
    with atomic_write(old) as temporary:
        assert temporary.parent == old.parent and temporary != old
        assert temporary.read_bytes() == b""  # a new empty file, ours alone
        temporary.write_text("new content\n", encoding="utf-8")
        assert old.read_text(encoding="utf-8") == "old content\n"  # untouched until the end
    assert old.read_text(encoding="utf-8") == "new content\n"
    assert names(old.parent) == {"data.txt"}


def test_an_error_half_way_leaves_the_old_file_and_no_temporary(old: Path):
    with pytest.raises(KeyError), atomic_write(old) as temporary:
        temporary.write_text("half of the new", encoding="utf-8")
        raise KeyError("the writer failed")
    assert old.read_text(encoding="utf-8") == "old content\n"
    assert names(old.parent) == {"data.txt"}


def test_a_process_killed_half_way_leaves_the_old_file(old: Path):
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from quiz.atomicfile import atomic_write\n"
        "with atomic_write(Path(sys.argv[1])) as temporary:\n"
        "    temporary.write_text('half of the new', encoding='utf-8')\n"
        "    os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(old)], timeout=60, check=False)
    assert done.returncode == 9
    assert old.read_text(encoding="utf-8") == "old content\n"


def test_an_os_error_is_one_line_naming_the_file(old: Path):
    with pytest.raises(UserError) as raised, atomic_write(old) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert str(raised.value) == f"{old}: cannot write: No space left on device"
    assert old.read_text(encoding="utf-8") == "old content\n"
    assert names(old.parent) == {"data.txt"}


def test_a_folder_that_cannot_be_made_is_a_clean_error(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    target = blocker / "data.txt"
    with pytest.raises(UserError, match="cannot write"), atomic_write(target):
        pytest.fail("the block must not run without a temporary file")


def test_a_missing_folder_is_made(tmp_path: Path):
    target = tmp_path / "a" / "b" / "data.txt"
    with atomic_write(target) as temporary:
        temporary.write_text("x", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "x"


def test_two_writers_never_share_a_temporary_file(old: Path):
    with atomic_write(old) as first, atomic_write(old) as second:
        assert first != second
        first.write_text("first\n", encoding="utf-8")
        second.write_text("second\n", encoding="utf-8")
        assert first.read_text(encoding="utf-8") == "first\n"  # neither clobbered the other
    assert old.read_text(encoding="utf-8") == "first\n"  # the last to finish wins, whole
    assert names(old.parent) == {"data.txt"}


@pytest.mark.parametrize("stranger", [".data.txt.tmp", ".data.txt.tmp{pid}"], ids=["fixed", "pid"])
def test_another_writers_temporary_file_is_left_alone(old: Path, stranger: str):
    theirs = old.with_name(stranger.format(pid=os.getpid()))
    theirs.write_text("someone else's half-written file", encoding="utf-8")
    with atomic_write(old) as temporary:
        assert temporary != theirs
        temporary.write_text("new\n", encoding="utf-8")
    assert theirs.read_text(encoding="utf-8") == "someone else's half-written file"


def test_an_existing_file_keeps_its_permissions(old: Path):
    old.chmod(0o640)
    with atomic_write(old) as temporary:
        temporary.write_text("new\n", encoding="utf-8")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path):
    previous = os.umask(0o027)
    try:
        with atomic_write(tmp_path / "new.txt") as temporary:
            temporary.write_text("new\n", encoding="utf-8")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640  # 0o666 less the umask


def test_through_a_symlink_the_target_is_replaced_and_the_link_kept(old: Path):
    link = old.with_name("link.txt")
    link.symlink_to(old.name)
    with atomic_write(link) as temporary:
        temporary.write_text("new\n", encoding="utf-8")
    assert link.is_symlink() and old.read_text(encoding="utf-8") == "new\n"


Syncs = list[tuple[str, bytes]]


@pytest.fixture
def syncs_of(monkeypatch: pytest.MonkeyPatch):
    """Record each ``os.fsync``: what the descriptor names and what ``target`` held then."""

    def start(target: Path) -> Syncs:
        synced: Syncs = []
        real = os.fsync

        def fsync(fd: int) -> None:
            synced.append((os.readlink(f"/proc/self/fd/{fd}"), target.read_bytes()))
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        return synced

    return start


def test_the_file_is_synced_before_the_rename_and_the_folder_after(old: Path, syncs_of):
    synced = syncs_of(old)
    with atomic_write(old) as temporary:
        temporary.write_text("new\n", encoding="utf-8")
    assert synced == [
        (str(temporary), b"old content\n"),  # the new file, while the old still stands
        (str(old.parent), b"new\n"),  # the folder, once the rename is done
    ]


# -- every writer of the package goes through it -------------------------------------------


def _database(folder: Path) -> Path:
    from quiz.review.store import Store

    path = folder / "db" / "progress.sqlite3"
    path.parent.mkdir()
    Store.open(path).close()
    return path


def _export(fmt: str):
    def write(target: Path) -> None:
        from quiz.progress import commands

        commands.export(_database(target.parent), fmt, target, [], None)

    return write


def _backup(target: Path) -> None:
    from quiz.progress import commands

    commands.backup(_database(target.parent), target, force=True)


def _report(target: Path) -> None:
    from quiz.progress import commands

    commands.report(_database(target.parent), target, days=30)


def _new_deck(target: Path) -> None:
    from typer.testing import CliRunner

    from quiz.cli import app

    result = CliRunner().invoke(app, ["new", str(target), "--force"])
    assert result.exit_code == 0, result.output


DECK = "deck: mine\ntitle: Mine\ncards:\n  - {id: one, kind: flash, front: F, back: B}\n"


def _append(target: Path) -> None:
    from quiz.deck.append import append_card

    target.write_text(DECK, encoding="utf-8")
    append_card(target, {"id": "two", "kind": "flash", "front": "F2", "back": "B2"})


def _deck_cache(target: Path) -> None:
    from quiz.deck.cache import load_decks_cached

    deck = target.parent / "decks" / "mine.yaml"
    deck.parent.mkdir()
    deck.write_text(DECK, encoding="utf-8")
    assert load_decks_cached([deck.parent], cache=target).decks


WRITERS = {
    "export.json": _export("json"),
    "export.csv": _export("csv"),
    "export.fsrs": _export("fsrs"),
    "export.apkg": _export("apkg"),
    "backup.sqlite3": _backup,
    "report.html": _report,
    "new.yaml": _new_deck,
    "append.yaml": _append,
    "decks.pickle": _deck_cache,
}


@pytest.mark.parametrize("name", WRITERS)
def test_every_writer_replaces_its_file_atomically(tmp_path: Path, name: str, syncs_of):
    target = tmp_path / name
    target.write_bytes(b"old")
    strangers = [tmp_path / f".{name}.tmp", tmp_path / f".{name}.tmp{os.getpid()}"]
    for stranger in strangers:
        stranger.write_bytes(b"another writer's file")
    target.chmod(0o640)
    synced = syncs_of(target)
    WRITERS[name](target)
    assert target.read_bytes() not in (b"", b"old")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    for stranger in strangers:
        assert stranger.read_bytes() == b"another writer's file"
    temporaries = [i for i, (path, held) in enumerate(synced) if _beside(path, target)]
    folders = [i for i, (path, held) in enumerate(synced) if path == str(tmp_path)]
    assert temporaries and synced[temporaries[-1]][1] != target.read_bytes(), synced
    assert folders and folders[-1] > temporaries[-1], synced
    assert synced[folders[-1]][1] == target.read_bytes()
    assert set(tmp_path.iterdir()) - {target, *strangers} <= {tmp_path / "db", tmp_path / "decks"}


def _beside(path: str, target: Path) -> bool:
    synced = Path(path)
    return synced.parent == target.parent and synced.name.startswith(f".{target.name}.")
