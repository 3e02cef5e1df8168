"""What the real entry point loads: never torch, and Textual only to run the app.

The import contracts (tests/test_layers.py) see every import statement of the package;
they cannot see what a library imports in turn. So the console script runs here once per
kind of start, in a fresh interpreter, and reports what it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.deck.starter import starter_deck

LAUNCH = """
import json, sys
from importlib.metadata import entry_points

(script,) = entry_points(group="console_scripts", name="torch-quiz")
sys.argv = ["torch-quiz", *sys.argv[1:]]
code = 0
try:
    script.load()()
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "torch": "torch" in sys.modules,
                  "textual": "textual" in sys.modules}))
"""


# How torch-quiz is started: its arguments, and whether that runs the app (loads Textual).
STARTS = {
    "bare-launch": (["--db", "{tmp}/progress.db"], True),  # headless, quit at once
    "help": (["--help"], False),
    # checking decks from the command line loads neither; the starter deck has a card of
    # each kind, so each kind is run in the worker and judged here
    "check": (["check", "{tmp}/starter.yaml"], False),
}


@pytest.mark.parametrize("start", STARTS)
def test_torch_quiz_never_loads_torch(tmp_path: Path, start: str):
    template, runs_app = STARTS[start]
    args = [arg.format(tmp=tmp_path) for arg in template]
    starter = tmp_path / "starter.yaml"
    starter.write_text(starter_deck(starter, None), encoding="utf-8")
    env = {
        **os.environ,
        "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver",
        "TEXTUAL_PRESS": "ctrl+q",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["code"] in (0, None), result.stderr
    assert report["textual"] == runs_app, f"torch-quiz {' '.join(args)}: Textual loaded?"
    assert not report["torch"], f"torch-quiz {' '.join(args)} loaded torch"
