"""The benchmark runner runs (with tiny sizes) and reports every figure; no timing is judged."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # the whole benchmark, at its smallest sizes


def test_benchmark_runner_smoke():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    figures = json.loads(result.stdout)
    keys = (
        "textual_hello_s", "startup_first_paint_s", "startup_plain_footer_s",
        "startup_collector_on_s", "torch_import_s",
        "check_ready_s", "check_p50_ms", "check_p99_ms", "eval_floor_ms", "check_decks_s",
        "variant_grade_p99_ms",
        "edge_grade_p50_ms", "edge_grade_p99_ms", "check_decks_cards",
        "db_floor_ms", "next_card_ms", "rate_ms", "db_bytes_per_review", "worker_rss_mb",
        "ui_rss_mb",
    )  # fmt: skip
    for key in keys:
        assert figures[key] > 0, key
    assert set(figures["met"]) <= set(keys)
    assert figures["versions"]["torch"].startswith("2.")
