"""How the app gets a sandbox worker process: forked from a zygote, or started alone.

A worker started alone (``python -m quiz.worker``) loads torch itself, seconds of CPU.
One forked from the zygote (``quiz.worker.zygote``), a process that has loaded torch
once, is ready in tens of milliseconds: a worker killed at its time limit is replaced
before the learner reads the verdict, and ``check``'s second worker costs nothing to
start. Both kinds look the same to ``WorkerClient``: a ``WorkerProcess``.

The price of forking is a shared memory layout: every child of one zygote has the same
addresses and stack canary. An attacker who can crash a worker at will could guess at
that layout one crash at a time. So a zygote is retired (no more forks; it ends once its
last child has) as soon as one of its children dies of a crash, that is, of any signal
but the app's own kill and the CPU limit, and after ``MAX_FORKS`` forks in any case: a
guess costs a fresh torch load, as it would without a zygote.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import threading
from collections.abc import Mapping
from typing import IO, Protocol

MAX_FORKS = 32  # children of one zygote before it is retired
REPORT_SECONDS = 5.0  # the most an exit status takes to come from the zygote
LOST = 255  # the exit code given to a child whose zygote ended before reporting it
EXPECTED_DEATHS = (-signal.SIGKILL, -signal.SIGXCPU)  # not a crash: the app's kills, the CPU limit


class WorkerProcess(Protocol):
    """What ``WorkerClient`` needs of a worker process (``subprocess.Popen``'s names)."""

    stdin: IO[bytes] | None
    stdout: IO[bytes] | None
    stderr: IO[bytes] | None
    returncode: int | None

    @property
    def pid(self) -> int | None: ...

    def poll(self) -> int | None: ...

    def wait(self) -> int: ...

    def kill(self) -> None:
        """SIGKILL to the worker (it cannot start processes of its own)."""

    def last_words(self) -> str | None:
        """Why the process could not start, when its own stderr cannot say."""


class Spawned:
    """A worker started alone: ``command`` in a new session."""

    def __init__(self, command: list[str], *, env: Mapping[str, str], cwd: str) -> None:
        self._popen = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=dict(env),
            bufsize=0,
            start_new_session=True,
        )
        self.stdin, self.stdout, self.stderr = (
            self._popen.stdin, self._popen.stdout, self._popen.stderr,
        )  # fmt: skip
        self.returncode: int | None = None

    @property
    def pid(self) -> int | None:
        return self._popen.pid

    def poll(self) -> int | None:
        self.returncode = self._popen.poll()
        return self.returncode

    def wait(self) -> int:
        self.returncode = self._popen.wait()
        return self.returncode

    def kill(self) -> None:
        if self._popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._popen.pid, signal.SIGKILL)

    def last_words(self) -> str | None:
        return None


class Forked:
    """A worker forked by a zygote; its pid, pidfd and exit status come from the zygote."""

    def __init__(self, zygote: Zygote, stdin: IO[bytes], stdout: IO[bytes], stderr: IO[bytes]):
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.returncode: int | None = None
        self._zygote = zygote
        self._pid: int | None = None
        self._pidfd: int | None = None
        self._cancelled = False  # killed before it was forked
        self._exited = threading.Event()
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._pid

    def poll(self) -> int | None:
        """Like ``Popen.poll``: a process that has ended is seen at once (its pidfd is
        readable), though the zygote's report of its status comes a moment later."""
        with self._lock:
            pidfd = self._pidfd
            ended = pidfd is not None and select.select([pidfd], [], [], 0)[0]
        if ended:
            self._exited.wait(REPORT_SECONDS)
        return self.returncode

    def wait(self) -> int:
        self._exited.wait()
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        """Before the zygote has forked it (torch may still be loading there), the worker
        counts as killed at once, and is killed as soon as it exists."""
        with self._lock:
            if self._pidfd is not None:
                with contextlib.suppress(ProcessLookupError):
                    signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            elif self.returncode is None:
                self._cancelled = True
                self.returncode = -signal.SIGKILL
                self._exited.set()

    def last_words(self) -> str | None:
        return self._zygote.last_words() if self.returncode == LOST else None

    # called by the zygote's reader thread

    def _forked(self, pid: int, pidfd: int) -> None:
        with self._lock:
            self._pid, self._pidfd = pid, pidfd
            if self._cancelled:
                with contextlib.suppress(ProcessLookupError):
                    signal.pidfd_send_signal(pidfd, signal.SIGKILL)

    def _exit(self, returncode: int) -> None:
        with self._lock:
            if self._pidfd is not None:
                if returncode == LOST:  # its status will never come: make sure it is gone
                    with contextlib.suppress(ProcessLookupError):
                        signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
                os.close(self._pidfd)
                self._pidfd = None
            if not self._cancelled:
                self.returncode = returncode
        self._exited.set()


class Zygote:
    """The app's handle on one zygote process: ``fork`` returns a ``Forked`` at once (it
    is forked as soon as the zygote has loaded torch). ``command`` is the worker's; the
    zygote is that command given ``--zygote FD``."""

    def __init__(self, command: list[str], env: Mapping[str, str], cwd: str) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [*command, "--zygote", str(theirs.fileno())]
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env=dict(env),
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
            )
        finally:
            theirs.close()
        self.forks = 0
        self.retired = False
        self._socket = ours
        self._lock = threading.Lock()
        self._waiting: collections.deque[Forked] = collections.deque()  # forks asked, in order
        self._children: dict[int, Forked] = {}
        self._stderr: collections.deque[str] = collections.deque(maxlen=20)
        self._ended = False
        threading.Thread(target=self._drain, name="torch-quiz-zygote-stderr", daemon=True).start()
        threading.Thread(target=self._listen, name="torch-quiz-zygote", daemon=True).start()

    @property
    def usable(self) -> bool:
        return not (self.retired or self._ended)

    def fork(self, workdir: str) -> Forked:
        """A worker in ``workdir``; raise OSError if the zygote cannot be asked."""
        ends = [os.pipe() for _ in range(3)]  # stdin, stdout, stderr
        theirs = [ends[0][0], ends[1][1], ends[2][1]]
        worker = Forked(
            self,
            os.fdopen(ends[0][1], "wb", buffering=0),
            os.fdopen(ends[1][0], "rb", buffering=0),
            os.fdopen(ends[2][0], "rb", buffering=0),
        )
        try:
            with self._lock:
                if not self.usable:
                    raise OSError("the zygote is retired")
                message = json.dumps({"workdir": workdir}).encode()
                socket.send_fds(self._socket, [message], theirs)
                self._waiting.append(worker)
                self.forks += 1
                if self.forks >= MAX_FORKS:
                    self.retired = True
        except OSError:
            for stream in (worker.stdin, worker.stdout, worker.stderr):
                stream.close()
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        return worker

    def retire(self) -> None:
        """No more forks; the zygote ends once its last child has."""
        with self._lock:
            self.retired = True
            idle = not self._waiting and not self._children
        if idle:
            self.close()

    def close(self) -> None:
        """End the zygote now (its children end when their stdin does)."""
        with self._lock:
            self.retired = True
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()

    def last_words(self) -> str | None:
        return self._stderr[-1] if self._stderr else None

    def _listen(self) -> None:
        try:
            while True:
                message, fds, _, _ = socket.recv_fds(self._socket, 4096, 1)
                if not message:
                    break
                self._receive(json.loads(message), fds)
        except (OSError, ValueError):
            pass
        with self._lock:
            self._ended = True
            lost = [*self._waiting, *self._children.values()]
            self._waiting.clear()
            self._children.clear()
        for worker in lost:
            worker._exit(LOST)
        self.close()  # reaped, whether it ended by itself or was closed
        with contextlib.suppress(OSError):
            self._socket.close()

    def _receive(self, message: dict[str, int], fds: list[int]) -> None:
        if "forked" in message and fds:
            with self._lock:
                worker = self._waiting.popleft()
                self._children[message["forked"]] = worker
            worker._forked(message["forked"], fds[0])
            return
        for fd in fds:
            os.close(fd)
        pid, returncode = message.get("exited"), message.get("returncode")
        if pid is None or returncode is None:
            return
        with self._lock:
            worker = self._children.pop(pid, None)
            if returncode not in EXPECTED_DEATHS and returncode < 0:
                self.retired = True  # a crash: the layout may have been probed
            idle = self.retired and not self._waiting and not self._children
        if worker is not None:
            worker._exit(returncode)
        if idle:
            self.close()

    def _drain(self) -> None:
        stream = self._process.stderr
        assert stream is not None
        for raw in iter(stream.readline, b""):
            self._stderr.append(raw.decode("utf-8", "replace").rstrip())
        stream.close()


_zygotes: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], Zygote] = {}
_zygotes_lock = threading.Lock()


def fork_or_spawn(
    command: list[str], *, env: Mapping[str, str], cwd: str, fork: bool
) -> WorkerProcess:
    """A worker in ``cwd``: forked from this process's zygote for ``command`` and ``env``
    (started on first use, replaced once retired) when ``fork`` is set and the system
    allows it, else started alone."""
    if not (fork and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")):
        return Spawned(command, env=env, cwd=cwd)
    same_env = tuple(sorted((name, value) for name, value in env.items() if name != "TMPDIR"))
    key = (tuple(command), same_env)
    with _zygotes_lock:
        zygote = _zygotes.get(key)
        if zygote is None or not zygote.usable:
            if zygote is not None:
                zygote.retire()
            zygote = _zygotes[key] = Zygote(command, dict(same_env), cwd="/")  # own TMPDIRs
        try:
            return zygote.fork(cwd)
        except OSError:
            zygote.retire()
            return Spawned(command, env=env, cwd=cwd)


@atexit.register
def _close_zygotes() -> None:
    with _zygotes_lock:
        for zygote in _zygotes.values():
            zygote.close()
        _zygotes.clear()
