"""Judging figures: the sandbox's readiness and warm latency, against their floors.

``check_ready_s`` is launch to the worker having loaded torch, against
``torch_import_s`` (``python -c "import torch"``). ``check_p50_ms`` and
``check_p99_ms`` time the judge on real answers drawn from the bundled decks (their
``accept`` and ``reject`` examples: output, code with its trials, cloze), warm,
against ``eval_floor_ms``: the same expressions under plain ``eval`` in a torch
process, with no sandbox at all. ``judging_worker_rss_mb`` is the worker's peak
resident memory after all that judging. ``variant_grade_p99_ms`` times judging an
answer to a fresh card (``fresh: true``) on a draw never seen before, so its reference
is computed then, as at a review whose draw was not made ahead.

``edge_grade_p50_ms`` and ``edge_grade_p99_ms`` time code and cloze answers judged as
in a review: fresh seeds at every attempt, on the random draws and the edge draws, with
the reference prepared while the learner reads (``Judge.prepare``, not timed), so only
the answer's own runs count. ``edge_grade_cpu_ms`` is the CPU time those judgements took
per answer, the app's thread and the worker together: what the code costs, which a busy
machine inflates far less than the wall-clock figures. ``check_decks_s`` is ``torch-quiz
check decks/`` with its fixed seeds and the edge draws; ``check_decks_cards`` the cards it checked.
``check_decks_500_s`` is the same on a set of at least 500 cards (the bundled decks, then
copies of them under new slugs), ``check_decks_500_cards`` its cards: the target must
hold as decks grow.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_of(action: Callable[[], float], repeat: int) -> float:
    return statistics.median(action() for _ in range(repeat))


def timed_subprocess(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - began


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def real_answers(count: int, *, computed: bool = False) -> list[tuple[object, object, str]]:
    """(deck, card, answer) from the bundled decks' accept and reject examples (of code
    and cloze cards only when ``computed``)."""
    from quiz.deck.check import load_decks
    from quiz.deck.model import ChoiceCard, ClozeCard, CodeCard, FlashCard

    pool = []
    for deck in load_decks([ROOT / "decks"]).decks:
        for card in deck.cards:
            if isinstance(card, FlashCard | ChoiceCard):
                continue
            if computed and not isinstance(card, CodeCard | ClozeCard):
                continue
            pool += [(deck, card, answer) for answer in (*card.accept, *card.reject)]
    return [pool[i % len(pool)] for i in range(count)]


def edge_figures(answer_count: int) -> dict[str, float]:
    """Code and cloze answers as in a review: new draws each time, edge draws, warm."""
    from quiz.judge.client import WorkerClient
    from quiz.judge.judge import Judge, Seeds

    answers = real_answers(answer_count, computed=True)
    with WorkerClient() as client:
        judge = Judge(client, seeds=Seeds.FRESH)
        for deck, card, answer in answers[:50]:  # warm: torch's first calls made
            judge.judge(deck, card, answer)  # type: ignore[arg-type]
        samples = []
        cpu = 0.0
        for deck, card, answer in answers:
            judge.prepare(deck, card)  # type: ignore[arg-type]
            judge.reference(deck, card)  # type: ignore[arg-type]  # the learner reads
            pid = client.pid
            worker_began = process_cpu_s(pid)
            cpu_began = time.thread_time()
            began = time.perf_counter()
            judge.judge(deck, card, answer)  # type: ignore[arg-type]
            samples.append((time.perf_counter() - began) * 1000)
            cpu += time.thread_time() - cpu_began
            if client.pid == pid:  # not replaced meanwhile
                cpu += process_cpu_s(pid) - worker_began
    samples.sort()
    return {
        "edge_grade_p50_ms": statistics.median(samples),
        "edge_grade_p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)],
        "edge_grade_cpu_ms": cpu / len(answers) * 1000,
    }


def process_cpu_s(pid: int | None) -> float:
    """The CPU time a process has used so far (user and system), in seconds."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def judge_figures(repeat: int, answer_count: int) -> dict[str, float]:
    from quiz.judge.client import WorkerClient
    from quiz.judge.judge import Judge

    torch_import = median_of(
        lambda: timed_subprocess([sys.executable, "-c", "import torch"]), repeat
    )
    ready = []
    for run in range(repeat):
        began = time.perf_counter()
        client = WorkerClient()
        client.wait_ready()
        ready.append(time.perf_counter() - began)
        if run < repeat - 1:
            client.close()
    answers = real_answers(answer_count)
    with client:  # the last one started does the judging: it is as fresh as a new one
        judge = Judge(client)
        for deck, card, answer in answers:  # warm: worker loaded, references cached
            judge.judge(deck, card, answer)  # type: ignore[arg-type]
        samples = []
        for deck, card, answer in answers:
            began = time.perf_counter()
            judge.judge(deck, card, answer)  # type: ignore[arg-type]
            samples.append((time.perf_counter() - began) * 1000)
        worker_rss = peak_rss_mb(client.pid) if client.pid else float("nan")
    samples.sort()
    floor = eval_floor_ms(answers)
    return {
        "torch_import_s": torch_import,
        "check_ready_s": statistics.median(ready),
        "check_p50_ms": statistics.median(samples),
        "check_p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)],
        "eval_floor_ms": floor,
        "judging_worker_rss_mb": worker_rss,
    }


def variant_figures(answer_count: int, warm_draws: int = 5) -> dict[str, float]:
    """Judging the bundled fresh cards on new draws: no reference cached, worker warm
    (each card first judged on ``warm_draws`` draws)."""
    from quiz.deck.check import load_decks
    from quiz.judge.client import WorkerClient
    from quiz.judge.judge import Judge
    from quiz.judge.presentation import Presentation

    fresh = [
        (deck, card, card.accept[0] if card.accept else "0")
        for deck in load_decks([ROOT / "decks"]).decks
        for card in deck.cards
        if card.varies
    ]
    samples = []
    with WorkerClient() as client:
        judge = Judge(client)
        for warm in range(warm_draws):  # warm: the worker has run each card on a few draws
            for deck, card, answer in fresh:
                judge.judge(deck, card, answer, presentation=Presentation(seed=warm))
        for number in range(answer_count):
            deck, card, answer = fresh[number % len(fresh)]
            shown = Presentation(seed=1_000_000 + number)  # a new draw every time
            began = time.perf_counter()
            judge.judge(deck, card, answer, presentation=shown)
            samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return {"variant_grade_p99_ms": samples[max(0, int(len(samples) * 0.99) - 1)]}


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


def check_decks_s(repeat: int, decks: Path = ROOT / "decks") -> float:
    """``torch-quiz check decks/``: every bundled card run in one worker, edge draws on."""
    command = [sys.executable, "-m", "quiz", "check", str(decks)]
    return median_of(lambda: timed_subprocess(command), repeat)


def check_decks_cards(decks: Path = ROOT / "decks") -> int:
    """How many cards ``check decks/`` checks."""
    from quiz.deck.check import load_decks

    return sum(len(deck.cards) for deck in load_decks([decks]).decks)


def check_many_decks(cards: int, repeat: int) -> dict[str, float]:
    """``check_decks_s`` on at least ``cards`` cards: the bundled decks, then copies of
    them under new slugs, in a temporary folder."""
    from quiz.deck.check import load_decks

    bundled = sorted((ROOT / "decks").glob("*.yaml"))
    sizes = {
        deck.location.path.name: len(deck.cards) for deck in load_decks([ROOT / "decks"]).decks
    }
    with tempfile.TemporaryDirectory(prefix="torch-quiz-bench-") as folder:
        total, copy = 0, 0
        while total < cards:
            for path in bundled:
                if total >= cards:
                    break
                text = path.read_text(encoding="utf-8")
                if copy:
                    text = re.sub(
                        r"^deck: (\S+)", rf"deck: \1-copy-{copy}", text, count=1, flags=re.M
                    )
                (Path(folder) / f"{path.stem}-{copy}.yaml").write_text(text, encoding="utf-8")
                total += sizes.get(path.name, 0)
            copy += 1
        checked = check_decks_cards(Path(folder))
        seconds = check_decks_s(repeat, Path(folder))
    return {"check_decks_500_s": seconds, "check_decks_500_cards": checked}
