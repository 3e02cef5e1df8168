"""The code base stays ruff-clean."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import ROOT


def test_ruff_reports_nothing():
    ruff = shutil.which("ruff") or f"{sys.executable} -m ruff"
    result = subprocess.run(
        [*ruff.split(), "check", "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
