"""Only the sandbox worker may import torch; only the UI may import Textual.

Each module is imported in a fresh interpreter, so nothing imported by the test
process itself can hide a stray import.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import quiz

WORKER_PREFIX = "quiz.worker"  # the sandbox worker process: the one place torch is allowed
UI_PREFIX = "quiz.ui"


def all_modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(quiz.__path__, prefix="quiz.")]
    return sorted(n for n in names if not n.startswith(WORKER_PREFIX) and n != "quiz.__main__")


def loaded_after_import(module: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(result.stdout))


def test_the_package_has_the_expected_layers():
    modules = all_modules()
    assert "quiz.cli" in modules
    assert "quiz.deck.loader" in modules
    assert any(name.startswith(UI_PREFIX) for name in modules)


@pytest.mark.parametrize("module", all_modules())
def test_module_does_not_import_torch(module: str):
    loaded = loaded_after_import(module)
    assert "torch" not in loaded
    if not module.startswith(UI_PREFIX):
        assert "textual" not in loaded, f"{module} pulled in Textual"


def test_checking_decks_from_the_command_line_loads_neither():
    code = (
        "import sys\n"
        "from quiz.cli import main\n"
        "sys.argv = ['torch-quiz', 'check']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "assert 'torch' not in sys.modules and 'textual' not in sys.modules, 'heavy import'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
