"""Fixtures for progress: a store with two small decks and a way to answer any card at any time;
a study session over two larger decks, for the read-models the screens take a session for."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.deck.check import load_decks
from quiz.deck.model import Deck
from quiz.judge.presentation import PLAIN, Presentation
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.progress.export import Selection, export_text
from quiz.review.cards import CardRef, get_card
from quiz.review.log import Answer, Recorded, record_answer
from quiz.review.scheduling import make_scheduler
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.store import Store
from quiz.review.sync import sync_decks

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday noon UTC; study days start 04:00 UTC
QUIET = Settings(fuzz=False)


def deck_yaml(slug: str, ids: Iterable[str]) -> str:
    lines = [f"deck: {slug}", f"title: Deck {slug}", "cards:"]
    for card_id in ids:
        lines += [
            f"  - id: {card_id}",
            "    kind: flash",
            f"    front: What is {card_id}?",
            f"    back: It is {card_id}.",
            "    explain: Because.",
        ]
    return "\n".join(lines) + "\n"


def write_decks(folder: Path, spec: dict[str, list[str]]) -> list[Deck]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for slug, ids in spec.items():
        path = folder / f"{slug}.yaml"
        path.write_text(deck_yaml(slug, ids), encoding="utf-8")
        paths.append(path)
    deck_set = load_decks(paths)
    assert not deck_set.errors, [str(e) for e in deck_set.errors]
    return deck_set.decks


class Learner:
    """Answers cards of an open store at chosen times, through the engine's own log."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.scheduler = make_scheduler(QUIET)

    def answer(
        self,
        ref: str,
        rating: Rating | int,
        at: datetime,
        *,
        text: str | None = None,
        duration_ms: int | None = 5000,
        presentation: Presentation = PLAIN,
    ) -> Recorded:
        card = get_card(self.store, CardRef.parse(ref))
        verdict = None
        if text is not None:
            right = Rating(rating) is not Rating.AGAIN
            verdict = Verdict(
                Outcome.RIGHT if right else Outcome.WRONG,
                "right" if right else "wrong",
                suggested=Rating.GOOD if right else Rating.AGAIN,
            )
        return record_answer(
            self.store,
            self.scheduler,
            QUIET,
            card.id,
            Rating(rating),
            shown=None,
            now=at,
            tz=UTC,
            answer=Answer(text, verdict, duration_ms, presentation),
        )


def open_store(path: Path, decks: list[Deck], now: datetime = T0) -> Store:
    store = Store.open(path)
    store.save_settings(QUIET)
    sync_decks(store, decks, now)
    return store


@pytest.fixture
def decks(tmp_path: Path) -> list[Deck]:
    return write_decks(tmp_path / "decks", {"alpha": ["a1", "a2", "a3"], "beta": ["b1", "b2"]})


@pytest.fixture
def store(tmp_path: Path, decks: list[Deck]):
    with open_store(tmp_path / "progress.sqlite3", decks) as opened:
        yield opened


@pytest.fixture
def learner(store: Store) -> Learner:
    return Learner(store)


def history(learner: Learner) -> None:
    """A small history over four days: answers typed and self-graded, passes and lapses."""
    day = timedelta(days=1)
    learner.answer("alpha/a1", Rating.GOOD, T0 - 3 * day, text="[1, 2]")
    learner.answer("alpha/a1", Rating.GOOD, T0 - 3 * day + timedelta(minutes=10), text="[1, 2]")
    learner.answer("alpha/a2", Rating.AGAIN, T0 - 3 * day, text="[0]")
    learner.answer("alpha/a2", Rating.EASY, T0 - 3 * day + timedelta(minutes=2), text="[1]")
    learner.answer("beta/b1", Rating.EASY, T0 - 2 * day)
    learner.answer("alpha/a1", Rating.AGAIN, T0 - day)
    learner.answer("alpha/a1", Rating.GOOD, T0 - day + timedelta(minutes=10))
    learner.answer("alpha/a2", Rating.HARD, T0)
    learner.answer("beta/b1", Rating.GOOD, T0 + timedelta(hours=1))


def export(store: Store, fmt: str = "json", selection: Selection | None = None) -> str:
    """What ``torch-quiz export`` writes, two hours after T0."""
    out = io.StringIO()
    export_text(store, fmt, out, selection or Selection(), T0 + timedelta(hours=2))
    return out.getvalue()


def export_json(store: Store) -> dict:
    """An export as data, without its time stamp: two exports of one state compare equal."""
    data = json.loads(export(store))
    del data["exported_at"]
    return data


def dump(store: Store) -> list[str]:
    """The whole database as SQL: equal dumps, equal databases."""
    return list(store.db.conn.iterdump())


def empty_store(tmp_path: Path, name: str = "empty.sqlite3") -> Store:
    return Store.open(tmp_path / name)


@dataclass
class Clock:
    """The session's clock, moved by hand: ``clock.now += timedelta(...)``."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(tmp_path: Path, clock: Clock) -> Iterator[Session]:
    """A study session over two decks of 30 flash cards each: alpha a0..a29, beta b0..b29."""
    spec = {"alpha": [f"a{i}" for i in range(30)], "beta": [f"b{i}" for i in range(30)]}
    decks = write_decks(tmp_path / "study", spec)
    with open_store(tmp_path / "study.sqlite3", decks) as opened:
        yield Session(opened, decks, clock=clock, tz=UTC)
