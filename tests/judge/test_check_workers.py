"""``check`` on two workers: each takes the next card, and the problems come back in the
cards' order, the same as on one worker."""

from __future__ import annotations

from quiz.judge.deckcheck import run_cards
from quiz.judge.judge import Judge

DECK = """
deck: shared
title: Two workers
cards:
""" + "".join(
    f"""
  - id: card-{n}
    kind: code
    prompt: Double x.
    given: {{x: "torch.randn({n + 2})"}}
    solution: x * 2
    accept: ["x + x"]
    reject: ["{"x * 2" if n % 2 else "x * 3"}"]
"""
    for n in range(8)
)


def test_two_workers_find_the_same_problems_in_the_same_order(make_deck, sandbox):
    deck = make_deck(DECK)
    alone = [str(problem) for problem in run_cards([deck], Judge(sandbox))]
    assert len(alone) == 4 and all("reject example 'x * 2'" in line for line in alone)
    seen: list[str] = []
    shared = run_cards(
        [deck], Judge(sandbox), on_card=lambda card: seen.append(card.id), helpers=[Judge(sandbox)]
    )
    assert [str(problem) for problem in shared] == alone
    assert sorted(seen) == sorted(card.id for card in deck.cards)
