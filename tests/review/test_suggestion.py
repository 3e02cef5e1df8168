"""The rating suggested for a card on a (re)learning step follows what the learner just
showed: a quick right answer minutes after an Again suggests Good, never Easy.

A real judge grades a choice card (no sandbox needed); the session's clock does not
move while a card is shown, so every right answer is a fast one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from quiz.judge.judge import Judge
from quiz.judge.verdict import Rating
from quiz.review.cards import CardRef
from quiz.review.practice import Practice
from quiz.review.queue import Queue
from quiz.review.session import Session
from quiz.review.store import Store

from .conftest import QUIET, FakeClock, load

CHOICE_DECK = """\
deck: picks
title: Picks
cards:
  - id: pick
    kind: choice
    prompt: Which is right?
    options: [right, wrong]
    answer: right
    shuffle: false
"""


class NoSandbox:
    """A runner for a judge that must never need torch (choice cards)."""

    time_limit = 2.0

    def run(self, *args: object, **kwargs: object) -> Sequence[object]:
        raise AssertionError("a choice card was judged in the sandbox")


@pytest.fixture
def picks(tmp_path: Path, clock: FakeClock) -> Session:
    path = tmp_path / "picks.yaml"
    path.write_text(CHOICE_DECK, encoding="utf-8")
    store = Store.open(tmp_path / "p.sqlite3")
    store.save_settings(QUIET)
    return Session(store, load(path), Judge(NoSandbox()), clock=clock, tz=UTC)


def _answer_right(study: Session | Practice) -> Rating:
    shown = study.next_card()
    assert shown is not None
    return study.submit("right").suggested


def test_a_quick_right_answer_to_a_new_or_review_card_suggests_easy(
    picks: Session, clock: FakeClock
):
    assert _answer_right(picks) is Rating.EASY  # new
    picks.rate(Rating.EASY)
    clock.advance(days=30)
    assert _answer_right(picks) is Rating.EASY  # review


def test_a_minute_after_an_again_a_learning_card_suggests_good(picks: Session, clock: FakeClock):
    picks.next_card()
    picks.rate(Rating.AGAIN)  # a new card, failed: learning step 1 (1 minute)
    clock.advance(minutes=1)
    assert _answer_right(picks) is Rating.GOOD
    assert picks.rate(Rating.GOOD).after.due == clock.now + timedelta(minutes=10)  # next step
    clock.advance(minutes=10)
    assert _answer_right(picks) is Rating.GOOD


def test_after_a_lapse_a_relearning_card_suggests_good(picks: Session, clock: FakeClock):
    picks.next_card()
    picks.rate(Rating.EASY)
    clock.advance(days=30)
    picks.next_card()
    picks.rate(Rating.AGAIN)  # a lapse: relearning, 10 minutes
    clock.advance(minutes=10)
    shown = picks.next_card()
    assert shown is not None and shown.queue is Queue.LEARNING
    verdict = picks.submit("right")
    assert verdict.suggested is Rating.GOOD
    recorded = picks.rate(verdict.suggested)
    stored = picks.store.query("SELECT suggested FROM reviews WHERE id = ?", [recorded.review_id])
    assert [row["suggested"] for row in stored] == [int(Rating.GOOD)]


def test_a_drilled_card_repeated_after_an_again_suggests_good(picks: Session):
    drill = Practice(picks, [CardRef("picks", "pick")])
    assert _answer_right(drill) is Rating.EASY
    drill.rate(Rating.AGAIN)  # back at the end of the drill
    assert _answer_right(drill) is Rating.GOOD
