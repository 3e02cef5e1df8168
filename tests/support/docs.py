"""The YAML examples of docs/deck-format.md, which several tests load as decks."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "deck-format.md"
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def examples() -> list[str]:
    """Every ```yaml block of the deck format document, in order; the first is complete."""
    return YAML_BLOCK.findall(DOC.read_text(encoding="utf-8"))
