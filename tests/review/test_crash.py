"""Crash safety with real processes: SIGKILL at random points, and two raters at once.

After every kill the database passes ``PRAGMA integrity_check``, every rating the
child reported (it reports only after ``rate`` returned) is in the log, and each
card's state is exactly the "after" of its latest review, each review starting from
the previous one's "after": no half-written answer anywhere.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from quiz.review.settings import Settings
from quiz.review.store import Store

from .conftest import ROOT_DIR, write_deck
from .consistency import assert_consistent

RATER = Path(__file__).with_name("rater.py")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "progress.sqlite3"
    deck = write_deck(tmp_path, "crash", [f"c{i}" for i in range(100)])
    with Store.open(db) as store:  # generous limits, so the raters never run dry
        store.save_settings(
            Settings(new_per_day=10_000, new_per_day_total=10_000, learn_ahead_minutes=1440)
        )
    return db, deck


def _start(db: Path, deck: Path, count: int, seed: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR)}
    return subprocess.Popen(
        [sys.executable, str(RATER), str(db), str(deck), str(count), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT_DIR,
    )


def _reported(lines: list[str]) -> list[int]:
    return [int(line.split()[1]) for line in lines if line.startswith("rated ")]


def test_killing_the_process_at_random_points_loses_no_rating(setup):
    db, deck = setup
    rng = random.Random(20250303)
    reported: list[int] = []
    for round_ in range(8):
        child = _start(db, deck, count=1000, seed=round_ + 1)
        lines: list[str] = []
        reader = threading.Thread(target=lambda c=child, out=lines: out.extend(c.stdout))
        reader.start()
        if round_ % 4 == 0:
            time.sleep(rng.uniform(0.0, 0.6))  # maybe during start-up: migrations, sync
        else:
            wanted = rng.randint(1, 25)
            deadline = time.monotonic() + 20
            while len(_reported(lines)) < wanted and child.poll() is None:
                assert time.monotonic() < deadline, "the rater stalled"
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.004))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)
        reader.join(timeout=20)
        child.stderr.close()
        reported += _reported(lines)
        total = assert_consistent(db)
        conn = sqlite3.connect(db)
        stored = {row[0] for row in conn.execute("SELECT id FROM reviews")}
        conn.close()
        assert set(reported) <= stored
        assert total >= len(reported)
    assert reported, "no rating was ever reported: the test proved nothing"


def test_two_processes_rating_at_once_lose_nothing(setup):
    db, deck = setup
    children = [_start(db, deck, count=60, seed=0) for _ in range(2)]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert out.strip().endswith("done")
    reported = [_reported(out.splitlines()) for out, _ in outputs]
    assert [len(ids) for ids in reported] == [60, 60]
    assert not set(reported[0]) & set(reported[1])
    assert assert_consistent(db) == 120
