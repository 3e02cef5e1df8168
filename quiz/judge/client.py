"""The app's side of the sandbox: starts the torch worker and talks to it over a pipe.

torch is never imported in this process. The worker (``python -m quiz.worker``) is
started in its own session with its stderr drained into memory, so nothing it does
can draw over the terminal; it is started early (``warm_up``) so the first answer
does not wait for torch to load. Each run is one or two requests with a wall-clock
deadline (the time limit per evaluation, ``REQUEST_SECONDS`` at most for the whole
run): past it the worker is killed and a new one started at once, and the answer is
reported as having hit the limit. A worker that dies (CPU limit, out of memory, a
crash in torch) is replaced the same way.

A reply is only ever given to the request it answers: a request too large to send
is not sent, and a reply with another id, or one that cannot be read, means the
worker is out of step, so it is replaced. A worker that hit a limit without dying is
asked a known question; unless the answer is exactly right, it is replaced too.

Each worker runs in a private, empty directory of its own (removed with it) and with
an allow-listed environment, so that a leak finds nothing of the app's; what it said
when ready, its OS-level wall included, is kept in ``info``.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import IO, Any

from quiz.errors import UserError
from quiz.judge.sandboxinfo import WorkerInfo
from quiz.judge.spawning import WorkerProcess, fork_or_spawn
from quiz.sandbox.docs import DOC_OP, Docstring, split_name
from quiz.sandbox.protocol import (
    MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES,
    REQUEST_SECONDS,
    Edge,
    Result,
    Run,
    Status,
    Trial,
    request_seconds,
)

DEFAULT_TIME_LIMIT = 2.0
STARTUP_TIMEOUT = 120.0
REPLY_MARGIN = 0.5  # seconds allowed for the round trip on top of the evaluations
# The health check: a known question whose answer a working worker gives exactly.
PROBE = "torch.tensor([1, 7, 3]).clamp(2, 5), torch.get_default_dtype(), torch.is_grad_enabled()"
PROBE_ANSWER = "(tensor([2, 5, 3]), torch.float32, True)"
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
MEMORY_LIMIT_ENV = "TORCH_QUIZ_WORKER_MEMORY"  # the worker's address space, in bytes
WORKDIR_PREFIX = "torch-quiz-worker-"  # each worker's private, empty working directory


class SandboxUnavailable(UserError):
    """The torch worker could not be started; the message says why (one line, as every
    ``UserError``: the command line and the app print it, never a traceback)."""


class WorkerClient:
    """A long-lived torch worker. Thread-safe: requests are served one at a time."""

    def __init__(
        self,
        *,
        time_limit: float = DEFAULT_TIME_LIMIT,
        run_seconds: float = REQUEST_SECONDS,
        memory_limit: int | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
        command: Sequence[str] | None = None,
        fork: bool = True,
    ) -> None:
        """``run_seconds`` is the most one run may take in all, never more than
        ``REQUEST_SECONDS`` (tests lower it to prove the rule quickly); ``command`` runs
        something else than the worker, speaking its protocol and taking ``--zygote FD``
        as the worker does (tests). Workers are forked from a zygote
        (``quiz.judge.spawning``) unless ``fork`` is off."""
        if not 0 < run_seconds <= REQUEST_SECONDS:
            raise ValueError(f"run_seconds must be in (0, {REQUEST_SECONDS:g}]: {run_seconds}")
        self.time_limit = time_limit
        self.run_seconds = run_seconds
        self.memory_limit = memory_limit
        self.startup_timeout = startup_timeout
        self.torch_version: str | None = None
        self.info: WorkerInfo | None = None  # what the running worker said when ready
        self.restarts = 0
        self._lock = threading.RLock()
        self._ready = threading.Event()
        self._command = list(command or [sys.executable, "-m", "quiz.worker"])
        self._fork = fork
        self._process: WorkerProcess | None = None
        self._workdir: str | None = None
        self._buffer = bytearray()
        self._stderr: collections.deque[str] = collections.deque(maxlen=40)
        self._next_id = 0
        self._closed = False
        self._closing = threading.Lock()
        # close() writes here to end a read that waits for a worker not yet forked
        self._wake_read, self._wake_write = os.pipe()
        atexit.register(self.close)

    # ---------------------------------------------------------------- lifecycle

    @property
    def ready(self) -> bool:
        """True once torch is loaded in a running worker."""
        return self._ready.is_set()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def workdir(self) -> str | None:
        """The running worker's working directory: made empty for it, removed with it."""
        return self._workdir

    def start(self) -> None:
        """Start the worker if it is not running; do not wait for it."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._spawn()

    def warm_up(self) -> threading.Thread:
        """Start the worker and wait for torch to load, in a background thread."""
        thread = threading.Thread(target=self._warm, name="torch-quiz-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm(self) -> None:
        with contextlib.suppress(SandboxUnavailable):  # reported to the next request
            self.wait_ready()

    def wait_ready(self) -> None:
        """Block until the worker has loaded torch; raise SandboxUnavailable if it cannot."""
        with self._lock:
            if self._closed:
                raise SandboxUnavailable("the sandbox was closed")
            self.start()
            if self._closed:  # close() came while the worker was being spawned
                self._kill()
                raise SandboxUnavailable("the sandbox was closed")
            if self._ready.is_set():
                return
            line = self._read_line(time.monotonic() + self.startup_timeout)
            if line is None:
                detail = self._stderr[-1] if self._stderr else None
                detail = detail or (self._process and self._process.last_words()) or "no output"
                self._kill()
                raise SandboxUnavailable(f"the torch worker did not start: {detail}")
            hello = json.loads(line)
            self.torch_version = hello.get("torch")
            self.info = WorkerInfo.from_hello(hello)
            self._ready.set()

    def close(self) -> None:
        """Stop the worker (it also stops by itself when this process exits).

        The worker is killed before the lock is taken: a warm-up still waiting for torch
        holds the lock, and quitting the app must not wait for torch to finish loading.
        """
        with self._closing:  # once: the wake-up pipe is closed below
            if self._closed:
                return
            self._closed = True
        os.write(self._wake_write, b"!")  # a waiting read sees the end at once
        process = self._process
        if process is not None:
            process.kill()
        with self._lock:
            os.close(self._wake_read)  # no read waits now: reads hold the lock
            os.close(self._wake_write)
            if self._process is None:
                return
            self._kill()  # it holds nothing worth flushing, and exiting torch takes a while
            self._process = None
            self._ready.clear()

    def __enter__(self) -> WorkerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- requests

    def run(
        self,
        givens: Sequence[tuple[str, str]],
        exprs: Sequence[str],
        seeds: Sequence[int] = (0,),
        *,
        show: Collection[int] | None = None,
        edges: Sequence[Edge] = (),
        show_givens: bool = True,
    ) -> Run:
        """Evaluate ``exprs`` on the givens, one trial per seed (one only if not random),
        then one per edge draw (made from the first seed's draw; an edge made from random
        givens only when they are random).

        Values and givens are printed for the seeds in ``show`` (all, edge draws included,
        when None): printing a tensor can cost more than computing it. Without
        ``show_givens`` only the values are: the caller has the givens from another run
        on the same draws.
        """
        seeds = list(seeds or (0,))
        started = time.monotonic()
        # The first draw alone, with its own deadline; the rest (only if the givens are
        # random) and the edge draws once the expression has shown it finishes in time, in
        # what is left of the run's budget. One request asks for both parts: the worker
        # replies to the first at once and goes on with the rest, as a second request
        # would have asked (``split``).
        with self._lock:
            first, more = self._request(
                givens, exprs, seeds[:1], show, self.run_seconds, show_givens=show_givens,
                split=(seeds, list(edges)),
            )  # fmt: skip
            rest_seeds = seeds[1:] if first.random else []
            edges = [edge for edge in edges if first.random or not edge.derived]
            wanted = not _stopped(first) and bool(rest_seeds or edges)
            left = self.run_seconds - (time.monotonic() - started)
            if more and not (wanted and left > 0):
                self._kill()  # busy with draws no one will read: a fresh worker, quietly
                if not self._closed:
                    self._spawn()
                more = False
            if not wanted:
                return first
            if left <= 0:
                rest = self._failed(Result.limit_hit("budget"), seeds[0], exprs, rest_seeds, edges)
            elif more:
                rest = self._second_part(givens, exprs, rest_seeds, edges, seeds[0], left)
            else:
                rest, _ = self._request(
                    givens, exprs, rest_seeds, show, left, edges=edges, edge_seed=seeds[0],
                    show_givens=show_givens,
                )  # fmt: skip
        return Run(trials=first.trials + rest.trials, random=first.random)

    def run_each(
        self, jobs: Sequence[tuple[Sequence[tuple[str, str]], Sequence[str], int]]
    ) -> list[Run]:
        """``run(givens, exprs, (seed,), show_givens=False)`` for each job, the same runs
        with the same deadlines, in one request: the worker replies to each as it is done.
        After a run that failed or hit a limit, the rest are asked again (one by one as
        they fit), of a worker checked or replaced as after any run."""
        runs: list[Run] = []
        while len(runs) < len(jobs):
            done = self._batch(jobs[len(runs) :])
            if not done:  # not even the first fits a batch: alone, as it always was
                givens, exprs, seed = jobs[len(runs)]
                done = [self.run(givens, exprs, (seed,), show_givens=False)]
            runs.extend(done)
        return runs

    def _batch(
        self, jobs: Sequence[tuple[Sequence[tuple[str, str]], Sequence[str], int]]
    ) -> list[Run]:
        """The runs of as many ``jobs`` as one request takes, until one fails or hits a limit."""
        requests: list[dict[str, object]] = []
        size = 200
        for givens, exprs, seed in jobs:
            request = self._run_request(givens, exprs, [seed], None, (), seed, False)
            seconds = request_seconds(self.time_limit, len(exprs), len(givens), 1)
            request["budget"] = min(seconds, self.run_seconds)
            size += len(json.dumps(request).encode()) + 2
            if size > MAX_REQUEST_BYTES or len(requests) >= BATCH_RUNS:
                break
            requests.append(request)
        first = requests[0]["budget"] if len(requests) > 1 else None
        batch = {"op": "batch", "runs": requests, "budget": first}
        if first is None or len(json.dumps(batch).encode()) + 100 > MAX_REQUEST_BYTES:
            return []
        assert isinstance(first, float | int)
        runs: list[Run] = []
        with self._lock:
            over = _over(float(first), self.run_seconds)
            reply, _ = self._exchange(batch, over, part=1)
            for number, request in enumerate(requests):
                if number:
                    budget = request["budget"]
                    assert isinstance(budget, float | int)
                    deadline = time.monotonic() + budget + REPLY_MARGIN
                    over = _over(float(budget), self.run_seconds)
                    reply, _ = self._receive(self._next_id, deadline, over, part=number + 1)
                givens, exprs, seed = jobs[number]
                if isinstance(reply, Result):
                    runs.append(self._failed(reply, seed, exprs, [seed]))
                    if reply.limit == "request":  # refused alone: the worker goes on
                        continue
                    return runs  # replaced: the rest are asked again
                runs.append(reply)
                if _troubled(reply):
                    if not self._healthy():
                        self._replace("crash")
                    return runs
        return runs

    def _request(
        self,
        givens: Sequence[tuple[str, str]],
        exprs: Sequence[str],
        seeds: Sequence[int],
        show: Collection[int] | None,
        budget: float,
        *,
        edges: Sequence[Edge] = (),
        edge_seed: int = 0,
        show_givens: bool = True,
        split: tuple[Sequence[int], Sequence[Edge]] | None = None,
    ) -> tuple[Run, bool]:
        """One request, its reply checked; a worker that may be broken is checked too.
        With ``split`` (all the run's seeds and edges), the worker goes on with the rest
        of the run after replying to ``seeds``; the flag says whether a second part is on
        its way (``_second_part`` reads it)."""
        draws = len(seeds) + len(edges)
        seconds = request_seconds(self.time_limit, len(exprs), len(givens), draws)
        request = self._run_request(givens, exprs, seeds, show, edges, edge_seed, show_givens)
        request["budget"] = min(seconds, budget)
        # past its own time limit an evaluation is killed as slow; past the budget, the run
        over = "time" if seconds < budget and seconds < self.run_seconds else "budget"
        if split is not None:
            all_seeds, all_edges = split
            whole = self._run_request(
                givens, exprs, all_seeds, show, all_edges, all_seeds[0], show_givens
            )
            whole.update(split=True, budget=request["budget"], run_budget=self.run_seconds)
            if len(json.dumps(whole).encode()) < MAX_REQUEST_BYTES - 100:
                request = whole  # else the two parts are asked one by one, as they fit
        with self._lock:
            reply, more = self._exchange(request, over)
            if isinstance(reply, Result):
                return self._failed(reply, edge_seed, exprs, seeds, edges), False
            if _troubled(reply) and more:  # it hit a limit and went on: out of step
                self._replace("crash")  # the reply stands: it came before the trouble showed
                more = False
            elif _troubled(reply) and not self._healthy():
                self._replace("crash")  # the reply stands: it came before the trouble showed
            return reply, more

    def _run_request(
        self,
        givens: Sequence[tuple[str, str]],
        exprs: Sequence[str],
        seeds: Sequence[int],
        show: Collection[int] | None,
        edges: Sequence[Edge],
        edge_seed: int,
        show_givens: bool,
    ) -> dict[str, object]:
        request: dict[str, object] = {
            "op": "run",
            "seeds": list(seeds),
            "givens": [list(pair) for pair in givens],
            "exprs": list(exprs),
            "time_limit": self.time_limit,
            "show": True if show is None else [seed for seed in seeds if seed in show],
        }
        if not show_givens:
            request["show_givens"] = False
        if edges:
            request["edges"] = [edge.as_dict() for edge in edges]
            request["edge_seed"] = edge_seed
            request["show_edges"] = show is None
        return request

    def docstring(self, name: str) -> Docstring:
        """The docstring of one allow-listed torch function, read in the worker (see
        ``quiz.sandbox.docs``); ``UnknownName`` (a ``ValueError``) for any other name,
        refused here when it cannot be one without asking the worker."""
        split_name(name)
        request: dict[str, object] = {"op": DOC_OP, "name": name, "budget": self.time_limit}
        with self._lock:
            reply, _ = self._exchange(request, "time", read=_doc_reply)
        if isinstance(reply, Result):
            raise SandboxUnavailable(f"cannot read the docstring: {reply.describe()}")
        return Docstring.from_reply(reply)

    def _second_part(
        self,
        givens: Sequence[tuple[str, str]],
        exprs: Sequence[str],
        seeds: Sequence[int],
        edges: Sequence[Edge],
        edge_seed: int,
        budget: float,
    ) -> Run:
        """The rest of a split run, read with the deadline a second request would have had."""
        draws = len(seeds) + len(edges)
        seconds = request_seconds(self.time_limit, len(exprs), len(givens), draws)
        over = "time" if seconds < budget and seconds < self.run_seconds else "budget"
        deadline = time.monotonic() + min(seconds, budget) + REPLY_MARGIN
        # the split request was the last one sent: the lock has been held since
        reply, _ = self._receive(self._next_id, deadline, over, part=2)
        if isinstance(reply, Result):
            return self._failed(reply, edge_seed, exprs, seeds, edges)
        if _troubled(reply) and not self._healthy():
            self._replace("crash")
        return reply

    def _exchange(
        self,
        request: dict[str, object],
        over: str,
        *,
        part: int = 0,
        read: Callable[[dict[str, Any]], Any] = Run.from_dict,
    ) -> tuple[Any, bool]:
        """Send ``request`` (its id added) and read its reply: what ``read`` makes of it
        (a Run), or the limit it hit, and whether a second part follows (a split request).

        Only a reply with the request's id is taken. Anything else (another id, a line
        that is not a reply, no line before the deadline) ends this worker.
        """
        if self._process is not None and self._process.poll() is not None:
            self._kill()  # it died while idle (killed from outside): replace it quietly
            self._spawn()
        self.wait_ready()
        self._next_id += 1
        ident = self._next_id
        data = json.dumps({**request, "id": ident}).encode() + b"\n"
        if len(data) > MAX_REQUEST_BYTES:
            size = f"it is {len(data):,} bytes; the limit is {MAX_REQUEST_BYTES:,}"
            return Result.limit_hit("request", size), False
        budget = request["budget"]
        assert isinstance(budget, float | int)
        deadline = time.monotonic() + budget + REPLY_MARGIN
        process = self._process
        assert process is not None and process.stdin is not None
        try:
            process.stdin.write(data)
            process.stdin.flush()
        except (BrokenPipeError, OSError):
            return self._replace("crash"), False
        split = bool(request.get("split"))
        return self._receive(ident, deadline, over, split=split, part=part, read=read)

    def _receive(
        self,
        ident: int,
        deadline: float,
        over: str,
        *,
        split: bool = False,
        part: int = 0,
        read: Callable[[dict[str, Any]], Any] = Run.from_dict,
    ) -> tuple[Any, bool]:
        """The reply to request ``ident`` (a split run's second part, or a batch's runs,
        numbered by ``part``), read by ``deadline``; for the first part of a ``split``
        request, whether more follows."""
        process = self._process
        assert process is not None
        line = self._read_line(deadline)
        if line is None and self._closed:  # killed by close(), not by what it ran
            raise SandboxUnavailable("the sandbox was closed")
        if line is None:
            return self._replace(over if process.poll() is None else self._death_cause()), False
        try:
            reply = json.loads(line)
            if not isinstance(reply, dict) or reply.get("id") != ident:
                return self._replace("crash"), False  # out of step: never another's reply
            if reply.get("part", 0) != part:
                return self._replace("crash"), False  # a part twice, or a part unasked
            more = split and reply.get("more") is True
            if "error" in reply:  # about this request only: the worker goes on
                return Result.limit_hit("request", str(reply["error"])), more
            return read(reply), more
        # No reply at all; RecursionError: a hijacked worker's reply nested past what
        # json (or decoding the value) can follow, which must not escape into the app.
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return self._replace("crash"), False

    def _healthy(self) -> bool:
        """Whether the worker answers the known question exactly right."""
        request: dict[str, object] = {
            "op": "run",
            "seeds": [0],
            "givens": [],
            "exprs": [PROBE],
            "time_limit": self.time_limit,
            "budget": min(self.time_limit, REQUEST_SECONDS),
            "show": True,
        }
        reply, _ = self._exchange(request, "time")
        if isinstance(reply, Result):
            return True  # it has just been replaced
        results = reply.trials[0].results if reply.trials else ()
        return len(results) == 1 and results[0].printed == PROBE_ANSWER

    @staticmethod
    def _failed(
        result: Result,
        edge_seed: int,
        exprs: Sequence[str],
        seeds: Sequence[int] = (),
        edges: Sequence[Edge] = (),
    ) -> Run:
        """The worker was killed or died: every expression of the request's first draw
        (a seed's, else the first edge draw's) hit ``result``."""
        results = (result,) * max(1, len(exprs))
        if seeds or not edges:
            return Run(trials=(Trial(seed=seeds[0] if seeds else edge_seed, results=results),))
        return Run(trials=(Trial(seed=edge_seed, results=results, edge=edges[0]),))

    def _death_cause(self) -> str:
        code = self._process.returncode if self._process else None
        if code == -signal.SIGXCPU:
            return "cpu"
        if code == -signal.SIGKILL:
            return "memory"  # the kernel's out-of-memory killer
        return "crash"

    def _replace(self, limit: str) -> Result:
        """Kill the worker, start a fresh one now (it loads while the learner reads)."""
        self._kill()
        self.restarts += 1
        if not self._closed:
            self._spawn()
        return Result.limit_hit(limit)

    # ---------------------------------------------------------------- process

    def _spawn(self) -> None:
        self._ready.clear()
        self._buffer = bytearray()
        self.info = None
        self._workdir = tempfile.mkdtemp(prefix=WORKDIR_PREFIX)
        try:
            self._process = fork_or_spawn(
                self._command,
                env=self._worker_env(self._workdir),
                cwd=self._workdir,
                fork=self._fork,
            )
        except OSError:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
            raise
        _drain(self._process.stderr, self._stderr)

    def _worker_env(self, workdir: str) -> dict[str, str]:
        """Only what the worker needs: nothing in it is worth finding for a leak (no HOME,
        no database path). Temporary files, if any, would land in its own directory."""
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict.fromkeys(THREAD_ENV, "1")
        path = [package_root, os.environ.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(filter(None, path))
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["TMPDIR"] = workdir
        if "PYTHONHOME" in os.environ:  # where this Python's standard library is
            env["PYTHONHOME"] = os.environ["PYTHONHOME"]
        memory = self.memory_limit or os.environ.get(MEMORY_LIMIT_ENV)
        if memory:
            env[MEMORY_LIMIT_ENV] = str(memory)
        return env

    def _kill(self) -> None:
        process = self._process
        self._ready.clear()
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream:
                stream.close()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def _read_line(self, deadline: float) -> bytes | None:
        """The next line from the worker, or None at the deadline or when it exits."""
        process = self._process
        assert process is not None and process.stdout is not None
        descriptor = process.stdout.fileno()
        searched = 0
        while (end := self._buffer.find(b"\n", searched)) < 0:
            searched = len(self._buffer)  # read in linear time: only new bytes are searched
            if searched > MAX_REPLY_BYTES + (1 << 16):
                return b""  # no worker sends this much: not a reply
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            readable, _, _ = select.select([descriptor, self._wake_read], [], [], remaining)
            if not readable or self._wake_read in readable:
                return None
            chunk = os.read(descriptor, 1 << 20)
            if not chunk:
                process.wait()
                return None
            self._buffer += chunk
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return line


def _doc_reply(reply: dict[str, Any]) -> dict[str, Any]:
    """A docstring reply as it came (read by ``Docstring.from_reply`` once the worker is
    free); a ValueError (the worker is out of step) when it is not one."""
    unknown = isinstance(reply.get("unknown"), str)
    found = isinstance(reply.get("name"), str) and isinstance(reply.get("text"), str)
    if not (unknown or found):
        raise ValueError("not a docstring reply")
    return reply


BATCH_RUNS = 64  # runs asked in one batch


def _over(seconds: float, run_seconds: float) -> str:
    """What a request of ``seconds`` that is not answered in time hit: its own time limit,
    or the run's whole budget."""
    return "time" if seconds < run_seconds else "budget"


def _stopped(run: Run) -> bool:
    """A draw failed in a way that makes further draws pointless."""
    trial = run.trials[-1]
    return trial.given_failure is not None or any(result.limit for result in trial.results)


def _troubled(run: Run) -> bool:
    """The worker hit a limit and lived: it may be out of memory or broken for good."""
    for trial in run.trials:
        failure = trial.given_failure[1] if trial.given_failure else None
        if any(result.status is Status.LIMIT for result in (*trial.results, failure) if result):
            return True
    return False


def _drain(stream: IO[bytes] | None, into: collections.deque[str]) -> None:
    def pump() -> None:
        assert stream is not None
        for raw in iter(stream.readline, b""):
            into.append(raw.decode("utf-8", "replace").rstrip())
        stream.close()

    threading.Thread(target=pump, name="torch-quiz-worker-stderr", daemon=True).start()
