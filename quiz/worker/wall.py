"""The second wall: what the worker process loses, at the OS level, once torch is loaded.

The allow-list in ``evaluator.py`` is the first wall. This one assumes it has been passed
by a memory-safety bug in torch's native code, and takes away what such code would want:

* ``no_new_privs``, so that nothing executed could gain privileges (and seccomp is allowed);
  and no capability, for a worker started by root;
* Landlock: files may be opened for reading only under the Python installation, the
  import path and the directories of the shared libraries already loaded; no file or
  directory may be created, written, truncated, renamed or removed anywhere; no TCP
  bind or connect; no signals or abstract UNIX sockets outside this process;
* seccomp (a BPF filter built here): no sockets, exec, fork, ptrace and the other
  process, kernel and namespace calls listed in ``DENIED``; ``prlimit64`` on this process
  only; threads only (``clone``
  with ``CLONE_THREAD``; ``clone3``, whose flags a filter cannot read, answers ENOSYS so
  glibc falls back to ``clone``); no ``open`` for writing, which keeps file writes out
  where Landlock is missing. Another architecture's system calls kill the process.

Both are built by hand over ``ctypes``: no extra dependency, and nothing beyond libc.
Whatever the kernel lacks is skipped and named in ``Wall.missing``; the rest still rises.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import site
import struct
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
PR_GET_NO_NEW_PRIVS = 39
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1

SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000

CLONE_THREAD = 0x00010000
# Namespace flags: a thread never needs them, and with CLONE_THREAD the kernel refuses most.
CLONE_NAMESPACES = 0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000
CLONE_NAMESPACES |= 0x10000000 | 0x20000000 | 0x40000000
OPEN_WRITE_FLAGS = 0o1 | 0o2 | 0o100 | 0o1000  # O_WRONLY | O_RDWR | O_CREAT | O_TRUNC

LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1, 2, 4, 8
FS_TRUNCATE, FS_IOCTL_DEV = 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2


@dataclass(frozen=True)
class Arch:
    audit: int  # AUDIT_ARCH_* as seccomp_data.arch reports it
    syscalls: dict[str, int]


# Only what the filter and the Landlock calls need. aarch64 has no open, fork or mkdir.
_COMMON = {"landlock_create_ruleset": 444, "landlock_add_rule": 445, "landlock_restrict_self": 446}
# fmt: off
ARCHES = {
    "x86_64": Arch(0xC000003E, _COMMON | {
        "seccomp": 317, "clone": 56, "clone3": 435, "open": 2, "openat": 257, "openat2": 437,
        "creat": 85, "socket": 41, "socketpair": 53, "connect": 42, "bind": 49, "listen": 50,
        "accept": 43, "accept4": 288, "execve": 59, "execveat": 322, "fork": 57, "vfork": 58,
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "personality": 135,
        "keyctl": 250, "add_key": 248, "request_key": 249, "bpf": 321, "perf_event_open": 298,
        "mount": 165, "umount2": 166, "unshare": 272, "setns": 308, "userfaultfd": 323,
        "pivot_root": 155, "chroot": 161, "kexec_load": 246, "kexec_file_load": 320,
        "init_module": 175, "finit_module": 313, "delete_module": 176,
        "open_by_handle_at": 304, "name_to_handle_at": 303, "iopl": 172, "ioperm": 173,
        "swapon": 167, "swapoff": 168, "reboot": 169, "acct": 163, "quotactl": 179,
        "fanotify_init": 300, "mount_setattr": 442, "move_mount": 429, "open_tree": 428,
        "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "kcmp": 312,
        "pidfd_getfd": 438, "process_madvise": 440, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "mkdir": 83, "mkdirat": 258,
        "rmdir": 84, "unlink": 87, "unlinkat": 263, "rename": 82, "renameat": 264,
        "renameat2": 316, "link": 86, "linkat": 265, "symlink": 88, "symlinkat": 266,
        "truncate": 76, "mknod": 133, "mknodat": 259, "chmod": 90, "fchmodat": 268,
        "chown": 92, "lchown": 94, "fchownat": 260, "prlimit64": 302,
        "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67, "semget": 64, "semop": 65,
        "semctl": 66, "semtimedop": 220, "msgget": 68, "msgsnd": 69, "msgrcv": 70,
        "msgctl": 71, "mq_open": 240, "mq_unlink": 241, "mq_timedsend": 242,
        "mq_timedreceive": 243, "mq_notify": 244, "mq_getsetattr": 245,
    }),
    "aarch64": Arch(0xC00000B7, _COMMON | {
        "seccomp": 277, "clone": 220, "clone3": 435, "openat": 56, "openat2": 437,
        "socket": 198, "socketpair": 199, "connect": 203, "bind": 200, "listen": 201,
        "accept": 202, "accept4": 242, "execve": 221, "execveat": 281, "ptrace": 117,
        "process_vm_readv": 270, "process_vm_writev": 271, "personality": 92, "keyctl": 219,
        "add_key": 217, "request_key": 218, "bpf": 280, "perf_event_open": 241, "mount": 40,
        "umount2": 39, "unshare": 97, "setns": 268, "userfaultfd": 282, "pivot_root": 41,
        "chroot": 51, "kexec_load": 104, "kexec_file_load": 294, "init_module": 105,
        "finit_module": 273, "delete_module": 106, "open_by_handle_at": 265,
        "name_to_handle_at": 264, "swapon": 224, "swapoff": 225, "reboot": 142, "acct": 89,
        "quotactl": 60, "fanotify_init": 262, "mount_setattr": 442, "move_mount": 429,
        "open_tree": 428, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "kcmp": 272, "pidfd_getfd": 438, "process_madvise": 440, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "mkdirat": 34, "unlinkat": 35,
        "renameat": 38, "renameat2": 276, "linkat": 37, "symlinkat": 36, "truncate": 45,
        "mknodat": 33, "fchmodat": 53, "fchownat": 54, "prlimit64": 261,
        "mq_open": 180, "mq_unlink": 181, "mq_timedsend": 182, "mq_timedreceive": 183,
        "mq_notify": 184, "mq_getsetattr": 185, "msgget": 186, "msgctl": 187, "msgrcv": 188,
        "msgsnd": 189, "semget": 190, "semctl": 191, "semtimedop": 192, "semop": 193,
        "shmget": 194, "shmctl": 195, "shmat": 196, "shmdt": 197,
    }),
}
# fmt: on

# Refused with EPERM wherever the architecture has them. io_uring would run file and
# socket operations that the filter never sees; System V and POSIX message queues,
# semaphores and shared memory reach other processes of the same user (X11's shared
# images, say) where Landlock does not look; the rest spawn, trace, reach the network
# or the kernel's own state, or change the file system.
DENIED = (
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    "execve", "execveat", "fork", "vfork",
    "ptrace", "process_vm_readv", "process_vm_writev", "personality", "kcmp", "pidfd_getfd",
    "process_madvise", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
    "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "mount", "umount2", "unshare", "setns", "pivot_root", "chroot", "mount_setattr",
    "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "swapon", "swapoff", "reboot",
    "acct", "quotactl", "fanotify_init",
    "creat", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
    "renameat2", "link", "linkat", "symlink", "symlinkat", "truncate", "mknod", "mknodat",
    "chmod", "fchmodat", "chown", "lchown", "fchownat",
    "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop",
    "msgget", "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend",
    "mq_timedreceive", "mq_notify", "mq_getsetattr",
)  # fmt: skip

# Imported lazily by the worker, by the standard library or by torch on first use: loaded
# before the wall, so that nothing later needs to read outside the Python installation.
PRELOAD = (
    "quiz.worker.encode", "quiz.worker.evaluator", "quiz.worker.names", "quiz.sandbox.protocol",
    "torch", "torch.linalg", "torch.fft", "torch.special", "torch.nn.functional",
    "torch.nn.init", "torch.nn.modules", "torch._tensor_str", "torch.return_types",
    "torch.autograd", "fractions", "colorsys", "json", "warnings", "encodings.utf_8",
)  # fmt: skip

# Read after start-up: by the dynamic loader, for random numbers, and by torch's cpuinfo,
# which describes the processor on first use (NNPACK gives up without it).
READABLE_FILES = (
    "/etc/ld.so.cache",
    "/dev/null",
    "/dev/zero",
    "/dev/urandom",
    "/dev/random",
    "/proc/cpuinfo",
)
READABLE_DIRS = ("/sys/devices/system/cpu",)


@dataclass(frozen=True)
class Wall:
    """What was raised; ``missing`` says in words what could not be, and why."""

    landlock_abi: int | None
    seccomp: bool
    no_new_privs: bool
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "missing": list(self.missing)}


def raise_wall() -> Wall:
    """Load what the worker will need, then raise every part of the wall this kernel
    offers; report what rose. Call it once, after torch is imported."""
    packages = _preload()
    if sys.platform != "linux":
        return Wall(None, False, False, (f"no OS-level wall on {sys.platform}: Linux only",))
    arch = ARCHES.get(platform.machine())
    if arch is None:
        reason = f"no system call table for {platform.machine()}: seccomp and Landlock are off"
        return Wall(None, False, False, (reason,))
    libc = ctypes.CDLL(None, use_errno=True)
    missing: list[str] = []
    no_new_privs = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    if not no_new_privs:
        missing.append(f"no_new_privs: {_errno_text()}; seccomp needs it")
    reason = _drop_capabilities(libc)
    if reason:
        missing.append(reason)
    landlock_abi, reason = _landlock(libc, arch, readable_roots(packages))
    if reason:
        missing.append(reason)
    seccomp = False
    if no_new_privs:
        seccomp, reason = _seccomp(libc, arch)
        if reason:
            missing.append(reason)
    return Wall(landlock_abi, seccomp, no_new_privs, tuple(missing))


def _drop_capabilities(libc: ctypes.CDLL) -> str | None:
    """Give up every capability: a worker started by root holds them all (setting the
    clock, renicing or signalling any process, reading past file permissions)."""
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    for capability in range(64):  # past the kernel's last one it answers EINVAL
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)  # EPERM when not held: fine
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    nothing = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable; twice 32 bits
    if libc.capset(header, nothing) != 0:
        return f"capabilities: {_errno_text()}"
    return None


def _preload() -> list[str]:
    """Import what the worker and torch would import on first use; return the folders
    of the quiz and torch packages (an editable install lives outside site-packages)."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    return [os.path.dirname(sys.modules[name].__file__ or "") for name in ("quiz", "torch")]


def readable_roots(packages: Iterable[str] = ()) -> list[str]:
    """Directories whose files stay readable: the Python installation, site-packages, the
    ``packages`` folders, the import path (not the current directory, nor the checkout an
    editable install puts on it: its package folder is enough) and the folders of the
    loaded libraries."""
    packages = list(packages)
    installed = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    installed.update(site.getsitepackages())
    installed.add(site.getusersitepackages())
    checkouts = {os.path.dirname(package) for package in packages} - installed
    roots = installed | set(packages)
    roots.update(e for e in sys.path if e and e != os.getcwd() and e not in checkouts)
    roots.update(os.path.dirname(path) for path in _mapped_files())
    return sorted(root for root in roots if os.path.isdir(root))


def _mapped_files() -> set[str]:
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            lines = maps.read().splitlines()
    except OSError:
        return set()
    fields = (line.split(maxsplit=5) for line in lines)
    return {field[5] for field in fields if len(field) == 6 and field[5].startswith("/")}


def _errno_text() -> str:
    code = ctypes.get_errno()
    return f"{errno.errorcode.get(code, code)} ({os.strerror(code)})"


# ---------------------------------------------------------------- Landlock


def _landlock(libc: ctypes.CDLL, arch: Arch, roots: list[str]) -> tuple[int | None, str | None]:
    nr = arch.syscalls
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    abi = syscall(nr["landlock_create_ruleset"], None, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if abi < 1:
        return None, f"Landlock: not offered by this kernel ({_errno_text()})"
    fs_rights = (1 << 13) - 1  # ABI 1: execute, read, write, make and remove
    fs_rights |= (1 << 13) if abi >= 2 else 0  # refer
    fs_rights |= FS_TRUNCATE if abi >= 3 else 0
    fs_rights |= FS_IOCTL_DEV if abi >= 5 else 0
    net_rights = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scopes = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = struct.pack("=QQQ", fs_rights, net_rights, scopes)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    buffer = ctypes.create_string_buffer(attr[:size], size)
    ruleset = syscall(nr["landlock_create_ruleset"], buffer, ctypes.c_size_t(size), 0)
    if ruleset < 0:
        return None, f"Landlock: the ruleset was refused ({_errno_text()})"
    threads = _thread_count()  # unreadable once restricted
    try:
        for root in roots:
            _allow(syscall, nr, ruleset, root, FS_READ_FILE | FS_READ_DIR)
        for path in READABLE_DIRS:
            _allow(syscall, nr, ruleset, path, FS_READ_FILE | FS_READ_DIR)
        for path in READABLE_FILES:
            if os.path.exists(path):
                _allow(syscall, nr, ruleset, path, FS_READ_FILE)
        if syscall(nr["landlock_restrict_self"], ruleset, 0) != 0:
            return None, f"Landlock: restrict_self failed ({_errno_text()})"
    finally:
        os.close(ruleset)
    if threads > 1:  # a Landlock domain binds the calling thread and the ones it starts
        return abi, f"Landlock: {threads - 1} thread(s) started before the wall are not bound"
    return abi, None


def _thread_count() -> int:
    try:
        return len(os.listdir(f"/proc/{os.getpid()}/task"))
    except OSError:  # no /proc: nothing to say
        return 1


def _allow(syscall: Any, nr: dict[str, int], ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        rule = ctypes.create_string_buffer(struct.pack("=Qi", rights, fd), 12)
        syscall(nr["landlock_add_rule"], ruleset, LANDLOCK_RULE_PATH_BENEATH, rule, 0)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- seccomp


def _seccomp(libc: ctypes.CDLL, arch: Arch) -> tuple[bool, str | None]:
    program = seccomp_program(arch)
    filters = (ctypes.c_uint64 * len(program))(*program)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(len(program), ctypes.addressof(filters))
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    flags = SECCOMP_FILTER_FLAG_TSYNC  # every thread, not only this one
    done = syscall(arch.syscalls["seccomp"], SECCOMP_SET_MODE_FILTER, flags, ctypes.byref(prog))
    if done != 0:
        return False, f"seccomp: the filter was refused ({_errno_text()})"
    return True, None


def _insn(code: int, jt: int, jf: int, k: int) -> int:
    """One ``struct sock_filter`` packed into 64 bits as the kernel lays it out."""
    return struct.unpack("=Q", struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF))[0]


LD_W_ABS, JEQ_K, JGE_K, AND_K, RET_K = 0x20, 0x15, 0x35, 0x54, 0x06
NR_OFFSET, ARCH_OFFSET, ARGS_OFFSET = 0, 4, 16


def seccomp_program(arch: Arch) -> list[int]:
    """The filter: check the architecture, refuse ``DENIED``, inspect clone and open."""
    nr = arch.syscalls
    eperm = SECCOMP_RET_ERRNO | errno.EPERM
    code = [
        _insn(LD_W_ABS, 0, 0, ARCH_OFFSET),
        _insn(JEQ_K, 1, 0, arch.audit),
        _insn(RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
        _insn(LD_W_ABS, 0, 0, NR_OFFSET),
    ]
    if arch.audit == ARCHES["x86_64"].audit:  # the x32 ABI shares the arch value
        code += [_insn(JGE_K, 0, 1, 0x40000000), _insn(RET_K, 0, 0, eperm)]
    for name in DENIED:
        if name in nr:
            code += [_insn(JEQ_K, 0, 1, nr[name]), _insn(RET_K, 0, 0, eperm)]
    code += [
        _insn(JEQ_K, 0, 1, nr["clone3"]),
        _insn(RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
        _insn(JEQ_K, 0, 1, nr["openat2"]),  # its flags live in a struct: glibc retries openat
        _insn(RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
    ]
    code += _args_check(nr["clone"], 0, CLONE_THREAD | CLONE_NAMESPACES, CLONE_THREAD)
    # Limits of this process only (pid 0, as setrlimit and getrlimit ask): another process
    # of the same user, the app included, could be given a CPU or file-size limit of 0.
    code += _args_check(nr["prlimit64"], 0, 0xFFFFFFFF, 0)
    code += _args_check(nr["openat"], 2, OPEN_WRITE_FLAGS, 0)
    if "open" in nr:
        code += _args_check(nr["open"], 1, OPEN_WRITE_FLAGS, 0)
    return [*code, _insn(RET_K, 0, 0, SECCOMP_RET_ALLOW)]


def _args_check(number: int, arg: int, mask: int, wanted: int) -> list[int]:
    """For system call ``number``: allow it when ``args[arg] & mask == wanted``, else EPERM.
    Any other call falls through with the number still loaded."""
    return [
        _insn(JEQ_K, 0, 5, number),
        _insn(LD_W_ABS, 0, 0, ARGS_OFFSET + 8 * arg),  # the low half (little-endian)
        _insn(AND_K, 0, 0, mask),
        _insn(JEQ_K, 0, 1, wanted),
        _insn(RET_K, 0, 0, SECCOMP_RET_ALLOW),
        _insn(RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),
    ]
