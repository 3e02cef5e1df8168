"""An answer Python would refuse to compile is a syntax problem, as in Python (issue 15, 6).

``x - x.mean(dim=____)`` filled with ``1, dim=0`` parses: the parser lets a repeated
keyword argument through and the compiler refuses it. The sandbox evaluates the parsed
tree, so the last ``dim`` won and the fill was graded right. Now the judge asks what
Python would say first, for cloze fills and code answers alike, and the learner reads
Python's own message.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.deck.exprsyntax import compile_problem
from quiz.judge.verdict import Outcome

runner = CliRunner()

DECK = """\
deck: compile-errors
title: What Python refuses
cards:
  - id: column-means
    kind: cloze
    prompt: Subtract the column means.
    given: {x: "torch.randn(5, 3)"}
    template: x - x.mean(dim=____)
    solution: "0"
  - id: keep-dim
    kind: cloze
    prompt: Keep the dimension.
    given: {x: "torch.ones(2, 3)"}
    template: x.sum(dim=1, ____=True)
    solution: keepdim
  - id: row-sums
    kind: code
    prompt: Sum each row of x.
    given: {x: "torch.randn(4, 3)"}
    solution: x.sum(dim=1)
"""


@pytest.fixture
def deck(make_deck):
    return make_deck(DECK)


@pytest.mark.parametrize(
    ("card_id", "answer", "name"),
    [
        ("column-means", "1, dim=0", "dim"),  # the last keyword would win: graded right
        ("column-means", "0, dim=0", "dim"),
        ("column-means", "0, keepdim=True, keepdim=False", "keepdim"),
        ("keep-dim", "keepdim=False, keepdim", "keepdim"),
        ("keep-dim", "dim", "dim"),
        ("row-sums", "x.sum(dim=0, dim=1)", "dim"),
        ("row-sums", "x.sum(dim=1, dim=1)", "dim"),  # even when both say the same
        ("row-sums", "torch.sum(x, dim=1, keepdim=False, keepdim=False)", "keepdim"),
    ],
)
def test_a_repeated_keyword_is_a_syntax_problem(deck, judge, card_id: str, answer: str, name):
    verdict = judge.judge(deck, deck.card(card_id), answer)
    assert verdict.outcome is Outcome.INVALID, verdict
    what = "your fill" if deck.card(card_id).kind.value == "cloze" else "your answer"
    assert (
        verdict.summary == f"{what} is not a Python expression: keyword argument repeated: {name}"
    )


@pytest.mark.parametrize(
    ("card_id", "answer"),
    [("column-means", "0"), ("column-means", "-2"), ("keep-dim", "keepdim"),
     ("row-sums", "x.sum(dim=1)"), ("row-sums", "torch.sum(x, dim=1, keepdim=False)")],
)  # fmt: skip
def test_the_same_keywords_once_each_are_judged_as_before(deck, judge, card_id, answer):
    assert judge.judge(deck, deck.card(card_id), answer).outcome is Outcome.RIGHT


@pytest.mark.usefixtures("commands_share_the_sandbox")
def test_grade_prints_pythons_message(tmp_path: Path):
    path = tmp_path / "deck.yaml"
    path.write_text(DECK, encoding="utf-8")
    result = runner.invoke(app, ["grade", str(path), "column-means", "1, dim=0"])
    assert result.exit_code == 2, result.output
    expected = "invalid: your fill is not a Python expression: keyword argument repeated: dim\n"
    assert result.output == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("f(x, dim=0, dim=1)", "keyword argument repeated: dim"),
        ("torch.ones(2, dtype=torch.int64, dtype=None)", "keyword argument repeated: dtype"),
        ("(yield)", "'yield' outside function"),
        ("f(a=1, *b, a=2)", "keyword argument repeated: a"),
        ("f(x,\n  dim=0,\n  dim=1)", "keyword argument repeated: dim"),
        ("y = f(x, dim=0, dim=1)\ny", "keyword argument repeated: dim"),  # lines: still Python's
    ],
)
def test_compile_problem_says_what_python_says(source: str, message: str):
    assert compile_problem(source) == message


@pytest.mark.parametrize(
    "source",
    [
        "f(x, dim=0)",
        "x +",  # the parser's errors stay the sandbox's, worded as they always were
        "x = 1",
        "1(2)",  # a SyntaxWarning, not an error
        "(" * 400 + "1" + ")" * 400,
        "+0" * 2001,  # over the length limit: refused before anything parses it
        "x\x00",
    ],
)
def test_compile_problem_leaves_everything_else_alone(source: str):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning Python would print is an error here
        assert compile_problem(source) is None
