"""``check`` on fresh cards: over many fixed draws, the answer follows from what is shown."""

from __future__ import annotations

import pytest

from quiz.judge.deckcheck import check_card
from quiz.judge.judge import Draws
from quiz.judge.presentation import Presentation

DECK = """\
deck: fresh
title: Fresh
cards:
  - id: good
    kind: output
    fresh: true
    given: {x: "torch.randint(0, 10, (4,))"}
    expr: x.clamp(2, 5)
  - id: not-random
    kind: output
    fresh: true
    given: {x: "torch.tensor([1, 2])"}
    expr: x + 1
  - id: draws-its-own
    kind: output
    fresh: true
    given: {x: "torch.randint(0, 10, (4,))"}
    expr: x + torch.randint(0, 2, (4,))
  - id: hidden-digits
    kind: output
    fresh: true
    given: {x: "torch.rand(3)"}
    expr: (x * 1000).floor()
  - id: too-long
    kind: output
    fresh: true
    given: {x: "torch.randint(0, 10, (40,))"}
    expr: x.sum()
  - id: grid
    kind: output
    fresh: true
    given: {x: "torch.randint(0, 10, (2, 3))", idx: "torch.randint(0, 3, (2, 2))"}
    expr: torch.gather(x, 1, idx)
  - id: sometimes-raises
    kind: output
    fresh: true
    given: {n: "torch.randint(0, 3, ()).item()"}
    expr: torch.arange(3)[n + 1]
  - id: fixed-random
    kind: output
    given: {x: "torch.randint(0, 10, (4,))"}
    expr: x.clamp(2, 5)
"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    from quiz.deck.loader import load_deck

    path = tmp_path_factory.mktemp("fresh") / "fresh.yaml"
    path.write_text(DECK, encoding="utf-8")
    loaded = load_deck(path)
    assert loaded.deck is not None, [str(d) for d in loaded.diagnostics]
    return loaded.deck


def problems(deck, judge, card_id: str) -> list[str]:
    return [d.message for d in check_card(deck, deck.card(card_id), judge)]


@pytest.mark.parametrize("card_id", ["good", "grid"])
def test_a_fair_fresh_card_passes(deck, judge, card_id: str):
    assert problems(deck, judge, card_id) == []


@pytest.mark.parametrize(
    ("card_id", "words"),
    [
        ("not-random", "the givens are not random"),
        ("draws-its-own", "the answer does not follow from the values shown"),
        ("hidden-digits", "the answer does not follow from the values shown"),
        ("too-long", "given 'x' prints as"),
    ],
)
def test_an_unfair_fresh_card_is_reported_at_its_fresh_key(deck, judge, card_id, words):
    found = check_card(deck, deck.card(card_id), judge)
    assert len(found) == 1 and words in found[0].message, found
    card = deck.card(card_id)
    assert (found[0].line, found[0].col) == (card.where("fresh").line, card.where("fresh").col)


def test_a_fresh_card_that_raises_on_some_draw_is_reported(deck, judge):
    assert "raises IndexError" in " ".join(problems(deck, judge, "sometimes-raises"))


def test_random_givens_without_fresh_are_still_refused(deck, judge):
    assert "changes with the random givens" in " ".join(problems(deck, judge, "fixed-random"))


def test_a_review_is_judged_on_its_draw_and_grade_on_the_fixed_one(deck, judge):
    card = deck.card("good")
    fixed = judge.reference(deck, card).trials[0].results[0].printed
    assert judge.judge(deck, card, fixed).correct  # no presentation: seed 0, as check
    seeds = [seed for seed in range(1, 40) if judge.reference(deck, card, Draws((seed,))).trials[0]
             .results[0].printed != fixed]  # fmt: skip
    shown = Presentation(seed=seeds[0], givens=judge.draw(deck, card, seeds[0]))
    assert shown.givens and shown.givens[0][0] == "x"
    drawn = judge.reference(deck, card, Draws((seeds[0],))).trials[0].results[0].printed
    assert judge.judge(deck, card, drawn, presentation=shown).correct
    assert not judge.judge(deck, card, fixed, presentation=shown).correct


def test_the_documented_examples_pass_check(tmp_path, judge):
    """docs/deck-format.md's examples of fresh values and option order run clean."""
    import re
    from pathlib import Path

    from quiz.deck.loader import load_deck

    doc = (Path(__file__).resolve().parents[2] / "docs" / "deck-format.md").read_text("utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "-examples" in b]
    assert len(blocks) == 2
    for index, block in enumerate(blocks):
        path = tmp_path / f"example{index}.yaml"
        path.write_text(block, encoding="utf-8")
        deck = load_deck(path).deck
        assert deck is not None
        assert [str(p) for c in deck.cards for p in check_card(deck, c, judge)] == []
