"""torch-quiz's benchmarks: each figure measured next to its floor, in one run.

    python bench/run.py [--json] [--quick]

Shared machines are noisy, so no figure is judged alone: each is set against a floor
measured in the same run (importing torch, plain ``eval``), and medians are quoted.
``--quick`` runs tiny sizes, for the smoke test; its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    key: str
    value: float
    floor_key: str | None
    floor: float | None
    target: str
    met: bool | None


@dataclass
class Settings:
    repeat: int
    answers: int


def median_of(action: Callable[[], float], repeat: int) -> float:
    return statistics.median(action() for _ in range(repeat))


def timed_subprocess(code: str) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - began


# ---------------------------------------------------------------- judging


def real_answers(count: int) -> list[tuple[object, object, str]]:
    """(deck, card, answer) from the bundled decks' accept and reject examples."""
    from quiz.deck.check import load_decks
    from quiz.deck.model import ChoiceCard, FlashCard

    pool = []
    for deck in load_decks([ROOT / "decks"]).decks:
        for card in deck.cards:
            if isinstance(card, FlashCard | ChoiceCard):
                continue
            pool += [(deck, card, answer) for answer in (*card.accept, *card.reject)]
    return [pool[i % len(pool)] for i in range(count)]


def judge_figures(settings: Settings) -> dict[str, float]:
    from quiz.judge.client import WorkerClient
    from quiz.judge.judge import Judge

    torch_import = median_of(lambda: timed_subprocess("import torch"), settings.repeat)
    ready = []
    for _ in range(settings.repeat):
        began = time.perf_counter()
        with WorkerClient() as client:
            client.wait_ready()
            ready.append(time.perf_counter() - began)
    answers = real_answers(settings.answers)
    with WorkerClient() as client:
        judge = Judge(client)
        for deck, card, answer in answers:  # warm: worker loaded, references cached
            judge.judge(deck, card, answer)  # type: ignore[arg-type]
        samples = []
        for deck, card, answer in answers:
            began = time.perf_counter()
            judge.judge(deck, card, answer)  # type: ignore[arg-type]
            samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    floor = eval_floor_ms(answers)
    return {
        "torch_import_s": torch_import,
        "check_ready_s": statistics.median(ready),
        "check_p50_ms": statistics.median(samples),
        "check_p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)],
        "eval_floor_ms": floor,
    }


FLOOR_SCRIPT = """
import json, math, statistics, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
jobs = json.load(sys.stdin)
samples = []
for _ in range(2):
    samples = []
    for givens, expr in jobs:
        began = time.perf_counter()
        torch.manual_seed(0)
        env = {"torch": torch, "F": F, "nn": nn, "math": math}
        try:
            for name, source in givens:
                env[name] = eval(source, env)
            eval(expr, env)
        except Exception:
            pass
        samples.append((time.perf_counter() - began) * 1000)
print(statistics.median(samples))
"""


def eval_floor_ms(answers: list[tuple[object, object, str]]) -> float:
    """The same expressions evaluated with plain eval in a torch process: no sandbox."""
    from quiz.deck.model import ClozeCard, CodeCard, OutputCard
    from quiz.judge.judge import card_givens

    jobs = []
    for deck, card, answer in answers:
        givens = card_givens(deck, card)  # type: ignore[arg-type]
        if isinstance(card, OutputCard):
            jobs.append((givens, card.expr))
        elif isinstance(card, CodeCard):
            jobs.append((givens, answer))
        elif isinstance(card, ClozeCard):
            jobs.append((givens, card.filled(answer)))
    result = subprocess.run(
        [sys.executable, "-c", FLOOR_SCRIPT],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip())


def check_decks_s(settings: Settings) -> float:
    command = [sys.executable, "-m", "quiz", "check", str(ROOT / "decks")]
    return median_of(lambda: _timed(command), max(1, settings.repeat // 2))


def _timed(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - began


# ---------------------------------------------------------------- report


def figures(measured: dict[str, float]) -> list[Figure]:
    torch_import = measured["torch_import_s"]
    rows = [
        Figure("check_ready_s", measured["check_ready_s"], "torch_import_s", torch_import,
               "≤ 1.15 × torch_import_s", measured["check_ready_s"] <= 1.15 * torch_import),
        Figure("check_p50_ms", measured["check_p50_ms"], "eval_floor_ms",
               measured["eval_floor_ms"], "≤ 2 ms", measured["check_p50_ms"] <= 2),
        Figure("check_p99_ms", measured["check_p99_ms"], "eval_floor_ms",
               measured["eval_floor_ms"], "≤ 10 ms", measured["check_p99_ms"] <= 10),
        Figure("check_decks_s", measured["check_decks_s"], "torch_import_s", torch_import,
               "≤ torch_import_s + 3 s", measured["check_decks_s"] <= torch_import + 3),
    ]  # fmt: skip
    return rows


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("torch", "textual", "fsrs", "sqlite-utils")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    args = parser.parse_args(argv)
    settings = Settings(repeat=1, answers=20) if args.quick else Settings(repeat=5, answers=1000)
    measured = judge_figures(settings)
    measured["check_decks_s"] = check_decks_s(settings)
    rows = figures(measured)
    if args.json:
        print(json.dumps({**measured, "versions": versions(), "repeat": settings.repeat}))
        return 0
    print(f"torch-quiz benchmarks · {', '.join(f'{k} {v}' for k, v in versions().items())}")
    print(f"medians of {settings.repeat} runs; judging over {settings.answers} answers\n")
    print(f"{'figure':<16}{'value':>10}  {'floor':<16}{'floor value':>12}{'ratio':>8}  "
          f"{'target':<26}met")  # fmt: skip
    for row in rows:
        ratio = row.value / row.floor if row.floor else float("nan")
        print(f"{row.key:<16}{row.value:>10.3f}  {row.floor_key or '':<16}"
              f"{row.floor or 0:>12.3f}{ratio:>8.2f}  {row.target:<26}"
              f"{'yes' if row.met else 'NO'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
