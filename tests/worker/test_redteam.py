"""Red team (issue 13, second pass): holes found by attacking the sandbox on purpose.

The attacks themselves are in the corpus (``# ---- red team`` in ``test_security.py``);
these tests hold what the corpus harness cannot show: that a function handed to a call
is checked each time Python or torch calls it, while the calls that need one still work.
"""

from __future__ import annotations

import pytest
import torch

from quiz.worker.evaluator import Evaluator, Refused


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("max(['meta', 'meta'], key=torch.ones(1).to)", "only the CPU"),
        ("min(['cpu', 'meta'], key=torch.ones(1).to)", "only the CPU"),
        ("max([[10 ** 5, 10 ** 5]], key=torch.ones)", "elements; the limit"),
        ("max([10 ** 9], key=torch.ones(1).new)", "elements; the limit"),
        # assert_close hands its message to msg= when msg is callable: a string of its own
        ("torch.testing.assert_close(torch.ones(1), torch.zeros(1), msg=torch.ones(1).to)", "'%'"),
    ],
)
def test_a_function_handed_to_a_call_is_checked_when_it_is_called(source: str, reason: str):
    """max, min, jacobian and assert_close call what they are given, out of the
    evaluator's sight: each of those calls is checked like one written out."""
    with pytest.raises(Refused, match=reason):
        Evaluator({}).evaluate(source)


def test_what_a_handed_function_returns_is_checked_too():
    with pytest.raises(Refused, match="only the CPU"):
        Evaluator({"m": torch.ones(1)}).evaluate("max(['meta'], key=m.to)")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("max([torch.ones(1), torch.ones(2)], key=torch.sum).tolist()", [1.0, 1.0]),
        ("min([[1, 2], [3]], key=len)", [3]),
        (
            "torch.autograd.functional.jacobian(torch.exp, torch.zeros(2)).tolist()",
            [[1, 0], [0, 1]],
        ),
        ("torch.autograd.functional.hessian(torch.sum, torch.ones(2)).tolist()", [[0, 0], [0, 0]]),
        (
            "torch.autograd.functional.vjp(torch.exp, torch.zeros(2), torch.ones(2))[1].tolist()",
            [1, 1],
        ),
        ("nn.TransformerEncoderLayer(4, 2, 8, 0.0, F.gelu)(torch.ones(1, 2, 4)).shape", (1, 2, 4)),
    ],
)
def test_functions_handed_to_calls_still_work(source: str, expected):
    value = Evaluator({}).evaluate(source)
    assert (tuple(value) if isinstance(value, torch.Size) else value) == expected
