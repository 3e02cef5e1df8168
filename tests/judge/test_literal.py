"""Reading learners' answers as literals: the forms torch prints, and hostile text."""

from __future__ import annotations

import math

import pytest

from quiz.judge.literal import MAX_ANSWER_CHARS, LiteralError, parse_answer, to_tensor
from quiz.sandbox.values import (
    Dtype,
    Kind,
    NoneValue,
    Raised,
    Scalar,
    Sequence,
    Size,
    Tensor,
    TextValue,
)


def test_torch_reprs_read_as_tensors():
    value = parse_answer("tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64)")
    assert isinstance(value, Tensor)
    assert value.shape == (2, 2)
    assert value.dtype == "float64"
    assert [x.value for x in value.flat] == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("[1, 2]", Kind.INTEGER),
        ("[1., 2]", Kind.FLOAT),
        ("[True, False]", Kind.BOOL),
        ("[True, 2]", Kind.INTEGER),
        ("[1+2j]", Kind.COMPLEX),
        ("[]", Kind.FLOAT),
        ("tensor([1, 2], dtype=torch.float16)", Kind.FLOAT),
    ],
)
def test_literal_kind_follows_torch(text: str, kind: Kind):
    tensor = to_tensor(parse_answer(text))
    assert tensor is not None
    assert tensor.kind is kind


def test_typed_precision_is_remembered():
    assert parse_answer("0.73") == Scalar(0.73, 0.005, 2)
    assert parse_answer("1.0000e-03") == Scalar(0.001, 0.5e-7, 5)
    assert parse_answer("-2.5").value == -2.5  # type: ignore[union-attr]


def test_other_forms():
    assert parse_answer("torch.Size([2, 3])") == Size((2, 3))
    assert parse_answer("torch.Size([])") == Size(())
    assert parse_answer("torch.int32") == Dtype("int32")
    assert parse_answer("torch.long") == Dtype("int64")
    assert parse_answer("RuntimeError") == Raised("RuntimeError")
    assert parse_answer("torch.linalg.LinAlgError") == Raised("LinAlgError")
    assert parse_answer("None") == NoneValue()
    assert parse_answer("'ij,jk->ik'") == TextValue("ij,jk->ik")
    assert math.isnan(parse_answer("nan").value)  # type: ignore[union-attr]
    assert parse_answer("-inf") == Scalar(-math.inf)
    assert parse_answer("1, 2") == Sequence((Scalar(1), Scalar(2)))
    assert parse_answer("(5)") == Scalar(5)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x.clamp(2, 5)", "is code"),
        ("torch.ones(3)", "is code"),
        ("x + 1", "looks like code"),
        ("3 * 2", "looks like code"),
        ("a = 1", "looks like code"),
        ("x", "is a name"),
        ("[1, 2", "not closed"),
        ("tensor([1, 2], foo=3)", "no 'foo='"),
        ("tensor([1], [2])", "holds one value"),
        ("tensor([[1], [2, 3]])", "equal lengths"),
        ("torch.Size([2.5])", "whole numbers"),
        ("[1, ..., 9]", "'...'"),
        ("1; 2", "one value"),
        ("- foo", "expected a number"),
        ("   ", "type the value"),
        ("# just a comment", "type the value"),
        ("$", "unexpected"),
    ],
)
def test_unreadable_answers_say_what_to_type(text: str, words: str):
    with pytest.raises(LiteralError, match=None) as caught:
        parse_answer(text)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5_000,
        "[" * 40 + "1" + "]" * 40,
        "(" * 10_000 + ")" * 10_000,
        "-" * 15_000 + "1",
        "+0" * 9_000,
        "1," * 9_000,
        "9" * 15_000,
        "tensor(" * 3_000,
        "\x00",
        "\x1b[2J[1, 2]",
        "[1, 2]" * 4_000,
        "x" * (MAX_ANSWER_CHARS + 1),
        "'" + "a" * 100,
        "\u202e[1, 2]",
        "ｔｏｒｃｈ.ｏｓ",
    ],
    ids=lambda text: f"{text[:12]!r}x{len(text)}",
)
def test_hostile_text_is_refused_quickly_and_cleanly(text: str):
    try:
        value = parse_answer(text)
    except LiteralError as error:
        assert "\n" not in str(error)
    else:  # a few are legitimately values (a long number, a long flat list): just values
        assert isinstance(value, Scalar | Sequence)
