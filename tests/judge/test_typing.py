"""Answers as learners type them, and fair partial credit (issue 15, sections 3 and 5).

Each case is a card of the deck below, what a learner typed, the outcome the real judge
(through the real sandbox worker) must reach, and words its summary must contain. The
issue's own examples are marked "issue:". Every case here was judged otherwise before:
integers typed for equal floats were wrong, full-width punctuation was unreadable, and
comprehensions and lines of statements were refused or not Python.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from support.verdicts import assert_verdict, deck_from_text

from quiz.judge.verdict import Outcome, Rating

R, W, INV = Outcome.RIGHT, Outcome.WRONG, Outcome.INVALID

DECK = r"""
deck: typing
title: How learners type
cards:
  - {id: relu, kind: output, expr: "torch.relu(torch.tensor([-1., 0., 2.]))"}
  - {id: relu-dtype, kind: output, dtype: kind, expr: "torch.relu(torch.tensor([-1., 0., 2.]))"}
  - {id: mean, kind: output, given: {m: "torch.tensor([[1., 2.], [3., 6.]])"}, expr: m.mean()}
  - id: mean-item
    kind: output
    given: {m: "torch.tensor([[1., 2.], [3., 6.]])"}
    expr: m.mean().item()
  - {id: div, kind: output, expr: "torch.tensor([4, 2]) / 2"}
  - {id: div-dtype, kind: output, dtype: kind, expr: "torch.tensor([4, 2]) / 2"}
  - {id: div-exact, kind: output, dtype: exact, expr: "torch.tensor([4, 2]) / 2"}
  - {id: eq, kind: output, expr: "torch.tensor([1, 2]).eq(torch.tensor([1, 3]))"}
  - {id: clamp, kind: output, given: {x: "torch.tensor([1, 7, 3])"}, expr: "x.clamp(2, 5)"}
  - {id: halves, kind: output, expr: "torch.tensor([0.5, 1.5])"}
  - {id: topk, kind: output, expr: "torch.tensor([1., 5., 3.]).topk(2)"}
  - {id: shape, kind: output, expr: "torch.zeros(2, 3).shape"}
  - {id: pair, kind: output, expr: "torch.tensor([3, -4])"}
  - {id: half, kind: output, expr: "torch.tensor(0.5)"}
  - {id: matrix, kind: output, expr: "torch.arange(4).view(2, 2)"}
  - id: count-params
    kind: code
    prompt: How many numbers does the layer m learn?
    given: {m: "nn.Linear(3, 2)"}
    solution: m.weight.numel() + m.bias.numel()
  - id: grad-cube
    kind: code
    prompt: The gradient of (x ** 3).sum() with respect to x.
    given: {x: "torch.randn(3, requires_grad=True)"}
    solution: |
      y = (x ** 3).sum()
      torch.autograd.grad(y, x)[0]
  - id: step
    kind: code
    prompt: One step of gradient descent on w with learning rate 0.1.
    given:
      w: "torch.randn(3, requires_grad=True)"
      x: "torch.randn(3)"
      t: "torch.randn(())"
    solution: |
      loss = ((w * x).sum() - t) ** 2
      loss.backward()
      w.detach() - 0.1 * w.grad
  - id: row-sums
    kind: code
    prompt: The sum of each row of m.
    given: {m: "torch.randn(3, 4)"}
    solution: m.sum(dim=1)
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
"""

ALLOWED = "a few lines may assign (y = ...), update (y += ...) or call (loss.backward())"

CASES = [
    # ---- partial credit: plain integers for a float result with equal values
    ("relu", "[0, 0, 2]", R, "right, though torch gives float: tensor([0., 0., 2.])"),  # issue:
    ("relu", "[0,0,2]", R, "torch gives float"),
    ("relu", "(0, 0, 2)", R, "torch gives float"),
    ("relu", "[0., 0., 2.]", R, "right"),
    ("relu", "tensor([0., 0., 2.])", R, "right"),
    ("relu", "[0, 0, 3]", W, "differs at [2]: expected 2.0, got 3"),
    ("relu", "[0, 0]", W, "shape (2,) vs (3,)"),
    ("relu", "tensor([0, 0, 2])", W, "yours is int64; torch gives float32"),  # issue:
    ("relu", "[False, False, True]", W, "differs at [2]: expected 2.0, got True"),
    ("relu-dtype", "[0, 0, 2]", W, "float32 (this card counts the dtype)"),  # issue:
    ("relu-dtype", "[0., 0., 2.]", R, "right"),
    ("mean", "3", R, "right, though torch gives float: tensor(3.)"),  # issue:
    ("mean", "3.", R, "right"),
    ("mean", "tensor(3.)", R, "right"),
    ("mean", "tensor(3)", W, "right values, but yours is int64; torch gives float32"),
    ("mean", "4", W, "differs"),
    ("mean", "[3]", W, "shape (1,) vs ()"),
    ("mean-item", "3", R, "right, though torch gives a Python float: 3.0"),
    ("mean-item", "3.0", R, "right"),
    ("div", "[2, 1]", R, "torch gives float: tensor([2., 1.])"),
    ("div-dtype", "[2, 1]", W, "(this card counts the dtype)"),  # issue: true division
    ("div-dtype", "[2., 1.]", R, "right"),
    ("div-exact", "[2, 1]", W, "right values, but yours is int64; torch gives float32"),
    ("eq", "[1, 0]", W, "yours is int64; torch gives bool"),  # issue: 1/0 for booleans
    ("eq", "[True, False]", R, "right"),
    ("clamp", "[2., 5., 3.]", W, "yours is float32; torch gives int64"),  # issue: floats
    ("clamp", "[2.0, 5.0, 3.0]", W, "right values, but yours is float32; torch gives int64"),
    ("halves", "[0, 2]", W, "differs at [0]"),
    ("halves", "[1, 2]", W, "differs at [0]"),
    ("topk", "([5, 3], [1, 2])", R, "values: torch gives float"),
    ("topk", "([5., 3.], [1, 2])", R, "right"),
    ("topk", "([5, 3], [2, 1])", W, "indices: differs at [0]"),
    ("topk", "([5, 3], [1., 2.])", W, "indices: right values, but yours is float32; torch"),
    # ---- full-width punctuation and digits from a Chinese input method
    ("pair", "[3，-4]", R, "right"),  # issue:
    ("pair", "［3，-4］", R, "right"),
    ("pair", "【3，-4】", R, "right"),
    ("pair", "［３，－４］", R, "right"),
    ("pair", "tensor（[3，-4]）", R, "right"),
    ("pair", "[3，4]", W, "differs at [1]"),
    ("shape", "（2，3）", R, "right"),  # issue:
    ("shape", "torch．Size（[2，3]）", R, "right"),
    ("shape", "（３，２）", W, "size (3, 2) vs (2, 3)"),
    ("half", "０．５", R, "right"),
    ("half", "0。5", R, "right"),
    ("half", "０.５０００", R, "right"),
    ("half", "＋0.5", R, "right"),
    ("matrix", "［［0，1］，［2，3］］", R, "right"),
    ("matrix", "[[0，1]；[2，3]]", INV, "type one value"),
    ("relu", "［0，0，2］", R, "torch gives float"),
    ("dim-cloze", "０", R, "right on all 3 draws"),
    ("dim-cloze", "－２", R, "right"),
    ("mm-choice", "２", R, "right"),
    ("mm-choice", "torch．matmul", R, "right"),
    ("mm-choice", "（2）", INV, "not one of the options"),
    ("row-sums", "m．sum（dim＝1）", R, "right on all 5 draws"),
    ("row-sums", "torch．sum（m，1）", R, "right"),
    # ---- comprehensions and generator expressions
    ("count-params", "sum(p.numel() for p in m.parameters())", R, "right"),  # issue:
    ("count-params", "sum([p.numel() for p in m.parameters()])", R, "right"),
    ("count-params", "sum(p.numel() for p in m.parameters() if p.dim() == 2)", W, "expected 8"),
    ("count-params", "sum(w.numel() for w in [m.weight, m.bias])", R, "right"),
    ("count-params", "sum(a * b for a, b in [m.weight.shape]) + len(m.bias)", R, "right"),
    ("count-params", "sum(p.numel() for p in m.parameters() if p.requires_grad)", R, "right"),
    ("count-params", "len(list(m.parameters()))", W, "expected 8, got 2"),
    ("count-params", "(p.numel() for p in m.parameters())", W, "a generator is not a value"),
    ("count-params", "sum({p.numel() for p in m.parameters()})", W, "set and dict comp"),
    ("count-params", "sum((lambda: p.numel())() for p in m.parameters())", W, "lambdas are not"),
    ("count-params", "sum(m.numel() for m in m.parameters())", W, "'m' is a given"),
    ("count-params", "sum(p.numel() for torch in m.parameters())", W, "the sandbox provides"),
    ("count-params", "sum(p.__class__ for p in m.parameters())", W, "refused"),
    ("count-params", "sum(1 for i in range(10 ** 5) for j in range(10 ** 5))", W, "10,000 steps"),
    ("row-sums", "torch.stack([r.sum() for r in m])", R, "right on all 5 draws"),
    ("row-sums", "torch.stack([sum(v for v in r) for r in m])", R, "right"),
    ("row-sums", "torch.stack([a + b + c + d for a, b, c, d in m])", R, "right"),
    ("row-sums", "torch.stack([r.sum() for i, r in enumerate(m)])", R, "right"),
    ("row-sums", "torch.stack([r.sum() for r, s in zip(m, m)])", R, "right"),
    ("row-sums", "torch.stack([c.sum() for c in m.T])", W, "shape (4,) vs (3,)"),
    ("row-sums", "torch.stack([(y := r).sum() for r in m])", W, "the := operator"),
    # ---- a few lines of statements, the last line the answer
    (
        "grad-cube",
        "y = (x ** 3).sum()\ntorch.autograd.grad(y, x)[0]",
        R,
        "right on all 5 draws",
    ),  # issue:
    ("grad-cube", "y = (x ** 3).sum()\ny.backward()\nx.grad", R, "right"),
    ("grad-cube", "y = (x ** 3).sum(); y.backward(); x.grad", R, "right"),
    ("grad-cube", "    y = (x ** 3).sum()\n    torch.autograd.grad(y, x)[0]", R, "right"),
    ("grad-cube", "y = (x ** 3).sum()\n    torch.autograd.grad(y, x)[0]", R, "right"),
    ("grad-cube", "y = (x ** 3).sum()\n\ntorch.autograd.grad(y, x)[0]\n", R, "right"),
    ("grad-cube", "y = (x ** 3).sum()\r\ntorch.autograd.grad(y, x)[0]", R, "right"),
    ("grad-cube", "y = (x ** 3).sum()\rtorch.autograd.grad(y, x)[0]", INV, "carriage return"),
    ("grad-cube", "3 * x\n* x", R, "right"),  # lines that make one expression are one
    ("grad-cube", "(3 * x\n* x)", R, "right"),
    ("grad-cube", "k = 3\nk * x ** 2", R, "right"),
    ("grad-cube", "k = 2\nk += 1\nk * x ** 2", R, "right"),
    ("grad-cube", "y = (x ** 3).sum()\ntorch.autograd.grad(y, x)", W, "yours is a tuple"),
    ("grad-cube", "y = (x ** 2).sum()\ny.backward()\nx.grad", W, "differs"),
    ("grad-cube", "y = (x ** 3).sum()", INV, "in your answer, the last line must be an expression"),
    ("grad-cube", "y = x ** 3\nz = y.sum()", INV, "the last line must be an expression"),
    ("grad-cube", "x.sum() = 3\nx", INV, "only names (y = ...) and tensor elements"),
    ("grad-cube", "import torch\n3 * x ** 2", W, "import statements are not allowed; before"),
    ("grad-cube", "del x\n3 * x ** 2", W, ALLOWED),
    ("grad-cube", "global x\n3 * x ** 2", W, ALLOWED),
    ("grad-cube", "with torch.no_grad():\n    y = x\n3 * y ** 2", R, "right"),
    ("grad-cube", "with torch.autocast('cpu'):\n    y = x\n3 * y ** 2", W, "only for torch's grad"),
    ("grad-cube", "try:\n    y = x\nexcept Exception:\n    y = x\n3 * y ** 2", W, ALLOWED),
    ("grad-cube", "for i in range(3):\n    x\n3 * x ** 2", W, "use a comprehension"),
    ("grad-cube", "x = x.detach()\n3 * x ** 2", W, "'x' is a given"),
    ("grad-cube", "torch = 3\n3 * x ** 2", W, "the sandbox provides"),
    ("grad-cube", "x.grad = None\n3 * x ** 2", W, "attributes cannot be assigned"),
    ("grad-cube", "x.requires_grad = False\n3 * x ** 2", W, "attributes cannot be assigned"),
    ("grad-cube", "y = x\ny.__class__\n3 * x ** 2", W, "starting with '_'"),
    ("grad-cube", "y += 1\n3 * x ** 2", W, "has no value yet"),
    (
        "step",
        "loss = ((w * x).sum() - t) ** 2\nloss.backward()\nw.detach() - 0.1 * w.grad",
        R,
        "right on all 5 draws",
    ),
    (
        "step",
        "loss = ((w * x).sum() - t) ** 2\nw.detach() - 0.1 * torch.autograd.grad(loss, w)[0]",
        R,
        "right",
    ),
    ("step", "w.detach() - 0.1 * w.grad", W, "raises TypeError"),
    ("step", "loss = ((w * x).sum() - t) ** 2\nloss.backward()\nw - w.grad", W, "differs"),
    ("row-sums", "s = m.sum(1)\ns[0] = s[0]\ns", R, "right"),
    ("row-sums", "s = torch.zeros(3)\ns += m.sum(1)\ns", R, "right"),
    ("row-sums", "s = m.clone()\ns[s < 0] = 0\ns.sum(1)", W, "differs"),
    ("row-sums", "s = [1, 2]\ns[0] = 3\nm.sum(1)", W, "only tensor elements can be assigned"),
    ("row-sums", "a, b = m.sum(1), 0\na + b", R, "right"),
    ("row-sums", "a, b = m\na", W, "too many values to unpack (expected 2)"),
]


def test_the_corpus_is_large():
    assert len(CASES) >= 60


@pytest.fixture(scope="module")
def typing_deck(tmp_path_factory: pytest.TempPathFactory):
    return deck_from_text(tmp_path_factory.mktemp("typing"), DECK)


@pytest.mark.parametrize(
    ("card_id", "answer", "outcome", "words"),
    CASES,
    ids=[f"{card}:{answer[:40]!r}" for card, answer, _, _ in CASES],
)
def test_typed_answer(typing_deck, judge, card_id: str, answer: str, outcome, words: str):
    card = typing_deck.card(card_id)
    assert card is not None
    assert_verdict(judge.judge(typing_deck, card, answer), outcome, words)


@pytest.mark.parametrize("seconds", [None, 2.0, 60.0])
def test_partial_credit_suggests_hard(typing_deck, judge, seconds):
    card = typing_deck.card("relu")
    verdict = judge.judge(typing_deck, card, "[0, 0, 2]", elapsed_s=seconds)
    assert verdict.correct and verdict.partial
    assert verdict.suggested is Rating.HARD
    assert verdict.to_dict()["partial"] is True
    full = judge.judge(typing_deck, card, "[0., 0., 2.]", elapsed_s=seconds)
    assert full.correct and not full.partial
    assert full.suggested is not Rating.HARD


def test_a_declared_dtype_is_remembered(typing_deck):
    assert typing_deck.card("relu-dtype").dtype_declared
    assert not typing_deck.card("relu").dtype_declared


# ---------------------------------------------------------------- the docs' examples

FORMAT_DOC = ROOT / "docs" / "deck-format.md"
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("slug", ["training-step", "partial-credit"])
def test_the_format_doc_examples_pass_check_by_running(make_deck, judge, slug: str):
    from quiz.judge.deckcheck import check_card

    blocks = YAML_BLOCK.findall(FORMAT_DOC.read_text(encoding="utf-8"))
    (text,) = [block for block in blocks if block.startswith(f"deck: {slug}\n")]
    deck = make_deck(text, name=f"{slug}.yaml")
    assert deck.cards
    for card in deck.cards:
        assert card.accept and card.reject
        assert [str(problem) for problem in check_card(deck, card, judge)] == []


SANDBOX_DOC = ROOT / "docs" / "sandbox.md"
DOC_SECTION = "## Answers as learners type them"
ROW = re.compile(
    r"^\| `(?P<card>[a-z-]+)` \| `(?P<answer>.+?)` \| (?P<outcome>right|wrong|invalid)"
)


def doc_examples() -> tuple[str, list[tuple[str, str, str]]]:
    text = SANDBOX_DOC.read_text(encoding="utf-8")
    section = text[text.index(DOC_SECTION) :]
    section = section[: section.index("\n## ", 1)] if "\n## " in section[1:] else section
    (deck,) = YAML_BLOCK.findall(section)
    rows = [
        (match["card"], match["answer"].replace("⏎", "\n"), match["outcome"])
        for match in map(ROW.match, section.splitlines())
        if match
    ]
    return deck, rows


def test_the_sandbox_doc_has_examples():
    _, rows = doc_examples()
    assert len(rows) >= 8
    assert {outcome for _, _, outcome in rows} == {"right", "wrong", "invalid"}


@pytest.mark.parametrize("index", range(len(doc_examples()[1])))
def test_the_sandbox_doc_examples_are_judged_as_it_says(make_deck, judge, index: int):
    text, rows = doc_examples()
    deck = make_deck(text, name="doc.yaml")
    card_id, answer, outcome = rows[index]
    card = deck.card(card_id)
    assert card is not None, card_id
    verdict = judge.judge(deck, card, answer)
    assert verdict.outcome.value == outcome, verdict.summary
