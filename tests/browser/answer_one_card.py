"""End to end in a real browser: ``torch-quiz serve`` in headless Chromium answers a card.

Run by ``.ci/run`` after the suite (``python tests/browser/answer_one_card.py``), not by
pytest: it starts a server, a browser and a tab's app with its sandbox worker, which
would not fit the suite's time. It writes a deck of one output card, serves it on a
free port with a fresh database and home, opens the page in Chromium, waits for the
question in the terminal the page draws, types the answer, Enter, then ``3`` (Good),
and waits for that review in the database. Screenshots of the verdict and of the end
go to ``.ci/artifacts/`` (``--artifacts``), also when it fails.

Chromium is driven through its DevTools protocol over a websocket with aiohttp, which
textual-serve already needs, so the check adds no dependency. It exits 0 when the
review landed and every process it started has ended, 1 otherwise, and 0 with
``SKIPPED: why`` only when there is no Chromium (``.ci/run`` installs it from Debian's
packages when it can).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 90.0  # seconds for each wait: generous, since a loaded machine is slow
POLL = 0.2

DECK = """\
deck: browser-check
title: Browser check
cards:
  - id: add-one
    kind: output
    prompt: What does this give?
    expr: torch.tensor([1, 2]) + 1
"""
QUESTION = "torch.tensor([1, 2]) + 1"
ANSWER = "[2, 3]"
RATING = 3  # Good
AFTER = "Learning 1"  # the header once the card is rated Good: it is in learning
NO_CHROMIUM = "BROWSER_CHECK_NO_CHROMIUM"  # why .ci/run could not install it

# Without the background-networking flags, headless Chromium on a busy machine has its
# connections refused many at a time; the sandbox is unavailable in containers.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
)


class Failed(Exception):
    """The check failed; the message says what was awaited or found."""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_for(condition: Callable[[], Awaitable[Any]], what: str) -> Any:
    """The first true value of ``condition()``; ``Failed`` naming ``what`` at the deadline."""
    deadline = time.monotonic() + DEADLINE
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"still waiting after {DEADLINE:g} s: {what}")
        await asyncio.sleep(POLL)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# -- processes: each started in its own group, and every descendant must end -------------


def _parent_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def descendants(roots: set[int]) -> set[int]:
    """The processes below ``roots`` now (from /proc), roots included."""
    parents = {int(p): _parent_of(p) for p in os.listdir("/proc") if p.isdigit()}
    found = set(roots)
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return {pid for pid in found if pid in parents}


def cpu_seconds(pids: set[int]) -> float:
    """The CPU time of ``pids`` and of their children that have ended, from /proc."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(field) for field in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's group, then SIGKILL if it has not ended at the deadline."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=DEADLINE / 3)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def started(argv: list[str], log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        yield process
    finally:
        stop(process)


# -- Chromium's DevTools protocol ---------------------------------------------------------


# xterm.js draws the terminal on a canvas, so the page holds no text to read, and
# textual-serve keeps its Terminal out of reach. Its screen-reader mode mirrors the rows
# into the DOM: this script, run before the page's own, turns it on as each Terminal
# sets up its options (a property per option, defined on its options object).
SCREEN_READER = """
const define = Object.defineProperty;
Object.defineProperty = function (target, key, descriptor) {
  const defined = define.call(this, target, key, descriptor);
  if (key === "screenReaderMode" && descriptor && descriptor.set) target[key] = true;
  return defined;
};
"""
ROWS = "document.querySelector('.xterm-accessibility-tree')?.innerText ?? ''"

FOCUS = "document.querySelector('.xterm-helper-textarea').focus()"  # xterm's key input


class Page:
    """One page target of Chromium, driven over its DevTools websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.sent = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.sent += 1
        mine = self.sent
        await self.ws.send_json({"id": mine, "method": method, "params": params})
        while True:
            message = await self.ws.receive_json(timeout=DEADLINE)
            if message.get("id") == mine:
                if "error" in message:
                    raise Failed(f"{method}: {message['error']}")
                return message.get("result", {})

    async def text(self) -> str:
        """The terminal's rows as text, from xterm.js's screen-reader tree (SCREEN_READER)."""
        result = await self.call("Runtime.evaluate", expression=ROWS, returnByValue=True)
        return str(result.get("result", {}).get("value", ""))

    async def showing(self, needle: str) -> str:
        async def shown() -> str:
            text = await self.text()
            return text if needle in text else ""

        try:
            return await wait_for(shown, f"{needle!r} on the page")
        except Failed as failure:
            raise Failed(f"{failure}; it shows:\n{await self.text()}") from None

    async def type(self, text: str) -> None:
        await self.call("Runtime.evaluate", expression=FOCUS)  # keys go to the focused element
        for char in text:
            await self.call("Input.dispatchKeyEvent", type="keyDown", key=char, text=char)
            await self.call("Input.dispatchKeyEvent", type="keyUp", key=char)

    async def enter(self) -> None:
        await self.call("Runtime.evaluate", expression=FOCUS)
        keys = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text="\r", **keys)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **keys)

    async def screenshot(self, path: Path) -> None:
        result = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(result["data"]))
        print(f"screenshot: {path}")


async def devtools_page(http: aiohttp.ClientSession, profile: Path) -> str:
    """The websocket URL of Chromium's first page, once its DevTools port is open."""
    port_file = profile / "DevToolsActivePort"  # Chromium writes its chosen port here

    async def page_url() -> str:
        try:
            port = int(port_file.read_text(encoding="ascii").split()[0])
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
        except (OSError, ValueError, IndexError, aiohttp.ClientError):
            return ""
        pages = [t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"]
        return pages[0] if pages else ""

    return await wait_for(page_url, "Chromium's DevTools port")


# -- the check ----------------------------------------------------------------------------


def reviews(db: Path) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return con.execute(
                "SELECT deck, card_id, answer, outcome, rating FROM reviews"
            ).fetchall()
    except sqlite3.OperationalError:  # not created yet, or locked a moment
        return []


async def drive(url: str, profile: Path, db: Path, answer: str, shots: Path) -> None:
    async with aiohttp.ClientSession() as http:
        devtools = await devtools_page(http, profile)
        async with http.ws_connect(devtools, max_msg_size=0) as ws:
            page = Page(ws)
            try:
                await page.call("Page.enable")
                await page.call("Page.addScriptToEvaluateOnNewDocument", source=SCREEN_READER)
                await page.call("Page.navigate", url=url)
                await page.showing(QUESTION)
                await page.type(answer)
                await page.showing(answer)  # the answer box holds it
                await page.enter()
                await page.showing("1 Again")  # the verdict's rating bar
                await page.screenshot(shots / "browser-verdict.png")
                await page.type(str(RATING))

                async def landed() -> list[tuple[Any, ...]]:
                    return await asyncio.to_thread(reviews, db)

                rows = await wait_for(landed, f"a review in {db}")
                expected = [("browser-check", "add-one", answer, "right", RATING)]
                if rows != expected:
                    raise Failed(f"the database holds {rows}, not {expected}")
                await page.showing(AFTER)
                await page.screenshot(shots / "browser.png")
            except Exception:
                if not ws.closed:  # what the page showed, for the run's artifacts
                    await page.screenshot(shots / "browser-failed.png")
                raise
            finally:
                # Leaving the page closes its websocket, which ends the tab's app.
                if not ws.closed:
                    await page.call("Page.navigate", url="about:blank")


def check(chromium: str, answer: str, deck_text: str, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="torch-quiz-browser-") as tmp:
        home = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "TORCH_QUIZ"))}
        env |= {"HOME": str(home)} | {
            f"XDG_{kind}_HOME": str(home / kind.lower())
            for kind in ("DATA", "CONFIG", "CACHE", "STATE")
        }
        deck, db, profile = home / "browser-check.yaml", home / "progress.db", home / "chromium"
        deck.write_text(deck_text, encoding="utf-8")
        port = free_port()
        serve = [sys.executable, "-m", "quiz", "serve", str(deck), "--db", str(db)]
        serve += ["--port", str(port)]
        browser = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        browser += ["--remote-debugging-port=0", "about:blank"]
        logs = {"serve": home / "serve.log", "chromium": home / "chromium.log"}
        ours: set[int] = set()
        try:
            with (
                started(serve, logs["serve"], env) as server,
                started(browser, logs["chromium"], env) as chrome,
            ):

                async def up() -> bool:
                    if server.poll() is not None:
                        raise Failed(f"serve exited with {server.returncode}")
                    return listening(port)

                async def run() -> None:
                    await wait_for(up, f"torch-quiz serve on port {port}")
                    await drive(f"http://localhost:{port}/", profile, db, answer, shots)

                try:
                    asyncio.run(run())
                finally:
                    ours = descendants({server.pid, chrome.pid})
                    cpu = cpu_seconds(ours)
            # Every process below the server and the browser (the tab's app, its sandbox
            # worker, Chromium's helpers) must end with them.
            left = time.monotonic() + DEADLINE
            while any(alive(pid) for pid in ours) and time.monotonic() < left:
                time.sleep(POLL)
            orphans = sorted(pid for pid in ours if alive(pid))
            if orphans:
                for pid in orphans:
                    os.kill(pid, signal.SIGKILL)
                raise Failed(f"processes outlived the check: {orphans}")
            print(f"{len(ours)} processes started (CPU {cpu:.1f} s), all ended")
        except Exception:
            for name, log in logs.items():
                if log.exists():
                    print(f"--- {name} log ---\n{log.read_text(errors='replace')[-4000:]}")
            raise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--artifacts", type=Path, default=ROOT / ".ci" / "artifacts")
    parser.add_argument("--answer", default=ANSWER, help="what to type (a wrong one must fail)")
    parser.add_argument("--deck", type=Path, help="a deck file instead of the one-card deck")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        why = os.environ.get(NO_CHROMIUM, "no `chromium` on the PATH")
        print(f"SKIPPED: the check in a real browser: {why}")
        return 0
    deck_text = args.deck.read_text(encoding="utf-8") if args.deck else DECK
    start = time.monotonic()
    try:
        check(chromium, args.answer, deck_text, args.artifacts)
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print(
        f"passed: a card answered in {chromium} and its review in the database "
        f"({time.monotonic() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
