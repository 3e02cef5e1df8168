"""Comments and docstrings that cite a file of the repository cite one that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITED = re.compile(r"\b(?:tests|docs|bench|decks|quiz)/[\w./-]+\.(?:py|md|yaml|toml|tcss|json)")


def test_every_file_the_package_cites_exists():
    missing = [
        f"{source.relative_to(ROOT)}: {cited}"
        for source in sorted((ROOT / "quiz").rglob("*.py"))
        for cited in CITED.findall(source.read_text(encoding="utf-8"))
        if not (ROOT / cited).exists()
    ]
    assert not missing, missing
