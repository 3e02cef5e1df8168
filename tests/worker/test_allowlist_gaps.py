"""What torch's docstring examples showed the allow-list refusing wrongly, and its fences.

``test_docstring_examples`` found these legitimate operations refused: the condition
number ``torch.linalg.cond`` (the global deny-list named ``cond`` for ``torch.cond``,
which runs Python callables), ``Tensor.storage_offset``, ``torch.testing.assert_close``,
``nn.Parameter``, the legacy typed constructors such as ``torch.LongTensor([1, 2])``
and ``nn.Embedding.from_pretrained``. Each is open now; the attacks below pin down
what stays shut next to it, and the few names the same review closed.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from quiz.worker.evaluator import Evaluator, Refused


def givens() -> dict[str, object]:
    return {"x": torch.arange(10), "m": torch.tensor([[2.0, 1.0], [1.0, 3.0]])}


def plain_eval(source: str) -> object:
    return eval(source, {"torch": torch, "F": F, "nn": nn, "math": math, **givens()})


OPENED = [
    "torch.linalg.cond(m)",
    "torch.linalg.cond(m, 'fro')",
    "x.storage_offset()",
    "x[3:].storage_offset()",
    "torch.testing.assert_close(m, m.clone())",
    "torch.testing.assert_close(x, x, check_stride=False)",
    "nn.Parameter(m).shape",
    "nn.Parameter(m, requires_grad=False).requires_grad",
    "torch.typename(nn.Parameter)",
    "torch.device('cpu')",
    "x.device == torch.device('cpu')",
    "x.to(torch.device('cpu'))",
    "torch.LongTensor([[1, 2, 4, 5], [4, 3, 2, 9]])",
    "torch.FloatTensor([[0.1, 0.2, 0.4, 0.8]])",
    "torch.BoolTensor([True, False])",
    "torch.LongTensor([100000, 100000])",
    "torch.FloatTensor(2, 3).shape",
    "torch.LongTensor(size=(2, 3)).dtype",
    "torch.Tensor(2, 3).shape",
    "x.new(2, 3).shape",
    "x.new([1, 2])",
    "torch.ones(4).resize_(2, 2)",
    "nn.Embedding.from_pretrained(m).weight",
    "nn.EmbeddingBag.from_pretrained(m, mode='sum')(torch.tensor([[0, 1]]))",
]


@pytest.mark.parametrize("source", OPENED)
def test_opened_operations_match_plain_torch(source: str):
    ours = Evaluator(givens()).evaluate(source)
    theirs = plain_eval(source)
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, torch.Tensor)
        assert (ours.shape, ours.dtype) == (theirs.shape, theirs.dtype)
        if "Tensor(2, 3)" not in source:  # uninitialised memory: shape and dtype only
            assert torch.equal(ours.detach(), theirs.detach())
    else:
        assert ours == theirs


def test_assert_close_raises_the_assertion_error_a_learner_expects():
    with pytest.raises(AssertionError, match="Tensor-likes are not close"):
        Evaluator(givens()).evaluate("torch.testing.assert_close(m, m + 1)")


ATTACKS = [
    # torch.cond runs Python callables: only the linalg one is open.
    ("torch.cond(True, abs, abs, (x,))", "'cond' is not available on module torch"),
    # torch.testing: assert_close, nothing else.
    ("torch.testing.make_tensor((2,), dtype=torch.float32, device='cpu')", "'make_tensor'"),
    ("torch.testing.FileCheck()", "'FileCheck' is not available on module torch.testing"),
    ("torch.testing._comparison", "attributes starting with '_' are not allowed"),
    ("torch.testing.assert_allclose(x, x)", "'assert_allclose' is not available"),
    # storage_offset is a number; the storage itself stays out.
    ("x.storage()", "'storage' is not available in the sandbox"),
    ("x.untyped_storage().tolist()", "'untyped_storage' is not available in the sandbox"),
    ("torch.as_strided(x, (2,), (1,), x.storage_offset())", "'as_strided' is not available"),
    ("x.set_(x, 0, (2,))", "'set_' is not available in the sandbox"),
    # nn.Parameter is a tensor: no hooks, no private constructors.
    ("nn.Parameter(m).register_hook(abs)", "'register_hook' is not available in the sandbox"),
    ("nn.Parameter.__new__", "attributes starting with '_' are not allowed"),
    ("nn.Parameter(m).data_ptr()", "'data_ptr' is not available in the sandbox"),
    # torch.device: the CPU only, however it is spelled.
    ("torch.device('cuda')", "only the CPU is available"),
    ("torch.device('cuda', 0)", "only the CPU is available"),
    ("torch.device(type='mps')", "only the CPU is available"),
    ("torch.device(0)", "only the CPU is available"),
    ("x.to(torch.device('xpu'))", "only the CPU is available"),
    # Legacy constructors and Tensor.new: sizes are counted before allocating.
    ("torch.LongTensor(10 ** 5, 10 ** 5)", "that would make 10,000,000,000 elements"),
    ("torch.FloatTensor(size=(10 ** 5, 10 ** 5))", "that would make 10,000,000,000 elements"),
    ("torch.DoubleTensor(torch.Size([10 ** 5, 10 ** 5]))", "that would make 10,000,000,000"),
    ("torch.Tensor(10 ** 5, 10 ** 5)", "that would make 10,000,000,000 elements"),
    ("x.new(10 ** 5, 10 ** 5)", "that would make 10,000,000,000 elements"),
    ("torch.ones(1).resize_(10 ** 5, 10 ** 5)", "that would make 10,000,000,000 elements"),
    ("torch.ones(1).resize_((10 ** 5, 10 ** 5))", "that would make 10,000,000,000 elements"),
    ("torch.FloatTensor(2, device='cuda')", "only the CPU is available"),
    ("torch.FloatTensor.type", "'type' is not available on a tensortype"),
    ("torch.Storage", "'Storage' is not available on module torch"),
    ("torch.cuda.FloatTensor", "'cuda' is not available in the sandbox"),
    # Layer classes: from_pretrained, none of nn.Module's machinery.
    ("nn.Linear.register_forward_hook", "'register_forward_hook' is not available on a type"),
    ("nn.Module.load_state_dict", "'load_state_dict' is not available on a type"),
    ("nn.Module.apply", "'apply' is not available on a type"),
    ("nn.Embedding.from_pretrained(m).apply(abs)", "'apply' is not available on a Embedding"),
    ("nn.Embedding.__subclasses__()", "attributes starting with '_' are not allowed"),
    # Closed by the same review: public names that mutate state, parse TorchScript,
    # expose pointers, run callables or name files.
    ("torch.autocast_increment_nesting()", "'autocast_increment_nesting' is not available"),
    ("torch.autocast_decrement_nesting()", "'autocast_decrement_nesting' is not available"),
    ("x.const_data_ptr()", "'const_data_ptr' is not available in the sandbox"),
    ("torch.to_dlpack(x)", "'to_dlpack' is not available in the sandbox"),
    ("torch.parse_ir('graph(): return ()')", "'parse_ir' is not available in the sandbox"),
    ("torch.parse_schema('f() -> ()')", "'parse_schema' is not available in the sandbox"),
    ("torch.get_file_path('x')", "'get_file_path' is not available in the sandbox"),
    ("torch.classproperty(abs)", "'classproperty' is not available in the sandbox"),
    ("torch.thread_safe_generator(abs)", "'thread_safe_generator' is not available"),
    ("F.handle_torch_function(abs, (x,), x)", "'handle_torch_function' is not available"),
    ("F.boolean_dispatch('a', 0, True, abs, abs, 'm', 'f')", "'boolean_dispatch' is not"),
    ("torch.random.manual_seed(0)", "'random' is not available on module torch"),
]


@pytest.mark.parametrize(("source", "reason"), ATTACKS, ids=lambda v: str(v)[:40])
def test_what_stays_shut_is_refused(
    source: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Refused) as refused:
        Evaluator(givens()).evaluate(source)
    assert reason in str(refused.value)
    assert list(tmp_path.iterdir()) == []
