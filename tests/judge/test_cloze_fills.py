"""A cloze fill is one piece of an expression, in its place (issue 13, finding 8).

``torch.____(x, 2, 5)`` filled with ``tensor([2, 5, 3]) #`` became a bare value, the
rest of the template a comment, and was graded right. A fill may not hold a comment, a
new line or any other control character; a quote in it may not run on past it, and a
bracket in it may not close one the template opened. A fill that keeps to its place
but adds operators is judged by running the whole template, on every draw.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.deck.fills import RULE, fill_problem
from quiz.judge.verdict import Outcome

runner = CliRunner()

CLAMP = "torch.____(x, 2, 5)"
ARGUMENT = "torch.clamp(____, 2, 5)"
EINSUM = "torch.einsum('____', x)"


@pytest.mark.parametrize(
    ("template", "fill", "words"),
    [
        (CLAMP, "tensor([2, 5, 3]) #", "it holds a # comment"),
        (CLAMP, "clamp #", "it holds a # comment"),
        (CLAMP, "tensor([2, 5, 3])#(", "it holds a # comment"),
        (ARGUMENT, "x #", "it holds a # comment"),  # the comment leaves a bracket open
        ("(\n  torch.____(x, 2, 5)\n)", "tensor([2, 5, 3]) #", "it holds a # comment"),
        ("(\r\n  torch.____(x, 2, 5)\r\n)", "tensor([2, 5, 3]) #", "it holds a # comment"),
        (CLAMP, "clamp\n", "U+000A"),
        (CLAMP, "tensor([2, 5, 3])\nor", "U+000A"),
        (CLAMP, "clamp\r", "U+000D"),
        (CLAMP, "clamp\f", "U+000C"),
        (CLAMP, "clamp\v", "U+000B"),
        (CLAMP, "clamp\t", "U+0009"),
        (CLAMP, "clamp\x85", "U+0085"),
        (CLAMP, "clamp\u2028", "U+2028"),
        (CLAMP, "clamp\u2029", "U+2029"),
        (CLAMP, "clamp\u200b", "U+200B"),
        (CLAMP, "clamp\x00", "U+0000"),
        (ARGUMENT, "x, 2, 5) + (0", "it closes a bracket it did not open"),
        (ARGUMENT, "x, 2, 5) if 0 else torch.tensor([2, 5, 3]) + (0", "closes a bracket"),
        (ARGUMENT, "x, 2, 5][0:3] + [0", "closes a bracket"),
        (ARGUMENT, "x)", "closes a bracket"),
        (EINSUM, "i', x) + ('", "a quote in it runs on past the fill"),
        ("x.to(____'cpu')", "f", "a quote in it runs on past the fill"),  # an f-string
        ("x.sum()  # ____", "dim", "the blank is inside a comment"),
    ],
)
def test_a_fill_that_escapes_its_place_is_refused(template: str, fill: str, words: str):
    problem = fill_problem(template, fill)
    assert problem is not None and words in problem
    assert problem.startswith(RULE) or "the blank" in problem


@pytest.mark.parametrize(
    ("template", "fill"),
    [
        (CLAMP, "clamp"),
        (CLAMP, "clip"),
        (CLAMP, "clamp(x, 0, 1) + torch.zeros"),  # in its place: judged by running it
        (ARGUMENT, "x"),
        (ARGUMENT, "x.flip(0).flip(0)"),
        ("torch.clamp(x, ____)", "2, 5"),
        ("torch.clamp(x, ____)", "min=2, max=5"),
        (EINSUM, "i->"),
        (EINSUM, "i#"),  # inside a string, '#' is text
        ("x.to('____')", "cpu"),
        ("torch.cl____(x, 2, 5)", "amp"),  # a fill may finish a name
        ("x.sum(____)", "dim=0"),
    ],
)
def test_a_fill_in_its_place_is_accepted(template: str, fill: str):
    assert fill_problem(template, fill) is None


UNPARSABLE = [
    (CLAMP, "clamp("),
    (CLAMP, "clamp \\"),
    (CLAMP, "tensor([2, 5, 3]) if 1 else '"),
    (CLAMP, 'tensor([2, 5, 3]) if 1 else """'),
]


@pytest.mark.parametrize(("template", "fill"), UNPARSABLE)
def test_a_fill_that_leaves_the_template_unparsable_is_left_to_the_parser(template, fill):
    """Open brackets and quotes, a backslash, ';': the filled template is no expression."""
    assert fill_problem(template, fill) is None
    with pytest.raises(SyntaxError):
        compile(template.replace("____", fill), "<fill>", "eval")


# ---------------------------------------------------------------- the judge

DECK = """\
deck: cloze-fills
title: Cloze fills
cards:
  - id: clamp
    kind: cloze
    prompt: Keep every element in [2, 5].
    given: {x: "torch.tensor([1, 7, 3])"}
    template: torch.____(x, 2, 5)
    solution: clamp
  - id: argument
    kind: cloze
    prompt: Clamp x.
    given: {x: "torch.tensor([1, 7, 3])"}
    template: torch.clamp(____, 2, 5)
    solution: x
  - id: random
    kind: cloze
    prompt: Keep every element in [-0.5, 0.5].
    given: {x: "torch.randn(4)"}
    template: torch.____(x, -0.5, 0.5)
    solution: clamp
"""


@pytest.fixture
def deck(make_deck):
    return make_deck(DECK)


@pytest.mark.parametrize(
    ("card_id", "fill"),
    [
        ("clamp", "tensor([2, 5, 3]) #"),  # the issue's example
        ("clamp", "tensor([2, 5, 3])#"),
        ("clamp", "tensor([2, 5, 3]) # clamp"),
        ("clamp", "tensor([2, 5, 3])\r#"),
        # inside the fill (the judge strips the ends, as a learner's stray new line)
        ("clamp", "tensor([2, 5, 3])\f or clamp"),
        ("clamp", "tensor([2, 5, 3]) if 1 else\u2028clamp"),
        ("argument", "x, 2, 5) if 0 else torch.tensor([2, 5, 3]) + (0"),
        ("argument", "torch.tensor([2, 5, 3])) + (0"),
    ],
)
def test_the_judge_refuses_an_escaping_fill_with_the_rule(deck, judge, card_id: str, fill: str):
    verdict = judge.judge(deck, deck.card(card_id), fill)
    assert verdict.outcome is Outcome.INVALID, verdict
    assert verdict.summary.startswith(RULE)


@pytest.mark.parametrize(
    "fill",
    ["clamp(", "clamp \\", "tensor([2, 5, 3]) if 1 else '", 'tensor([2, 5, 3]) if 1 else """'],
)
def test_a_fill_that_swallows_the_rest_is_not_an_expression(deck, judge, fill: str):
    verdict = judge.judge(deck, deck.card("clamp"), fill)
    assert verdict.outcome is Outcome.INVALID, verdict
    assert verdict.summary.startswith("your fill is not a Python expression")


def test_a_fill_with_a_semicolon_is_not_an_expression(deck, judge):
    verdict = judge.judge(deck, deck.card("clamp"), "clamp; 1")
    assert verdict.outcome is Outcome.INVALID
    assert verdict.summary.startswith(RULE) and "';'" in verdict.summary


def test_a_fill_in_its_place_is_judged_by_running_the_whole_template(deck, judge):
    assert judge.judge(deck, deck.card("clamp"), "clamp").outcome is Outcome.RIGHT
    wrong = judge.judge(deck, deck.card("clamp"), "clamp(x, 0, 1) + torch.zeros")
    assert wrong.outcome is Outcome.WRONG  # torch.zeros(x, 2, 5) raises
    # A value that is right for one draw of the givens is wrong on the others.
    fixed = judge.judge(
        deck, deck.card("random"), "tensor([0.5, 0.5, 0.5, 0.5]) if 1 else torch.clamp"
    )
    assert fixed.outcome is Outcome.WRONG


# ---------------------------------------------------------------- the command line


@pytest.mark.usefixtures("commands_share_the_sandbox")
def test_grade_refuses_the_issue_example(tmp_path: Path):
    path = tmp_path / "cloze.yaml"
    path.write_text(DECK, encoding="utf-8")
    result = runner.invoke(app, ["grade", str(path), "clamp", "tensor([2, 5, 3]) #"])
    assert result.exit_code == 2, result.output
    assert result.output == f"invalid: {RULE} (it holds a # comment)\n"
