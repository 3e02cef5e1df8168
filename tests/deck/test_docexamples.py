"""A docstring's >>> examples read as givens, an expression and its print (no torch)."""

from __future__ import annotations

from quiz.deck.docexamples import (
    card_id,
    code_card,
    draws_random,
    examples,
    near_miss,
    output_card,
)

CLAMP = """\
Clamps all elements in :attr:`input` into the range [min, max].

Example::

    >>> a = torch.randn(4)
    >>> a
    tensor([-1.7120,  0.1734, -0.0478, -0.0922])
    >>> torch.clamp(a, min=-0.5, max=0.5)
    tensor([-0.5000,  0.1734, -0.0478, -0.0922])

    >>> min = torch.linspace(-1, 1, steps=4)
    >>> torch.clamp(a, min=min)
    tensor([-1.0000,  0.1734,  0.3333,  1.0000])
"""

NORM = """\
    >>> from torch import linalg as LA
    >>> a = torch.arange(9, dtype=torch.float) - 4
    >>> B = a.reshape((3, 3))
    >>> LA.norm(B)
    tensor(7.7460)
    >>> c = torch.tensor([[ 1., 2., 3.],
    ...                   [-1, 1, 4]])
    >>> LA.norm(c, dim=0)
    tensor([1.4142, 2.2361, 5.0000])
"""


def test_each_printing_expression_is_an_example_with_the_givens_it_uses():
    shown, clamp, with_min = examples(CLAMP)
    assert (shown.expr, shown.givens) == ("torch.randn(4)", ())  # ">>> a" shows a's value
    assert clamp.expr == "torch.clamp(a, min=-0.5, max=0.5)"
    assert clamp.givens == (("a", "torch.randn(4)"),)
    assert clamp.printed == "tensor([-0.5000,  0.1734, -0.0478, -0.0922])"
    assert with_min.givens == (("a", "torch.randn(4)"), ("min", "torch.linspace(-1, 1, steps=4)"))
    assert draws_random(shown) and not draws_random(clamp)


def test_imports_become_givens_and_givens_follow_what_they_use():
    norm_b, norm_c = examples(NORM)
    assert norm_b.expr == "LA.norm(B)"
    assert norm_b.givens == (
        ("LA", "torch.linalg"),
        ("a", "torch.arange(9, dtype=torch.float) - 4"),
        ("B", "a.reshape((3, 3))"),
    )
    assert norm_c.givens[-1][0] == "c" and "[-1, 1, 4]" in norm_c.givens[-1][1]
    assert norm_c.printed == "tensor([1.4142, 2.2361, 5.0000])"


def test_what_cannot_be_a_card_says_why():
    doc = """\
    >>> for i in range(2):
    ...     x = torch.ones(i)
    >>> x.sum()
    tensor(1.)
    >>> torch.empty(2)
    tensor([1.0e-30, 4.5e+12])
    >>> torch.ones(2)
    >>> import numpy as np
    >>> np.ones(2)
    array([1., 1.])
    >>> torch.ones(2) +
    tensor([2., 2.])
    """
    found = {example.source.splitlines()[0]: example.skip for example in examples(doc)}
    assert found == {
        "x.sum()": "'for i in range(2):' is not name = expression",
        "torch.empty(2)": "uninitialised memory",
        "torch.ones(2)": "prints nothing",
        "np.ones(2)": "'np' is imported from outside torch",
        "torch.ones(2) +": "not Python as written",
    }


def test_an_example_shown_raising_accepts_the_exception():
    doc = """\
    >>> torch.ones(2) @ torch.ones(3)
    Traceback (most recent call last):
      ...
    RuntimeError: inconsistent tensor size (2) and (3)
    """
    (example,) = examples(doc)
    assert example.raises == "RuntimeError"
    card = output_card(example, "matmul-1", "torch.matmul")
    assert card["accept"] == ["RuntimeError"] and "reject" not in card


def test_the_near_miss_is_one_off():
    assert near_miss("tensor([ 0,  1,  2])") == "tensor([ 1,  1,  2])"
    assert near_miss("tensor([-0.5000,  0.1734])") == "tensor([-1.5000,  0.1734])"
    assert near_miss("tensor(1.8570e-16, dtype=torch.float64)") == (
        "tensor(2.8570e-16, dtype=torch.float64)"
    )
    assert near_miss("tensor([True, False])") == "tensor([False, False])"
    assert near_miss("torch.Size([2, 3])") == "torch.Size([3, 3])"
    assert near_miss("torch.float32") is None


def test_cards_declare_exact_dtypes_carry_the_draft_tag_and_a_todo():
    _, clamp, _ = examples(CLAMP)
    card = output_card(clamp, card_id("torch.clamp", 2), "torch.clamp")
    assert list(card) == [
        "id",
        "kind",
        "prompt",
        "given",
        "expr",
        "dtype",
        "accept",
        "reject",
        "tags",
    ]
    assert card["id"] == "clamp-2" and card["dtype"] == "exact"
    assert card["accept"] == [clamp.printed]
    assert card["reject"] == ["tensor([-1.5000,  0.1734, -0.0478, -0.0922])"]
    assert "TODO" in card["prompt"]["en"] and "TODO" in card["prompt"]["zh"]
    assert card["tags"] == ["draft", "clamp"]
    code = code_card(clamp, "clamp-2", "torch.clamp")
    assert (code["kind"], code["solution"], code["dtype"]) == ("code", clamp.expr, "exact")
    assert card_id("torch.nn.functional.relu", 1) == "f-relu-1"
    assert card_id("torch.Tensor.clamp_", 3) == "tensor-clamp-3"


def test_a_tuple_assignment_gives_each_name_its_item():
    doc = """\
    >>> A = torch.tensor([[12., -51], [6, 167]])
    >>> Q, R = torch.linalg.qr(A)
    >>> R
    tensor([[ 13.4164, 145.1716], [  0.0000,  98.6154]])
    >>> a, b = 1, 2
    >>> a + b
    3
    >>> b, a = a, b
    >>> a
    2
    """
    qr, added, swapped = examples(doc)
    assert qr.expr == "torch.linalg.qr(A)[1]"
    assert qr.givens == (("A", "torch.tensor([[12., -51], [6, 167]])"),)
    assert added.givens == (("a", "(1, 2)[0]"), ("b", "(1, 2)[1]"))
    assert swapped.skip == "'a' is computed from names no given holds"
