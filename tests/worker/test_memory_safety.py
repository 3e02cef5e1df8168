"""Issue 13, findings 1 and 5: memory-safety holes in torch's native code, closed.

Finding 1: a sparse tensor's ``indices()`` is a live alias of its internals, so an
in-place change after the construction-time check made ``d.add_(s)`` write into another
tensor. No sparse tensor may exist in the sandbox now: these tests replay the report,
as the worker sees it, as a deck card and as a learner's answer, and check that the
worker keeps evaluating innocent cards correctly afterwards. Related metadata tricks
(``set_``, ``as_strided``, ``resize_`` of views, ...) are refused, or leave every tensor
inside its storage.

Finding 5 (native kernels that trust their index arguments) is covered by the corpus in
``test_security.py``; the CTC loss check, which lets valid targets through, is here.
"""

from __future__ import annotations

import inspect
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from quiz.judge.deckcheck import check_card
from quiz.judge.verdict import Outcome
from quiz.sandbox.protocol import Status
from quiz.worker import allowlist as allow
from quiz.worker.evaluator import Evaluator, Refused, check_call

SPARSE_REFUSAL = "sparse tensors are not available in the sandbox"
# The report's reproduction: the value added at a shifted index lands in e.
REPORT_GIVENS = [
    ("s", "torch.sparse_coo_tensor(torch.tensor([[0]]), torch.tensor([7.]), (1024,)).coalesce()"),
    ("d", "torch.zeros(1024)"),
    ("e", "torch.zeros(1024)"),
]
NOTHING = "tensor([], dtype=torch.int64)"


def report(offset: int) -> str:
    return f"[s.indices()[0].add_({offset}), d.add_(s), e][2].nonzero().flatten()"


def assert_worker_still_right(sandbox, restarts: int) -> None:
    assert sandbox.restarts == restarts, "the worker died"
    result = sandbox.run([], ["torch.tensor([1, 7, 3]).clamp(2, 5)"]).trials[0].results[0]
    assert result.status is Status.VALUE and result.printed == "tensor([2, 5, 3])", result


def test_no_offset_of_the_report_writes_into_another_tensor(sandbox):
    """Offsets past d's end, in steps of one element pair: none reaches e, none kills the
    worker (before the fix several landed in e, and others crashed the worker)."""
    restarts = sandbox.restarts
    outcomes = []
    for offset in range(1024, 3072, 8):
        trial = sandbox.run(REPORT_GIVENS, [report(offset)]).trials[0]
        if trial.given_failure is not None:
            name, result = trial.given_failure
            outcomes.append((offset, name, result.status, result.message))
        else:
            result = trial.results[0]
            outcomes.append((offset, "", result.status, result.printed or result.message))
    landed = [o for o in outcomes if o[2] is Status.VALUE and o[3] != NOTHING]
    assert landed == [], f"{len(landed)} offsets wrote into e: {landed[:3]}"
    crashed = [o for o in outcomes if o[2] is Status.LIMIT]
    assert crashed == [], f"{len(crashed)} offsets crashed the worker: {crashed[:3]}"
    assert_worker_still_right(sandbox, restarts)
    assert all(o[1] == "s" and SPARSE_REFUSAL in o[3] for o in outcomes), outcomes[:3]


DECK = """\
format: 1
deck: sparse
title: sparse report
cards:
  - id: as-card
    kind: output
    given:
      s: "{s}"
      d: "torch.zeros(1024)"
      e: "torch.zeros(1024)"
    expr: "{expr}"
  - id: as-answer
    kind: code
    prompt: Where is e nonzero?
    given:
      s: "{s}"
      d: "torch.zeros(1024)"
      e: "torch.zeros(1024)"
    solution: e.nonzero().flatten()
  - id: innocent
    kind: code
    prompt: Clamp x to [2, 5].
    given: {{x: "torch.tensor([1, 7, 3])"}}
    solution: x.clamp(2, 5)
"""


@pytest.fixture
def report_deck(make_deck):
    return make_deck(DECK.format(s=REPORT_GIVENS[0][1], expr=report(2064)), name="sparse.yaml")


def test_the_report_as_a_deck_card_is_a_refused_given(report_deck, judge, sandbox):
    restarts = sandbox.restarts
    card = report_deck.card("as-card")
    problems = [str(problem) for problem in check_card(report_deck, card, judge)]
    assert len(problems) == 1, problems
    assert "given 's' is refused by the sandbox" in problems[0]
    assert SPARSE_REFUSAL in problems[0]
    verdict = judge.judge(report_deck, card, NOTHING)
    assert verdict.outcome is Outcome.UNGRADABLE, verdict
    innocent = judge.judge(report_deck, report_deck.card("innocent"), "x.clamp(2, 5)")
    assert innocent.outcome is Outcome.RIGHT, innocent
    assert_worker_still_right(sandbox, restarts)


def test_the_report_as_a_learner_answer_is_never_graded(report_deck, judge, sandbox):
    """Before the fix the answer ran, wrote past d, and was graded right (e looked empty)."""
    restarts = sandbox.restarts
    card = report_deck.card("as-answer")
    for offset in (1560, 2064):
        verdict = judge.judge(report_deck, card, report(offset))
        assert verdict.outcome is Outcome.UNGRADABLE, verdict
        assert SPARSE_REFUSAL in verdict.summary
    innocent = judge.judge(report_deck, report_deck.card("innocent"), "x.clamp(2, 5)")
    assert innocent.outcome is Outcome.RIGHT, innocent
    assert_worker_still_right(sandbox, restarts)


def test_a_sparse_gradient_never_becomes_a_value(sandbox):
    """sparse=True in F.embedding's positional arguments used to slip past the keyword
    check, and its gradient was refused only where it appeared (as .grad, or in
    autograd.grad's tuple). The red team closed the gap: the call itself is refused now,
    as a given and in each expression."""
    givens = [
        ("w", "torch.ones(3, 2, requires_grad=True)"),
        ("b", "F.embedding(torch.tensor([1]), w, None, None, 2.0, False, True).sum().backward()"),
    ]
    exprs = [
        "w.grad",
        "w.grad.to_dense()",
        "torch.autograd.grad(F.embedding(torch.tensor([1]), w, None, None, 2.0, False, True)"
        ".sum(), w)",
        "torch.autograd.grad(F.embedding(torch.tensor([1]), w, None, None, 2.0, False, True)"
        ".sum(), w)[0]",
    ]
    trial = sandbox.run(givens, exprs).trials[0]
    assert trial.given_failure is not None, trial
    name, failure = trial.given_failure
    assert name == "b" and failure.status is Status.REFUSED, failure
    assert SPARSE_REFUSAL in failure.message
    results = sandbox.run(givens[:1], exprs[2:]).trials[0].results
    assert [r.status for r in results] == [Status.REFUSED] * 2, results
    assert all(SPARSE_REFUSAL in r.message for r in results)


# ---------------------------------------------------------------- metadata vs storage

REFUSED_METADATA = [
    ("x.set_(x[:1])", "'set_' is not available"),
    ("x.as_strided((100,), (10 ** 6,))", "'as_strided' is not available"),
    ("x.as_strided_((100,), (10 ** 6,))", "'as_strided_' is not available"),
    ("torch.as_strided_scatter(x, x, (3,), (1,))", "'as_strided_scatter' is not available"),
    ("torch.empty_strided((2,), (10 ** 6,))", "'empty_strided' is not available"),
    ("x.untyped_storage()", "'untyped_storage' is not available"),
    ("x._unsafe_view((3,))", "attributes starting with '_'"),
    ("torch._unsafe_view(x, (3,))", "attributes starting with '_'"),
    ("torch.nested", "'nested' is not available on module torch"),
    ("x.data.set_(x)", "'set_' is not available"),
    ("torch.native_layer_norm(x, [3], None, None, 1e-5)", "internal kernel of torch"),
]


@pytest.mark.parametrize(("source", "reason"), REFUSED_METADATA, ids=lambda v: str(v)[:30])
def test_metadata_that_can_leave_the_storage_is_refused(source: str, reason: str):
    with pytest.raises(Refused) as refused:
        Evaluator({"x": torch.ones(3)}).evaluate(source)
    assert reason in str(refused.value)


def test_assigning_tensor_data_is_refused():
    """Short programs may assign names and elements, never attributes: ``.data = ...``
    would swap a tensor's storage under its metadata."""
    with pytest.raises(Refused, match="attributes cannot be assigned"):
        Evaluator({"x": torch.ones(3)}).evaluate("x.data = torch.ones(10 ** 6)\nx")


# Metadata changes that stay open: each result, and the view it came from, must address
# only elements inside its storage.
OPEN_METADATA = [
    "v.resize_(100)",
    "v.t().resize_(40)",
    "v.resize_as_(torch.ones(50))",
    "v.data.resize_(64)",
    "v.unsqueeze_(0)",
    "v.t_()",
    "v.transpose_(0, 1)",
    "v.swapdims_(0, 1)",
    "v.squeeze_()",
    "v.unsafe_split(1)[1].resize_(30)",
    "v.unsafe_chunk(2)[0]",
    "v.new_empty_strided((2, 3), (1, 2))",
    "torch.as_strided_copy(v, (2, 2), (1, 1))",
    "v.narrow_copy(1, 1, 2)",
    "v.unfold(1, 2, 1)",
    "v.expand(4, 2, 3).contiguous()",
    "v.view(torch.int8)",
]


def addressed_inside(tensor: torch.Tensor) -> bool:
    if tensor.numel() == 0:
        return True
    last = tensor.storage_offset() + sum(
        (n - 1) * abs(s) for n, s in zip(tensor.shape, tensor.stride(), strict=True)
    )
    nbytes = tensor.untyped_storage().nbytes()
    return (last + 1) * tensor.element_size() <= nbytes and tensor.storage_offset() >= 0


@pytest.mark.parametrize("source", OPEN_METADATA)
def test_open_metadata_changes_stay_inside_the_storage(source: str):
    base = torch.arange(12.0).view(3, 4)
    view = base[1:, 1:]  # a view with an offset and strides: the hard case
    result = Evaluator({"v": view}).evaluate(source)
    tensors = list(result) if isinstance(result, tuple | list) else [result]
    for tensor in [*tensors, view, base]:
        assert addressed_inside(tensor), (source, tensor.shape, tensor.stride())
    assert math.isfinite(float(base.sum()))  # the base kept its own, initialised storage


# ---------------------------------------------------------------- CTC loss targets

CTC = (
    "F.ctc_loss(torch.arange(40.).view(5, 2, 4).log_softmax(2), {targets},"
    " torch.tensor([5, 5]), {lengths})"
)


@pytest.mark.parametrize(
    "targets",
    ["torch.tensor([[1, 4], [1, 2]])", "torch.tensor([1, 2, -1])", "torch.tensor([[1, 2 ** 40]])"],
)
def test_ctc_targets_outside_the_classes_are_refused(targets: str):
    source = CTC.format(targets=targets, lengths="torch.tensor([2, 1])")
    with pytest.raises(Refused, match="ctc_loss targets must be class indices from 0 to 3"):
        Evaluator({}).evaluate(source)


@pytest.mark.parametrize(
    ("targets", "lengths"),
    [
        ("torch.tensor([[1, 3], [2, 0]])", "torch.tensor([2, 1])"),
        ("torch.tensor([1, 3, 2])", "torch.tensor([2, 1])"),
        ("torch.tensor([[1, 3], [2, 0]], dtype=torch.int32)", "torch.tensor([2, 1])"),
    ],
)
def test_ctc_loss_with_valid_targets_matches_plain_torch(targets: str, lengths: str):
    source = CTC.format(targets=targets, lengths=lengths)
    ours = Evaluator({}).evaluate(source)
    theirs = eval(source, {"torch": torch, "F": F})
    assert torch.equal(ours, theirs)


def _positional_sparse_flags() -> list[tuple[str, object, int]]:
    """Every allowed callable taking ``sparse`` or ``sparse_grad`` by position, and where:
    from Python signatures (nn layers, their from_pretrained, F) and aten schemas (torch)."""
    found: list[tuple[str, object, int]] = []
    flags = ("sparse", "sparse_grad")
    callables = [
        (f"{module.__name__}.{name}", getattr(module, name))
        for module, names in allow.MODULE_NAMES.items()
        for name in sorted(names)
    ]
    callables += [
        (f"nn.{name}.from_pretrained", getattr(nn, name).from_pretrained)
        for name in sorted(allow.MODULE_NAMES[nn])
        if hasattr(getattr(nn, name), "from_pretrained")
    ]
    for label, function in callables:
        try:
            parameters = list(inspect.signature(function).parameters.values())
        except (TypeError, ValueError):
            parameters = []
        for index, parameter in enumerate(parameters):
            positional = parameter.kind in (
                parameter.POSITIONAL_ONLY,
                parameter.POSITIONAL_OR_KEYWORD,
            )
            if parameter.name in flags and positional:
                found.append((label, function, index))
        name = label.rsplit(".", 1)[-1]
        if not parameters and hasattr(torch.ops.aten, name):
            packet = getattr(torch.ops.aten, name)
            for overload in packet.overloads():
                for index, argument in enumerate(getattr(packet, overload)._schema.arguments):
                    if argument.name in flags and not argument.kwarg_only:
                        found.append((f"{label} ({overload})", function, index))
    return found


def test_the_scan_for_positional_sparse_flags_finds_the_embeddings():
    labels = {label.split(" ")[0] for label, _, _ in _positional_sparse_flags()}
    assert {"torch.embedding", "torch.nn.functional.embedding_bag", "torch.nn.Embedding"} <= labels


@pytest.mark.parametrize(
    ("function", "position"),
    [pytest.param(f, i, id=label) for label, f, i in _positional_sparse_flags()],
)
@pytest.mark.parametrize("flag", [True, 1, [1], "yes"])
def test_sparse_gradients_asked_for_by_position_are_refused(function, position, flag):
    """nn.Embedding(3, 2, None, None, 2.0, False, 1) made a layer with sparse gradients."""
    with pytest.raises(Refused, match="sparse"):
        check_call(function, [None] * position + [flag], {})


@pytest.mark.parametrize(
    "source",
    [
        "nn.Embedding(3, 2, None, None, 2.0, False, torch.tensor(True))",
        "nn.Embedding(3, 2, sparse=1)",
        "torch.embedding(torch.ones(3, 2), torch.tensor([1]), -1, False, True)",
    ],
)
def test_a_true_sparse_flag_that_is_not_true_is_refused(source: str):
    with pytest.raises(Refused, match="sparse"):
        Evaluator({}).evaluate(source)


def test_a_false_positional_sparse_flag_still_works():
    value = Evaluator({}).evaluate("nn.Embedding(3, 2, None, None, 2.0, False, False).weight.shape")
    assert value == torch.Size([3, 2])
