"""The app under test: a real session on a temporary database, a fixed clock, a judge.

``make_app`` builds the app through the same factory the CLI uses. The judge is the
real sandbox judge (one worker for the whole run) unless a test passes a fake one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.docs import examples

from quiz.launch import make_app
from quiz.review.settings import Settings
from quiz.review.store import Store
from quiz.ui.app import TorchQuizApp

from .pilots import ReadyClient


def example(slug: str) -> str:
    """docs/deck-format.md's example deck ``slug`` (the tests' decks are the documented ones)."""
    return next(text for text in examples() if re.search(rf"^deck: {slug}\b", text, re.M))


T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday noon, well inside a study day


class FixedClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def deck_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "complete.yaml").write_text(example("tensor-math"), encoding="utf-8")
    (folder / "bilingual.yaml").write_text(example("bilingual"), encoding="utf-8")
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "progress.sqlite3"
    with Store.open(path) as store:
        # intervals are the same on every run; a steady cursor looks the same in a
        # snapshot however long the machine took to get there
        store.save_settings(Settings(fuzz=False, cursor_blink=False))
    return path


AppFactory = Callable[..., TorchQuizApp]


@pytest.fixture
def app_factory(deck_folder: Path, db_path: Path, judge) -> AppFactory:
    def build(**options) -> TorchQuizApp:
        options.setdefault("decks", [deck_folder])
        options.setdefault("judge", judge)
        options.setdefault("sandbox", ReadyClient)
        options.setdefault("clock", FixedClock())
        options.setdefault("tz", UTC)
        return make_app(db_path, **options)

    return build
