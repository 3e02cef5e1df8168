"""The names an expression uses, read from its syntax tree (never from its text).

The judge checks ``forbid`` and ``require`` against these, and that a code answer
uses at least one given. Python normalises identifiers (NFKC), so reading the tree
also sees through fullwidth spellings.
"""

from __future__ import annotations

import ast


def names_used(tree: ast.AST) -> list[str]:
    """Plain names (``x``), dotted chains rooted at a name (``torch.sum``) and ``.attr``."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(f".{node.attr}")
            chain = _dotted(node)
            if chain is not None:
                found.update(_spellings(chain))
    return sorted(found)


ALIASES = (("F.", "torch.nn.functional."), ("nn.", "torch.nn."))


def _spellings(chain: str) -> set[str]:
    """A dotted name and its other spellings: ``F.relu`` is ``torch.nn.functional.relu``."""
    spellings = {chain}
    for _ in ALIASES:  # nn.functional.x -> torch.nn.functional.x -> F.x
        for name in list(spellings):
            for short, full in ALIASES:
                if name.startswith(short):
                    spellings.add(full + name.removeprefix(short))
                elif name.startswith(full):
                    spellings.add(short + name.removeprefix(full))
    return spellings


def _dotted(node: ast.Attribute) -> str | None:
    parts = [node.attr]
    value = node.value
    while isinstance(value, ast.Attribute):
        parts.append(value.attr)
        value = value.value
    if not isinstance(value, ast.Name):
        return None
    parts.append(value.id)
    return ".".join(reversed(parts))
