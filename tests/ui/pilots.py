"""Waiting in Pilot tests: for a condition, never for a fixed time.

``until`` polls a condition while the app runs (thread workers need real time, so it
yields to the event loop between looks) and fails with the condition's description if
it does not hold within a deadline far beyond any healthy run. ``launched`` waits for
what every full-app test needs first: progress open and torch ready.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple, cast

from textual.app import App
from textual.pilot import Pilot

from quiz.ui.app import TorchQuizApp
from quiz.ui.home import HomeScreen
from quiz.ui.seams import TorchState

DEADLINE_S = 30.0


class ReadyClient:
    """Stands for the sandbox client: torch already loaded, nothing to stop."""

    ready = True

    def __init__(self) -> None:
        self.waited = 0
        self.closed = 0

    def wait_ready(self) -> None:
        self.waited += 1

    def close(self) -> None:
        self.closed += 1


class GatedClient(ReadyClient):
    """A sandbox client still loading torch until the test says it has loaded, or failed."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.failed = False

    @property
    def ready(self) -> bool:  # type: ignore[override]
        return self.gate.is_set() and not self.failed

    def finish(self, *, failed: bool = False) -> None:
        self.failed = failed
        self.gate.set()

    def wait_ready(self) -> None:
        super().wait_ready()
        self.gate.wait(DEADLINE_S)
        if self.failed:
            raise RuntimeError("the sandbox worker could not start")

    def close(self) -> None:
        super().close()
        self.gate.set()  # an app that quits does not wait for torch


async def until(pilot: Pilot, condition: Callable[[], object], what: str = "") -> None:
    """Wait until ``condition()`` is true; fail after ``DEADLINE_S`` seconds."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > DEADLINE_S:
            raise AssertionError(f"still waiting for {what or condition} after {DEADLINE_S} s")
        await pilot.pause()
        await asyncio.sleep(0.005)
    await pilot.pause()  # let what the condition announced be drawn


async def launched(pilot: Pilot) -> None:
    """Wait until the app has opened progress and its sandbox client is ready, and Home
    (when it is the screen) has drawn the figures its worker read."""
    app = cast(TorchQuizApp, pilot.app)
    await until(
        pilot,
        lambda: app.session is not None and app.torch_state is TorchState.READY,
        "progress open and torch ready",
    )
    await home_read(pilot)


async def home_read(pilot: Pilot) -> None:
    """Wait until Home, if it is the screen, shows the figures last asked for."""
    app = pilot.app
    await until(
        pilot,
        lambda: not isinstance(app.screen, HomeScreen) or app.screen.fresh,
        "Home's figures read",
    )


class Shown(NamedTuple):
    """A notification as the learner saw it."""

    message: str
    title: str
    severity: str


def record_notifications(app: App[Any]) -> list[Shown]:
    """Every notification ``app`` shows from now on (recorded through ``app.notify``)."""
    shown: list[Shown] = []
    notify = app.notify

    def recording(
        message: str, *, title: str = "", severity: str = "information", **options: Any
    ) -> None:
        shown.append(Shown(message, title, severity))
        notify(message, title=title, severity=severity, **options)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return shown
