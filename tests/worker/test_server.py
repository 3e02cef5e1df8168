"""The worker process and its client: a clean slate for every evaluation, and the protocol."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

import pytest

from quiz.sandbox.protocol import MAX_REQUEST_BYTES, Status

# Under xdist the module runs in one process, so that its raw worker exchange
# runs once, not once per process.
pytestmark = pytest.mark.xdist_group("raw-worker")


def test_the_worker_reports_torch_and_serves(sandbox):
    assert sandbox.ready
    assert sandbox.torch_version and sandbox.torch_version.startswith("2.")
    trial = sandbox.run([("x", "torch.tensor([1, 7, 3])")], ["x.clamp(2, 5)"]).trials[0]
    assert trial.results[0].printed == "tensor([2, 5, 3])"
    assert trial.givens == {"x": "tensor([1, 7, 3])"}


def test_in_place_changes_to_givens_do_not_reach_the_next_expression(sandbox):
    trial = sandbox.run([("x", "torch.tensor([1, 2])")], ["x.add_(10)", "x"]).trials[0]
    assert [r.printed for r in trial.results] == ["tensor([11, 12])", "tensor([1, 2])"]


def test_a_draw_of_givens_kept_for_later_requests_is_never_changed_by_one(sandbox):
    """The worker keeps a draw of the givens for the next request on the same seed: each
    evaluation still gets its own copy, with the autograd state and the random generator
    as building the givens left them."""
    givens = [("x", "torch.randn(3, requires_grad=True)"), ("n", "4")]
    changed = sandbox.run(givens, ["x.detach().mul_(0)", "(x ** 2).sum().backward()"], (7,))
    assert [r.status for r in changed.trials[0].results] == [Status.VALUE, Status.VALUE]
    exprs = ["x", "x.grad is None", "x.is_leaf", "torch.rand(2)", "n"]
    kept, again = (sandbox.run(givens, exprs, (7,)).trials[0] for _ in range(2))
    assert [r.printed for r in kept.results] == [r.printed for r in again.results]
    assert (
        kept.results[0].printed.startswith("tensor([")
        and "0., 0., 0." not in kept.results[0].printed
    )
    assert [r.printed for r in kept.results[1:3]] == ["True", "True"]
    (fresh,) = sandbox.run(
        [("x", "torch.randn(3, requires_grad=True)")], ["torch.rand(2)"], (7,)
    ).trials
    assert fresh.results[0].printed == kept.results[3].printed


def test_givens_that_share_their_data_are_built_again_for_every_evaluation(sandbox):
    """A given that is another (y = x) or a view of it (v = x[:1]) still sees its change."""
    x = ("x", "torch.tensor([1., 2.])")
    for givens, expr, shared in (
        ([x, ("y", "x")], "(y.add_(1), x)[1]", "tensor([2., 3.])"),
        ([x, ("v", "x[:1]")], "(x.add_(1), v)[1]", "tensor([2.])"),
    ):
        for _ in range(2):  # built, then perhaps kept
            trial = sandbox.run(givens, [expr, "x"], (0,)).trials[0]
            assert [r.printed for r in trial.results] == [shared, "tensor([1., 2.])"]


def test_values_can_be_printed_without_their_givens(sandbox):
    """A judge has the givens as printed from the reference's run on the same draws."""
    givens = [("x", "torch.tensor([1, 2])")]
    (trial,) = sandbox.run(givens, ["x * 2"], show_givens=False).trials
    assert trial.givens == {} and trial.results[0].printed == "tensor([2, 4])"
    (trial,) = sandbox.run(givens, ["x * 2"]).trials
    assert trial.givens == {"x": "tensor([1, 2])"}


def test_fixed_givens_run_once_and_random_ones_every_draw(sandbox):
    fixed = sandbox.run([("x", "torch.tensor([1, 2])")], ["x * 2"], range(5))
    assert not fixed.random and len(fixed.trials) == 1
    drawn = sandbox.run([("x", "torch.randn(3)")], ["x * 2"], range(5))
    assert drawn.random and len(drawn.trials) == 5
    assert len({t.results[0].printed for t in drawn.trials}) == 5


def test_a_seed_gives_the_same_draw_every_time(sandbox):
    runs = [sandbox.run([("x", "torch.randn(3)")], ["x"], (7,)) for _ in range(2)]
    assert runs[0].trials[0].results[0].printed == runs[1].trials[0].results[0].printed
    # and the expression itself sees the same random state after the givens
    twice = sandbox.run([("x", "torch.randn(2)")], ["torch.rand(2)", "torch.rand(2)"], (3,))
    first, second = twice.trials[0].results
    assert first.printed == second.printed


def test_global_state_is_reset_between_evaluations(sandbox):
    # the sandbox refuses set_* calls, so only what torch changes by itself could leak;
    # the worker resets default dtype, grad mode and print options before each one
    results = sandbox.run([], ["torch.get_default_dtype()", "torch.is_grad_enabled()"])
    assert [r.printed for r in results.trials[0].results] == ["torch.float32", "True"]


def test_a_failing_given_is_reported_by_name(sandbox):
    later = sandbox.run([("x", "torch.tensor([1, 2])"), ("y", "x[7]")], ["y"]).trials[0]
    assert later.given_failure is not None and later.given_failure[0] == "y"
    broken = sandbox.run([("x", "torch.ones(2, 3) @ torch.ones(2, 3)")], ["x"]).trials[0]
    assert broken.given_failure is not None
    name, result = broken.given_failure
    assert name == "x" and result.status is Status.RAISED and result.error_type == "RuntimeError"


def test_outcomes_are_told_apart(sandbox):
    results = (
        sandbox.run(
            [],
            [
                "torch.tensor([1.]) + 1",
                "torch.tensor([1, 2])[5]",
                "torch.os",
                "torch.ones(",
                "torch.zeros(1000, 1000)",
            ],
        )
        .trials[0]
        .results
    )
    assert [r.status for r in results] == [
        Status.VALUE,
        Status.RAISED,
        Status.REFUSED,
        Status.SYNTAX,
        Status.LIMIT,
    ]
    assert results[1].error_type == "IndexError" and "out of bounds" in results[1].message
    assert results[1].error_bases[:1] == ("IndexError",)
    assert results[4].limit == "size"


def test_a_kept_print_is_given_back_only_for_a_tensor_torch_prints_the_same(sandbox):
    """The worker keeps the printed text of plain tensors; values with the same bits but
    another dtype, shape, sign of zero or autograd state still print as torch prints them."""
    givens = [("x", "torch.tensor([1.0, 2.0])")]
    exprs = [
        "x", "x.requires_grad_()", "x * 1", "x.requires_grad_() * 1", "x.view(torch.int32)",
        "x.reshape(2, 1)", "x", "torch.zeros(2)", "-torch.zeros(2)", "torch.zeros(2)",
    ]  # fmt: skip
    for _ in range(2):  # the second time, every text is a kept one
        results = sandbox.run(givens, exprs).trials[0].results
        assert [result.printed for result in results] == [
            "tensor([1., 2.])",
            "tensor([1., 2.], requires_grad=True)",
            "tensor([1., 2.])",
            "tensor([1., 2.], grad_fn=<MulBackward0>)",
            "tensor([1065353216, 1073741824], dtype=torch.int32)",
            "tensor([[1.],\n        [2.]])",
            "tensor([1., 2.])",
            "tensor([0., 0.])",
            "tensor([-0., -0.])",
            "tensor([0., 0.])",
        ]


def test_warnings_are_captured_not_printed(sandbox):
    result = sandbox.run([], ["torch.tensor(torch.tensor([1.0]))"]).trials[0].results[0]
    assert result.status is Status.VALUE
    assert any("copy construct" in warning for warning in result.warnings)


def test_names_used_are_read_from_the_tree(sandbox):
    result = sandbox.run([("m", "torch.ones(2)")], ["torch.sum(m, dim=0)"]).trials[0].results[0]
    assert {"torch.sum", "m", ".sum", "torch"} <= result.names


# Request lines sent raw to one real worker, in this order, each named: what is not a
# request, then a line over the cap that carries a whole request past the cap.
PADDING = " " * (2 * MAX_REQUEST_BYTES + 10)  # two caps' worth, then a whole request
SMUGGLED = {"op": "run", "id": 1, "seeds": [0], "givens": [], "exprs": ["'smuggled'"]}
OVERSIZE = json.dumps({"op": "run", "id": 1, "pad": PADDING, "smuggled": 1})
OVERSIZE = OVERSIZE[: 2 * MAX_REQUEST_BYTES] + json.dumps(SMUGGLED)
RAW_LINES = {
    "not json": "not json",
    "unknown op": json.dumps({"op": "nope", "id": 1}),
    "good after bad": json.dumps(
        {"op": "run", "id": 2, "seeds": [0], "givens": [], "exprs": ["1 + 1"]}
    ),
    "over the cap": OVERSIZE,
    "good after the cap": json.dumps(
        {"op": "run", "id": 3, "seeds": [0], "givens": [], "exprs": ["2 + 2"]}
    ),
}


@dataclass(frozen=True)
class RawExchange:
    ready: dict
    replies: dict[str, dict]  # by the name of the line each answers
    returncode: int
    stderr: bytes


@pytest.fixture(scope="module")
def raw_exchange() -> RawExchange:
    """One real worker fed ``RAW_LINES`` and then the end of its input: what it said."""
    process = subprocess.Popen(
        [sys.executable, "-m", "quiz.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines = b"".join(line.encode() + b"\n" for line in RAW_LINES.values())
    out, err = process.communicate(lines, timeout=60)
    ready, *replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == len(RAW_LINES), replies  # one reply a line, never two
    return RawExchange(ready, dict(zip(RAW_LINES, replies, strict=True)), process.returncode, err)


def test_a_malformed_request_gets_an_error_and_the_worker_goes_on(raw_exchange: RawExchange):
    replies = raw_exchange.replies
    assert raw_exchange.ready["ready"] is True
    assert "bad request" in replies["not json"]["error"]
    assert "bad request" in replies["unknown op"]["error"]
    assert replies["good after bad"]["trials"][0]["results"][0]["repr"] == "2"
    assert raw_exchange.returncode == 0
    assert b"Traceback" not in raw_exchange.stderr


def test_the_cpu_budget_counts_the_givens_too(monkeypatch):
    """Every given may use its whole time limit: ten slow givens must not end the worker."""
    import resource

    import quiz.worker.server as server

    limits: list[int] = []
    monkeypatch.setattr(server.resource, "setrlimit", lambda which, limit: limits.append(limit[0]))
    givens = [[f"g{i}", "torch.ones(2)"] for i in range(10)]
    request = {
        "op": "run",
        "seeds": [0],
        "givens": givens,
        "exprs": ["g0.sum()"],
        "time_limit": 0.5,
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)
    server.handle(request)
    (soft,) = limits
    assert soft - (usage.ru_utime + usage.ru_stime) >= 2 * 0.5 * (1 + 10)


def test_the_cpu_budget_follows_the_cap_on_a_whole_run(monkeypatch):
    """Forty givens, fifty draws, a long time limit: the budget is still the run's cap."""
    import resource

    import quiz.worker.server as server
    from quiz.sandbox.protocol import REQUEST_SECONDS

    limits: list[int] = []
    monkeypatch.setattr(server.resource, "setrlimit", lambda which, limit: limits.append(limit[0]))
    givens = [[f"g{i}", "torch.ones(2)"] for i in range(40)]
    request = {
        "op": "run",
        "seeds": list(range(50)),
        "givens": givens,
        "exprs": ["g0.sum()"],
        "time_limit": 30,
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)
    server.handle(request)
    (soft,) = limits
    assert soft - (usage.ru_utime + usage.ru_stime) <= 2 * REQUEST_SECONDS + 2


@pytest.mark.parametrize(("exprs", "givens", "seeds"), [(1, 2, 3), (3, 2, 2), (0, 2, 1), (2, 0, 1)])
def test_the_evaluations_a_request_may_make_are_counted_as_the_worker_makes_them(
    monkeypatch, exprs: int, givens: int, seeds: int
):
    """The client's deadline and the worker's CPU budget both rest on this count."""
    import quiz.worker.server as server
    from quiz.sandbox.protocol import evaluations

    made: list[str] = []
    real = server.evaluate

    def counted(expr, *args, **kwargs):
        made.append(expr)
        return real(expr, *args, **kwargs)

    monkeypatch.setattr(server, "evaluate", counted)
    monkeypatch.setattr(server.resource, "setrlimit", lambda which, limit: None)
    # Layers are built again for every expression (a draw of plain tensors is kept and
    # copied, which makes fewer): the most a request makes.
    server.forget()
    request = {
        "op": "run",
        "seeds": list(range(seeds)),
        "givens": [[f"g{i}", "nn.Linear(1, 1)"] for i in range(givens)],  # random: every seed
        "exprs": ["torch.ones(1)"] * exprs,
        "time_limit": 1,
    }
    server.handle(request)
    assert len(made) == evaluations(exprs, givens, seeds)
    made.clear()
    server.handle({**request, "givens": [[f"g{i}", "torch.rand(2)"] for i in range(givens)]})
    assert len(made) <= evaluations(exprs, givens, seeds)


def test_a_request_line_over_the_cap_is_discarded_whole_with_one_error(
    raw_exchange: RawExchange,
):
    """The rest of a long line never passes for a request of its own, with a reply of its own."""
    over, good = raw_exchange.replies["over the cap"], raw_exchange.replies["good after the cap"]
    assert over["id"] is None
    assert over["error"] == (
        f"bad request: it is {len(OVERSIZE) + 1:,} bytes; the limit is {MAX_REQUEST_BYTES:,}"
    )
    assert good["id"] == 3 and good["trials"][0]["results"][0]["repr"] == "4"


def test_a_reply_over_the_cap_becomes_a_size_limit(monkeypatch):
    """Fifty draws of a large complex tensor: the draw that would pass the cap is a size
    limit, and the reply stays under it (the cap is lowered for the test)."""
    import quiz.worker.server as server

    cap = 200_000
    monkeypatch.setattr(server, "MAX_REPLY_BYTES", cap)
    monkeypatch.setattr(server.resource, "setrlimit", lambda which, limit: None)
    request = {
        "op": "run",
        "id": 5,
        "seeds": list(range(50)),
        "givens": [["x", "torch.randn(2000, dtype=torch.complex64)"]],
        "exprs": ["x * 2"],
        "time_limit": 2,
        "show": [],
    }
    reply = server.handle(request)
    assert len(json.dumps(reply, ensure_ascii=False).encode()) <= cap
    assert reply["id"] == 5 and reply["random"] is True
    *values, last = reply["trials"]
    assert values and all(t["results"][0]["status"] == "value" for t in values)
    (limit,) = last["results"]
    assert limit["status"] == "limit" and limit["limit"] == "size"
    assert limit["message"].startswith(f"the reply is over {cap:,} bytes")
    assert len(reply["trials"]) < 50
