"""The zygote: one process loads torch once, then forks a sandbox worker on each request.

Loading torch costs seconds of CPU; a fork of a process that has loaded it costs tens of
milliseconds. The app (``quiz.judge.spawning``) starts one zygote and asks it for workers
over a UNIX socket: each request carries the worker's three pipe ends and its working
directory. The zygote forks; the child becomes an ordinary worker (its own session, its
pipes on 0, 1 and 2, nothing else open, limits and the OS-level wall raised exactly as in
a worker started alone, see ``quiz.worker.server.become_worker``). The zygote answers with
the child's pid and a pidfd (so the app can kill that process and no other), reaps its
children, and reports each exit status.

The zygote itself never evaluates anything, and holds no lock or thread when it forks
(torch is single-threaded here). It ends when the app closes the socket.

What forking gives away: every child shares the zygote's memory layout (ASLR, stack
canaries). A worker that crashes is how an attacker would probe that layout, so the app
retires a zygote after a crash, and after a fixed number of forks, see
``quiz.judge.spawning``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import tempfile
import traceback

MAX_MESSAGE = 1 << 16


def main(control_fd: int) -> None:
    from quiz.worker.server import load_rarely_used, load_torch

    load_torch()
    control = socket.socket(fileno=control_fd)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the loop below
    signal.set_wakeup_fd(wake_write)
    rarely_used_loaded = False
    while True:
        # The first worker is forked as soon as torch is loaded; the rest loads after.
        wait = 0 if not rarely_used_loaded else None
        readable, _, _ = select.select([control, wake_read], [], [], wait)
        if not readable and not rarely_used_loaded:
            load_rarely_used()
            rarely_used_loaded = True
            continue
        if wake_read in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_read, 512)
        _reap(control)
        if control not in readable:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 3)
        except OSError:
            return
        if not message:
            return  # the app is gone; the workers end when their stdin does
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            continue
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            _child(fds, str(request["workdir"]), (control.fileno(), wake_read, wake_write))
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(control, [json.dumps({"forked": pid}).encode()], [pidfd])
        finally:
            os.close(pidfd)


def _reap(control: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        report = {"exited": pid, "returncode": os.waitstatus_to_exitcode(status)}
        with contextlib.suppress(OSError):
            control.send(json.dumps(report).encode())


def _child(fds: list[int], workdir: str, zygote_fds: tuple[int, ...]) -> None:
    """Become a worker; never return into the zygote's loop."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in {*fds, *zygote_fds}:
            if fd > 2:
                os.close(fd)
        os.closerange(3, _max_fd())  # nothing of the zygote's stays open
        os.chdir(workdir)
        os.environ["TMPDIR"] = workdir
        tempfile.tempdir = None
        from quiz.worker.server import become_worker, take_stdout

        become_worker(take_stdout())
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        with contextlib.suppress(BaseException):
            traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stderr.flush()
        os._exit(code)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 1024
