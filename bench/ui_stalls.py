"""The app on a large log: how long Stats takes to draw, and how long the screen freezes.

A child process generates a database (``make_big_db``), opens the real app on it
(headless, 100x32) at the database's own "now", with the bundled decks and a judge
that calls every answer right (the sandbox is not the point here), and:

- ``stats_open_s``: from the Stats key on Home to every chart drawn;
- ``ui_max_stall_ms``: the longest the event loop was late, while opening Home, Browse
  and Stats and reviewing 20 cards (3 with ``--quick``). A 10 ms timer runs on the
  loop the whole time; how much later than asked each tick comes is a stall (a read
  or a draw that held the loop), and the longest one is reported. The worst stall of
  each step goes to stderr, to say where to look.
- ``ui_max_stall_cpu_ms``: the most CPU time the UI thread itself used between two
  ticks: what the app did on the loop, without the time the machine gave to others;
- ``ui_stall_floor_ms``: the longest stall of the same timer in a bare Textual app,
  watched as long (at most 20 s; 1 s with ``--quick``), in the same process after the
  run: the machine's share.

    python bench/ui_stalls.py CARDS REVIEWS [ANSWERED]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent

DRIVE = r"""
import asyncio, json, sys, time
from datetime import UTC
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from make_big_db import NOW, generate
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.launch import make_app

TICK = 0.010

def shows(app, name):
    # by name: importing the screens here would take their imports out of the stalls
    return type(app.screen).__name__ == name

class RightJudge:
    def judge(self, deck, card, answer, **_):
        return Verdict(Outcome.RIGHT, "right", suggested=Rating.GOOD)

    def prepare(self, *args, **kwargs):
        return None

class Ready:
    ready = True
    pid = None
    def wait_ready(self): pass
    def close(self): pass

async def until(pilot, condition, what, deadline=120.0):
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > deadline:
            raise SystemExit(f"still waiting for {what}")
        await asyncio.sleep(0.002)

async def drive(db, cards, reviews, count, floor_cap):
    if not Path(db).exists():  # (a file given is used as it is)
        generate(Path(db), cards=cards, reviews=reviews, decks=max(1, cards // 1000))
    stalls = []
    watching = True
    phase = ["open"]
    worst = {}

    busy = []

    async def watch():
        while watching:
            asked, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(TICK)
            stalls.append(time.perf_counter() - asked - TICK)
            busy.append(time.thread_time() - cpu)
            worst[phase[0]] = max(worst.get(phase[0], 0), 1000 * stalls[-1])

    app = make_app(Path(db), judge=RightJudge(), sandbox=Ready, clock=lambda: NOW, tz=UTC)
    began_all = time.perf_counter()
    async with app.run_test(size=(100, 32)) as pilot:
        watcher = asyncio.create_task(watch())
        await until(pilot, lambda: app.session is not None, "progress open")
        await app.workers.wait_for_complete()
        await pilot.pause()
        phase[0] = "browse"
        await pilot.press("slash")
        await until(pilot, lambda: shows(app, "BrowseScreen"), "Browse")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: shows(app, "HomeScreen"), "Home")
        phase[0] = "stats"
        began = time.perf_counter()
        await pilot.press("t")
        await until(pilot, lambda: shows(app, "StatsScreen") and app.screen.drawn,
                    "Stats drawn")
        stats_open = time.perf_counter() - began
        await pilot.pause()
        phase[0] = "home again"
        await pilot.press("escape")
        await until(pilot, lambda: shows(app, "HomeScreen"), "Home")
        phase[0] = "review"
        await pilot.press("r")
        studied = 0
        while studied < count:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            if not shows(app, "ReviewScreen") or screen.card is None:
                break
            if screen.card.card.kind.value == "flash":
                await pilot.press("space")
                await pilot.pause()
                await pilot.press("3")
            else:
                await pilot.press("1", "enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("enter")
            studied += 1
        watching = False
        await watcher
    watched = time.perf_counter() - began_all
    floor = await bare_floor(min(watched, floor_cap))
    print("worst stall per phase (ms):", {k: round(v) for k, v in worst.items()}, file=sys.stderr)
    print(json.dumps({"stats_open_s": stats_open, "ui_max_stall_ms": 1000 * max(stalls),
                      "ui_max_stall_cpu_ms": 1000 * max(busy), "ui_stall_floor_ms": floor,
                      "ui_reviewed_cards": studied}))

async def bare_floor(seconds):
    from textual.app import App
    late = []
    async with App().run_test(size=(100, 32)):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            asked = time.perf_counter()
            await asyncio.sleep(TICK)
            late.append(time.perf_counter() - asked - TICK)
    return 1000 * max(late)

cards, reviews, count = (int(n) for n in sys.argv[2].split(","))
asyncio.run(drive(sys.argv[1], cards, reviews, count, float(sys.argv[4])))
"""


def ui_figures(
    cards: int, reviews: int, answered: int = 20, floor_cap: float = 20.0
) -> dict[str, float]:
    """The figures (and how many cards were reviewed) on a generated database; the bare
    app's floor is watched as long as the run, up to ``floor_cap`` seconds."""
    with tempfile.TemporaryDirectory() as home:
        env_home = {"HOME": home, "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/c"}
        result = subprocess.run(
            [sys.executable, "-c", DRIVE, str(Path(home) / "big.sqlite3"),
             f"{cards},{reviews},{answered}", str(BENCH), str(floor_cap)],
            capture_output=True,
            text=True,
            env={**os.environ, **env_home},
            timeout=1200,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"the UI run failed:\n{result.stderr[-3000:]}")
    sys.stderr.write(result.stderr[-2000:])
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {key: float(value) for key, value in figures.items()}


if __name__ == "__main__":
    print(ui_figures(*(int(arg) for arg in sys.argv[1:4])))
