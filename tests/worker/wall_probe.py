"""Test-only: raise the worker's second wall in this process, then try to get through it.

``python -m tests.worker.wall_probe DIR`` loads torch as the worker does, raises the
same wall (``quiz.worker.wall.raise_wall``) and then does what native code that escaped
the allow-list would do: open files for writing and reading outside the Python
installation, create sockets, exec, fork, ptrace and the rest, mostly through libc with
``ctypes``, so that Python's own checks play no part. It also does ordinary things that
must keep working. It prints one JSON object: the wall, and for each attempt either
``"ok"`` (with a detail) or the errno name it failed with. ``tests/worker/test_wall.py``
judges the result. This is never an operation of the worker's protocol.

DIR must hold a file ``secret.txt``; nothing may be created in DIR. With
``--without-landlock`` a small seccomp filter first makes Landlock's system calls
answer ENOSYS, as on a kernel without it: the rest of the wall must still rise. With
``--i386`` (x86_64 only) it makes a 32-bit system call (``int 0x80``, getpid) from machine
code, prints what it returned, raises the wall and makes it again: seccomp must kill it.
"""

from __future__ import annotations

import ctypes
import errno
import json
import mmap
import os
import platform
import resource
import signal
import socket
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any

import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

from quiz.worker.wall import ARCHES, raise_wall  # noqa: E402  (torch first, as in the worker)

LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.syscall.restype = ctypes.c_long
NR = ARCHES[platform.machine()].syscalls if platform.machine() in ARCHES else {}
PTRACE_TRACEME, PTRACE_ATTACH = 0, 16
CLONE_NEWUSER = 0x10000000
O_WRONLY, O_CREAT = os.O_WRONLY, os.O_CREAT
X32_SYSCALL_BIT = 0x40000000
# The folder above the quiz package: this repository, when run from a checkout.
CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def libc_result(result: int) -> int:
    """A libc call's result; OSError with the errno it set when it failed."""
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def attempt(action: Callable[[], Any]) -> str:
    """``ok: <detail>``, or the name of the errno the attempt failed with."""
    try:
        detail = action()
    except OSError as error:
        return errno.errorcode.get(error.errno or 0, str(error))
    return f"ok: {detail!r}"[:200]


def raw_syscall(name: str, *args: int) -> int:
    if name not in NR:
        raise OSError(errno.ENOSYS, "not on this architecture")
    return libc_result(LIBC.syscall(NR[name], *(ctypes.c_long(a) for a in args)))


def read(path: str) -> int:
    with open(path, encoding="utf-8") as file:
        return len(file.read())


def write(path: str, mode: str = "w") -> None:
    with open(path, mode, encoding="utf-8") as file:
        file.write("escaped")


def libc_fork() -> int:
    pid = LIBC.fork()
    if pid == 0:  # the child, had the wall let it through: leave without a trace
        os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0)
    return libc_result(pid)


def libc_execve() -> int:
    argv = (ctypes.c_char_p * 2)(b"/bin/true", None)
    envp = (ctypes.c_char_p * 1)(None)
    return libc_result(LIBC.execve(b"/bin/true", argv, envp))


def threaded_matmul() -> tuple[int, bool]:
    torch.set_num_threads(2)
    try:
        a = torch.arange(256 * 256, dtype=torch.float64).reshape(256, 256) % 7
        total = float((a @ a).sum())
        expected = float(sum(float(x) for x in (a.sum(0) * a.sum(1))))
        return torch.get_num_threads(), total == expected
    finally:
        torch.set_num_threads(1)


def python_thread() -> list[int]:
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(int(torch.ones(3).sum())))
    thread.start()
    thread.join()
    return seen


def hide_landlock() -> None:
    """Answer ENOSYS to ``landlock_create_ruleset``, as a kernel without Landlock does."""
    arch = ARCHES[platform.machine()]

    def insn(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    program = b"".join(
        [
            insn(0x20, 0, 0, 4),  # load the architecture
            insn(0x15, 1, 0, arch.audit),
            insn(0x06, 0, 0, 0x80000000),  # another one: kill
            insn(0x20, 0, 0, 0),  # load the call's number
            insn(0x15, 0, 1, arch.syscalls["landlock_create_ruleset"]),
            insn(0x06, 0, 0, 0x00050000 | errno.ENOSYS),
            insn(0x06, 0, 0, 0x7FFF0000),  # allow the rest
        ]
    )
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = struct.pack("=HxxxxxxQ", len(program) // 8, ctypes.addressof(buffer))
    libc_result(LIBC.prctl(38, 1, 0, 0, 0))  # no_new_privs
    libc_result(LIBC.prctl(22, 2, ctypes.c_char_p(prog), 0, 0))  # PR_SET_SECCOMP, filter


def i386_getpid() -> int:
    """getpid through the i386 ABI (``mov eax, 20; int 0x80; ret``), from a page of our own."""
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(bytes([0xB8, 20, 0, 0, 0, 0xCD, 0x80, 0xC3]))
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    return ctypes.CFUNCTYPE(ctypes.c_int)(address)()


def main(directory: str) -> dict[str, Any]:
    secret = os.path.join(directory, "secret.txt")
    parent = os.getppid()
    wall = raise_wall()
    attempts: dict[str, str] = {
        # files: write, create, change, and read outside the allowed roots
        "open for writing": attempt(lambda: write(os.path.join(directory, "new.txt"))),
        "open to append": attempt(lambda: write(secret, "a")),
        "libc open for writing": attempt(
            lambda: libc_result(
                LIBC.open(os.path.join(directory, "native.txt").encode(), O_WRONLY | O_CREAT, 0o600)
            )
        ),
        "mkdir": attempt(lambda: os.mkdir(os.path.join(directory, "made"))),
        "unlink": attempt(lambda: os.unlink(secret)),
        "rename": attempt(lambda: os.rename(secret, secret + ".moved")),
        "read outside": attempt(lambda: read(secret)),
        "libc open for reading outside": attempt(
            lambda: libc_result(LIBC.open(secret.encode(), os.O_RDONLY))
        ),
        "list outside": attempt(lambda: os.listdir(directory)),
        "read /etc/passwd": attempt(lambda: read("/etc/passwd")),
        "read the checkout": attempt(lambda: read(os.path.join(CHECKOUT, "pyproject.toml"))),
        "openat2": attempt(lambda: raw_syscall("openat2", -100, 0, 0, 0)),
        # sockets
        "socket inet": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        "socket unix": attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
        "socketpair": attempt(socket.socketpair),
        "libc socket": attempt(lambda: libc_result(LIBC.socket(2, 1, 0))),
        "x32 socket": attempt(lambda: x32("socket")),
        # processes
        "libc fork": attempt(libc_fork),
        "os.fork": attempt(os.fork),
        "posix_spawn": attempt(lambda: os.posix_spawn("/bin/true", ["true"], {})),
        "libc execve": attempt(libc_execve),
        "clone3": attempt(lambda: raw_syscall("clone3", 0, 0)),
        "ptrace traceme": attempt(lambda: libc_result(LIBC.ptrace(PTRACE_TRACEME, 0, 0, 0))),
        "ptrace attach": attempt(lambda: libc_result(LIBC.ptrace(PTRACE_ATTACH, parent, 0, 0))),
        "process_vm_readv": attempt(lambda: raw_syscall("process_vm_readv", parent, 0, 0, 0, 0, 0)),
        "process_vm_writev": attempt(
            lambda: raw_syscall("process_vm_writev", parent, 0, 0, 0, 0, 0)
        ),
        "personality": attempt(lambda: raw_syscall("personality", 0x0040000)),
        "unshare user": attempt(lambda: raw_syscall("unshare", CLONE_NEWUSER)),
        "keyctl": attempt(lambda: raw_syscall("keyctl", 0, 0, 0, 0, 0)),
        "bpf": attempt(lambda: raw_syscall("bpf", 0, 0, 0)),
        "perf_event_open": attempt(lambda: raw_syscall("perf_event_open", 0, 0, -1, -1, 0)),
        "userfaultfd": attempt(lambda: raw_syscall("userfaultfd", 0)),
        "io_uring_setup": attempt(lambda: raw_syscall("io_uring_setup", 1, 0)),
        "mount": attempt(lambda: raw_syscall("mount", 0, 0, 0, 0, 0)),
        "signal the parent": attempt(lambda: os.kill(parent, 0)),
        "limit the parent": attempt(lambda: resource.prlimit(parent, resource.RLIMIT_CORE, (0, 0))),
        "read the parent's limits": attempt(lambda: resource.prlimit(parent, resource.RLIMIT_CPU)),
        "limit itself": attempt(lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0))),
        # System V shared memory, semaphores and queues of other processes of the user
        "shmget": attempt(lambda: raw_syscall("shmget", 0, 4096, 0o1600)),
        "shmat": attempt(lambda: raw_syscall("shmat", 0, 0, 0)),
        "semget": attempt(lambda: raw_syscall("semget", 0, 1, 0o1600)),
        "msgget": attempt(lambda: raw_syscall("msgget", 0, 0o1600)),
        # what must keep working
        "read torch": attempt(lambda: read(torch.__file__)),
        "import from the prefix": attempt(lambda: __import__("wave").__name__),
        "allocate": attempt(lambda: int(torch.ones(10**7).sum())),
        "torch op": attempt(lambda: int(torch.ones(3).sum())),
        "threads in torch": attempt(threaded_matmul),
        "python thread": attempt(python_thread),
        "no_new_privs": attempt(lambda: libc_result(LIBC.prctl(39, 0, 0, 0, 0))),
        "seccomp mode": attempt(lambda: libc_result(LIBC.prctl(21, 0, 0, 0, 0))),
    }
    return {"wall": wall.as_dict(), "attempts": attempts}


def x32(name: str) -> int:
    """The x32 ABI's number for a call: a second door to the same kernel code."""
    if platform.machine() != "x86_64":
        raise OSError(errno.ENOSYS, "no x32 ABI here")
    return libc_result(LIBC.syscall(ctypes.c_long(X32_SYSCALL_BIT | NR[name]), 2, 1, 0))


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if "--i386" in sys.argv[2:]:
        print(json.dumps({"before": i386_getpid(), "pid": os.getpid()}), flush=True)
        raise_wall()
        print(json.dumps({"after": i386_getpid()}), flush=True)  # never, if the wall holds
        sys.exit(0)
    if "--without-landlock" in sys.argv[2:]:
        hide_landlock()
    print(json.dumps(main(sys.argv[1])), flush=True)
