"""Each review's presentation (a fresh card's draw, a choice card's order) is kept with it.

The judge is told how the card was shown, the review log stores it, and an undo shows
the card again exactly so: the same draw, the same order.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import pytest

from quiz.deck.model import AnyCard, ChoiceCard, Deck
from quiz.judge.presentation import Presentation, present, shuffled_order
from quiz.judge.verdict import Rating
from quiz.review.practice import Practice
from quiz.review.session import Session
from quiz.review.store import Store

from .conftest import FakeClock, FakeJudge, load

DECK = """\
deck: shown
title: Shown
cards:
  - id: pick
    kind: choice
    prompt: Which multiplies batches of matrices?
    options: [torch.mm, torch.matmul, torch.dot, torch.bmm, torch.einsum]
    answer: torch.matmul
  - id: clamp
    kind: output
    fresh: true
    given: {x: "torch.randint(0, 10, (4,))"}
    expr: x.clamp(2, 5)
"""


@dataclass
class DrawingJudge(FakeJudge):
    """A fake judge that also 'draws' givens: the seed is part of the printed value."""

    draws: list[int] = field(default_factory=list)

    def draw(self, deck: Deck, card: AnyCard, seed: int) -> tuple[tuple[str, str], ...]:
        self.draws.append(seed)
        return (("x", f"tensor([{seed % 10}, 1, 2, 3])"),)


@pytest.fixture
def session(store: Store, decks_dir: Path, clock: FakeClock) -> Session:
    path = decks_dir / "shown.yaml"
    path.write_text(DECK, encoding="utf-8")
    return Session(store, load(path), DrawingJudge(), clock=clock, tz=UTC)


def _stored(session: Session) -> list[dict]:
    return [
        json.loads(row["presentation"]) if row["presentation"] else None
        for row in session.store.query("SELECT presentation FROM reviews ORDER BY id")
    ]


def test_a_choice_card_is_shown_in_an_order_the_judge_and_the_log_both_get(session: Session):
    study = session.next_card()
    assert study is not None and isinstance(study.card, ChoiceCard)
    order = study.presentation.order
    assert sorted(order) == [0, 1, 2, 3, 4]
    session.submit("right")
    assert session.judge.presentations[-1] == study.presentation
    session.rate(Rating.GOOD)
    assert _stored(session) == [{"order": list(order)}]


def test_a_fresh_card_is_drawn_once_judged_on_that_draw_and_stored(
    session: Session, clock: FakeClock
):
    session.next_card()
    session.submit("right")
    session.rate(Rating.GOOD)
    clock.advance(seconds=5)
    study = session.next_card()
    assert study is not None and study.card.id == "clamp"
    assert study.presentation.awaiting_draw
    drawn = session.draw()
    assert session.draw() == drawn  # drawn once, kept for the turn
    seed = drawn.presentation.seed
    assert session.judge.draws == [seed]
    assert drawn.presentation.givens == (("x", f"tensor([{seed % 10}, 1, 2, 3])"),)
    session.submit("right")
    assert session.judge.presentations[-1] == drawn.presentation
    session.rate(Rating.AGAIN)
    stored = _stored(session)[-1]
    assert stored == {"seed": seed, "givens": {"x": f"tensor([{seed % 10}, 1, 2, 3])"}}


def test_submitting_before_the_draw_draws_first(session: Session):
    session.next_card()
    session.submit("right")
    session.rate(Rating.GOOD)
    session.next_card()
    session.submit("right")
    shown = session.judge.presentations[-1]
    assert shown is not None and shown.givens and session.judge.draws == [shown.seed]


def test_undo_shows_the_card_again_as_it_was(session: Session, clock: FakeClock):
    first = session.next_card()
    session.submit("right")
    session.rate(Rating.GOOD)
    clock.advance(seconds=5)
    session.next_card()
    drawn = session.draw()
    session.submit("right")
    session.rate(Rating.AGAIN)

    session.undo()
    again = session.current
    assert again is not None and again.presentation == drawn.presentation
    assert session.judge.draws == [drawn.presentation.seed]  # not drawn anew
    session.undo()
    again = session.current
    assert again is not None and again.presentation == first.presentation


def test_each_review_draws_its_own_order_and_seed(session: Session, clock: FakeClock):
    orders, seeds = set(), set()
    for _ in range(6):
        drill = Practice.of_deck(session, "shown")
        while (study := drill.next_card()) is not None:
            if study.presentation.order:
                orders.add(study.presentation.order)
            else:
                seeds.add(drill.draw().presentation.seed)
            drill.submit("right")
            drill.rate(Rating.GOOD)
            clock.advance(minutes=1)
    assert len(orders) > 1 and len(seeds) > 1


def test_a_drill_undone_shows_the_card_as_it_was(session: Session):
    drill = Practice.of_deck(session, "shown")
    first = drill.next_card()
    assert first is not None
    drill.submit("right")
    drill.rate(Rating.GOOD)
    drill.undo()
    assert drill.current is not None and drill.current.presentation == first.presentation


def test_an_older_review_without_a_presentation_undoes_plainly(session: Session):
    session.next_card()
    session.submit("right")
    session.rate(Rating.GOOD)
    session.store.db.execute("UPDATE reviews SET presentation = NULL")
    undone = session.undo()
    assert undone is not None and undone.presentation == Presentation()
    current = session.current
    assert current is not None and sorted(current.presentation.order) == [0, 1, 2, 3, 4]


# -- the presentation itself ---------------------------------------------------------------


PINNED = """\
deck: pinned
title: Pinned
cards:
  - id: pinned
    kind: choice
    prompt: Which?
    options: [a, b, c, d, none of them, all of the above]
    answer: b
    pin: [all of the above]
  - id: kept
    kind: choice
    prompt: Which?
    options: [a, b, c, d]
    answer: b
    shuffle: false
  - id: numbers
    kind: choice
    prompt: How many?
    options: [one, "2", three, four]
    answer: "2"
"""


@pytest.fixture
def pinned(decks_dir: Path) -> Deck:
    path = decks_dir / "pinned.yaml"
    path.write_text(PINNED, encoding="utf-8")
    return load(path)[0]


def test_a_pinned_option_keeps_its_place_and_the_rest_are_shuffled(pinned: Deck):
    card = pinned.cards[0]
    assert isinstance(card, ChoiceCard)
    orders = {shuffled_order(card, random.Random(seed)) for seed in range(40)}
    assert all(order[5] == 5 for order in orders)
    assert len(orders) > 10


def test_shuffle_false_keeps_the_file_order(pinned: Deck):
    card = pinned.cards[1]
    assert isinstance(card, ChoiceCard)
    assert {present(card, random.Random(seed)).order for seed in range(20)} == {(0, 1, 2, 3)}


def test_an_option_that_reads_as_a_number_keeps_its_number(pinned: Deck):
    card = pinned.cards[2]
    assert isinstance(card, ChoiceCard)
    orders = {shuffled_order(card, random.Random(seed)) for seed in range(40)}
    assert all(order[1] == 1 for order in orders) and len(orders) > 1


def test_a_presentation_survives_its_json():
    shown = Presentation(seed=7, givens=(("x", "tensor([1, 2])"),), order=())
    assert Presentation.from_json(shown.to_json()) == shown
    assert Presentation.from_json(Presentation(order=(2, 0, 1)).to_json()).order == (2, 0, 1)
    assert Presentation().to_json() is None and Presentation.from_json(None) == Presentation()
