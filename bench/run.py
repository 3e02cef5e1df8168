"""torch-quiz's benchmarks: each figure measured next to its floor, in one run.

    python bench/run.py [--json] [--quick]

Shared machines are noisy, so no figure is judged alone: each is set against a floor
measured in the same run (a bare Textual app, importing torch, plain ``eval``, one
indexed read), and medians are quoted. ``--quick`` runs tiny sizes for the smoke
test (one deck checked and no set of 500 cards, no warm-up launch, one warm-up draw of
each fresh card, the UI's floor watched for a second); its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from database import database_figures  # noqa: E402  (bench/ is the script's folder)
from judging import (  # noqa: E402
    check_decks_cards,
    check_decks_s,
    check_many_decks,
    edge_figures,
    judge_figures,
    variant_figures,
)
from session import session_figures  # noqa: E402
from startup import startup_figures  # noqa: E402
from ui_stalls import ui_figures  # noqa: E402


@dataclass(frozen=True)
class Size:
    repeat: int
    answers: int
    studied: int
    cards: int
    reviews: int
    db_repeat: int
    checked: Path = ROOT / "decks"  # what check_decks_s checks
    many: int = 500  # cards for check_decks_500_s (0: the figures of check_decks_s again)
    warm_up: bool = True  # launch the app once before timing its start-ups
    ui_answers: int = 20  # cards reviewed while ui_max_stall_ms is watched
    ui_floor_s: float = 20.0  # the most ui_stall_floor_ms is watched
    variant_warm: int = 5  # draws of each fresh card judged before variant_grade_p99_ms


FULL = Size(repeat=5, answers=1_000, studied=40, cards=100_000, reviews=1_000_000, db_repeat=200)
QUICK = Size(
    repeat=1, answers=20, studied=3, cards=500, reviews=5_000, db_repeat=5,
    checked=ROOT / "decks" / "arithmetic.yaml", warm_up=False, many=0, ui_answers=3,
    ui_floor_s=1.0, variant_warm=1,
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    key: str
    floor_key: str | None
    target: str
    met: bool


def rows(m: dict[str, float]) -> list[Row]:
    """Each figure, its floor and its target, as the benchmark issue states them."""
    torch_import = m["torch_import_s"]
    return [
        Row("startup_first_paint_s", "textual_hello_s", "≤ 1.5 × textual_hello_s",
            m["startup_first_paint_s"] <= 1.5 * m["textual_hello_s"]),
        Row("startup_collector_on_s", "startup_first_paint_s",
            "(reported: the worth of quiz.launch.PAUSE_COLLECTOR)", True),
        Row("startup_plain_footer_s", "startup_first_paint_s",
            "(reported: the worth of quiz.ui.footer.KEYS_IN_FIRST_FRAME)", True),
        Row("check_ready_s", "torch_import_s", "≤ 1.15 × torch_import_s",
            m["check_ready_s"] <= 1.15 * torch_import),
        Row("check_p50_ms", "eval_floor_ms", "≤ 2 ms", m["check_p50_ms"] <= 2),
        Row("check_p99_ms", "eval_floor_ms", "≤ 10 ms", m["check_p99_ms"] <= 10),
        Row("variant_grade_p99_ms", "eval_floor_ms", "≤ 10 ms", m["variant_grade_p99_ms"] <= 10),
        Row("edge_grade_p50_ms", "eval_floor_ms", "≤ 2 ms", m["edge_grade_p50_ms"] <= 2),
        Row("edge_grade_p99_ms", "eval_floor_ms", "≤ 15 ms", m["edge_grade_p99_ms"] <= 15),
        Row("edge_grade_cpu_ms", "eval_floor_ms", "(reported: app + worker CPU)", True),
        Row("next_card_ms", "db_floor_ms", "≤ 5 ms", m["next_card_ms"] <= 5),
        Row("rate_ms", "db_floor_ms", "≤ 10 ms", m["rate_ms"] <= 10),
        Row("db_bytes_per_review", None, "(reported)", True),
        Row("check_decks_s", "torch_import_s", "≤ torch_import_s + 15 ms/card",
            m["check_decks_s"] <= torch_import + 0.015 * m["check_decks_cards"]),
        Row("check_decks_cards", None, "(reported)", True),
        Row("check_decks_500_s", "torch_import_s", "≤ torch_import_s + 15 ms/card",
            m["check_decks_500_s"] <= torch_import + 0.015 * m["check_decks_500_cards"]),
        Row("check_decks_500_cards", None, "(reported)", True),
        Row("ui_rss_mb", None, "≤ 150 MB", m["ui_rss_mb"] <= 150),
        Row("worker_rss_mb", None, "≤ 500 MB", m["worker_rss_mb"] <= 500),
        Row("stats_open_s", None, "≤ 0.5 s", m["stats_open_s"] <= 0.5),
        Row("ui_max_stall_ms", "ui_stall_floor_ms", "≤ 50 ms", m["ui_max_stall_ms"] <= 50),
        Row("ui_max_stall_cpu_ms", "ui_stall_floor_ms", "(reported: the UI thread's own)", True),
    ]  # fmt: skip


def measure(size: Size) -> dict[str, float]:
    measured: dict[str, float] = {}
    measured.update(startup_figures(size.repeat, warm_up=size.warm_up))
    measured.update(judge_figures(size.repeat, size.answers))
    measured.update(variant_figures(size.answers, size.variant_warm))
    measured.update(edge_figures(size.answers))
    measured["check_decks_s"] = check_decks_s(max(1, size.repeat // 2), size.checked)
    measured["check_decks_cards"] = check_decks_cards(size.checked)
    if size.many:
        measured.update(check_many_decks(size.many, max(1, size.repeat // 2)))
    else:  # --quick: no second set (its numbers mean nothing anyway)
        measured["check_decks_500_s"] = measured["check_decks_s"]
        measured["check_decks_500_cards"] = measured["check_decks_cards"]
    measured.update(database_figures(size.cards, size.reviews, size.db_repeat))
    measured.update(session_figures(size.studied))
    measured.update(ui_figures(size.cards, size.reviews, size.ui_answers, size.ui_floor_s))
    return measured


def versions() -> dict[str, str]:
    return {name: version(name) for name in ("torch", "textual", "fsrs", "sqlite-utils")}


def print_table(measured: dict[str, float], size: Size) -> None:
    print(f"torch-quiz benchmarks · {', '.join(f'{k} {v}' for k, v in versions().items())}")
    print(
        f"medians of {size.repeat} runs (database: {size.db_repeat}); judging "
        f"{size.answers} answers; database {size.cards:,} cards, {size.reviews:,} reviews; "
        f"memory while studying {size.studied} cards\n"
    )
    header = f"{'figure':<22}{'value':>10}  {'floor':<16}{'':>9}{'ratio':>8}  {'target':<25}met"
    print(header)
    for row in rows(measured):
        value = measured[row.key]
        floor = measured[row.floor_key] if row.floor_key else math.nan
        ratio = value / floor if row.floor_key and floor else math.nan
        floor_text = f"{floor:>9.3f}" if row.floor_key else " " * 9
        print(
            f"{row.key:<22}{value:>10.3f}  {row.floor_key or '':<16}{floor_text}"
            f"{ratio:>8.2f}  {row.target:<25}{'yes' if row.met else 'NO'}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    measured = measure(size)
    if args.json:
        met = {row.key: row.met for row in rows(measured)}
        report = {**measured, "met": met, "versions": versions(), "repeat": size.repeat}
        print(json.dumps(report))
    else:
        print_table(measured, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
