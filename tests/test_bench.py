"""The benchmark runner runs (with tiny sizes) and reports every figure; no timing is judged."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # the whole benchmark, at its smallest sizes


KEYS = (
    "textual_hello_s", "startup_first_paint_s", "startup_plain_footer_s",
    "startup_collector_on_s", "torch_import_s",
    "check_ready_s", "check_p50_ms", "check_p99_ms", "eval_floor_ms", "check_decks_s",
    "variant_grade_p99_ms",
    "edge_grade_p50_ms", "edge_grade_p99_ms", "edge_grade_cpu_ms", "check_decks_cards",
    "check_decks_500_s", "check_decks_500_cards",
    "db_floor_ms", "next_card_ms", "rate_ms", "db_bytes_per_review", "worker_rss_mb",
    "ui_rss_mb", "stats_open_s", "ui_max_stall_ms", "ui_max_stall_cpu_ms", "ui_stall_floor_ms",
)  # fmt: skip


def test_benchmark_runner_smoke():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    for key in KEYS:
        assert figures[key] > 0, key
    assert set(figures["met"]) <= set(KEYS)
    assert figures["versions"]["torch"].startswith("2.")


def test_the_table_sets_each_figure_against_its_floor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """The table ``run.py`` prints without --json, on made-up figures: one row each."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import run

    figures = {key: float(number) for number, key in enumerate(KEYS, start=1)}
    run.print_table(figures, run.QUICK)
    lines = capsys.readouterr().out.splitlines()
    rows = run.rows(figures)
    assert {row.key for row in rows} <= set(KEYS)
    for row in rows:
        (line,) = [line for line in lines if line.startswith(f"{row.key} ")]
        assert line.endswith("yes" if row.met else "NO"), line
        if row.floor_key:
            assert f" {row.floor_key} " in line, line
