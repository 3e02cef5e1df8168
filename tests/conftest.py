"""Shared fixtures. Every test runs with a temporary user data folder and no TORCH_QUIZ_DB."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT = frozenset(sys.path)  # where the tests run: its installed packs are not theirs

# pytest keeps each test module's rewritten asserts in tests/**/__pycache__, but not
# under PYTHONDONTWRITEBYTECODE (set on the shared machines): each xdist process would
# rewrite and compile every module again at every run, seconds of CPU each. The cache
# is only written by this process (the sandbox worker sets the variable for itself).
sys.dont_write_bytecode = False


def _own_folder(factory: pytest.TempPathFactory, prefix: str) -> Path:
    """A new folder under the run's base folder. By mkdtemp, not ``factory.mktemp``, which
    lists the whole base folder to number each new one: a cost that grows with every test
    run so far (quadratic over a run of thousands)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=factory.getbasetemp()))


@pytest.fixture
def tmp_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pytest's ``tmp_path``, a folder of the test's own, made without listing the others."""
    return _own_folder(tmp_path_factory, "test-")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point platformdirs (the default database, settings, the deck cache) at a temp folder,
    never the real one."""
    home = _own_folder(tmp_path_factory, "home-")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))  # the deck cache
    monkeypatch.delenv("TORCH_QUIZ_DB", raising=False)
    return home


@pytest.fixture(autouse=True)
def only_the_tests_packs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deck packs are looked for only in the folders a test puts on ``sys.path``
    (``monkeypatch.syspath_prepend``), never in the environment running the tests: a
    pack installed there would be a deck in every list the tests read."""
    import quiz.review.packs

    def installed_by_the_test() -> Sequence[str]:
        return [folder for folder in sys.path if folder not in ENVIRONMENT]

    monkeypatch.setattr(quiz.review.packs, "site_path", installed_by_the_test)


@pytest.fixture(scope="session")
def sandbox():
    """One torch worker for the whole run, as the app has one for a whole session."""
    from quiz.judge.client import WorkerClient

    client = WorkerClient()
    client.wait_ready()
    yield client
    client.close()


@pytest.fixture(scope="session")
def judge(sandbox):
    from quiz.judge.judge import Judge

    return Judge(sandbox)


class SharedWorker:
    """The session's worker, handed to a command as if the command had started its own:
    its ``with WorkerClient() as client`` and ``close()`` leave it running for the next."""

    def __init__(self, worker: object) -> None:
        self._worker = worker

    def __getattr__(self, name: str) -> object:
        return getattr(self._worker, name)

    def __enter__(self) -> SharedWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def commands_share_the_sandbox(sandbox, monkeypatch: pytest.MonkeyPatch):
    """Commands run in-process (CliRunner) use the session's worker instead of starting
    one each, so torch loads once instead of once a command; what they print is the same.
    A command asking for other limits still gets a worker of its own. The tests whose
    point is a command's own worker or a real process (tests/test_cli.py's new-then-check,
    test_import_hygiene, test_huge_literals' real process) do not use this."""
    import quiz.judge.client

    own = quiz.judge.client.WorkerClient

    def worker(**options: object) -> object:
        return own(**options) if options else SharedWorker(sandbox)

    monkeypatch.setattr(quiz.judge.client, "WorkerClient", worker)
    yield sandbox
    sandbox.wait_ready()  # a command that hit a limit had it replaced: ready, as it was


@pytest.fixture
def make_deck(tmp_path: Path):
    """Load a deck written inline in a test; fail loudly if it does not load."""
    from quiz.deck.loader import load_deck

    def make(text: str, name: str = "deck.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = load_deck(path)
        assert result.deck is not None, [str(d) for d in result.diagnostics]
        return result.deck

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules holding a slow test run first: under xdist the longest work then starts
    at once instead of trailing at the end of the run. Each module's tests keep their
    order and stay together, so its module-scoped sandbox workers start only once."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


class NeverStarted:
    """A sandbox client that fails the test if anything asks it for torch."""

    def __init__(self, **options: object) -> None:
        pass

    def __enter__(self) -> NeverStarted:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        pass

    def _started(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("a sandbox worker was started where nothing needs torch")

    start = warm_up = wait_ready = run = _started


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in-process must not start a worker (and so load torch) at all."""
    import quiz.judge.client

    monkeypatch.setattr(quiz.judge.client, "WorkerClient", NeverStarted)
