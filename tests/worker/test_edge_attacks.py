"""Attacks on the edge draws, the sandbox's new capability: a deck's edge cases and
scales, and hand-made requests, must get nothing past the evaluator and its limits.

An author's edge case is expressions like any given, through the same evaluator; a
remade given is our code on a value the evaluator made. A request can only replace
givens it lists, never torch, F, nn or math, and bad edges are bad requests.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from quiz.judge.judge import finite
from quiz.judge.verdict import Outcome
from quiz.sandbox.protocol import REQUEST_SECONDS, Edge, EdgeKind, evaluations


def serve(monkeypatch: pytest.MonkeyPatch, *requests: dict[str, Any]) -> list[dict[str, Any]]:
    """The worker's replies to ``requests``, served in this process (no rlimits set)."""
    import quiz.worker.server as server

    monkeypatch.setattr(server.resource, "setrlimit", lambda which, limit: None)
    lines = "".join(json.dumps(request) + "\n" for request in requests).encode()
    out = io.StringIO()
    server.serve(io.BytesIO(lines), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def run(**fields: Any) -> dict[str, Any]:
    return {"op": "run", "id": 1, "seeds": [0], "time_limit": 2.0, **fields}


@pytest.mark.parametrize(
    "edge",
    [
        {"kind": "scale", "factor": float("nan")},
        {"kind": "scale", "factor": float("inf")},
        {"kind": "explode"},
        {"kind": "given", "givens": "x"},
        {"factor": 2},
        "zeros",
    ],
)
def test_a_bad_edge_is_a_bad_request(monkeypatch, edge):
    request = run(givens=[["x", "torch.randn(2)"]], exprs=["x"], edges=[edge])
    (reply,) = serve(monkeypatch, request)
    assert reply["id"] == 1
    assert reply["error"].startswith("bad request"), reply


def test_an_edge_case_cannot_replace_the_modules_or_add_names(monkeypatch):
    edge = {"kind": "given", "number": 1, "givens": [
        ["torch", "None"], ["F", "None"], ["math", "None"], ["secret", "torch.ones(1)"],
    ]}  # fmt: skip
    request = run(givens=[["x", "torch.tensor([1.])"]], exprs=["torch.ones(1) + x"], edges=[edge])
    (reply,) = serve(monkeypatch, request)
    first, edged = reply["trials"]
    assert edged["results"][0]["repr"] == first["results"][0]["repr"] == "tensor([2.])"
    request = run(givens=[["x", "torch.tensor([1.])"]], exprs=["secret"], edges=[edge])
    (reply,) = serve(monkeypatch, request)
    assert all(trial["results"][0]["status"] == "refused" for trial in reply["trials"])


@pytest.mark.parametrize(
    "hostile",
    [
        "torch.os.system('id')",
        "().__class__.__bases__[0].__subclasses__()",
        "__import__('os')",
        "open('/etc/passwd').read()",
        "torch.load('x')",
        "torch.zeros(10 ** 10)",
        "torch.sparse_coo_tensor(torch.tensor([[0]]), torch.tensor([1.]), (1,))",
    ],
)
def test_a_hostile_edge_case_is_refused_and_the_other_edges_still_run(monkeypatch, hostile):
    edges = [
        {"kind": "given", "number": 1, "givens": [["x", hostile]]},
        {"kind": "given", "number": 2, "givens": [["x", "torch.tensor([5.])"]]},
    ]
    request = run(givens=[["x", "torch.tensor([1.])"]], exprs=["x * 2"], edges=edges)
    (reply,) = serve(monkeypatch, request)
    _, failed, fine = reply["trials"]
    assert failed["given_failure"]["status"] in ("refused", "limit"), failed
    assert fine["results"][0]["repr"] == "tensor([10.])"


def test_edge_draws_count_in_the_cpu_budget_and_its_cap(monkeypatch):
    import resource

    import quiz.worker.server as server

    limits: list[int] = []
    monkeypatch.setattr(server.resource, "setrlimit", lambda which, limit: limits.append(limit[0]))
    edges = [{"kind": "given", "number": n, "givens": [["x", "torch.ones(2)"]]} for n in range(3)]
    request = run(givens=[["x", "torch.randn(2)"]], exprs=["x.sum()"], time_limit=0.5, edges=edges)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    server.handle(request)
    (soft,) = limits
    spent = usage.ru_utime + usage.ru_stime
    assert soft - spent >= 2 * 0.5 * evaluations(1, 1, 1 + 3)
    limits.clear()
    many = [{"kind": "scale", "factor": float(n + 2)} for n in range(200)]
    server.handle(run(givens=[["x", "torch.randn(2)"]], exprs=["x"], time_limit=30, edges=many))
    (soft,) = limits
    assert soft - (usage.ru_utime + usage.ru_stime) <= 2 * REQUEST_SECONDS + 4


def test_givens_that_are_not_dense_tensors_are_not_remade(sandbox):
    edges = [Edge(kind) for kind in EdgeKind if kind not in (EdgeKind.GIVEN, EdgeKind.SCALE)]
    for given in ("(torch.randn(2), torch.randn(2))", "nn.Linear(2, 2)", "torch.randn(0, 3)"):
        reply = sandbox.run([("g", given), ("r", "torch.rand(1)")], ["g"], (0,), edges=edges)
        assert reply.random, given  # r drew random numbers, g is left as it is
        assert all(trial.givens["g"] == reply.drawn[0].givens["g"] for trial in reply.edged)


def test_complex_and_half_givens_are_remade_in_their_dtype(sandbox):
    edges = [Edge(kind) for kind in EdgeKind if kind is not EdgeKind.GIVEN]
    for given, dtype in (
        ("torch.randn(3, dtype=torch.cfloat)", "torch.complex64"),
        ("torch.randn(3).half()", "torch.float16"),
        ("torch.randint(-5, 5, (3,), dtype=torch.int8)", "torch.int8"),
    ):
        reply = sandbox.run([("g", given)], ["g.dtype"], (0,), edges=edges)
        assert reply.edged, given
        assert {trial.results[0].printed for trial in reply.trials} == {dtype}


def test_a_huge_scale_gives_infinities_and_that_draw_is_left_out(make_deck, judge):
    deck = make_deck(
        """
deck: d
title: T
cards:
  - id: double
    kind: code
    prompt: Double `x`.
    given: {x: "torch.randn(4)"}
    solution: x * 2
    scale: [1.0e+308]
"""
    )
    card = deck.cards[0]
    reference = judge.reference(deck, card)
    scaled = [t for t in reference.edged if t.edge and t.edge.kind is EdgeKind.SCALE]
    value = scaled[0].results[0].value if scaled else None
    assert value is not None and not finite(value)
    verdict = judge.judge(deck, card, "x + x")
    assert verdict.outcome is Outcome.RIGHT
    assert verdict.summary.endswith("and 5 edge draws")  # the scaled one is left out
