"""Memory during a study session: the app process and its torch worker, at their peaks.

A child process opens the real app (headless, 100x32) on the bundled decks with the
real sandbox judge and a throwaway database, and studies ``cards`` cards the way a
learner would: it types each card's first accepted answer (or turns a flash card),
then accepts the suggested rating. It reports the app's peak resident memory and the
worker's (VmHWM).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

STUDY = r"""
import asyncio, json, resource, sys
from pathlib import Path
from quiz.launch import make_app
from quiz.ui.review import ReviewScreen

KEYS = {" ": "space", "\n": "ctrl+j"}

async def study(db, count):
    app = make_app(Path(db), review=[])
    studied = 0
    async with app.run_test(size=(100, 32)) as pilot:
        while studied < count:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            if not isinstance(screen, ReviewScreen) or screen.card is None:
                break
            card = screen.card.card
            if card.kind.value == "flash":
                await pilot.press("space")
                await pilot.pause()
                await pilot.press("3")
            else:
                answer = (getattr(card, "accept", ()) or ("1",))[0]
                await pilot.press(*[KEYS.get(c, c) for c in answer], "enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("enter")
            studied += 1
        if app.client is not None:  # a worker forked by the zygote has a pid once ready
            await asyncio.to_thread(app.client.wait_ready)
        worker = app.client.pid if app.client is not None else None
        hwm = 0.0
        if worker:
            for line in Path(f"/proc/{worker}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
    ui = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ui_rss_mb": ui, "worker_rss_mb": hwm, "studied": studied}))

asyncio.run(study(sys.argv[1], int(sys.argv[2])))
"""


def session_figures(cards: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env_home = {"HOME": home, "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/c"}
        result = subprocess.run(
            [sys.executable, "-c", STUDY, str(Path(home) / "study.sqlite3"), str(cards)],
            capture_output=True,
            text=True,
            env={**os.environ, **env_home},
            timeout=600,
        )
    if result.returncode != 0:  # say why: the child's traceback, not only its exit status
        raise RuntimeError(f"the study session failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "ui_rss_mb": figures["ui_rss_mb"],
        "worker_rss_mb": figures["worker_rss_mb"],
        "studied_cards": figures["studied"],
    }
