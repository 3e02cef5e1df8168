"""``torch-quiz serve``: the same app in a browser, each tab its own app process.

textual-serve runs a shell command per browser tab (a websocket) with Textual's web
driver, so a tab is exactly ``torch-quiz`` in a terminal: the same database (``--db``,
given explicitly), the same decks, its own sandbox worker. The tabs share the database
as two terminals would: WAL and the busy timeout make their writes safe, and the
session's undo takes back only its own tab's answers (docs/app.md, "In a browser").

What this module adds to textual-serve is caution, because a browser tab is the
learner's whole app (their progress, Author writing deck files, Settings):

- it listens on localhost unless told otherwise twice (``--host`` and
  ``--allow-remote``), and then says so;
- the websocket that drives an app answers only pages served from here: a browser lets
  any web page open a websocket to localhost, and a page of another site (or a DNS name
  rebound to 127.0.0.1) would otherwise type into the learner's app;
- a cap on the tabs, since each one is an app process with torch loaded in its worker.

The command line parses; this module decides. Planning (``plan``) is pure, so the tests
check the command each tab runs without starting a server.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from quiz.errors import UserError

if TYPE_CHECKING:
    from aiohttp import web

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 8000
DEFAULT_MAX_TABS = 4
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::", "*"})


@dataclass(frozen=True, slots=True)
class ServePlan:
    """What ``serve`` runs: the app's argv per tab, where it listens, the page's URL."""

    argv: tuple[str, ...]
    host: str
    port: int
    url: str  # the address the page and its websocket use
    max_tabs: int

    @property
    def command(self) -> str:
        """The argv as the shell line textual-serve runs (it starts tabs through a shell)."""
        return shlex.join(self.argv)

    @property
    def remote(self) -> bool:
        return not is_local(self.host)


def is_local(host: str) -> bool:
    """Whether ``host`` names this machine's loopback interface only."""
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def app_argv(db: Path, decks: Sequence[str] = ()) -> tuple[str, ...]:
    """The command line of one tab's app: this Python (so a venv's), ``-m quiz``, the
    database, and ``review DECK...`` when decks are named. A deck given as a file that
    exists is passed as an absolute path, so the tab finds it whatever its folder."""
    named = [str(Path(d).absolute()) if Path(d).is_file() else d for d in decks]
    program = (sys.executable, "-m", "quiz")
    database = ("--db", str(db.absolute()))
    return (*program, "review", *named, *database) if named else (*program, *database)


def plan(
    db: Path,
    decks: Sequence[str] = (),
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    allow_remote: bool = False,
    url: str | None = None,
    max_tabs: int = DEFAULT_MAX_TABS,
) -> ServePlan:
    """Check the choices and say what to run; a refusal is a ``UserError``, one line."""
    if not 1 <= port <= 65535:
        raise UserError(f"--port {port}: a port is a number from 1 to 65535")
    if max_tabs < 1:
        raise UserError(f"--max-tabs {max_tabs}: at least one tab")
    if not is_local(host) and not allow_remote:
        raise UserError(
            f"--host {host} would let other machines open your app (your progress, your "
            "deck files); add --allow-remote if that is what you want"
        )
    if url is None:
        shown = socket.gethostname() if host in _WILDCARDS else host  # no DNS lookup
        shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
        url = f"http://{shown}:{port}"
    elif urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise UserError(f"--url {url}: give the address as http://NAME:PORT")
    return ServePlan(app_argv(db, decks), host, port, url.rstrip("/"), max_tabs)


def remote_warning(chosen: ServePlan) -> str:
    """What ``serve`` prints before it listens beyond this machine."""
    return (
        f"warning: listening on {chosen.host}:{chosen.port}, not only on this machine. "
        "Anyone who can reach it gets your whole app: your progress, Settings, Author "
        "(which writes deck files) and the sandbox that runs torch. There is no password "
        "and no encryption; use it only on a network you trust."
    )


def allowed_origin(origin: str | None, request_host: str, chosen: ServePlan) -> bool:
    """Whether a websocket from a page at ``origin`` may drive an app.

    A browser sends the page's origin with every websocket. A page of this server is at
    the URL it printed (``--url``: a proxy's address too), or on this port at a loopback
    name, or, when it listens beyond this machine, at one of the machine's addresses.
    Never at any other name: a name can be pointed at this machine by another site (DNS
    rebinding), an address cannot. Without an Origin the client is not a browser page
    (a program that may connect anyway), so it is let through.
    """
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
        if _origin(parts) == _origin(urlsplit(chosen.url)):
            return True
        port = parts.port
    except ValueError:  # a malformed origin
        return False
    if port != chosen.port:
        return False
    host = parts.hostname or ""
    asked = _hostname(request_host)
    if not chosen.remote:
        return is_local(host) and is_local(asked)
    return is_local(host) or (host == asked and _is_address(host))


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    """Scheme, host and port, the port filled in when the scheme implies it."""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, parts.hostname or "", parts.port or default


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _hostname(host_header: str) -> str:
    """The name in a Host header (``localhost:8000``, ``[::1]:8000``), without the port."""
    try:
        return urlsplit(f"//{host_header}").hostname or ""
    except ValueError:  # a malformed header
        return ""


def serve(chosen: ServePlan) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM end it cleanly)."""
    from aiohttp import web
    from textual_serve.server import Server

    class _Guarded(Server):
        tabs = 0

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            if not allowed_origin(request.headers.get("Origin"), request.host, chosen):
                raise web.HTTPForbidden(text="torch-quiz serve: not a page of this server")
            if self.tabs >= chosen.max_tabs:
                raise web.HTTPServiceUnavailable(
                    text=f"torch-quiz serve: {chosen.max_tabs} tabs are open already"
                )
            self.tabs += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.tabs -= 1

    server = _Guarded(
        chosen.command,
        host=chosen.host,
        port=chosen.port,
        title="torch-quiz",
        public_url=chosen.url,
    )
    try:
        server.serve()
    except OSError as error:  # the port is taken, the host is not this machine's
        reason = error.strerror or str(error)
        raise UserError(f"cannot listen on {chosen.host}:{chosen.port}: {reason}") from None
