"""Workers forked from a zygote: as walled as one started alone, and never a layout oracle.

A zygote loads torch once and forks each worker (``quiz.judge.spawning``). These tests
hold what that must not cost: the wall, a private directory, nothing of the zygote's
left open, and a fresh memory layout after a crash or after ``MAX_FORKS`` forks.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest
from support.waiting import wait_until

from quiz.judge import spawning
from quiz.judge.client import WorkerClient
from quiz.sandbox.protocol import Status

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox-kills")]

# Work no machine finishes: a recurrence of 2**62 steps on one element.
ENDLESS = "torch.special.legendre_polynomial_p(torch.zeros(1), 2 ** 62)"


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def torch_library_base(pid: int) -> str:
    """Where libtorch_cpu is mapped in ``pid``: the same in every child of one zygote."""
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        if line.endswith("libtorch_cpu.so"):
            return line.split("-", 1)[0]
    raise AssertionError(f"libtorch_cpu.so is not mapped in {pid}")


def ready_pid(client: WorkerClient) -> int:
    client.wait_ready()
    assert client.pid is not None
    return client.pid


def clamp(client: WorkerClient) -> str:
    (result,) = client.run([], ["torch.tensor([1, 7, 3]).clamp(2, 5)"]).trials[0].results
    return result.printed


def test_a_forked_worker_is_walled_like_one_started_alone():
    with WorkerClient() as forked, WorkerClient(fork=False) as alone:
        pid = ready_pid(forked)
        assert parent_of(pid) != os.getpid()  # the zygote's child, not ours
        assert parent_of(ready_pid(alone)) == os.getpid()
        assert forked.info is not None and alone.info is not None
        assert forked.info == dataclasses.replace(alone.info, pid=pid)
        # its three pipes and the protocol's copy of stdout: nothing of the zygote's
        assert sorted(int(fd) for fd in os.listdir(f"/proc/{pid}/fd")) == [0, 1, 2, 3]
        assert os.readlink(f"/proc/{pid}/cwd") == forked.workdir
        assert clamp(forked) == "tensor([2, 5, 3])"


def test_workers_of_one_zygote_share_it_and_a_kill_is_no_crash():
    with WorkerClient(time_limit=0.5) as first, WorkerClient() as second:
        zygote = parent_of(ready_pid(first))
        assert parent_of(ready_pid(second)) == zygote
        (result,) = first.run([], [ENDLESS]).trials[0].results
        assert result.status is Status.LIMIT and first.restarts == 1
        assert parent_of(ready_pid(first)) == zygote  # killed at its limit: not retired
        assert clamp(first) == "tensor([2, 5, 3])"


def test_a_crash_retires_the_zygote_so_the_layout_is_new():
    with WorkerClient() as client:
        pid = ready_pid(client)
        zygote, layout = parent_of(pid), torch_library_base(pid)
        os.kill(pid, signal.SIGSEGV)  # what a wrong guess at an address ends in
        wait_until(lambda: not Path(f"/proc/{pid}").exists(), "the zygote to reap its child")
        assert clamp(client) == "tensor([2, 5, 3])"  # replaced, from a new zygote
        replaced = ready_pid(client)
        assert parent_of(replaced) != zygote
        assert torch_library_base(replaced) != layout


def test_a_zygote_is_retired_after_its_forks(monkeypatch: pytest.MonkeyPatch):
    """Three workers one after the other (a worker killed at its limit is replaced by a
    fork the same way, see the test above)."""
    monkeypatch.setattr(spawning, "MAX_FORKS", 2)
    zygotes = []
    for _ in range(3):
        with WorkerClient() as client:
            zygotes.append(parent_of(ready_pid(client)))
    # two forks at most from one zygote (which may have forked before this test)
    assert len(set(zygotes)) == 2, zygotes


def test_a_zygote_killed_from_outside_is_replaced_and_the_answer_still_comes():
    with WorkerClient() as client:
        zygote = parent_of(ready_pid(client))
        os.killpg(zygote, signal.SIGKILL)
        wait_until(lambda: not Path(f"/proc/{zygote}").exists(), "the zygote to end")
        assert clamp(client) == "tensor([2, 5, 3])"
        assert parent_of(ready_pid(client)) != zygote


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "alone"])
def test_closing_while_torch_loads_does_not_wait_for_it(fork: bool):
    """A zygote of its own (another memory limit): torch is still loading when we close."""
    client = WorkerClient(fork=fork, memory_limit=(3 << 30) + 4096 * (2 + fork))
    warming = client.warm_up()
    wait_until(lambda: client.workdir is not None, "the warm-up to ask for a worker")
    client.close()
    warming.join(timeout=60)
    assert not warming.is_alive()
    assert client.torch_version is None  # closed before any worker said hello
    assert not client.ready and client.pid is None
