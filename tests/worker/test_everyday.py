"""Everyday PyTorch in the sandbox (issue 16): grad modes, seeds and a module's state,
used as a learner uses them, and the global state they touch left as it was.

Each case is a card of the deck below, what a learner typed and the verdict the real judge
(through the session's worker) must reach. The attacks on what stays closed around these
names are in the security corpus (``# ---- issue 16`` in ``test_security.py``); here, the
state every evaluation may change (the default generator, grad mode, inference mode) is
read back through the worker after evaluations that changed it, ended early or raised.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.verdicts import assert_verdict, deck_from_text

from quiz.judge.verdict import Outcome
from quiz.sandbox.protocol import Status

R, W, INV = Outcome.RIGHT, Outcome.WRONG, Outcome.INVALID

DECK = r"""
deck: everyday
title: Everyday PyTorch
cards:
  - id: no-grad
    kind: code
    prompt: Compute w * 2 without recording it for autograd.
    given: {w: "torch.randn(3, requires_grad=True)"}
    solution: |
      with torch.no_grad():
          y = w * 2
      y.requires_grad, y
  - id: enable-grad
    kind: code
    prompt: Inside no_grad, record w * 2 anyway; does it require grad?
    given: {w: "torch.randn(3, requires_grad=True)"}
    solution: |
      with torch.no_grad():
          with torch.enable_grad():
              y = w * 2
      y.requires_grad
  - id: inference
    kind: code
    prompt: Is w * 2, computed in inference mode, an inference tensor?
    given: {w: "torch.randn(3, requires_grad=True)"}
    solution: |
      with torch.inference_mode():
          y = w * 2
      y.is_inference()
  - {id: seeded, kind: output, expr: "torch.manual_seed(0)\ntorch.rand(2)"}
  - id: generator
    kind: code
    prompt: Three normal draws from a generator of your own, seeded with 0.
    solution: |
      g = torch.Generator().manual_seed(0)
      torch.randn(3, generator=g)
  - id: state-size
    kind: code
    prompt: How many entries does the state_dict of bn hold?
    given: {bn: "nn.BatchNorm1d(3)"}
    solution: len(bn.state_dict())
  - id: frozen
    kind: code
    prompt: Freeze m, then count the numbers it still trains.
    given: {m: "nn.Linear(3, 2)"}
    solution: |
      m.requires_grad_(False)
      sum(p.numel() for p in m.parameters() if p.requires_grad)
  - id: weight-names
    kind: code
    prompt: How many of m's parameters have a name ending in weight?
    given: {m: "nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))"}
    solution: sum(1 for n, p in m.named_parameters() if 'weight' in n)
  - id: layers
    kind: code
    prompt: How many direct children does m have, and how many modules in all?
    given: {m: "nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))"}
    solution: len(list(m.children())), len(list(m.modules()))
  - id: copy-weights
    kind: code
    prompt: Load a's state into b, then give b's weight.
    given: {a: "nn.Linear(2, 2)", b: "nn.Linear(2, 2)"}
    solution: |
      b.load_state_dict(a.state_dict())
      b.weight.detach()
  - id: sgd-step
    kind: code
    prompt: One step of SGD (lr 0.1) on w for the loss (w ** 2).sum(); give w after it.
    given: {w: "torch.randn(3, requires_grad=True)"}
    solution: |
      opt = torch.optim.SGD([w], lr=0.1)
      (w ** 2).sum().backward()
      opt.step()
      w.detach()
  - id: adam-state
    kind: code
    prompt: After one Adam step on m, how many tensors does its state hold per parameter?
    given: {m: "nn.Linear(2, 1)"}
    solution: |
      opt = torch.optim.Adam(m.parameters())
      m(torch.ones(2)).sum().backward()
      opt.step()
      [len(s) for s in opt.state_dict()['state'].values()]
  - id: step-lr
    kind: code
    prompt: The learning rate after three epochs of StepLR(step_size=2, gamma=0.5) from lr 1.
    given: {m: "nn.Linear(2, 1)"}
    solution: |
      opt = torch.optim.SGD(m.parameters(), lr=1.0)
      sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
      opt.step(); sched.step(); opt.step(); sched.step(); opt.step(); sched.step()
      opt.param_groups[0]['lr']
  - id: first-batch
    kind: code
    prompt: The labels of the first batch of 4 from a DataLoader over (X, Y).
    given: {X: "torch.randn(10, 2)", Y: "torch.arange(10)"}
    solution: |
      ds = torch.utils.data.TensorDataset(X, Y)
      next(iter(torch.utils.data.DataLoader(ds, batch_size=4)))[1]
  - id: batch-count
    kind: code
    prompt: How many batches of 4 does a DataLoader over X give, the last one dropped?
    given: {X: "torch.randn(10, 2)"}
    solution: len(list(torch.utils.data.DataLoader(X, batch_size=4, drop_last=True)))
  - id: split
    kind: code
    prompt: Split the rows of X 7 to 3 with a generator seeded 0; the first part's indices.
    given: {X: "torch.randn(10, 2)"}
    solution: |
      g = torch.Generator().manual_seed(0)
      a, b = torch.utils.data.random_split(torch.utils.data.TensorDataset(X), [7, 3], generator=g)
      a.indices
  - {id: dropout-eval, kind: output, expr: "d = nn.Dropout(0.5)\nd.eval()\nd(torch.ones(3))"}
  - id: batchnorm-train
    kind: output
    expr: |
      bn = nn.BatchNorm1d(2)
      y = bn(torch.tensor([[1., 2.], [3., 4.]]))
      bn.running_mean
"""

CASES = [
    # ---- grad modes
    ("no-grad", "with torch.no_grad():\n    y = w * 2\ny.requires_grad, y", R, "right"),
    ("no-grad", "y = w.detach() * 2\ny.requires_grad, y", R, "right"),
    ("no-grad", "with torch.no_grad():\n    y = w * 2\n\ny.requires_grad, y", R, "right"),
    ("no-grad", "y = w * 2\ny.requires_grad, y", W, "item 1: expected False, got True"),
    ("no-grad", "with torch.no_grad() as g:\n    y = w * 2\ny.requires_grad, y", W, "no 'as'"),
    ("no-grad", "with torch.autocast('cpu'):\n    y = w * 2\ny.requires_grad, y", W, "grad modes"),
    ("no-grad", "with torch.no_grad():\n    y = w * 2\n    y.requires_grad, y", INV, "last line"),
    ("enable-grad", "w.requires_grad", R, "right"),
    ("enable-grad", "with torch.no_grad():\n    y = w * 2\ny.requires_grad", W, "expected True"),
    ("inference", "with torch.inference_mode():\n    y = w * 2\ny.is_inference()", R, "right"),
    ("inference", "with torch.no_grad():\n    y = w * 2\ny.is_inference()", W, "expected True"),
    # ---- seeds
    ("seeded", "[0.4963, 0.7682]", R, "right"),
    ("seeded", "[0.4963, 0.7683]", W, "differs"),
    ("generator", "torch.manual_seed(0)\ntorch.randn(3)", R, "right"),
    (
        "generator",
        "g = torch.Generator()\ng.manual_seed(0)\ntorch.randn(3, generator=g)",
        R,
        "right",
    ),
    ("generator", "torch.manual_seed(1)\ntorch.randn(3)", W, "differs"),
    ("generator", "torch.randn(3, generator=torch.Generator().manual_seed(0))", R, "right"),
    ("generator", "torch.randn(3, generator=torch.ones(1))", W, "takes a torch.Generator()"),
    # ---- a module's state
    ("state-size", "len(list(bn.state_dict().keys()))", R, "right"),
    ("state-size", "len(list(bn.parameters()))", W, "expected 5, got 2"),
    ("state-size", "len([n for n, b in bn.named_buffers()]) + 2", R, "right"),
    (
        "frozen",
        "m.requires_grad_(False)\nsum(p.numel() for p in m.parameters() if p.requires_grad)",
        R,
        "right",
    ),
    ("frozen", "sum(p.numel() for p in m.parameters() if p.requires_grad)", W, "expected 0"),
    ("weight-names", "len([n for n, p in m.named_parameters() if 'weight' in n])", R, "right"),
    ("layers", "len(list(m.children())), len([n for n, c in m.named_modules()])", R, "right"),
    ("layers", "len(list(m.children())), 4", W, "expected 5, got 4"),
    ("copy-weights", "a.weight.detach()", R, "right"),
    ("copy-weights", "b.load_state_dict(a.state_dict())\nb.state_dict()['weight']", R, "right"),
    ("copy-weights", "b.load_state_dict('weights.pt')\nb.weight", W, "a dict of tensors"),
    ("copy-weights", "b.apply(nn.init.zeros_)\nb.weight", W, "'apply' is not available"),
    # ---- torch.optim
    ("sgd-step", "w.detach() * 0.8", R, "right"),
    (
        "sgd-step",
        "opt = torch.optim.SGD([w], lr=0.1)\nloss = (w ** 2).sum()\nloss.backward()\n"
        "opt.step()\nopt.zero_grad()\nw.detach()",
        R,
        "right",
    ),
    (
        "sgd-step",
        "opt = torch.optim.Adam([w], lr=0.1)\n(w ** 2).sum().backward()\nopt.step()\nw.detach()",
        W,
        "differs",
    ),
    (
        "sgd-step",
        "opt = torch.optim.SGD([w], lr=0.1, fused=True)\nw",
        W,
        "fused=True is not available",
    ),
    ("adam-state", "[3 for p in m.parameters()]", R, "right"),
    (
        "adam-state",
        "opt = torch.optim.Adam(m.parameters())\nm(torch.ones(2)).sum().backward()\n"
        "opt.step()\n[len(opt.state[p]) for p in m.parameters()]",
        R,
        "right",
    ),
    (
        "step-lr",
        "opt = torch.optim.SGD(m.parameters(), lr=1.0)\n"
        "s = torch.optim.lr_scheduler.StepLR(opt, 2, 0.5)\n"
        "[opt.step() or s.step() for i in range(3)]\ns.get_last_lr()[0]",
        R,
        "right",
    ),
    (
        "step-lr",
        "opt = torch.optim.SGD(m.parameters(), lr=1.0)\n"
        "s = torch.optim.lr_scheduler.LambdaLR(opt, abs)\n0.5",
        W,
        "LambdaLR takes a function",
    ),
    # ---- torch.utils.data
    ("first-batch", "Y[:4]", R, "right"),
    (
        "first-batch",
        "dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=4)\n"
        "xb, yb = next(iter(dl))\nyb",
        R,
        "right",
    ),
    (
        "first-batch",
        "dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), 4, shuffle=True)\n"
        "next(iter(dl))[1]",
        W,
        "differs",
    ),
    (
        "first-batch",
        "ds = torch.utils.data.TensorDataset(X, Y)\n"
        "next(iter(torch.utils.data.DataLoader(ds, batch_size=4, num_workers=2)))[1]",
        W,
        "num_workers=0 only",
    ),
    (
        "first-batch",
        "ds = torch.utils.data.TensorDataset(X, Y)\n"
        "next(iter(torch.utils.data.DataLoader(ds, batch_size=4, collate_fn=torch.stack)))",
        W,
        "collate_fn= is not available",
    ),
    (
        "first-batch",
        "torch.stack([y for x, y in torch.utils.data.TensorDataset(X, Y)][:4])",
        R,
        "right",
    ),
    (
        "batch-count",
        "len(torch.utils.data.DataLoader(X, batch_size=4, drop_last=True))",
        R,
        "right",
    ),
    ("batch-count", "len(torch.utils.data.DataLoader(X, batch_size=4))", W, "expected 2, got 3"),
    (
        "batch-count",
        "sum(1 for b in torch.utils.data.DataLoader(X, batch_size=4, drop_last=True))",
        R,
        "right",
    ),
    (
        "split",
        "g = torch.Generator().manual_seed(0)\n"
        "torch.utils.data.random_split(X, [0.7, 0.3], generator=g)[0].indices",
        R,
        "right",
    ),
    ("dropout-eval", "[1., 1., 1.]", R, "right"),
    ("batchnorm-train", "[0.2, 0.3]", R, "right"),
]


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory):
    return deck_from_text(tmp_path_factory.mktemp("everyday"), DECK)


@pytest.mark.parametrize(("card_id", "typed", "outcome", "words"), CASES)
def test_everyday_pytorch_as_learners_write_it(judge, deck, card_id, typed, outcome, words):
    card = deck.card(card_id)
    assert card is not None
    assert_verdict(judge.judge(deck, card, typed), outcome, words)


# What every evaluation starts from: grad mode on, inference mode off, and the draws of
# the generator seeded with 0.
STATE = "torch.is_grad_enabled(), torch.is_inference_mode_enabled(), torch.rand(2)"
DEFAULT = "(True, False, tensor([0.4963, 0.7682]))"


@pytest.mark.parametrize(
    "changer",
    [
        "torch.manual_seed(7)\ntorch.rand(5)",
        "g = torch.manual_seed(7)\ng.manual_seed(9)\ntorch.rand(5)",
        "with torch.no_grad():\n    y = torch.ones(2)\ny",
        "with torch.inference_mode():\n    y = torch.ones(2)\ny",
        # ended by an exception, a refusal and the step budget inside the block
        "with torch.no_grad():\n    torch.manual_seed(3)\n    y = torch.ones(2) + torch.ones(3)\ny",
        "with torch.inference_mode():\n    torch.manual_seed(3)\n    y = torch.os\ny",
        "with torch.no_grad():\n    y = sum(1 for i in range(10 ** 5))\ny",
    ],
)
def test_global_state_is_the_default_for_the_next_evaluation(sandbox, changer: str):
    """In the same request (the next expression) and in the next request."""
    run = sandbox.run([], [changer, STATE], (0,))
    (trial,) = run.trials
    assert trial.results[1].status is Status.VALUE, trial.results[1]
    assert trial.results[1].printed == DEFAULT
    (after,) = sandbox.run([], [STATE], (0,)).trials[0].results
    assert after.printed == DEFAULT


def test_a_seed_set_by_a_given_holds_for_its_card_only(sandbox):
    """Every draw of a given that seeds is the same; the next request starts afresh."""
    run = sandbox.run([("x", "torch.manual_seed(3)\ntorch.rand(2)")], ["x"], (0, 1, 2))
    drawn = {trial.results[0].printed for trial in run.trials}
    assert len(drawn) == 1 and drawn != {DEFAULT}
    (after,) = sandbox.run([], [STATE], (0,)).trials[0].results
    assert after.printed == DEFAULT


def test_a_with_block_keeps_the_mode_it_opened_until_it_ends(sandbox):
    source = (
        "with torch.no_grad():\n"
        "    a = torch.is_grad_enabled()\n"
        "    with torch.enable_grad():\n"
        "        b = torch.is_grad_enabled()\n"
        "    c = torch.is_grad_enabled()\n"
        "a, b, c, torch.is_grad_enabled()"
    )
    (result,) = sandbox.run([], [source], (0,)).trials[0].results
    assert result.printed == "(False, True, False, True)"


def test_a_training_loop_loads_nothing_more_after_the_wall(tmp_path):
    """torch.optim's wrappers import torch._dynamo (and sympy, some 800 modules) on first
    use; the sandbox calls them without it. A process of its own: nothing else may have
    imported them first."""
    program = (
        "import sys\n"
        "from quiz.worker.evaluator import Evaluator\n"
        "loaded = set(sys.modules)\n"
        "Evaluator({}).evaluate(\n"
        "    'm = nn.Linear(2, 1)\\n'\n"
        "    'opt = torch.optim.Adam(m.parameters())\\n'\n"
        "    's = torch.optim.lr_scheduler.StepLR(opt, 1)\\n'\n"
        "    'm(torch.ones(2)).sum().backward()\\n'\n"
        "    'opt.step(); s.step(); opt.zero_grad()\\n'\n"
        "    'o = torch.optim.Adam(m.parameters())\\n'\n"
        "    'o.load_state_dict(opt.state_dict())\\n'\n"
        "    'o.step()'\n"
        ")\n"
        "print(sorted(m for m in set(sys.modules) - loaded if 'dynamo' in m or 'sympy' in m))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
