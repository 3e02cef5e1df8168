"""Limits added after the security corpus: cheap refusals instead of costly kills, and sparse
tensors whose indices are always checked."""

from __future__ import annotations

import pytest

from quiz.judge.protocol import Status
from quiz.worker.evaluator import Evaluator, Refused


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("round(1, -10 ** 9)", "round() takes at most"),
        ("math.factorial(10 ** 6)", "math.factorial() is limited"),
        ("math.comb(10 ** 6, 5000)", "math.comb() is limited"),
        ("sum([[0] * 10 ** 5] * 10 ** 5, [])", "sum() adds numbers and tensors"),
        (
            "torch.sparse_coo_tensor(torch.tensor([[0, 9]]), torch.ones(2), (2,),"
            " check_invariants=False)",
            "check_invariants",
        ),
    ],
)
def test_refused_before_costing_anything(source: str, words: str):
    with pytest.raises(Refused, match=None) as caught:
        Evaluator({}).evaluate(source)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("round(2.567, 2)", 2.57),
        ("math.factorial(5)", 120),
        ("sum([1, 2, 3])", 6),
        ("sum([torch.ones(2), torch.ones(2)]).tolist()", [2.0, 2.0]),
    ],
)
def test_the_legitimate_uses_still_work(source: str, value: object):
    assert Evaluator({}).evaluate(source) == value


def test_sparse_indices_out_of_range_are_an_error_not_a_memory_write(sandbox):
    results = (
        sandbox.run(
            [],
            [
                "torch.sparse_coo_tensor(torch.tensor([[0, 1000000]]), torch.ones(2), (2,))",
                "torch.sparse_csr_tensor(torch.tensor([0, 2]), torch.tensor([0, 5000000]),"
                " torch.ones(2), (1, 2)).to_dense()",
                "torch.sparse_coo_tensor(torch.tensor([[0, 1]]), torch.ones(2), (2,)).to_dense()",
            ],
        )
        .trials[0]
        .results
    )
    assert [r.status for r in results] == [Status.RAISED, Status.RAISED, Status.VALUE]
    assert "size is inconsistent with indices" in results[0].message
    assert results[2].printed == "tensor([1., 1.])"
