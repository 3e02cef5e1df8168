"""Waiting for a condition instead of for a fixed time.

A fixed pause is too short on a loaded machine and too long on a quiet one; these poll
with a generous deadline and return as soon as the condition holds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

DEADLINE = 60.0  # seconds: generous, since a loaded machine is slow, not stuck
POLL = 0.005


def wait_until(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> None:
    """Return once ``condition()`` is true; fail saying ``what`` was awaited at the deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:g} s: {what}")
        time.sleep(POLL)


def cpu_seconds(pid: int) -> float:
    """The CPU time process ``pid`` has used so far (user and system), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_busy(pid: int, seconds: float = 0.05) -> None:
    """Until process ``pid`` has used ``seconds`` more CPU time: it is at work on something."""
    start = cpu_seconds(pid)
    wait_until(lambda: cpu_seconds(pid) >= start + seconds, f"process {pid} to start working")
