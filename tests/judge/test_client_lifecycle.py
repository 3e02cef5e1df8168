"""The sandbox client's life: quitting while torch is still loading does not wait for it."""

from __future__ import annotations

import os
import threading

import pytest
from support.waiting import wait_until, wait_until_busy

from quiz.judge.client import SandboxUnavailable, WorkerClient

# Work no machine finishes: a recurrence of 2**62 steps on one element.
ENDLESS = "torch.special.legendre_polynomial_p(torch.zeros(1), 2 ** 62)"


def test_closing_during_the_warm_up_does_not_wait_for_torch():
    client = WorkerClient()
    warming = client.warm_up()
    # the warm-up thread spawns the worker, then waits for torch
    wait_until(lambda: client.pid is not None, "the warm-up to spawn the worker")
    pid = client.pid
    assert pid is not None
    client.close()
    warming.join(timeout=60)
    assert not warming.is_alive()
    assert client.torch_version is None  # closed before the worker said hello
    assert not client.ready and client.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(SandboxUnavailable, match="closed"):
        client.wait_ready()


def test_closing_during_a_request_is_not_reported_as_a_limit():
    """The answer being judged at quit was not too big: the sandbox was closed."""
    client = WorkerClient(time_limit=30)
    client.wait_ready()
    pid = client.pid
    assert pid is not None
    outcome: list[object] = []

    def judge_something_slow() -> None:
        try:
            outcome.append(client.run([], [ENDLESS]))
        except SandboxUnavailable as error:
            outcome.append(error)

    thread = threading.Thread(target=judge_something_slow)
    thread.start()
    wait_until_busy(pid)  # mid-request: the worker is at work on it
    client.close()
    thread.join(timeout=60)
    assert len(outcome) == 1 and isinstance(outcome[0], SandboxUnavailable), outcome
    assert "closed" in str(outcome[0]) and client.restarts == 0
