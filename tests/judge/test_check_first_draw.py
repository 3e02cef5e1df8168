"""``check`` asks a reject example's first draw alone: most wrong answers fail there, and
then no other draw is looked at. The verdicts are those of the whole run."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from quiz.judge.judge import CHECK_DRAWS, Judge, Seeds
from quiz.sandbox.protocol import Edge, Run

DECK = """
deck: first-draw
title: The first draw first
cards:
  - id: relu-grad
    kind: code
    prompt: The derivative of ReLU at x.
    given: {x: "torch.randn(4)"}
    solution: (x > 0).float()
"""


class Counting:
    """The session's worker, counting the draws each answer's run asks for."""

    def __init__(self, runner: object) -> None:
        self.runner = runner
        self.time_limit = runner.time_limit  # type: ignore[attr-defined]
        self.asked: list[int] = []

    def run(
        self,
        givens: Sequence[tuple[str, str]],
        exprs: Sequence[str],
        seeds: Sequence[int] = (0,),
        *,
        show: Collection[int] | None = None,
        edges: Sequence[Edge] = (),
        show_givens: bool = True,
    ) -> Run:
        self.asked.append(len(seeds) + len(edges))
        return self.runner.run(  # type: ignore[attr-defined]
            givens, exprs, seeds, show=show, edges=edges, show_givens=show_givens
        )


def test_a_wrong_first_draw_is_judged_on_that_draw_alone(make_deck, sandbox):
    deck = make_deck(DECK)
    (card,) = deck.cards
    runner = Counting(sandbox)
    judge = Judge(runner, seeds=Seeds.CHECK)
    judge.reference(deck, card)
    runner.asked.clear()
    verdict = judge.judge(deck, card, "x")
    assert not verdict.correct and runner.asked == [1]
    assert verdict.details and f"on draw 1 of {CHECK_DRAWS}," in verdict.details[0]
    runner.asked.clear()
    assert judge.judge(deck, card, "torch.ones(4)").summary.startswith("compute the result")
    assert runner.asked == [1]


def test_an_answer_wrong_only_on_an_edge_draw_is_run_on_every_draw(make_deck, sandbox):
    deck = make_deck(DECK)
    (card,) = deck.cards
    runner = Counting(sandbox)
    judge = Judge(runner, seeds=Seeds.CHECK)
    judge.reference(deck, card)
    runner.asked.clear()
    verdict = judge.judge(deck, card, "(x >= 0).float()")
    assert verdict.summary == "differs at [0]: expected 0.0, got 1.0"
    assert runner.asked[0] == 1 and runner.asked[1] > CHECK_DRAWS
    runner.asked.clear()
    right = judge.judge(deck, card, "torch.heaviside(x, torch.tensor(0.0))")
    assert right.correct and runner.asked[0] == 1 and runner.asked[1] > CHECK_DRAWS
