"""The package's layers, held as contracts rather than by convention.

The contracts live in pyproject.toml (``[tool.importlinter]``) and are checked here with
import-linter, which reads every import statement, those inside functions included: the
layers only point down, the sandbox worker and the app side never import each other
(they share ``quiz.sandbox``), only the worker imports torch and only the UI and the
launch import Textual, and the screens import none of the modules that write to the
progress database (they change it through the ``Session`` façade; the code below also
keeps them from reaching ``session.store``). The same static graph shows there is no
import cycle between files. What a real start-up loads, libraries' own imports included, is
tests/test_import_hygiene.py's one subprocess test.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

# Which top-level parts of the package each rule exempts; every other part is bound by it.
TORCH_ALLOWED = {"quiz.worker"}
TEXTUAL_ALLOWED = {"quiz.ui", "quiz.launch", "quiz.cli", "quiz.start", "quiz.__main__"}
WORKER_MAY_IMPORT = {"quiz.worker", "quiz.deck", "quiz.sandbox"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return {contract["id"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("quiz", cache_dir=None)


def top_level(graph: grimp.ImportGraph) -> set[str]:
    return graph.find_children("quiz")


def test_import_linter_contracts_are_kept():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--config",
            str(PYPROJECT),
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(contracts())} kept, 0 broken" in result.stdout


def test_each_rule_binds_every_part_of_the_package_it_does_not_exempt(graph):
    """A new top-level module or package must be placed in each contract, not slip past."""
    parts = top_level(graph)
    rules = contracts()
    assert set(rules["no-torch"]["source_modules"]) == parts - TORCH_ALLOWED
    assert set(rules["app-side"]["source_modules"]) == parts - TORCH_ALLOWED
    assert rules["app-side"]["forbidden_modules"] == sorted(TORCH_ALLOWED)
    assert set(rules["no-textual"]["source_modules"]) == parts - TEXTUAL_ALLOWED
    assert set(rules["sandbox-side"]["forbidden_modules"]) == parts - WORKER_MAY_IMPORT


def cycles(
    graph: grimp.ImportGraph, package: str = "quiz"
) -> dict[frozenset[str], tuple[str, ...]]:
    """Each pair of modules on a cycle, with one cycle through them (file level)."""
    found: dict[frozenset[str], tuple[str, ...]] = {}
    for importer in sorted(graph.find_descendants(package) | {package}):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                found.setdefault(frozenset({importer, imported}), (importer, *back))
    return found


def test_no_import_cycle_between_files_lazy_imports_included(graph):
    found = cycles(graph)
    assert not found, "\n".join(" -> ".join(chain) for chain in found.values())


def test_the_cycle_check_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    """A cycle closed only by an import inside a function is still found."""
    package = tmp_path / "lazyloop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "top.py").write_text("from lazyloop import below\n")
    (package / "below.py").write_text("def later():\n    from lazyloop import top\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = cycles(grimp.build_graph("lazyloop", cache_dir=None), "lazyloop")
    assert set(found) == {frozenset({"lazyloop.top", "lazyloop.below"})}


def store_reached(source: str) -> list[int]:
    """The lines of ``source`` that name a ``.store`` attribute (``session.store``, ...)."""
    tree = ast.parse(source)
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "store"
    )


def test_no_screen_reaches_past_the_session_to_the_store():
    """One door for writes: the "one-door" contract keeps the store's modules out of
    quiz.ui's imports; this keeps the store itself out of its code."""
    reached = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "quiz" / "ui").rglob("*.py"))
        if (lines := store_reached(path.read_text(encoding="utf-8")))
    }
    assert not reached, reached
    assert store_reached("rows = self.app.session.store.query('x')") == [1]
