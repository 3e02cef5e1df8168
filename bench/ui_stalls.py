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

With ``TORCH_QUIZ_STALL_WHERE=1`` a thread also samples the UI thread's stack every
few milliseconds, and each stall over 40 ms is printed to stderr with its step, its
CPU time and where the UI thread was most often meanwhile (the deepest frames of
torch-quiz and the innermost frame): which code to look at, not only which step; so
is each pass of the garbage collector over 20 ms.
The sampling takes the interpreter from the loop now and then, so the figures of
such a run are not the ones to quote.

    python bench/ui_stalls.py CARDS REVIEWS [ANSWERED] [DATABASE]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent

DRIVE = r"""
import asyncio, collections, json, os, sys, threading, time
from datetime import UTC
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from make_big_db import NOW, generate
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.launch import PAUSE_COLLECTOR, _collect_again, make_app
import gc

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

WHERE = os.environ.get("TORCH_QUIZ_STALL_WHERE") == "1"
REPORTED_MS = 40
samples = collections.deque(maxlen=20000)  # (time, stack of (file, line, function))

def sample(ui_thread, running):
    while running[0]:
        frame = sys._current_frames().get(ui_thread)
        stack = []
        while frame is not None:
            code = frame.f_code
            stack.append((code.co_filename, frame.f_lineno, code.co_name))
            frame = frame.f_back
        samples.append((time.perf_counter(), tuple(stack)))
        time.sleep(0.003)

def short(frame):
    path, line, name = frame
    tail = path.split("/site-packages/")[-1].split("/wt/")[-1]
    return f"{tail}:{line} {name}"

def where(begin, end):
    # the UI thread's most frequent deepest torch-quiz frames, and innermost frame
    ours, leaves, count = collections.Counter(), collections.Counter(), 0
    for at, stack in list(samples):
        if not begin <= at <= end or not stack:
            continue
        count += 1
        leaves[short(stack[0])] += 1
        mine = [f for f in stack if "/quiz/" in f[0] and "/bench/" not in f[0]]
        if mine:
            ours[" < ".join(short(f) for f in mine[:3])] += 1
    if not count:
        return "(no samples)"
    top = "; ".join(f"{n}× {w}" for w, n in ours.most_common(2)) or "(not in quiz)"
    leaf = "; ".join(f"{n}× {w}" for w, n in leaves.most_common(2))
    return f"{count} samples; quiz: {top}; innermost: {leaf}"

collecting = {}

def collected(stage, info):
    # the collector's passes, timed: one over a large heap holds the loop as a stall does
    if stage == "start":
        collecting["began"] = time.perf_counter()
    elif "began" in collecting:
        took = 1000 * (time.perf_counter() - collecting.pop("began"))
        if took > 20:
            print(f"gc generation {info['generation']}: {took:.0f} ms, {info['collected']} freed",
                  file=sys.stderr)

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
            if WHERE and 1000 * stalls[-1] > REPORTED_MS:
                print(f"stall {1000 * stalls[-1]:.0f} ms (cpu {1000 * busy[-1]:.0f}) in "
                      f"{phase[0]}: {where(asked, time.perf_counter())}", file=sys.stderr)

    running = [True]
    if WHERE:
        threading.Thread(target=sample, args=(threading.get_ident(), running), daemon=True).start()
        gc.callbacks.append(collected)
    if PAUSE_COLLECTOR:  # as run_app launches it: no collector until progress is open
        gc.disable()
    app = make_app(Path(db), judge=RightJudge(), sandbox=Ready, clock=lambda: NOW, tz=UTC,
                   on_opened=_collect_again)
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
        running[0] = False
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
    cards: int,
    reviews: int,
    answered: int = 20,
    floor_cap: float = 20.0,
    database: Path | None = None,
) -> dict[str, float]:
    """The figures (and how many cards were reviewed) on a generated database; the bare
    app's floor is watched as long as the run, up to ``floor_cap`` seconds.

    ``database``, if given, is copied and used instead of generating one (it takes a
    minute and a half for a million reviews): made by ``make_big_db`` with these sizes.
    """
    with tempfile.TemporaryDirectory() as home:
        env_home = {"HOME": home, "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/c"}
        if database is not None:
            shutil.copyfile(database, Path(home) / "big.sqlite3")
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
    sys.stderr.write(result.stderr if "stall " in result.stderr else result.stderr[-2000:])
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {key: float(value) for key, value in figures.items()}


if __name__ == "__main__":
    given = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    print(ui_figures(*(int(arg) for arg in sys.argv[1:4]), database=given))
