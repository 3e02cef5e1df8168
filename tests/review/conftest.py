"""Fixtures for the review engine: a fixed clock, decks written to tmp_path, a fake judge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.deck.check import load_decks
from quiz.deck.model import AnyCard, Deck
from quiz.judge.presentation import Presentation
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.store import Store

ROOT_DIR = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday, noon UTC: well inside a study day


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class FakeJudge:
    """Right when the answer is "right", unreadable when "???", broken when "boom"."""

    calls: list[tuple[str, str, str, bool, float | None]] = field(default_factory=list)
    presentations: list[Presentation | None] = field(default_factory=list)

    def judge(
        self,
        deck: Deck,
        card: AnyCard,
        answer: str,
        *,
        used_hint: bool = False,
        elapsed_s: float | None = None,
        presentation: Presentation | None = None,
    ) -> Verdict:
        self.presentations.append(presentation)
        self.calls.append((deck.slug, card.id, answer, used_hint, elapsed_s))
        if answer == "???":
            return Verdict(Outcome.INVALID, "not a value")
        if answer == "boom":
            return Verdict(Outcome.UNGRADABLE, "the card's expression fails")
        if answer == "right":
            suggested = Rating.HARD if used_hint else Rating.GOOD
            return Verdict(Outcome.RIGHT, "right", suggested=suggested)
        return Verdict(Outcome.WRONG, "wrong: 1 vs 2", expected="2", got="1")


def deck_yaml(slug: str, ids: Iterable[str], *, kind: str = "flash", version: str = "") -> str:
    lines = [f"deck: {slug}", f"title: Deck {slug}", "cards:"]
    for card_id in ids:
        lines.append(f"  - id: {card_id}")
        if kind == "flash":
            lines += [
                "    kind: flash",
                f"    front: Front of {card_id}{version}",
                "    back: Back",
            ]
        else:
            lines += ["    kind: output", f"    expr: torch.tensor([{len(card_id)}]){version}"]
    return "\n".join(lines) + "\n"


def write_deck(folder: Path, slug: str, ids: Iterable[str], **options: str) -> Path:
    path = folder / f"{slug}.yaml"
    path.write_text(deck_yaml(slug, ids, **options), encoding="utf-8")
    return path


def load(*paths: Path) -> list[Deck]:
    deck_set = load_decks(paths)
    assert not deck_set.errors, [str(e) for e in deck_set.errors]
    return deck_set.decks


QUIET = Settings(fuzz=False)  # deterministic: fsrs draws no random fuzz


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as opened:
        opened.save_settings(QUIET)
        yield opened


@pytest.fixture
def decks_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    return folder


@pytest.fixture
def two_decks(decks_dir: Path) -> list[Deck]:
    write_deck(decks_dir, "alpha", [f"a{i}" for i in range(30)])
    write_deck(decks_dir, "beta", [f"b{i}" for i in range(30)])
    return load(decks_dir / "alpha.yaml", decks_dir / "beta.yaml")


@pytest.fixture
def session(store: Store, two_decks: list[Deck], clock: FakeClock) -> Session:
    return Session(store, two_decks, FakeJudge(), clock=clock, tz=UTC)
