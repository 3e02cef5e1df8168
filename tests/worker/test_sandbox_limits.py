"""Limits added after the security corpus: cheap refusals instead of costly kills, and sparse
tensors refused altogether."""

from __future__ import annotations

import pytest

from quiz.sandbox.protocol import Status
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
            "sparse tensors are not available",
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


def test_sparse_tensors_are_refused_whatever_their_indices(sandbox):
    """Checked indices were not enough (issue 13): a sparse tensor's indices() is a live
    alias that can be changed after the check. Valid or not, no sparse tensor is made."""
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
    assert [r.status for r in results] == [Status.REFUSED] * 3
    assert all("sparse tensors are not available" in r.message for r in results)


@pytest.mark.parametrize(
    "source",
    [
        "torch.cdist(torch.ones(3, 8).requires_grad_(), torch.zeros(3, 8)).grad_fn(torch.ones(0))",
        "max([torch.ones(0)], key=torch.ones(2, requires_grad=True).sum().grad_fn)",
        "torch.autograd.functional.vjp(torch.ones(2, requires_grad=True).sum().grad_fn,"
        " torch.ones(0))",
    ],
)
def test_autograd_nodes_are_never_called(source: str):
    with pytest.raises(Refused, match="grad_fn"):
        Evaluator({}).evaluate(source)


def test_a_grad_fn_can_be_looked_at_without_its_address(sandbox):
    result = sandbox.run([], ["torch.ones(2, requires_grad=True).sum().grad_fn"]).trials[0]
    assert result.results[0].status is Status.VALUE
    assert result.results[0].printed == "<SumBackward0 object>"


@pytest.mark.parametrize(
    "source",
    [
        "torch.empty(3, dtype=torch.bits16)",  # no kernel prints these dtypes
        "torch.empty(3, dtype=torch.uint1)",
        "math.prod([2] * 20000)",
        "[[1] * 1000] * 1000",
    ],
)
def test_a_value_that_cannot_be_shown_is_a_limit_not_an_exception(sandbox, source: str):
    for show in (None, ()):
        result = sandbox.run([], [source], show=show).trials[0].results[0]
        assert result.status is Status.LIMIT and result.limit == "size", result
