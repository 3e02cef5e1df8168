"""The second wall (issue 13): what the worker process loses once torch is loaded.

Native code that got past the allow-list is simulated by ``tests/worker/wall_probe.py``:
a separate process that raises the very wall the worker raises and then calls libc
directly. Here its attempts are judged, and a real worker started by the client is
inspected from outside: its seccomp and no_new_privs state, its environment and its
private working directory, which the client removes with it.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from quiz.judge.client import WorkerClient
from quiz.judge.sandboxinfo import WallState

# Under xdist the module runs in one process, so that its wall probe (a process loading torch)
# runs once, not once per process.
pytestmark = pytest.mark.xdist_group("wall-probe")

ROOT = Path(__file__).resolve().parents[2]
ENDLESS = "torch.special.legendre_polynomial_p(torch.zeros(1), 2 ** 62)"
SECRET = "the-contents-of-a-secret-file"
WRITE_REFUSED = {"EPERM", "EACCES"}  # seccomp answers EPERM, Landlock EACCES
REFUSED = {
    "open for writing": WRITE_REFUSED,
    "open to append": WRITE_REFUSED,
    "libc open for writing": WRITE_REFUSED,
    "mkdir": WRITE_REFUSED,
    "unlink": WRITE_REFUSED,
    "rename": WRITE_REFUSED,
    "read outside": {"EACCES"},
    "libc open for reading outside": {"EACCES"},
    "list outside": {"EACCES"},
    "read /etc/passwd": {"EACCES"},
    "read the checkout": {"EACCES"},  # only the quiz package folder is readable in it
    "openat2": {"ENOSYS"},  # glibc then falls back to openat, whose flags are checked
    "socket inet": {"EPERM"},
    "socket unix": {"EPERM"},
    "socketpair": {"EPERM"},
    "libc socket": {"EPERM"},
    "x32 socket": {"EPERM"},
    "libc fork": {"EPERM"},
    "os.fork": {"EPERM"},
    "posix_spawn": {"EPERM"},
    "libc execve": {"EPERM", "EACCES"},
    "clone3": {"ENOSYS"},
    "ptrace traceme": {"EPERM"},
    "ptrace attach": {"EPERM"},
    "process_vm_readv": {"EPERM"},
    "process_vm_writev": {"EPERM"},
    "personality": {"EPERM"},
    "unshare user": {"EPERM"},
    "keyctl": {"EPERM"},
    "bpf": {"EPERM"},
    "perf_event_open": {"EPERM"},
    "userfaultfd": {"EPERM"},
    "io_uring_setup": {"EPERM"},
    "mount": {"EPERM"},
    "signal the parent": {"EPERM"},  # Landlock's signal scope (ABI 6)
    "limit the parent": {"EPERM"},  # the app's CPU or file-size limit set to 0 would kill it
    "read the parent's limits": {"EPERM"},
    "shmget": {"EPERM"},
    "shmat": {"EPERM"},
    "semget": {"EPERM"},
    "msgget": {"EPERM"},
}
WORKS = {
    "read torch": None,
    "import from the prefix": "ok: 'wave'",
    "allocate": "ok: 10000000",
    "torch op": "ok: 3",
    "threads in torch": "ok: (2, True)",
    "python thread": "ok: [3]",
    "limit itself": "ok: None",
    "no_new_privs": "ok: 1",
    "seccomp mode": "ok: 2",
}
WORKER_ENV = {
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
    "TMPDIR",
    "TORCH_QUIZ_WORKER_MEMORY",
}


# Landlock's part: without it, these get through (the rest of the wall still holds).
LANDLOCK_ONLY = {
    "read outside",
    "libc open for reading outside",
    "list outside",
    "read /etc/passwd",
    "read the checkout",
    "signal the parent",
}


def run_probe(factory: pytest.TempPathFactory, *flags: str) -> tuple[dict, Path, str]:
    directory = factory.mktemp("probed")
    (directory / "secret.txt").write_text(SECRET, encoding="utf-8")
    env = {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.worker.wall_probe", str(directory), *flags],
        capture_output=True,
        text=True,
        env=env,
        cwd=factory.mktemp("probe-cwd"),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout), directory, done.stdout + done.stderr


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, str]:
    return run_probe(tmp_path_factory)


def test_the_whole_wall_is_up(probed):
    report, _, _ = probed
    assert report["wall"] == {
        "landlock_abi": report["wall"]["landlock_abi"],
        "seccomp": True,
        "no_new_privs": True,
        "missing": [],
    }
    assert report["wall"]["landlock_abi"] >= 6  # scoped signals, TCP rules, truncate


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_native_code_past_the_allow_list_is_refused(probed, name: str):
    report, _, _ = probed
    assert report["attempts"][name] in REFUSED[name], report["attempts"][name]


def test_nothing_was_written_changed_or_read(probed):
    _, directory, output = probed
    assert sorted(os.listdir(directory)) == ["secret.txt"]
    assert (directory / "secret.txt").read_text(encoding="utf-8") == SECRET
    assert SECRET not in output


@pytest.mark.parametrize("name", sorted(WORKS))
def test_ordinary_work_goes_on_behind_the_wall(probed, name: str):
    report, _, _ = probed
    outcome = report["attempts"][name]
    assert outcome.startswith("ok: "), outcome
    if WORKS[name] is not None:
        assert outcome == WORKS[name]


def test_on_a_kernel_without_landlock_the_rest_still_rises(
    tmp_path_factory: pytest.TempPathFactory,
):
    report, directory, _ = run_probe(tmp_path_factory, "--without-landlock")
    wall = report["wall"]
    assert (wall["landlock_abi"], wall["seccomp"], wall["no_new_privs"]) == (None, True, True)
    assert len(wall["missing"]) == 1 and wall["missing"][0].startswith("Landlock: not offered")
    refused = {name: report["attempts"][name] for name in REFUSED if name not in LANDLOCK_ONLY}
    assert {name: outcome in REFUSED[name] for name, outcome in refused.items()} == dict.fromkeys(
        refused, True
    ), refused
    assert sorted(os.listdir(directory)) == ["secret.txt"]  # writes stay out without Landlock
    assert (directory / "secret.txt").read_text(encoding="utf-8") == SECRET


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the i386 ABI is x86_64's")
def test_a_system_call_of_another_architecture_kills_the_process(tmp_path: Path):
    """seccomp filters by number, and numbers differ between ABIs: the filter checks the
    architecture first, and a 32-bit call through ``int 0x80`` gets the process killed."""
    env = {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.worker.wall_probe", str(tmp_path), "--i386"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0]["before"] == lines[0]["pid"]  # the call works without the wall
    assert len(lines) == 1, lines
    assert done.returncode == -signal.SIGSYS


def proc_fields(pid: int) -> dict[str, str]:
    text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def test_a_real_worker_is_walled_with_a_bare_environment_in_its_own_directory(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("TORCH_QUIZ_DB", "/somewhere/progress.sqlite3")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-for-the-worker")
    client = WorkerClient()
    try:
        client.wait_ready()
        pid, workdir = client.pid, client.workdir
        assert pid is not None and workdir is not None
        status = proc_fields(pid)
        assert status["Seccomp"].strip() == "2"
        assert status["NoNewPrivs"].strip() == "1"
        for capabilities in ("CapEff", "CapPrm", "CapInh", "CapAmb"):  # even run by root
            assert int(status[capabilities], 16) == 0, (capabilities, status[capabilities])
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        names = {entry.split(b"=", 1)[0].decode() for entry in environ if entry}
        assert names <= WORKER_ENV, names - WORKER_ENV
        assert b"not-for-the-worker" not in b"".join(environ)
        assert os.readlink(f"/proc/{pid}/cwd") == workdir
        assert Path(workdir).parent == Path(tempfile.gettempdir())
        assert os.listdir(workdir) == []
        assert client.info is not None and client.info.wall.complete
        assert client.info.pid == pid
        assert set(client.info.env) - {"LC_CTYPE"} <= WORKER_ENV  # Python adds LC_CTYPE
        result = client.run([], ["torch.ones(3).sum()"]).trials[0].results[0]
        assert result.printed == "tensor(3.)"
    finally:
        client.close()
    assert not os.path.exists(workdir)
    assert client.workdir is None


def test_a_replaced_worker_gets_a_new_directory_and_the_old_one_is_removed():
    client = WorkerClient(time_limit=0.25)
    try:
        client.wait_ready()
        first = client.workdir
        assert first is not None and os.path.isdir(first)
        result = client.run([], [ENDLESS]).trials[0].results[0]
        assert result.limit == "time"
        assert client.restarts == 1
        assert not os.path.exists(first)
        second = client.workdir
        assert second is not None and second != first and os.path.isdir(second)
    finally:
        client.close()
    assert not os.path.exists(second)


def test_a_worker_that_reports_no_wall_is_not_complete():
    assert not WallState.from_dict(None).complete
    partial = WallState.from_dict(
        {"landlock_abi": None, "seccomp": True, "no_new_privs": True, "missing": ["no Landlock"]}
    )
    assert not partial.complete and partial.missing == ("no Landlock",)
