"""Deck packs for the tests: a fixture folder installed onto a folder of ``sys.path``.

What ``pip install`` leaves of a pack is a package folder and a ``NAME.dist-info``
beside it (``METADATA``, ``entry_points.txt``, ``RECORD``); writing those is all
``importlib.metadata`` needs to find the pack, at no cost of a build. One test in
``tests/test_packs.py`` builds and installs ``torch-quiz new-pack``'s output for real.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "packs"
DEMO = FIXTURES / "demo"  # the deck pack-shapes: an output card and a flash card
CLASH = FIXTURES / "clash"  # the deck basics, the slug of the tests' stand-in bundled deck


def install_pack(
    site: Path,
    name: str = "torch-quiz-decks-demo",
    version: str = "1.0",
    *,
    decks: Path = DEMO,
    value: str | None = None,
    recorded: bool = True,
) -> Path:
    """Install the deck files of ``decks`` as the pack ``name`` into ``site`` (a folder to
    put on ``sys.path``); ``value`` is the entry point's (default: the package). Without
    ``recorded`` it is an editable install: its RECORD lists no package file. Returns
    the package folder."""
    package = name.replace("-", "_")
    folder = site / package
    shutil.copytree(decks, folder)
    info = site / f"{package}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[torch_quiz.decks]\ndemo = {value or package}\n", encoding="utf-8"
    )
    files = [p.relative_to(site).as_posix() for p in sorted(folder.rglob("*")) if p.is_file()]
    if not recorded:  # as pip records an editable install (PEP 610)
        files = []
        direct = '{"url": "file:///src", "dir_info": {"editable": true}}'
        (info / "direct_url.json").write_text(direct, encoding="utf-8")
    records = [
        *files,
        *(f"{info.name}/{n.name}" for n in sorted(info.iterdir())),
        f"{info.name}/RECORD",
    ]
    (info / "RECORD").write_text("".join(f"{r},,\n" for r in records), encoding="utf-8")
    return folder
