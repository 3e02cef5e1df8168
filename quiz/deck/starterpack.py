"""The starter deck pack that ``torch-quiz new-pack NAME`` writes (``docs/packs.md``).

Why it exists: a pack is an ordinary Python distribution, but the one line that makes
it a pack (the ``torch_quiz.decks`` entry point naming the package folder that holds
the decks) and the data-file settings that put the decks into the wheel are easy to
get wrong. The starter gets them right once: a pyproject built by setuptools, a
package folder holding one deck, and a test that runs ``torch-quiz check`` on it.
"""

from __future__ import annotations

import re
from pathlib import Path

from quiz.deck.starter import starter_deck

ENTRY_POINT_GROUP = "torch_quiz.decks"  # where quiz.review.packs looks
PREFIX = "torch-quiz-decks-"
_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")

PYPROJECT = """\
# A torch-quiz deck pack (torch-quiz's docs/packs.md says how packs work).
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "0.1.0"
description = "torch-quiz decks: {short}"
readme = "README.md"
requires-python = ">=3.11"
dependencies = []  # a pack is data: torch-quiz reads it, nothing imports it

[project.optional-dependencies]
test = ["pytest", "torch-quiz"]

# The line that makes this a pack: a dotted package path whose folder holds the decks.
[project.entry-points."{group}"]
{short} = "{package}"

[tool.setuptools]
packages = ["{package}"]

[tool.setuptools.package-data]
{package} = ["*.yaml", "*.yml"]
"""

INIT = '''\
"""The decks of the {name} pack: deck files beside this one.

torch-quiz finds this folder through the pack's metadata and never imports it.
"""
'''

TEST = '''\
"""Every deck of the pack passes ``torch-quiz check`` (the format, and every card run)."""

import subprocess
import sys
from pathlib import Path

DECKS = Path(__file__).resolve().parent.parent / "{package}"


def test_the_decks_pass_check():
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "check", str(DECKS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
'''

README = """\
# {name}

A [torch-quiz](https://pypi.org/project/torch-quiz/) deck pack: {short}.

    pip install {name}
    torch-quiz decks        # lists its decks, with "pack {name} 0.1.0" as their source

Write cards in `{package}/{short}.yaml`, then:

    torch-quiz check {package}
    pip install -e '.[test]' && pytest
"""


def check_name(name: str) -> str:
    """``name`` if it may name a pack: lowercase letters, digits and dashes."""
    if not _NAME.fullmatch(name) or len(name) > 64:
        raise ValueError(
            f"{name!r}: a pack name is lowercase letters, digits and dashes, "
            f"such as {PREFIX}my-topic"
        )
    return name


def starter_pack(name: str) -> dict[Path, str]:
    """The files of the starter pack ``name`` (checked by :func:`check_name`), by path
    inside the pack's folder."""
    check_name(name)
    short = name.removeprefix(PREFIX) or name
    package = name.replace("-", "_")
    fields = {"name": name, "short": short, "package": package, "group": ENTRY_POINT_GROUP}
    deck = Path(package) / f"{short}.yaml"
    return {
        Path("pyproject.toml"): PYPROJECT.format(**fields),
        Path("README.md"): README.format(**fields),
        Path(package) / "__init__.py": INIT.format(**fields),
        deck: starter_deck(deck, f"{short.replace('-', ' ').capitalize()}"),
        Path("tests") / "test_decks.py": TEST.format(**fields),
    }
