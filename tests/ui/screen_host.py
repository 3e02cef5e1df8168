"""A minimal app that shows one screen, and a study history at fixed UTC times, for UI tests.

The Browse, Card, Stats and Settings screens take a study session, and the Author
screen its decks and judge, as arguments, so tests push them onto this small host
instead of the whole app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, TextArea

from quiz.deck.check import load_decks
from quiz.deck.model import Deck
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.review.session import Session
from quiz.review.settings import Settings
from quiz.review.store import Store

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)

DECK = """\
deck: tensors
title: Tensors
cards:
  - id: clamp-both
    kind: output
    given: {x: "torch.tensor([1, 7, 3])"}
    expr: x.clamp(2, 5)
    tags: [clamp, p22]
  - id: column-sums
    kind: code
    prompt: Sum each column of `a`.
    given: {a: "torch.arange(6).reshape(2, 3)"}
    solution: a.sum(dim=0)
    tags: [sum]
  - id: rsqrt
    kind: flash
    front: What does `x.rsqrt()` compute?
    back: 1 / sqrt(x), element-wise.
"""

OTHER = """\
deck: shapes
title: Shapes
cards:
  - id: view-shape
    kind: output
    expr: torch.arange(6).view(2, 3).shape
  - id: mm-batches
    kind: choice
    prompt: Which multiplies batches of matrices?
    options: [torch.mm, torch.matmul, torch.dot]
    answer: torch.matmul
"""


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class RightJudge:
    """Every answer is right; "wrong" is wrong."""

    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        if answer == "wrong":
            return Verdict(Outcome.WRONG, "wrong", suggested=Rating.AGAIN)
        return Verdict(Outcome.RIGHT, "right", suggested=Rating.GOOD)


class HostApp(App[None]):
    def __init__(self, make_screen: Callable[[], Screen]) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A steady cursor, as the app's test settings ask: a snapshot looks the same
        however long the machine took to get there."""
        if isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False


def write_decks(folder: Path) -> list[Deck]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tensors.yaml").write_text(DECK, encoding="utf-8")
    (folder / "shapes.yaml").write_text(OTHER, encoding="utf-8")
    deck_set = load_decks([folder / "tensors.yaml", folder / "shapes.yaml"])
    assert not deck_set.errors, [str(e) for e in deck_set.errors]
    return deck_set.decks


def studied_session(tmp_path: Path, days: int = 20) -> tuple[Session, Clock]:
    """A session whose cards were studied once a day for ``days`` days, ending at T0.

    Its clock (returned too) stands at T0, in UTC; nothing is on its screen. The caller
    closes it.
    """
    decks = write_decks(tmp_path / "decks")
    store = Store.open(tmp_path / "progress.sqlite3")
    store.save_settings(Settings(fuzz=False))
    clock = Clock(T0 - timedelta(days=days))
    session = Session(store, decks, RightJudge(), clock=clock, tz=UTC)
    for day in range(days):
        clock.now = T0 - timedelta(days=days - day) + timedelta(hours=1)
        for step in range(12):
            card = session.next_card()
            if card is None:
                break
            if not card.self_graded:
                session.submit("wrong" if (day + step) % 4 == 0 else "right")
                rating = Rating.AGAIN if (day + step) % 4 == 0 else Rating.GOOD
            else:
                rating = Rating.EASY
            session.rate(rating, duration_ms=4000 + 500 * step)
            clock.now += timedelta(minutes=3)
    clock.now = T0
    return session, clock
