"""Start-up figures, measured in a real pseudo-terminal: launch to the first frame.

A bare Textual app showing one word is the floor (``textual_hello_s``); torch-quiz's
first frame is the moment its Home screen is drawn: a bundled deck's title in the table
and the keys in the footer. Both run in a 100x32 pty, so what is timed is what a
learner waits for. ``startup_plain_footer_s`` is the same launch with Textual's own
footer in place of ``quiz.ui.footer.KeysFooter``'s, to show what that footer is worth.
"""

from __future__ import annotations

import compileall
import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello-painted")

Hello().run()
"""


# The same launch with one speed trick turned off; the difference from the plain
# launch is what that trick is worth. The flags are module constants read at start-up.
WITHOUT = """
import {module}
{module}.{flag} = False
from quiz.start import main
main()
"""
COLLECTOR_ON = WITHOUT.format(module="quiz.launch", flag="PAUSE_COLLECTOR")
PLAIN_FOOTER = WITHOUT.format(module="quiz.ui.footer", flag="KEYS_IN_FIRST_FRAME")


# Home is drawn: a deck's row in the table and the footer's last key (Textual composes
# the footer's keys after the screen's first layout, so the table alone comes sooner).
HOME_DRAWN = (b"Arithmetic", b"Quit")


def first_paint(
    command: list[str], markers: tuple[bytes, ...], env: dict[str, str], timeout: float = 60
) -> float:
    """Seconds from launching ``command`` in a pty until every one of ``markers`` is on it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
    began = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    try:
        missing = set(markers)
        while missing:
            remaining = timeout - (time.perf_counter() - began)
            if remaining <= 0:
                raise TimeoutError(f"no {sorted(missing)} within {timeout} s")
            ready, _, _ = select.select([master], [], [], remaining)
            if ready:
                try:
                    seen = seen[-4096:] + os.read(master, 65536)
                except OSError:  # the process exited
                    raise RuntimeError(f"{command} exited before painting") from None
                missing = {marker for marker in missing if marker not in seen}
        return time.perf_counter() - began
    finally:
        _kill_tree(process.pid)
        process.wait()
        os.close(master)


def _kill_tree(pid: int) -> None:
    """Kill ``pid``'s process group and every descendant's.

    The sandbox worker runs in a session of its own; left alive, it would go on
    importing torch on a core the next measurement needs.
    """
    groups = {pid}
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                groups.add(child)
                pending.append(child)
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


def compile_package() -> None:
    """Byte-compile torch-quiz, as ``pip install`` does.

    An editable install under ``PYTHONDONTWRITEBYTECODE`` (set on these machines) would
    otherwise compile every module from source at each launch, which a learner's
    installed copy never does; Textual, the floor, is byte-compiled by pip.
    """
    package = Path(__file__).resolve().parent.parent / "quiz"
    compileall.compile_dir(package, quiet=1)


def startup_figures(repeat: int, *, warm_up: bool = True) -> dict[str, float]:
    """Medians of ``repeat`` launches; ``warm_up`` first launches the app once to create
    and migrate the database (the quick smoke run leaves it out)."""
    compile_package()
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "HOME": home,
            "XDG_DATA_HOME": str(Path(home) / "data"),
            "TORCH_QUIZ_DB": str(Path(home) / "bench.sqlite3"),
        }
        hello = [sys.executable, "-c", HELLO]
        app = [sys.executable, "-m", "quiz"]
        plain = [sys.executable, "-c", PLAIN_FOOTER]
        if warm_up:
            first_paint(app, HOME_DRAWN, env)  # create and migrate the database once
        collector_on = [sys.executable, "-c", COLLECTOR_ON]
        hellos: list[float] = []
        apps: list[float] = []
        plains: list[float] = []
        unpaused: list[float] = []
        for _ in range(repeat):  # interleaved, so all see the same machine
            hellos.append(first_paint(hello, (b"hello-painted",), env))
            apps.append(first_paint(app, HOME_DRAWN, env))
            plains.append(first_paint(plain, HOME_DRAWN, env))
            unpaused.append(first_paint(collector_on, HOME_DRAWN, env))
    return {
        "textual_hello_s": _median(hellos),
        "startup_first_paint_s": _median(apps),
        "startup_plain_footer_s": _median(plains),
        "startup_collector_on_s": _median(unpaused),
    }


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]
