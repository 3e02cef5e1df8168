"""``torch-quiz serve``: what each browser tab runs, where it listens, whom it answers.

The plan is checked without a server; one test starts the real one as a subprocess on
a free port, fetches its page and stops it. No browser tab is opened here: a tab is an
app with its own sandbox worker, which the app's own tests cover.
"""

from __future__ import annotations

import http.client
import shlex
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support.waiting import DEADLINE, wait_until
from typer.testing import CliRunner

from quiz import serve as serving
from quiz.cli import app
from quiz.paths import DB_ENV
from quiz.serve import ServePlan, allowed_origin, plan

runner = CliRunner()


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[ServePlan]:
    """What ``serve`` would have served (the server itself is not started)."""
    served: list[ServePlan] = []
    monkeypatch.setattr(serving, "serve", served.append)
    return served


def test_each_tab_runs_this_python_on_the_same_database(tmp_path: Path):
    chosen = plan(tmp_path / "progress.db")
    assert chosen.argv == (sys.executable, "-m", "quiz", "--db", str(tmp_path / "progress.db"))
    assert (chosen.host, chosen.port, chosen.url) == ("localhost", 8000, "http://localhost:8000")
    assert not chosen.remote


def test_named_decks_open_the_review_in_every_tab_files_by_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    deck = tmp_path / "mine.yaml"
    deck.write_text("deck: mine\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "my folder" / "progress.db"
    chosen = plan(db, ["reductions", "mine.yaml"], port=8123)
    assert chosen.argv[3:] == ("review", "reductions", str(deck), "--db", str(db))
    assert shlex.split(chosen.command) == list(chosen.argv)  # the shell gets it quoted


def test_the_command_takes_the_database_from_the_environment(
    planned: list[ServePlan], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "env.db"))
    result = runner.invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    (chosen,) = planned
    assert chosen.argv[3:] == ("--db", str(tmp_path / "env.db"))
    assert (chosen.host, chosen.port) == ("localhost", 8123)
    assert "warning" not in result.output


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.7", "::", "example.org"])
def test_listening_beyond_this_machine_is_refused_without_the_flag(
    planned: list[ServePlan], host: str
):
    result = runner.invoke(app, ["serve", "--host", host])
    assert result.exit_code == 1
    assert result.output.startswith(f"torch-quiz: error: --host {host} ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not planned


def test_listening_beyond_this_machine_with_the_flag_warns(planned: list[ServePlan]):
    result = runner.invoke(
        app, ["serve", "--host", "0.0.0.0", "--allow-remote", "--url", "http://box.lan:8000"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("warning: listening on 0.0.0.0:8000, not only on this")
    (chosen,) = planned
    assert chosen.remote and chosen.url == "http://box.lan:8000"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_loopback_names_need_no_flag(host: str):
    assert not plan(Path("p.db"), host=host).remote


def test_an_unknown_deck_is_refused_before_serving(planned: list[ServePlan]):
    result = runner.invoke(app, ["serve", "no-such-deck"])
    assert result.exit_code == 1
    assert result.output.startswith("torch-quiz: error: no deck 'no-such-deck'")
    assert not planned


LOCAL = plan(Path("p.db"), port=8000)
REMOTE = plan(Path("p.db"), host="0.0.0.0", allow_remote=True, url="http://box.lan:8000")
PROXIED = plan(Path("p.db"), url="https://quiz.example")  # a proxy in front of localhost


@pytest.mark.parametrize(
    ("origin", "host_header", "chosen", "allowed"),
    [
        ("http://localhost:8000", "localhost:8000", LOCAL, True),
        ("http://127.0.0.1:8000", "localhost:8000", LOCAL, True),  # the page by its address
        (None, "localhost:8000", LOCAL, True),  # not a browser page
        ("http://evil.example", "localhost:8000", LOCAL, False),  # another site's page
        ("http://localhost:9000", "localhost:8000", LOCAL, False),  # another local server
        ("http://evil.example:8000", "evil.example:8000", LOCAL, False),  # DNS rebinding
        ("null", "localhost:8000", LOCAL, False),
        ("http://localhost:99999", "localhost:8000", LOCAL, False),
        ("http://box.lan:8000", "box.lan:8000", REMOTE, True),
        ("http://10.0.0.5:8000", "10.0.0.5:8000", REMOTE, True),  # reached by its address
        ("http://evil.example:8000", "box.lan:8000", REMOTE, False),
        ("http://evil.example:8000", "evil.example:8000", REMOTE, False),  # rebinding
        ("https://quiz.example", "quiz.example", PROXIED, True),
        ("https://quiz.example:443", "quiz.example", PROXIED, True),
        ("http://quiz.example", "quiz.example", PROXIED, False),
        ("https://evil.example", "quiz.example", PROXIED, False),
    ],
)
def test_only_pages_of_this_server_may_drive_an_app(
    origin: str | None, host_header: str, chosen: ServePlan, allowed: bool
):
    assert allowed_origin(origin, host_header, chosen) is allowed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError):
        return None


def _websocket_status(port: int, origin: str) -> int:
    """The status of a websocket handshake to /ws from a page at ``origin``."""
    connection = http.client.HTTPConnection("localhost", port, timeout=DEADLINE)
    connection.request(
        "GET",
        "/ws",
        headers={
            "Origin": origin,
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    try:
        return connection.getresponse().status
    finally:
        connection.close()


def test_serve_answers_a_browser_and_stops_cleanly(tmp_path: Path):
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "quiz", "serve", "--port", str(port), "--db", "p.db"],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        page: list[str] = []

        def answered() -> bool:
            assert server.poll() is None, log.read_text()
            text = _page(f"http://localhost:{port}/")
            page.extend([text] if text else [])
            return bool(text)

        wait_until(answered, f"torch-quiz serve to answer on port {port}")
        assert "textual.js" in page[0]  # textual-serve's page, which opens the app's socket
        assert f"ws://localhost:{port}/ws" in page[0]
        assert _websocket_status(port, "http://evil.example") == 403  # and starts no app
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=DEADLINE) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    output = log.read_text()
    assert f"http://localhost:{port}" in output
    assert str(tmp_path / "p.db") in output  # the command each tab runs, on that database
    assert "Traceback" not in output
