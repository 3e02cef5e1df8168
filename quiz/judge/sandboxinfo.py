"""What a sandbox worker says about itself when it is ready, as plain values.

The worker's hello line carries its versions, its resource limits, the names in its
environment and the state of its OS-level wall (``quiz.worker.wall``). The client keeps
it (``WorkerClient.info``) so that ``torch-quiz doctor`` can show it without importing
torch in the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WallState:
    """Which parts of the second wall are up; ``missing`` says in words what is not."""

    landlock_abi: int | None
    seccomp: bool
    no_new_privs: bool
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and self.seccomp and self.landlock_abi is not None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> WallState:
        if not data:  # a worker from before the wall
            return cls(None, False, False, ("the worker raised no OS-level wall",))
        abi = data.get("landlock_abi")
        return cls(
            landlock_abi=int(abi) if abi is not None else None,
            seccomp=bool(data.get("seccomp")),
            no_new_privs=bool(data.get("no_new_privs")),
            missing=tuple(str(reason) for reason in data.get("missing", ())),
        )


@dataclass(frozen=True)
class WorkerInfo:
    """The worker's hello: versions, limits, environment names and its wall."""

    pid: int | None
    torch: str | None
    python: str | None
    memory_limit: int | None  # bytes of address space
    file_size_limit: int | None  # bytes a file may grow to
    threads: int | None
    env: tuple[str, ...]
    wall: WallState

    @classmethod
    def from_hello(cls, hello: Mapping[str, Any]) -> WorkerInfo:
        limits = hello.get("limits") or {}
        return cls(
            pid=hello.get("pid"),
            torch=hello.get("torch"),
            python=hello.get("python"),
            memory_limit=limits.get("memory"),
            file_size_limit=limits.get("file_size"),
            threads=hello.get("threads"),
            env=tuple(str(name) for name in hello.get("env", ())),
            wall=WallState.from_dict(hello.get("wall")),
        )
