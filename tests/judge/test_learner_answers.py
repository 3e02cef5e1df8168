"""The learner-answer corpus: right and wrong answers through the real judge and worker.

Each case is a card of the deck below, what a learner typed, the outcome the judge
must reach, and words its verdict must contain. The issue's four required examples
are marked "issue:".
"""

from __future__ import annotations

import pytest
from support.verdicts import assert_verdict, deck_from_text

from quiz.judge.verdict import Outcome, Rating

R, W, INV, U = Outcome.RIGHT, Outcome.WRONG, Outcome.INVALID, Outcome.UNGRADABLE

DECK = r"""
deck: corpus
title: Learner answers
cards:
  - {id: clamp, kind: output, given: {x: "torch.tensor([1, 7, 3])"}, expr: "x.clamp(2, 5)"}
  - {id: bools, kind: output, expr: "torch.tensor([1, 0, 1]).bool()"}
  - {id: mm-raises, kind: output, expr: "torch.ones(2, 3) @ torch.ones(2, 3)"}
  - {id: topk, kind: output, given: {x: "torch.tensor([1, 5, 3, 4])"}, expr: "x.topk(2)"}
  - {id: sigmoid, kind: output, expr: "torch.sigmoid(torch.tensor(1.0))"}
  - {id: sqrt2, kind: output, expr: "torch.tensor(2.0).sqrt()"}
  - {id: scalar-sum, kind: output, expr: "torch.tensor([2, 3]).sum()"}
  - {id: item, kind: output, expr: "torch.tensor([2, 3]).sum().item()"}
  - {id: shape, kind: output, expr: "torch.zeros(2, 3).shape"}
  - {id: floats, kind: output, expr: "torch.tensor([1, 2]) / 2"}
  - {id: matrix, kind: output, expr: "torch.arange(4).view(2, 2)"}
  - {id: nan-inf, kind: output, expr: "torch.tensor([0.0, 1.0, -1.0]) / 0"}
  - {id: exact-int32, kind: output, dtype: exact, expr: "torch.tensor([1, 2], dtype=torch.int32)"}
  - {id: exact-float, kind: output, dtype: exact, expr: "torch.tensor([1.5, 2.0])"}
  - {id: ignore-dtype, kind: output, dtype: ignore, expr: "torch.tensor([1.0, 2.0])"}
  - {id: argmax, kind: output, expr: "torch.tensor([[1, 9], [8, 2]]).argmax()"}
  - {id: index-error, kind: output, expr: "torch.tensor([1, 2])[5]"}
  - {id: dtype-value, kind: output, expr: "torch.tensor([1.5]).dtype"}
  - {id: tiny, kind: output, expr: "torch.tensor(1e-6)"}
  - {id: complex, kind: output, expr: "torch.tensor([1 + 2j])"}
  - {id: grad, kind: output, expr: "torch.tensor([1.0, 2.0], requires_grad=True).sum() * 2"}
  - {id: empty, kind: output, expr: "torch.zeros(0, 3)"}
  - {id: pair, kind: output, expr: "(torch.tensor([1]), torch.tensor([2, 3]))"}
  - {id: tolist, kind: output, expr: "torch.tensor([1, 2]).tolist()"}
  - {id: tol, kind: output, tol: {atol: 0.01}, expr: "torch.tensor(3.14159)"}
  - {id: int-max, kind: output, expr: "torch.iinfo(torch.int64).max"}
  - {id: big-int-tensor, kind: output, expr: "torch.tensor([2 ** 53 + 1])"}
  - id: mse-forbid
    kind: code
    prompt: Mean squared error, by hand.
    given: {p: "torch.randn(4)", t: "torch.randn(4)"}
    solution: ((p - t) ** 2).mean()
    forbid: [F.mse_loss]
  - id: colsum
    kind: code
    prompt: Sum each column of m.
    given: {m: "torch.randn(3, 4)"}
    solution: m.sum(dim=0)
    forbid: [torch.tensor]
  - id: colsum-require
    kind: code
    prompt: Column sums, with torch.sum.
    given: {m: "torch.randn(3, 4)"}
    solution: m.sum(dim=0)
    require: [torch.sum]
  - id: tanh-forbid
    kind: code
    prompt: tanh(x) from sigmoid.
    given: {x: "torch.randn(6)"}
    solution: 2 * torch.sigmoid(2 * x) - 1
    forbid: [tanh]
  - id: expand-require
    kind: code
    prompt: Row i of a [3, 5] result filled with v[i], without copying.
    given: {v: "torch.randn(3)"}
    solution: v[:, None].expand(3, 5)
    require: ["expand | broadcast_to"]
  - id: fixed-code
    kind: code
    prompt: Clamp x into [2, 5].
    given: {x: "torch.tensor([1, 7, 3])"}
    solution: x.clamp(2, 5)
  - id: exact-code
    kind: code
    prompt: x as float64.
    dtype: exact
    given: {x: "torch.tensor([1, 2])"}
    solution: x.double()
  - id: clamp-cloze
    kind: cloze
    prompt: Keep every element in [2, 5].
    given: {x: "torch.tensor([1, 7, 3])"}
    template: torch.____(x, 2, 5)
    solution: clamp
  - id: dim-cloze
    kind: cloze
    prompt: Column sums.
    given: {m: "torch.randn(3, 4)"}
    template: m.sum(dim=____)
    solution: "0"
  - id: mm-choice
    kind: choice
    prompt: Which multiplies batches of matrices?
    options: [torch.mm, torch.matmul, torch.dot]
    answer: torch.matmul
  - id: views-choice
    kind: choice
    prompt: Which return views?
    options: [x.view(6), x.clone(), x.t(), x.contiguous().tolist()]
    answer: [x.view(6), x.t()]
  - {id: broken, kind: output, expr: "torch.ones(3) + torch.os"}
"""

CASES = [
    # output: forms of the same value
    ("clamp", "[2, 5, 3]", R, "right"),  # issue:
    ("clamp", "tensor([2,5,3])", R, "right"),  # issue:
    ("clamp", "tensor([2, 5, 3])", R, "right"),
    ("clamp", "torch.tensor([2, 5, 3])", R, "right"),
    ("clamp", "(2, 5, 3)", R, "right"),
    ("clamp", "  [2,\n 5,\n 3]  ", R, "right"),
    ("clamp", "tensor([2, 5, 3], dtype=torch.int64)", R, "right"),
    ("clamp", "[2, 5, 5]", W, "differs at [2]: expected 3, got 5"),
    ("clamp", "[2., 5., 3.]", W, "right values, but yours is float32; torch gives int64"),
    ("clamp", "[2, 5]", W, "shape (2,) vs (3,)"),
    ("clamp", "[[2, 5, 3]]", W, "shape (1, 3) vs (3,)"),
    ("clamp", "x.clamp(2, 5)", INV, "is code"),
    ("clamp", "x", INV, "is a name"),
    ("clamp", "[2, 5, 3", INV, "not closed"),
    ("clamp", "", INV, "type the value"),
    ("clamp", "tensor([...])", INV, "'...'"),
    ("clamp", "RuntimeError", W, "does not raise"),
    # kind policy
    (
        "bools",
        "[1, 0, 1]",
        W,
        "right values, but yours is int64; torch gives bool: tensor([ True, False,  True])",
    ),  # issue:
    ("bools", "[True, False, True]", R, "right"),
    ("bools", "tensor([ True, False,  True])", R, "right"),
    ("bools", "[true, false, true]", R, "right"),  # JSON's spelling: the same fact
    ("bools", "[true, true, true]", W, "differs at [1]"),
    ("bools", "[True, True, True]", W, "differs at [1]"),
    # exceptions as answers
    ("mm-raises", "RuntimeError", R, "right"),  # issue:
    ("mm-raises", "ValueError", W, "it raises RuntimeError"),
    ("mm-raises", "[[3., 3.], [3., 3.]]", W, "it raises RuntimeError"),
    ("index-error", "IndexError", R, "right"),
    ("index-error", "RuntimeError", W, "it raises IndexError"),
    ("index-error", "Exception", W, "it raises IndexError"),
    # named tuples
    ("topk", "([5, 4], [1, 3])", R, "right"),  # issue:
    ("topk", "torch.return_types.topk(values=tensor([5, 4]), indices=tensor([1, 3]))", R, "right"),
    (
        "topk",
        "torch.return_types.topk(\nvalues=tensor([5, 4]),\nindices=tensor([1, 3]))",
        R,
        "right",
    ),
    ("topk", "torch.return_types.topk(indices=tensor([1, 3]), values=tensor([5, 4]))", R, "right"),
    ("topk", "([5, 4], [2, 4])", W, "indices: differs at [0]: expected 1, got 2"),
    ("topk", "[5, 4]", W, "values: shape () vs (2,)"),
    ("topk", "tensor([5, 4])", W, "the result is torch.return_types.topk, not a tensor"),
    ("topk", "([5, 4],)", W, "1 items vs 2"),
    ("topk", "torch.return_types.sort(values=tensor([5, 4]), indices=tensor([1, 3]))", W, "topk"),
    # float precision
    ("sigmoid", "0.7311", R, "right"),
    ("sigmoid", "tensor(0.7311)", R, "right"),
    ("sigmoid", "0.73", R, "right"),
    ("sigmoid", "0.731", R, "right"),
    ("sigmoid", "0.7", W, "expected 0.7311, got 0.7"),
    ("sigmoid", "0.74", W, "differs"),
    ("sigmoid", "0.7312", W, "differs"),
    ("sigmoid", "0.73105858", R, "right"),
    ("sigmoid", "[0.7311]", W, "shape (1,) vs ()"),
    ("sqrt2", "1.4", R, "right"),
    ("sqrt2", "1.4142", R, "right"),
    ("sqrt2", "1.41", R, "right"),
    ("sqrt2", "1.42", W, "differs"),
    ("sqrt2", "1", W, "differs"),
    ("tiny", "1.0000e-06", R, "right"),
    ("tiny", "1e-6", R, "right"),
    ("tiny", "0.", W, "differs"),
    ("tol", "3.14", R, "right"),
    ("tol", "3.133", R, "right"),
    ("tol", "3.13", W, "expected 3.1416, got 3.13"),
    ("tol", "3.1", R, "right"),
    ("tol", "3.2", W, "differs"),
    # shapes of scalars: [5] is not 5
    ("scalar-sum", "5", R, "right"),
    ("scalar-sum", "tensor(5)", R, "right"),
    ("scalar-sum", "[5]", W, "shape (1,) vs ()"),
    ("scalar-sum", "5.", W, "right values, but yours is float32; torch gives int64"),
    ("item", "5", R, "right"),
    ("item", "tensor(5)", W, "the result is a Python int, not a tensor"),
    ("item", "5.0", W, "right value, but yours is a Python float; torch gives a Python int"),
    # torch.Size
    ("shape", "torch.Size([2, 3])", R, "right"),
    ("shape", "(2, 3)", R, "right"),
    ("shape", "[2, 3]", R, "right"),
    ("shape", "Size([2, 3])", R, "right"),
    ("shape", "(3, 2)", W, "size (3, 2) vs (2, 3)"),
    ("shape", "6", W, "the result is a torch.Size"),
    ("shape", "tensor([2, 3])", W, "torch.Size"),
    # float results of integer division
    ("floats", "[0.5, 1.0]", R, "right"),
    ("floats", "tensor([0.5000, 1.0000])", R, "right"),
    ("floats", "[0.5, 1.]", R, "right"),
    ("floats", "[0, 1]", W, "differs at [0]"),
    # multi-line reprs and matrices
    ("matrix", "tensor([[0, 1],\n        [2, 3]])", R, "right"),
    ("matrix", "[[0, 1], [2, 3]]", R, "right"),
    ("matrix", "[[0, 1], [2, 4]]", W, "differs at [1, 1]: expected 3, got 4"),
    ("matrix", "[0, 1, 2, 3]", W, "shape (4,) vs (2, 2)"),
    ("matrix", "[[0, 1], [2]]", W, "not all of one length"),
    # nan and inf
    ("nan-inf", "[nan, inf, -inf]", R, "right"),
    ("nan-inf", "tensor([nan, inf, -inf])", R, "right"),
    ("nan-inf", "[nan, inf, inf]", W, "differs at [2]"),
    ("nan-inf", "[0, inf, -inf]", W, "differs at [0]"),
    # dtype policies
    ("exact-int32", "tensor([1, 2], dtype=torch.int32)", R, "right"),
    ("exact-int32", "[1, 2]", W, "right values, but yours is int64; torch gives int32"),
    ("exact-float", "[1.5, 2.0]", R, "right"),
    ("exact-float", "tensor([1.5000, 2.0000], dtype=torch.float64)", W, "torch gives float32"),
    ("ignore-dtype", "[1, 2]", R, "right"),
    ("ignore-dtype", "[1, 3]", W, "differs at [1]"),
    # argmax flattens without dim
    ("argmax", "1", R, "right"),
    ("argmax", "(0, 1)", W, "shape (2,) vs ()"),
    ("argmax", "[1, 0]", W, "shape (2,) vs ()"),
    # other values
    ("dtype-value", "torch.float32", R, "right"),
    ("dtype-value", "torch.float", R, "right"),
    ("dtype-value", "float32", R, "right"),
    ("dtype-value", "torch.float64", W, "torch.float32"),
    ("complex", "[1+2j]", R, "right"),
    ("complex", "tensor([1.+2.j])", R, "right"),
    ("complex", "[1-2j]", W, "differs"),
    ("grad", "tensor(6., grad_fn=<MulBackward0>)", R, "right"),
    ("grad", "6.", R, "right"),
    ("grad", "6", R, "right, though torch gives float: tensor(6., grad_fn=<MulBackward0>)"),
    ("empty", "tensor([], size=(0, 3))", R, "right"),
    ("empty", "[]", W, "shape (0,) vs (0, 3)"),
    ("pair", "(tensor([1]), tensor([2, 3]))", R, "right"),
    ("pair", "([1], [2, 3])", R, "right"),
    ("pair", "([1], [3, 2])", W, "item 2: differs at [0]"),
    ("tolist", "[1, 2]", R, "right"),
    ("tolist", "tensor([1, 2])", W, "the result is a list, not a tensor"),
    # integers are compared as integers, never through floats
    ("int-max", "9223372036854775807", R, "right"),
    ("int-max", "9223372036854775806", W, "expected 9223372036854775807"),
    ("int-max", "9223372036854775808", W, "expected"),
    ("int-max", "1" + "0" * 400, W, "expected"),
    ("big-int-tensor", "[9007199254740993]", R, "right"),
    ("big-int-tensor", "[9007199254740992]", W, "differs at [0]"),
    ("sqrt2", "1e400", INV, "beyond the range of floats"),
    ("sqrt2", "[1e400, 1]", INV, "beyond the range of floats"),
    # forbid sees through the spellings of a name
    ("mse-forbid", "F.mse_loss(p, t)", W, "asks you not to use F.mse_loss"),
    ("mse-forbid", "torch.nn.functional.mse_loss(p, t)", W, "not to use F.mse_loss"),
    ("mse-forbid", "nn.functional.mse_loss(p, t)", W, "not to use F.mse_loss"),
    ("mse-forbid", "(p - t).pow(2).mean()", R, "right"),
    # code cards
    ("colsum", "m.sum(dim=0)", R, "right on all 5 draws"),
    ("colsum", "m.sum(0)", R, "right"),
    ("colsum", "torch.sum(m, dim=0)", R, "right"),
    ("colsum", "m.T.sum(1)", R, "right"),
    ("colsum", "m.sum(dim=0, keepdim=True)", W, "shape (1, 4) vs (4,)"),
    ("colsum", "m.sum(1)", W, "shape (3,) vs (4,)"),
    ("colsum", "m.mean(0)", W, "differs at [0]"),
    ("colsum", "torch.tensor([1., 2., 3., 4.])", W, "asks you not to use torch.tensor"),
    ("colsum", "torch.zeros(4)", W, "compute the result from the given (m)"),
    ("colsum", "m.sum(dim=5)", W, "your expression raises IndexError"),
    ("colsum", "m.sum(", INV, "not a Python expression"),
    ("colsum", "torch.os", W, "refused"),
    ("colsum", "", INV, "type an expression"),
    ("colsum-require", "m.sum(0)", W, "asks you to use torch.sum"),
    ("colsum-require", "torch.sum(m, 0)", R, "right"),
    # a forbidden name's in-place form is forbidden too; require may list alternatives
    ("tanh-forbid", "x.clone().tanh_()", W, "asks you not to use tanh"),
    ("tanh-forbid", "torch.tanh(x)", W, "asks you not to use tanh"),
    ("tanh-forbid", "(2 * x).sigmoid() * 2 - 1", R, "right"),
    ("expand-require", "v[:, None].broadcast_to(3, 5)", R, "right"),
    ("expand-require", "v.unsqueeze(1).expand(-1, 5)", R, "right"),
    ("expand-require", "v[:, None].repeat(1, 5)", W, "asks you to use expand or broadcast_to"),
    ("fixed-code", "x.clamp(min=2, max=5)", R, "right"),
    ("fixed-code", "x.clip(2, 5)", R, "right"),
    ("fixed-code", "x.clamp(2, 5).float()", W, "your result is float32; the card expects int64"),
    # a misspelt name is said as one, with the allowed name closest to it; what exists but
    # is refused says so
    ("fixed-code", "torch.clmap(x, 2, 5)", W, "torch.clmap does not exist in torch; did you"),
    ("fixed-code", "x.clmap(2, 5)", W, "x.clmap does not exist on tensors; did you mean x.clamp?"),
    ("fixed-code", "clamp(x, 2, 5)", W, "'clamp' is not defined; did you mean torch.clamp?"),
    ("fixed-code", "torch.save(x, 'f')", W, "refused: 'save' is not available in the sandbox"),
    ("fixed-code", "os.getcwd()", W, "refused: 'os' is not available in the sandbox"),
    ("exact-code", "x.to(torch.float64)", R, "right"),
    ("exact-code", "x.float()", W, "your result is float32; the card expects float64"),
    # cloze
    ("clamp-cloze", "clamp", R, "right"),
    ("clamp-cloze", "clip", R, "right"),
    ("clamp-cloze", "clamp_min", W, "your expression raises TypeError"),
    ("clamp-cloze", "", INV, "type what goes in the blank"),
    ("clamp-cloze", "clamp(", INV, "your fill is not a Python expression"),
    ("dim-cloze", "0", R, "right on all 3 draws"),
    ("dim-cloze", "-2", R, "right"),
    ("dim-cloze", "1", W, "shape (3,) vs (4,)"),
    # choice
    ("mm-choice", "2", R, "right"),
    ("mm-choice", "torch.matmul", R, "right"),
    ("mm-choice", "  TORCH.MATMUL ", R, "right"),
    ("mm-choice", "1", W, "the answer is 2"),
    ("mm-choice", "torch.dot", W, "the answer is 2"),
    ("mm-choice", "4", INV, "there is no option 4"),
    ("mm-choice", "torch.bmm", INV, "not one of the options"),
    ("views-choice", "1", W, "3 is right too"),
    ("views-choice", "1, 3", R, "right"),
    ("views-choice", "1 3", R, "right"),
    ("views-choice", "x.t()", W, "1 is right too"),
    ("views-choice", "1, 2", W, "2 is not right"),
    # a broken card is never graded, whatever the answer
    ("broken", "RuntimeError", U, "refused"),
    ("broken", "[1., 1., 1.]", U, "this card's own expression fails"),
]


def test_the_corpus_is_large_and_covers_every_outcome():
    assert len(CASES) >= 80
    assert {outcome for _, _, outcome, _ in CASES} == set(Outcome)


@pytest.fixture(scope="module")
def corpus_deck(tmp_path_factory: pytest.TempPathFactory):
    return deck_from_text(tmp_path_factory.mktemp("corpus"), DECK)


@pytest.mark.parametrize(
    ("card_id", "answer", "outcome", "words"),
    CASES,
    ids=[f"{card}:{answer[:40]!r}" for card, answer, _, _ in CASES],
)
def test_learner_answer(corpus_deck, judge, card_id: str, answer: str, outcome, words: str):
    card = corpus_deck.card(card_id)
    assert card is not None
    assert_verdict(judge.judge(corpus_deck, card, answer), outcome, words)


def test_the_first_difference_is_located(corpus_deck, judge):
    verdict = judge.judge(corpus_deck, corpus_deck.card("matrix"), "[[0, 1], [2, 4]]")
    assert verdict.first_difference == (1, 1)
    assert verdict.expected == "tensor([[0, 1],\n        [2, 3]])"


def test_a_failed_draw_shows_the_givens(corpus_deck, judge):
    verdict = judge.judge(corpus_deck, corpus_deck.card("colsum"), "m.mean(0)")
    assert verdict.details and verdict.details[0].startswith("on draw 1 of 5, with m = tensor(")
    assert verdict.got and verdict.got.startswith("tensor(")


@pytest.mark.parametrize(
    ("outcome", "hint", "seconds", "rating"),
    [
        (W, False, 1.0, Rating.AGAIN),
        (R, False, None, Rating.GOOD),
        (R, False, 60.0, Rating.GOOD),
        (R, False, 3.0, Rating.EASY),
        (R, True, 3.0, Rating.HARD),
    ],
)
def test_suggested_rating(corpus_deck, judge, outcome, hint, seconds, rating):
    answer = "[2, 5, 3]" if outcome is R else "[2, 5, 5]"
    card = corpus_deck.card("clamp")
    verdict = judge.judge(corpus_deck, card, answer, used_hint=hint, elapsed_s=seconds)
    assert verdict.outcome is outcome
    assert verdict.suggested is rating


def test_code_card_with_random_givens_is_reproducible(corpus_deck, judge):
    card = corpus_deck.card("colsum")
    first = judge.runner.run([("m", "torch.randn(3, 4)")], ["m.sum(dim=0)"], range(2))
    second = judge.runner.run([("m", "torch.randn(3, 4)")], ["m.sum(dim=0)"], range(2))
    assert first.random
    assert [t.results[0].printed for t in first.trials] == [
        t.results[0].printed for t in second.trials
    ]
    assert first.trials[0].results[0].printed != first.trials[1].results[0].printed
    assert judge.judge(corpus_deck, card, "m.sum(0)").correct
