"""``torch-quiz doctor``: what the sandbox looks like on this machine, in one report.

The report asks a real worker (this process never imports torch) for its versions,
limits, environment names and the state of its OS-level wall, and adds the app's own
versions. A part of the wall that could not rise is named with the reason, once.
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from quiz.judge.client import WorkerClient
from quiz.judge.sandboxinfo import WorkerInfo

APP_PACKAGES = ("textual", "fsrs", "typer", "sqlite-utils")


@dataclass(frozen=True)
class Diagnosis:
    info: WorkerInfo
    time_limit: float

    @property
    def healthy(self) -> bool:
        return self.info.wall.complete

    def versions(self) -> dict[str, str]:
        found = {
            "python": sys.version.split()[0],
            "worker python": self.info.python or "unknown",
            "torch": self.info.torch or "unknown",
            "sqlite": sqlite3.sqlite_version,
        }
        for package in APP_PACKAGES:
            try:
                found[package] = metadata.version(package)
            except metadata.PackageNotFoundError:
                found[package] = "not installed"
        return found

    def limits(self) -> dict[str, Any]:
        return {
            "time_limit_s": self.time_limit,
            # The worker's CPU budget: twice the time limit per evaluation (plus 1 s).
            "cpu_budget_s_per_evaluation": 2 * self.time_limit,
            "memory_bytes": self.info.memory_limit,
            "file_size_bytes": self.info.file_size_limit,
            "threads": self.info.threads,
        }

    def to_dict(self) -> dict[str, Any]:
        wall = self.info.wall
        return {
            "healthy": self.healthy,
            "versions": self.versions(),
            "limits": self.limits(),
            "worker_env": list(self.info.env),
            "wall": {
                "landlock_abi": wall.landlock_abi,
                "seccomp": wall.seccomp,
                "no_new_privs": wall.no_new_privs,
                "missing": list(wall.missing),
            },
        }

    def lines(self) -> list[str]:
        wall, limits = self.info.wall, self.limits()
        memory = limits["memory_bytes"]
        out = ["versions:"]
        out += [f"  {name + ':':15s}{version}" for name, version in self.versions().items()]
        out += [
            "sandbox limits:",
            f"  time limit:    {self.time_limit:g} s per evaluation (wall clock, then killed)",
            f"  CPU budget:    {limits['cpu_budget_s_per_evaluation']:g} s per evaluation, "
            "1 s more per request (then killed)",
            f"  memory:        {_size(memory)} of address space",
            f"  file size:     {_file_size(limits['file_size_bytes'])}",
            f"  threads:       {limits['threads']}",
            f"worker environment: {', '.join(self.info.env) or '(empty)'}",
            "second wall:",
            f"  no_new_privs:  {_on(wall.no_new_privs)}",
            "  Landlock:      "
            + (f"on (ABI {wall.landlock_abi})" if wall.landlock_abi is not None else "off"),
            f"  seccomp:       {_on(wall.seccomp)}",
        ]
        out += [f"  missing: {reason}" for reason in wall.missing]
        out.append("all walls are up" if self.healthy else "part of the second wall is missing")
        return out


def diagnose(client: WorkerClient) -> Diagnosis:
    """Start the worker if needed and read what it said when ready.

    Raises ``SandboxUnavailable`` when no worker can start.
    """
    client.wait_ready()
    info = client.info
    assert info is not None  # set by wait_ready
    return Diagnosis(info=info, time_limit=client.time_limit)


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _size(count: int | None) -> str:
    if count is None:
        return "unknown"
    return f"{count / (1 << 30):.1f} GiB" if count >= 1 << 30 else f"{count >> 20} MiB"


def _file_size(count: int | None) -> str:
    if count is None:
        return "unknown"
    return "0 bytes: no file can grow" if count == 0 else f"{count} bytes"
