"""One meaning per name: no two modules of the package define a class or alias alike.

When ``Phase`` meant a card's FSRS phase in one module and a screen's step in another, a
reader (or a wrong import) could take one for the other, and no type checker would say
so when both had the members used. Names private to a module (``_Name``) and constants
(``UPPER``) are left out; a class nested in another (a screen's messages) is named
through its owner.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import quiz

PACKAGE = Path(quiz.__file__).parent


def public_type_names(tree: ast.Module) -> set[str]:
    """Classes and type aliases (``Name = A | B``) a module defines at its top level."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {name for name in names if name[0].isupper() and not name.isupper()}


def definitions(package: Path) -> dict[str, list[str]]:
    where: dict[str, list[str]] = defaultdict(list)
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in public_type_names(tree):
            where[name].append(str(path.relative_to(package.parent)))
    return where


def test_each_class_and_alias_name_is_defined_once_in_the_package():
    twice = {name: paths for name, paths in definitions(PACKAGE).items() if len(paths) > 1}
    assert not twice, "\n".join(f"{name}: {', '.join(paths)}" for name, paths in twice.items())


def test_the_check_sees_classes_and_aliases_but_not_constants(tmp_path: Path):
    (tmp_path / "a.py").write_text("class Phase:\n    pass\n\nLIMIT = 1\n")
    (tmp_path / "b.py").write_text("Phase = int | str\nLIMIT = 2\n_Private = int\n")
    assert {n: len(p) for n, p in definitions(tmp_path).items()} == {"Phase": 2}
