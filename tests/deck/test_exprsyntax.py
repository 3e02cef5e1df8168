"""The static rules shared by decks and the sandbox: programs, their messages, how an
answer's lines are read, and full-width text read as ASCII (issue 15)."""

from __future__ import annotations

import pytest

from quiz.deck.exprsyntax import expression_problem, read_lines, syntax_message
from quiz.deck.halfwidth import to_halfwidth

ALLOWED = "a few lines may assign (y = ...), update (y += ...) or call (loss.backward())"


@pytest.mark.parametrize(
    "source",
    [
        "x.sum()",
        "y = (x ** 3).sum()\ntorch.autograd.grad(y, x)[0]",
        "loss = (x ** 2).sum(); loss.backward(); x.grad",
        "a, b = x.chunk(2)\na + b",
        "y = x.clone()\ny[y < 0] = 0\ny",
        "t = 0\nt += x.sum()\nt",
        "  y = x\n  y",  # pasted with a common indent
        "y = x\r\ny",  # Windows line ends
        "sum(p.numel() for p in m.parameters())",
        "[r.sum() for r in m]",
        "with torch.no_grad():\n    y = x * 2\ny",
        "with torch.no_grad():\n    with torch.enable_grad():\n        y = x * 2\ny",
        "with torch.inference_mode():\n    y = x * 2\ny",
    ],
)
def test_programs_and_comprehensions_are_expressions_a_deck_may_hold(source: str):
    assert expression_problem(source) is None


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("import os\nos", "import statements are not allowed; before the last line"),
        ("del x\nx", "del statements are not allowed"),
        ("global x\nx", "global statements are not allowed"),
        ("with a:\n    b\nx", "with blocks are allowed only for torch's grad modes"),
        ("with torch.no_grad() as g:\n    b\nx", "with no arguments and no 'as'"),
        ("with torch.inference_mode(False):\n    b\nx", "with no arguments and no 'as'"),
        ("with torch.no_grad(), torch.enable_grad():\n    b\nx", "torch's grad modes"),
        ("with torch.autocast('cpu'):\n    b\nx", "torch's grad modes"),
        ("with torch.no_grad():\n    import os\nx", "import statements are not allowed"),
        ("with torch.no_grad():\n    y = x", "the last line must be an expression"),
        ("with torch.no_grad():\n" + "    y = 1\n" * 12 + "y", "at most 12 lines"),
        ("try:\n    x\nexcept:\n    x\nx", "try blocks are not allowed"),
        ("if x:\n    y = 1\ny", "an expression may choose: a if condition else b"),
        ("for i in x:\n    i\nx", "use a comprehension"),
        ("def f():\n    pass\nx", "def is not allowed"),
        ("return x", "return is not allowed (the last line is the result)"),
        ("x.grad = None\nx", "attributes cannot be assigned (.grad = ...)"),
        ("torch.pi += 1\nx", "attributes cannot be assigned (.pi = ...)"),
        ("a, x.grad = 1, 2\na", "attributes cannot be assigned"),
        ("*a, b = x\nb", "starred assignment"),
        ("y: int = 1\ny", "annotated assignments"),
        ("y = 1\n" * 13 + "y", "at most 12 lines"),
        ("y = x.sum()", "the last line must be an expression"),
        ("x.sum() = 3\nx", "cannot assign to function call: only names (y = ...)"),
        ("x + 1 = 3\nx", "cannot assign to expression: only names"),
        ("if x = 3: pass", "'=' assigns only at the start of a line (y = ...)"),
        ("f(x.y=1)", "a keyword argument is a name and a value"),
        ("f() += 1\nx", "only names (y += ...) and tensor elements can be"),
        ("f(a=1, a=2)", "keyword argument repeated"),
        ("x\r+1", "a carriage return (U+000D) is not a line break here"),
    ],
)
def test_refused_statements_say_what_is_allowed(source: str, words: str):
    problem = expression_problem(source)
    assert problem is not None
    assert words in problem.message, problem.message
    assert "Maybe you meant" not in problem.message
    assert "perhaps you meant" not in problem.message
    if "statements are not allowed" in problem.message:
        assert ALLOWED in problem.message


def test_syntax_messages_lose_the_hint_that_an_assignment_was_a_comparison():
    message = "cannot assign to function call here. Maybe you meant '==' instead of '='?"
    assert syntax_message(message) == (
        "cannot assign to function call: only names (y = ...) and tensor elements "
        "(y[0] = ...) can be assigned"
    )
    assert syntax_message("'(' was never closed") == "'(' was never closed"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("x.sum()", "x.sum()"),
        ("x @ W.T\n+ b", "(x @ W.T\n+ b\n)"),  # one expression over two lines
        ("x\n\n  .sum()", "(x\n  .sum()\n)"),
        ("y = x\ny", "y = x\ny"),
        ("y = x\n\ny\n", "y = x\ny"),
        ("loss.backward()\nx.grad", "loss.backward()\nx.grad"),
        ("y = x\n    y.sum()", "y = x\ny.sum()"),  # a paste whose first line lost its indent
        # a grad-mode block keeps its body's indent
        ("with torch.no_grad():\n    y = x\ny", "with torch.no_grad():\n    y = x\ny"),
    ],
)
def test_an_answers_lines_are_read_as_meant(typed: str, read: str):
    assert read_lines(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("[3，-4]", "[3,-4]"),
        ("（2，3）", "(2,3)"),
        ("［０．５；１］", "[0.5;1]"),
        ("：－＋＊／＝", ":-+*/="),
        ("１２３４５６７８９０", "1234567890"),
        ("【1、2】", "[1,2]"),
        ("0。5", "0.5"),
        ("x\u3000+\u30001", "x + 1"),
        ("“a” ‘b’", "\"a\" 'b'"),
        ("\u22121", "-1"),
        ("梯度（x）", "梯度(x)"),  # other text is kept
    ],
)
def test_full_width_text_is_read_as_ascii(typed: str, read: str):
    assert to_halfwidth(typed) == read
    assert len(to_halfwidth(typed)) == len(typed)  # one for one: offsets stay true
