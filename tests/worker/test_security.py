"""The security corpus (issue 3): hostile expressions from decks and from learners.

Every attack runs twice over, through the real worker process:

* as a deck's expression: an output card's ``expr``, a code card's ``solution`` and
  a given, checked with ``check_card`` as ``torch-quiz check`` does. Each must give
  one diagnostic that says why (refused, raises, a sandbox limit), or, for text
  that is not an expression at all, stop the deck loading;
* as a learner's answer to a code card, through ``Judge.judge``: WRONG or INVALID,
  never RIGHT, never an exception out of the judge.

After each one: no file appeared (the attacks aim at a path inside a directory that
holds the workers' private working directories, each one's cwd and TMPDIR; nothing may
appear anywhere below it), the texts shown are one printable line with no traceback,
the worker survived unless it had to be killed for time, and the next evaluation gives
the right value with the default global state.

The CPU bombs spread their three paths over three workers with a small time limit, so
that one reloads torch while the next is busy being killed; every other attack runs on a
worker with the default limit, so that a busy machine cannot make it merely slow.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from support.waiting import wait_until, wait_until_busy

from quiz.deck.loader import load_deck
from quiz.deck.model import AnyCard, Deck
from quiz.judge.client import WORKDIR_PREFIX, WorkerClient
from quiz.judge.deckcheck import check_card
from quiz.judge.judge import Judge
from quiz.judge.verdict import Outcome, Verdict
from quiz.sandbox.protocol import Run, Status

# The CPU bombs' workers have a small time limit, so that each kill is quick; the worker
# serving every other attack keeps the default, so that no attack that should be refused
# or raise is found slow instead because the machine is busy.
TIME_LIMIT = 0.25
# Work no machine finishes: a recurrence of 2**62 steps on one element.
ENDLESS = "torch.special.legendre_polynomial_p(torch.zeros(1), 2 ** 62)"

Test = TypeVar("Test", bound=Callable[..., object])

# What the sandbox does with an attack.
REFUSED = "refused"
RAISED = "raised"
SYNTAX = "syntax"
TIME = "time"  # killed at the wall-clock deadline (or found slow by the worker)
MEMORY = "memory"
SIZE = "size"
LIMITS = (TIME, MEMORY, SIZE)
VALUE = "value"  # it runs and gives a value: what is shown of it must arrive escaped

# How the loader words a problem with the text itself (the worker never sees it).
TOO_LONG = "characters long; the limit is 2000"
BIG_FILE = "the file is larger than 1000 kB"  # a deck holding a text of a megabyte
CONTROL = "control character U+"
NOT_EXPR = "not a valid expression"
# Python itself refuses to compile it: the learner is told so before anything runs (a
# syntax verdict), and the worker, handed it directly, refuses it.
UNCOMPILABLE = "uncompilable"

# One expression that shows whether the worker works and its global state is the default:
# values, dtypes, grad and inference mode, threads, the seed and the print precision.
PROBE = (
    "torch.tensor([1, 7, 3]).clamp(2, 5), torch.tensor([1.5]).dtype, torch.get_default_dtype(), "
    "torch.is_grad_enabled(), torch.is_inference_mode_enabled(), torch.get_num_threads(), "
    "torch.rand(2), torch.tensor([0.123456789])"
)
PROBE_PRINTED = (
    "(tensor([2, 5, 3]), torch.float32, torch.float32, True, False, 1, "
    "tensor([0.4963, 0.7682]), tensor([0.1235]))"
)


@dataclass(frozen=True)
class Attack:
    """One hostile text, and what the sandbox may make of it.

    ``expect`` lists the acceptable outcomes. An attack expected to be refused must be
    refused: had it raised, it would have run. A bomb may hit its limit, or the time
    limit first on a busy machine, or be refused before it starts if the evaluator can
    tell; a refusal is the best of these. Only CPU bombs (``kill``) may cost the worker.
    """

    source: str  # "{out}" stands for a file path inside the watched directory
    expect: tuple[str, ...]  # REFUSED, RAISED, SYNTAX or limits
    static: str | None = None  # when the deck loader stops it first: its message
    kill: bool = False  # runs until the wall-clock deadline kills the worker

    def text(self, watched: Path) -> str:
        return self.source.replace("{out}", str(watched / "pwned"))


def attack(group: str, name: str, source: str, expect: str, static: str | None = None):
    if expect in (REFUSED, SYNTAX, VALUE):
        outcomes: tuple[str, ...] = (expect,)
    elif expect == RAISED:
        outcomes = (RAISED, REFUSED)
    elif expect == UNCOMPILABLE:
        outcomes = (REFUSED, SYNTAX)
    else:
        outcomes = tuple(dict.fromkeys((expect, TIME, REFUSED)))
    return pytest.param(Attack(source, outcomes, static, kill=expect == TIME), id=f"{group}/{name}")


# An optimizer over one parameter w, for the torch.optim attacks (issue 16).
OPTIMIZER = "w = torch.zeros(2, requires_grad=True)\no = torch.optim.SGD([w], 0.1)\n"

ATTACKS = [
    # ------------------------------------------------ modules that torch leaks
    attack("leak", "torch.os", "torch.os", REFUSED),
    attack("leak", "torch.os.system", "torch.os.system('touch {out}')", REFUSED),
    attack("leak", "torch.sys.modules", "torch.sys.modules['os']", REFUSED),
    attack("leak", "torch.builtins.eval", "torch.builtins.eval('1')", REFUSED),
    attack("leak", "torch.builtins.open", "torch.builtins.open('{out}', 'w')", REFUSED),
    attack("leak", "torch.importlib", "torch.importlib.import_module('os')", REFUSED),
    attack("leak", "serialization.pickle", "torch.serialization.pickle.loads", REFUSED),
    attack("leak", "torch.ctypes", "torch.ctypes.CDLL(None)", REFUSED),
    attack("leak", "torch.platform", "torch.platform.system()", REFUSED),
    attack("leak", "torch.glob", "torch.glob.glob('/*')", REFUSED),
    attack("leak", "torch.inspect", "torch.inspect.currentframe()", REFUSED),
    attack("leak", "F.torch.os", "F.torch.os", REFUSED),
    attack("leak", "autograd.functional.torch", "torch.autograd.functional.torch.os", REFUSED),
    attack("leak", "nn.modules", "nn.modules.module.torch", REFUSED),
    # ------------------------------------------------ torch APIs that read, write or load
    attack("file", "torch.load", "torch.load('{out}')", REFUSED),
    attack("file", "torch.save", "torch.save(x, '{out}')", REFUSED),
    attack("file", "torch.from_file", "torch.from_file('/etc/passwd', size=10)", REFUSED),
    attack(
        "file",
        "UntypedStorage.from_file",
        "torch.UntypedStorage.from_file('/etc/passwd', False, 10)",
        REFUSED,
    ),
    attack(
        "file",
        "storage_type.from_file",
        "x.storage_type().from_file('/etc/passwd', False, 10)",
        REFUSED,
    ),
    attack("file", "storage_type-call", "x.storage_type()(10)", REFUSED),
    attack("file", "numpy.tofile", "x.numpy().tofile('{out}')", REFUSED),
    attack("file", "numpy.dump", "x.numpy().dump('{out}')", REFUSED),
    attack("file", "open-write", "open('{out}', 'w')", REFUSED),
    attack("file", "open-read", "open('/etc/passwd').read()", REFUSED),
    attack(
        "file",
        "pathlib-via-sys",
        "torch.sys.modules['pathlib'].Path('{out}').write_text('x')",
        REFUSED,
    ),
    attack("file", "torch.hub.load", "torch.hub.load('a/b', 'c')", REFUSED),
    attack("file", "hub.download", "torch.hub.download_url_to_file('http://0/', '{out}')", REFUSED),
    attack("file", "torch.package", "torch.package.PackageExporter('{out}')", REFUSED),
    attack("file", "jit.load", "torch.jit.load('{out}')", REFUSED),
    attack("file", "jit.save", "torch.jit.save(torch.jit.script(torch.sin), '{out}')", REFUSED),
    # ------------------------------------------------ libraries, compilers, callables, memory
    attack("load", "ops.load_library", "torch.ops.load_library('{out}')", REFUSED),
    attack("load", "classes.load_library", "torch.classes.load_library('{out}')", REFUSED),
    attack("load", "library.Library", "torch.library.Library('evil', 'DEF')", REFUSED),
    attack(
        "compile", "cpp_extension", "torch.utils.cpp_extension.load_inline('m', 'int f;')", REFUSED
    ),
    attack("compile", "torch.compile", "torch.compile(torch.sin)(x)", REFUSED),
    attack("compile", "jit.script", "torch.jit.script(torch.sin)", REFUSED),
    attack("compile", "torch.export", "torch.export.export(nn.Linear(3, 1), (x,))", REFUSED),
    attack("callable", "apply_", "x.apply_(abs)", REFUSED),
    attack("callable", "Tensor.apply_", "torch.Tensor.apply_(x, abs)", REFUSED),
    attack("callable", "map_", "x.map_(x, max)", REFUSED),
    attack("callable", "register_hook", "x.register_hook(abs)", REFUSED),
    attack("callable", "forward-hook", "nn.Linear(3, 1).register_forward_hook(abs)", REFUSED),
    attack("callable", "module.apply", "nn.Linear(3, 1).apply(abs)", REFUSED),
    attack("callable", "max-key-print", "max([1, 2], key=print)", REFUSED),
    attack("callable", "assert_close-msg", "torch.testing.assert_close(x, x, msg=print)", REFUSED),
    attack("callable", "jacobian-print", "torch.autograd.functional.jacobian(print, x)", REFUSED),
    attack("memory", "data_ptr", "x.data_ptr()", REFUSED),
    attack("memory", "untyped_storage", "x.untyped_storage()", REFUSED),
    attack("memory", "as_strided", "x.as_strided((100,), (10 ** 6,))", REFUSED),
    attack("memory", "type-dotted-name", "x.type('os.system')", RAISED),
    # ------------------------------------------------ processes
    attack(
        "process",
        "subprocess-via-sys",
        "torch.sys.modules['subprocess'].run(['touch', '{out}'])",
        REFUSED,
    ),
    attack("process", "os.fork", "torch.os.fork()", REFUSED),
    attack("process", "os.popen", "torch.os.popen('id')", REFUSED),
    attack("process", "multiprocessing", "torch.multiprocessing.Process()", REFUSED),
    attack(
        "process", "DataLoader-workers", "torch.utils.data.DataLoader(x, num_workers=2)", REFUSED
    ),
    attack("process", "distributed", "torch.distributed.init_process_group('gloo')", REFUSED),
    # ------------------------------------------------ dunder chains, formatting, frames
    attack("dunder", "subclasses", "().__class__.__base__.__subclasses__()", REFUSED),
    attack("dunder", "reduce_ex", "x.__reduce_ex__(2)", REFUSED),
    attack("dunder", "type", "type(x)", REFUSED),
    attack("dunder", "mro", "x.__class__.__mro__", REFUSED),
    attack("dunder", "globals-of-function", "torch.testing.assert_close.__globals__", REFUSED),
    attack("dunder", "builtins-name", "__builtins__", REFUSED),
    attack("dunder", "private-attribute", "nn.Linear(3, 1)._modules", REFUSED),
    attack(
        "dunder",
        "grad_fn-walk",
        "torch.ones(1, requires_grad=True).mul(2).grad_fn.next_functions",
        REFUSED,
    ),
    attack("format", "str.format", "'{0.__class__}'.format(x)", REFUSED),
    attack("format", "f-string", "f'{x.__class__}'", REFUSED),
    attack("format", "percent", "'%s' % x", REFUSED),
    attack("format", "format-builtin", "format(x, '')", REFUSED),
    attack("frame", "genexp.gi_frame", "(i for i in [1]).gi_frame", REFUSED),
    attack("frame", "parameters.gi_frame", "nn.Linear(3, 1).parameters().gi_frame", REFUSED),
    attack(
        "frame", "comprehension", "[c for c in ().__class__.__base__.__subclasses__()]", REFUSED
    ),
    attack("frame", "lambda", "(lambda: 0).__globals__", REFUSED),
    # ------------------------------------------------ fullwidth identifiers (NFKC to ASCII)
    attack("fullwidth", "torch.os", "ｔｏｒｃｈ.ｏｓ", REFUSED),
    attack("fullwidth", "os.system", "ｔｏｒｃｈ.ｏｓ.ｓｙｓｔｅｍ('id')", REFUSED),
    attack("fullwidth", "print", "ｐｒｉｎｔ(x)", REFUSED),
    attack("fullwidth", "eval", "ｅｖａｌ('1')", REFUSED),
    attack("fullwidth", "apply_", "x.ａｐｐｌｙ_(abs)", REFUSED),
    # ------------------------------------------------ builtins
    attack("builtin", "print", "print(x)", REFUSED),
    attack("builtin", "input", "input()", REFUSED),
    attack("builtin", "exit", "exit()", REFUSED),
    attack("builtin", "quit", "quit()", REFUSED),
    attack("builtin", "breakpoint", "breakpoint()", REFUSED),
    attack("builtin", "globals", "globals()", REFUSED),
    attack("builtin", "vars", "vars()", REFUSED),
    attack("builtin", "locals", "locals()", REFUSED),
    attack("builtin", "getattr", "getattr(torch, 'os')", REFUSED),
    attack("builtin", "setattr", "setattr(torch, 'ones', None)", REFUSED),
    attack("builtin", "delattr", "delattr(torch, 'ones')", REFUSED),
    attack("builtin", "__import__", "__import__('os')", REFUSED),
    attack("builtin", "eval", "eval('1')", REFUSED),
    attack("builtin", "exec", "exec('1')", REFUSED),
    attack("builtin", "compile", "compile('1', 'f', 'eval')", REFUSED),
    attack("builtin", "help", "help(torch)", REFUSED),
    # ------------------------------------------------ global state (checked by the probe after)
    attack("state", "set_default_dtype", "torch.set_default_dtype(torch.float64)", REFUSED),
    attack("state", "manual_seed-state", "torch.manual_seed(1).get_state()", REFUSED),
    attack("state", "random.manual_seed", "torch.random.manual_seed(1)", REFUSED),
    attack("state", "set_printoptions", "torch.set_printoptions(precision=1)", REFUSED),
    attack("state", "set_num_threads", "torch.set_num_threads(64)", REFUSED),
    attack("state", "set_grad_enabled", "torch.set_grad_enabled(False)", REFUSED),
    attack("state", "autograd.set_grad_enabled", "torch.autograd.set_grad_enabled(False)", REFUSED),
    attack("state", "set_default_device", "torch.set_default_device('meta')", REFUSED),
    attack("state", "deterministic", "torch.use_deterministic_algorithms(True)", REFUSED),
    # ------------------------------------------------ memory bombs
    attack("memory-bomb", "ones-1e10", "torch.ones(10 ** 10)", REFUSED),
    attack("memory-bomb", "cat-300", "torch.cat([torch.ones(10 ** 7)] * 300)", MEMORY),
    attack("memory-bomb", "repeat-300", "torch.ones(10 ** 7).repeat(300)", MEMORY),
    attack("memory-bomb", "broadcast-add", "torch.ones(10 ** 7, 1) + torch.ones(1, 300)", MEMORY),
    attack(
        "memory-bomb", "outer-matmul", "torch.ones(10 ** 7, 1) @ torch.ones(1, 10 ** 7)", MEMORY
    ),
    attack("memory-bomb", "new-sizes", "x.new(10 ** 5, 10 ** 5)", MEMORY),
    attack("memory-bomb", "resize_", "x.resize_(10 ** 5, 10 ** 5)", MEMORY),
    attack("memory-bomb", "new_empty_strided", "x.new_empty_strided((2,), (10 ** 12,))", MEMORY),
    attack("memory-bomb", "nn.Linear", "nn.Linear(10 ** 5, 10 ** 5)", MEMORY),
    attack("memory-bomb", "nn.Embedding", "nn.Embedding(10 ** 9, 8)", MEMORY),
    attack(
        "memory-bomb",
        "expand-contiguous",
        "torch.ones(1).expand(10 ** 4, 10 ** 3).contiguous().expand(100, 10 ** 4, 10 ** 3)",
        REFUSED,
    ),
    attack("memory-bomb", "expand-minus-one", "torch.ones(10 ** 7, 1).expand(-1, 300)", REFUSED),
    attack("memory-bomb", "expand-sum", "torch.zeros(1).expand(10 ** 5, 10 ** 6).sum()", REFUSED),
    attack("memory-bomb", "list-repeat", "[1] * 10 ** 9", REFUSED),
    attack("memory-bomb", "list-range", "list(range(10 ** 9))", REFUSED),
    attack("memory-bomb", "power-tower", "10 ** 10 ** 10", REFUSED),
    attack("memory-bomb", "power-2-2-30", "2 ** (2 ** 30)", REFUSED),
    attack("memory-bomb", "shift", "1 << 10 ** 6", REFUSED),
    attack("memory-bomb", "tolist", "torch.ones(10 ** 5).tolist()", SIZE),
    attack("memory-bomb", "list-of-100k", "list(range(10 ** 5))", SIZE),
    attack("memory-bomb", "int-too-long-to-print", "math.factorial(2000)", SIZE),
    attack("memory-bomb", "nested-value", "[" * 190 + "1" + "]" * 190, SIZE),
    attack("cpu-bomb", "matrix_power-4000", "torch.ones(4000, 4000).matrix_power(50)", REFUSED),
    # ------------------------------------------------ parser bombs
    attack("parser", "open-parens-10k", "(" * 10000, REFUSED, TOO_LONG),
    attack("parser", "minus-100k", "-" * 100000 + "1", REFUSED, TOO_LONG),
    attack("parser", "plus-zero-200k", "+0" * 200000, REFUSED, TOO_LONG),
    attack("parser", "over-length", "x" + "+x" * 1000, REFUSED, TOO_LONG),
    attack("parser", "nested-parens", "(" * 999 + "1" + ")" * 999, SYNTAX, NOT_EXPR),
    attack("parser", "nested-lists", "[" * 999 + "]" * 999, SYNTAX, NOT_EXPR),
    attack("parser", "nested-calls", "abs(" * 300 + "1" + ")" * 300, SYNTAX, NOT_EXPR),
    attack("parser", "minus-1999", "-" * 1999 + "1", REFUSED),
    attack("parser", "plus-zero-999", "x" + "+0" * 999, REFUSED),
    attack("parser", "subscripts-600", "x" + "[0]" * 600, REFUSED),
    attack("parser", "not-450", "not " * 450 + "x", REFUSED),
    # ------------------------------------------------ control characters
    attack("control", "NUL", "x\x00", REFUSED, CONTROL),
    attack("control", "ESC-clear-screen", "x\x1b[2J", REFUSED, CONTROL),
    attack("control", "ESC-in-string", "'\x1b[31m'", REFUSED, CONTROL),
    attack("control", "ESC-in-comment", "x # \x1b]0;pwned\x07", REFUSED, CONTROL),
    attack("control", "RTL-override", "\u202ex.clamp(2, 5)", REFUSED, CONTROL),
    attack("control", "zero-width-space", "x\u200b", REFUSED, CONTROL),
    attack("control", "BOM", "x\ufeff", REFUSED, CONTROL),
    attack("control", "DEL", "x\x7f", REFUSED, CONTROL),
    attack("control", "backspace", "x\x08\x08\x08", REFUSED, CONTROL),
    # a deck's text may not hold them at all (finding 4); a learner's answer is not an expression
    attack("control", "CR", "x\r+1", SYNTAX, CONTROL),
    attack("control", "line-separator", "x\u2028+1", SYNTAX, CONTROL),
    # escapes written as text reach torch's messages, which must come back escaped
    attack("control", "escaped-ESC-in-message", "x.to('\\x1b[2J')", RAISED),
    attack("control", "escaped-RTL-in-message", "x.to('\\u202egnp.exe')", RAISED),
    attack("control", "escaped-surrogate", "x.to('\\ud800')", RAISED),
    # ------------------------------------------------ issue 13, findings 1 and 5: memory safety
    # Sparse tensors: their index tensors are live aliases of their internals, so none may
    # exist. Each route to one, and to its internals, is refused.
    attack(
        "sparse",
        "coo-indices-add_",
        "torch.sparse_coo_tensor(torch.tensor([[0]]), torch.tensor([7.]), (1024,))"
        ".coalesce().indices()[0].add_(2064)",
        REFUSED,
    ),
    attack("sparse", "to_sparse-indices", "x.to_sparse().indices().add_(10 ** 6)", REFUSED),
    attack("sparse", "to_sparse-values", "x.to_sparse().values().copy_(x)", REFUSED),
    attack("sparse", "to_sparse_coo", "x.to_sparse_coo().to_dense()", REFUSED),
    attack("sparse", "csr-crow_indices", "x.view(1, 3).to_sparse_csr().crow_indices()", REFUSED),
    attack(
        "sparse",
        "csr-col_indices",
        "torch.sparse_csr_tensor(torch.tensor([0, 1]), torch.tensor([0]), torch.ones(1), (1, 4))"
        ".col_indices().fill_(10 ** 6)",
        REFUSED,
    ),
    attack("sparse", "csc-ccol_indices", "x.view(1, 3).to_sparse_csc().ccol_indices()", REFUSED),
    attack("sparse", "bsr", "x.view(1, 3).to_sparse_bsr((1, 1)).col_indices()", REFUSED),
    attack("sparse", "bsc", "x.view(1, 3).to_sparse_bsc((1, 1)).row_indices()", REFUSED),
    attack(
        "sparse",
        "compressed-constructor",
        "torch.sparse_compressed_tensor(torch.tensor([0, 1]), torch.tensor([0]), torch.ones(1),"
        " (1, 4), layout=torch.sparse_csr)",
        REFUSED,
    ),
    attack(
        "sparse",
        "check_invariants-off",
        "torch.sparse_coo_tensor(torch.tensor([[9]]), torch.ones(1), (2,),"
        " check_invariants=False).to_dense()",
        REFUSED,
    ),
    attack("sparse", "layout-keyword", "torch.zeros(3, layout=torch.sparse_coo)", REFUSED),
    attack("sparse", "jagged-layout", "torch.empty(3, layout=torch.jagged)", REFUSED),
    attack("sparse", "torch.sparse.mm", "torch.sparse.mm(x, x)", REFUSED),
    attack("sparse", "values-of-dense", "x.values()", REFUSED),
    attack("sparse", "indices_copy", "torch.indices_copy(x)", REFUSED),
    attack("sparse", "sparse_mask", "x.sparse_mask(x)", REFUSED),
    attack("sparse", "resize_as_sparse_", "x.resize_as_sparse_(x)", REFUSED),
    attack("sparse", "hspmm", "torch.hspmm(x, x)", REFUSED),
    attack("sparse", "embedding-sparse-grad", "nn.Embedding(3, 2, sparse=True)", REFUSED),
    attack(
        "sparse",
        "embedding-sparse-positional",
        "nn.Embedding(3, 2, None, None, 2.0, False, True)",
        REFUSED,
    ),
    attack(
        "sparse",
        "gather-sparse_grad",
        "torch.gather(x.float(), 0, x.clamp(0, 2), sparse_grad=True)",
        REFUSED,
    ),
    # Native ops that do not check their index arguments on the CPU (found by fuzzing every
    # allowed op with out-of-range, negative and huge offsets, lengths and indices).
    attack(
        "native",
        "segment_reduce-offsets",
        "torch.segment_reduce(torch.ones(4), 'max', offsets=torch.tensor([0, 100000]))",
        REFUSED,
    ),
    attack(
        "native",
        "segment_reduce-unsafe-lengths",
        "torch.segment_reduce(torch.ones(4), 'sum', lengths=torch.tensor([2, 100000]),"
        " unsafe=True)",
        REFUSED,
    ),
    attack(
        "native",
        "ctc_loss-huge-target",
        "F.ctc_loss(torch.randn(5, 1, 3).log_softmax(2), "
        "torch.tensor([[1, 2 ** 40]]), torch.tensor([5]), torch.tensor([2]))",
        REFUSED,
    ),
    attack(
        "native",
        "ctc_loss-negative-target",
        "F.ctc_loss(torch.randn(5, 1, 3).log_softmax(2), "
        "torch.tensor([[1, -100000]]), torch.tensor([5]), torch.tensor([2]))",
        REFUSED,
    ),
    attack(
        "native",
        "torch.ctc_loss",
        "torch.ctc_loss(torch.randn(5, 1, 3).log_softmax(2), "
        "torch.tensor([[1, 100000]]), torch.tensor([5]), torch.tensor([2]),"
        " 0, 1, False)",
        REFUSED,
    ),
    attack(
        "native",
        "CTCLoss-layer",
        "nn.CTCLoss()(torch.randn(5, 1, 3).log_softmax(2), "
        "torch.tensor([1, 100000]), torch.tensor([5]), torch.tensor([2]))",
        REFUSED,
    ),
    attack(
        "native",
        "CTCLoss-forward",
        "nn.CTCLoss().forward(torch.randn(5, 1, 3).log_softmax(2), "
        "torch.tensor([[1, 100000]]), torch.tensor([5]),"
        " torch.tensor([2]))",
        REFUSED,
    ),
    attack(
        "native",
        "native_batch_norm-null",
        "torch.native_batch_norm(torch.ones(2, 3), None, None, None, None, False, 0.1, 1e-5)",
        REFUSED,
    ),
    attack(
        "native",
        "fbgemm-forged-pointer",
        "torch.fbgemm_linear_fp16_weight(torch.ones(2, 2),"
        " torch.fbgemm_pack_gemm_matrix_fp16(torch.ones(2, 2)).zero_(), torch.ones(2))",
        REFUSED,
    ),
    attack("native", "mkldnn_rnn_layer", "torch.mkldnn_rnn_layer", REFUSED),
    attack("native", "quantized_lstm_cell", "torch.quantized_lstm_cell", REFUSED),
    attack("native", "F.native_channel_shuffle", "F.native_channel_shuffle(x, 1)", REFUSED),
    # ... and those whose own bounds check raises cleanly: they stay open.
    attack("native", "take", "x.take(x)", RAISED),
    attack("native", "gather", "x.gather(0, x)", RAISED),
    attack("native", "index_select", "x.index_select(0, x)", RAISED),
    attack("native", "scatter", "x.scatter(0, x, x)", RAISED),
    attack("native", "index_add", "x.index_add(0, x, x)", RAISED),
    attack("native", "index_copy", "x.index_copy(0, x, x)", RAISED),
    attack("native", "index_fill", "x.index_fill(0, x, 0)", RAISED),
    attack(
        "native",
        "index_reduce_",
        "torch.ones(4).index_reduce_(0, torch.tensor([100000]), torch.ones(1), 'prod')",
        RAISED,
    ),
    attack(
        "native",
        "put_-accumulate",
        "torch.ones(4).put_(torch.tensor([100000]), torch.ones(1), accumulate=True)",
        RAISED,
    ),
    attack(
        "native",
        "index_put_-accumulate",
        "torch.ones(4).index_put_((torch.tensor([100000]),), torch.ones(1), accumulate=True)",
        RAISED,
    ),
    attack(
        "native",
        "searchsorted-sorter",
        "torch.searchsorted(torch.tensor([1., 2., 3.]), torch.tensor([2.5]),"
        " sorter=torch.tensor([0, 100000, 2]))",
        RAISED,
    ),
    attack(
        "native",
        "embedding_bag-offsets",
        "F.embedding_bag(torch.tensor([0, 1]), torch.ones(3, 2), torch.tensor([0, 100000]))",
        RAISED,
    ),
    attack(
        "native", "embedding", "F.embedding(torch.tensor([0, 100000]), torch.ones(3, 2))", RAISED
    ),
    attack(
        "native",
        "max_unpool2d-indices",
        "torch.max_unpool2d(torch.ones(1, 1, 2, 2), torch.full((1, 1, 2, 2), 100000), [4, 4])",
        RAISED,
    ),
    attack(
        "native",
        "multi_margin_loss-target",
        "F.multi_margin_loss(torch.ones(2, 3), torch.tensor([0, 100000]))",
        RAISED,
    ),
    attack(
        "native",
        "nll_loss-weighted-target",
        "F.nll_loss(torch.ones(2, 3), torch.tensor([0, -100000]), weight=torch.ones(3))",
        RAISED,
    ),
    attack(
        "native",
        "ctc_loss-input_lengths",
        "F.ctc_loss(torch.randn(5, 1, 3).log_softmax(2), "
        "torch.tensor([[1, 2]]), torch.tensor([100000]), torch.tensor([2]))",
        RAISED,
    ),
    attack(
        "native",
        "repeat_interleave-output_size",
        "torch.repeat_interleave(torch.ones(2), torch.tensor([3, 1]), output_size=3)",
        RAISED,
    ),
    attack(
        "native",
        "as_strided_copy-offset",
        "torch.as_strided_copy(torch.ones(4), (2,), (1,), 100000)",
        RAISED,
    ),
    attack("native", "narrow-length", "torch.ones(4).narrow(0, 2, 2 ** 62)", RAISED),
    attack("native", "bincount-negative", "torch.bincount(torch.tensor([-1]))", RAISED),
    attack(
        "native",
        "batch_norm-eval-no-stats",
        "F.batch_norm(torch.ones(2, 3), None, None, training=False)",
        RAISED,
    ),
    # ------------------------------------------------ issue 13, finding 2: replies out of step
    # Texts of a megabyte, past the request's cap, are never sent: the loader stops a deck
    # file that large, and a learner is told the answer's length. Texts under the cap, of
    # what JSON escapes wider (CJK, backslashes, quotes) or of text that looks like a
    # reply, reach the worker whole, in one request, and get their own reply.
    attack("protocol", "over-cap-spaces", "x" + " " * (1 << 20) + "+ 1", REFUSED, BIG_FILE),
    attack("protocol", "over-cap-comment", "x # " + "#" * (1 << 20), REFUSED, BIG_FILE),
    attack("protocol", "over-cap-astral", "'" + "\U0001f600" * 100_000 + "'", REFUSED, BIG_FILE),
    attack("protocol", "over-cap-backslashes", "'" + "\\" * (1 << 20) + "'", REFUSED, BIG_FILE),
    attack("protocol", "over-cap-quotes", '"' * (1 << 20), REFUSED, BIG_FILE),
    attack("protocol", "over-cap-nested", "[" * 600_000 + "]" * 600_000, REFUSED, BIG_FILE),
    attack(
        "protocol",
        "over-cap-forged-replies",
        "x # " + '{"id": 1, "trials": [], "random": false}' * 30_000,
        REFUSED,
        BIG_FILE,
    ),
    attack("protocol", "under-cap-cjk", "torch.os # " + "\u4e00" * 1980, REFUSED),
    attack("protocol", "under-cap-backslashes", "torch.os # " + "\\" * 1980, REFUSED),
    attack("protocol", "under-cap-quotes", "torch.os # " + '"' * 1980, REFUSED),
    attack(
        "protocol",
        "under-cap-forged-reply",
        "torch.os # " + '"}, {"id": 2, "trials": [], "random": false}' * 40,
        REFUSED,
    ),
    attack(
        "protocol",
        "deep-and-wide",
        "(" * 900 + "'" + "\u4e00" * 150 + "'" + ")" * 900,
        SYNTAX,
        NOT_EXPR,
    ),
    # ------------------------------------------------ finding 4: escapes in what is shown
    # torch puts the expression's strings into module reprs and messages as they are; each
    # reaches the terminal as a printed value (expected, yours, the givens of a draw) or a
    # message, and must arrive escaped
    attack("escape", "Softmax-dim", "nn.Softmax(dim='\\x1b[2J\\x1b[31mRED')", VALUE),
    attack("escape", "ModuleDict-key", "nn.ModuleDict([('\\x1b[2J', nn.ReLU())])", VALUE),
    attack("escape", "ParameterDict-key", "nn.ParameterDict([('\\x1b[2J', torch.ones(1))])", VALUE),
    attack("escape", "LeakyReLU-slope", "nn.LeakyReLU('\\x1b[2J')", VALUE),
    attack("escape", "Threshold", "nn.Threshold('\\x1b[2J', 0)", VALUE),
    attack("escape", "ELU-alpha", "nn.ELU(alpha='\\x1b[2J')", VALUE),
    attack("escape", "RReLU-bounds", "nn.RReLU('\\x1b[2J', '\\x1b[H')", VALUE),
    attack("escape", "Embedding-max_norm", "nn.Embedding(2, 2, max_norm='\\x1b[2J')", VALUE),
    attack("escape", "MaxPool1d-kernel", "nn.MaxPool1d('\\x1b[2J')", VALUE),
    attack("escape", "nested-Sequential", "nn.Sequential(nn.Softmax(dim='\\x1b[2J'))", VALUE),
    attack("escape", "OSC-window-title", "nn.GLU(dim='\\x1b]0;OWNED\\x07')", VALUE),
    attack("escape", "C1-CSI", "nn.Softmax(dim='\\x9b2J')", VALUE),
    attack("escape", "bidi-override-in-list", "[nn.Softmax(dim='\\u202egnp.exe')]", VALUE),
    attack("escape", "bidi-isolate", "nn.Hardshrink('\\u2066x\\u2069')", VALUE),
    attack("escape", "NUL-DEL-zero-width", "nn.Softplus(beta='a\\x00b\\x7fc\\u200bd')", VALUE),
    attack("escape", "line-separators", "nn.CELU(alpha='a\\u2028b\\u2029c\\x85d\\re')", VALUE),
    attack("escape", "Hardtanh-message", "nn.Hardtanh('\\x1b[2J', '\\x1b[2J')", RAISED),
    attack(
        "escape", "reduction-message", "F.nll_loss(x[None], x[:1], reduction='\\x9b2J')", RAISED
    ),
    attack("escape", "pad-mode-message", "F.pad(x, (1, 1), mode='\\x1b]0;OWNED\\x07')", RAISED),
    attack("escape", "rounding-mode-message", "x.div(2, rounding_mode='\\u202egnp')", RAISED),
    attack("escape", "tensor-names", "torch.tensor([1.], names=('\\x1b[2J',))", RAISED),
    attack("escape", "type-message", "x.type('\\x1b[2J')", RAISED),
    # ------------------------------------------------ issue 13, finding 3: format fields
    # A string that torch formats walks attributes and items of what it is formatted with.
    attack(
        "format-field",
        "assert_int_or_pair-HOME",
        "F.assert_int_or_pair([1, 2, 3], torch, '{0.__dict__[os].environ[HOME]}')",
        REFUSED,
    ),
    attack(
        "format-field", "import-_export", "F.assert_int_or_pair([1], torch, '{0._export}')", REFUSED
    ),
    attack("format-field", "import-onnx", "F.assert_int_or_pair([1], torch, '{0.onnx}')", REFUSED),
    attack(
        "format-field",
        "inductor-tempfiles",
        "F.assert_int_or_pair([1], torch, '{0._inductor}')",
        REFUSED,
    ),
    attack(
        "format-field",
        "index-walk",
        "F.assert_int_or_pair([1], torch, '{0.__dict__[os]}')",
        REFUSED,
    ),
    attack("format-field", "conversion-r", "F.assert_int_or_pair([1], torch, '{0!r}')", REFUSED),
    attack("format-field", "nested-spec", "F.assert_int_or_pair([1], 9, '{0:{0}}')", REFUSED),
    attack("format-field", "width-bomb", "F.assert_int_or_pair([1], 9, '{0:>999999999}')", REFUSED),
    attack("format-field", "harmless-text", "F.assert_int_or_pair([1], torch, 'plain')", REFUSED),
    attack(
        "format-field", "percent-mapping", "F.assert_int_or_pair([1], torch, '%(HOME)s')", REFUSED
    ),
    attack("format-field", "percent-width", "'%*d' % (10 ** 9, 1)", REFUSED),
    attack(
        "format-field",
        "hex-escaped",
        "F.assert_int_or_pair([1], torch, '\\x7b0.onnx\\x7d')",
        REFUSED,
    ),
    attack("format-field", "unicode-escaped", "torch.einsum('\\u007b0.onnx\\u007d', x)", REFUSED),
    attack(
        "format-field",
        "named-escape",
        "x.type('\\N{LEFT CURLY BRACKET}0.onnx\\N{RIGHT CURLY BRACKET}')",
        REFUSED,
    ),
    attack("format-field", "adjacent-literals", "torch.einsum('{' '0.onnx}', x)", REFUSED),
    attack(
        "format-field",
        "fullwidth-braces",
        "F.assert_int_or_pair([1], torch, '｛0.onnx｝')",
        REFUSED,
    ),
    attack("format-field", "fullwidth-name", "Ｆ.assert_int_or_pair([1], torch, '0')", REFUSED),
    attack(
        "format-field",
        "as-callable-msg",
        "torch.testing.assert_close(x, x + 1, msg=F.assert_int_or_pair)",
        REFUSED,
    ),
    attack(
        "format-field",
        "assert_close-msg",
        "torch.testing.assert_close(x, x + 1, msg='{0.onnx}')",
        REFUSED,
    ),
    attack("format-field", "str-then-format", "str('{0.onnx}').format(torch)", REFUSED),
    attack("format-field", "repr-then-format", "repr(torch).format(torch)", REFUSED),
    attack("format-field", "ModuleDict-key", "nn.ModuleDict([('{0.onnx}', nn.ReLU())])", REFUSED),
    attack("format-field", "Softmax-dim", "nn.Softmax(dim='{0.onnx}')", REFUSED),
    attack(
        "format-field", "Upsample-mode", "nn.Upsample(scale_factor=2, mode='{0.onnx}')", REFUSED
    ),
    attack(
        "format-field", "Conv-padding_mode", "nn.Conv1d(1, 1, 1, padding_mode='%(a)s')", REFUSED
    ),
    attack("format-field", "in-a-list", "torch.tensor(['{0.onnx}'])", REFUSED),
    attack("format-field", "device", "torch.device('{0.onnx}')", REFUSED),
    attack("format-field", "rounding_mode", "torch.div(x, 2, rounding_mode='{0}')", REFUSED),
    attack("format-field", "compare", "x == '{0.onnx}'", REFUSED),
    # ---- red team
    # Quantized tensors: q.view(dtype) of one made by quantize_per_tensor crashed the worker
    # (SIGSEGV); a tensor of a quantized dtype without a quantizer is another route.
    attack(
        "redteam-quantized",
        "view-uint8",
        "torch.quantize_per_tensor(torch.ones(4), 0.1, 0, torch.quint8).view(torch.uint8)",
        REFUSED,
    ),
    attack(
        "redteam-quantized",
        "view-int8",
        "torch.quantize_per_tensor(torch.ones(4), 0.1, 0, torch.quint8).view(torch.int8)",
        REFUSED,
    ),
    attack(
        "redteam-quantized",
        "view-qint8",
        "torch.quantize_per_tensor(torch.ones(4), 0.1, 0, torch.quint8).view(torch.qint8)",
        REFUSED,
    ),
    attack(
        "redteam-quantized",
        "qint32-view-float",
        "torch.quantize_per_tensor(torch.ones(4), 0.1, 0, torch.qint32).view(torch.float32)",
        REFUSED,
    ),
    attack("redteam-quantized", "per-channel", "torch.quantize_per_channel", REFUSED),
    attack("redteam-quantized", "dynamic", "torch.quantize_per_tensor_dynamic", REFUSED),
    attack("redteam-quantized", "int_repr", "x.int_repr()", REFUSED),
    attack("redteam-quantized", "dequantize", "x.dequantize()", REFUSED),
    attack("redteam-quantized", "q_scale", "x.q_scale()", REFUSED),
    attack("redteam-quantized", "dtype-name", "torch.quint4x2", REFUSED),
    attack("redteam-quantized", "empty-dtype", "torch.empty(3, dtype=torch.qint8)", REFUSED),
    attack(
        "redteam-quantized", "view-as-quint8", "torch.ones(4).byte().view(torch.quint8)", REFUSED
    ),
    attack("redteam-quantized", "to-qint8", "x.to(torch.qint8)", REFUSED),
    # Meta tensors: every operation on one runs torch's Python meta kernels, whose first use
    # imported torch._dynamo, sympy and 800 more modules and asked for a temporary folder.
    attack("redteam-meta", "empty", "torch.empty(3, device='meta') + 1", REFUSED),
    attack("redteam-meta", "to", "x.to('meta')", REFUSED),
    attack("redteam-meta", "device-object", "torch.device('meta')", REFUSED),
    attack("redteam-meta", "device-keyword", "torch.device(type='meta')", REFUSED),
    attack("redteam-meta", "empty_like", "torch.empty_like(x, device='meta')", REFUSED),
    attack("redteam-meta", "new_empty", "x.new_empty((2,), device='meta')", REFUSED),
    attack(
        "redteam-meta",
        "meta-index",
        "x.index_add_(0, torch.ones(1, dtype=torch.long, device='meta'), x[:1])",
        REFUSED,
    ),
    # repeat_interleave trusts output_size and skips its check of the repeats: negative
    # repeats summing to it wrote past the result (SIGSEGV) or ran on for minutes.
    attack(
        "redteam-repeats",
        "segv",
        "torch.repeat_interleave(torch.tensor([3, -3]), output_size=0)",
        REFUSED,
    ),
    attack(
        "redteam-repeats",
        "runaway",
        "torch.repeat_interleave(torch.tensor([1, 2]), torch.tensor([100, -99]), output_size=1)",
        REFUSED,
    ),
    attack(
        "redteam-repeats",
        "method",
        "torch.tensor([1, 2]).repeat_interleave(torch.tensor([3, -3]), output_size=0)",
        REFUSED,
    ),
    attack(
        "redteam-repeats",
        "keyword",
        "x.repeat_interleave(repeats=torch.tensor([3, -3]), dim=0, output_size=0)",
        REFUSED,
    ),
    attack("redteam-repeats", "int", "x.repeat_interleave(-2, output_size=0)", REFUSED),
    # sparse gradients asked for by position, or by a true value that is not True
    attack(
        "redteam-sparse-flag",
        "Embedding-1",
        "nn.Embedding(3, 2, None, None, 2.0, False, 1)",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "Embedding-tensor",
        "nn.Embedding(3, 2, None, None, 2.0, False, torch.tensor(True))",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "EmbeddingBag-1",
        "nn.EmbeddingBag(3, 2, None, 2.0, False, 'sum', 1)",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "from_pretrained-1",
        "nn.Embedding.from_pretrained(torch.ones(2, 2), False, None, None, 2.0, False, 1)",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "bag-from_pretrained-1",
        "nn.EmbeddingBag.from_pretrained(torch.ones(2, 2), True, None, 2.0, False, 'sum', 1)",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "F.embedding",
        "F.embedding(torch.tensor([1]), torch.ones(3, 2, requires_grad=True),"
        " None, None, 2.0, False, True)",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "F.embedding_bag",
        "F.embedding_bag(torch.tensor([1]), torch.ones(3, 2), torch.tensor([0]),"
        " None, 2.0, False, 'sum', True)",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "torch.embedding",
        "torch.embedding(torch.ones(3, 2, requires_grad=True), torch.tensor([1]), -1, False, True)",
        REFUSED,
    ),
    attack(
        "redteam-sparse-flag",
        "torch.embedding_bag",
        "torch.embedding_bag(torch.ones(3, 2), torch.tensor([1]), torch.tensor([0]),"
        " False, 0, True)",
        REFUSED,
    ),
    # A function handed to a call (max's key=, jacobian's func) is called by Python or torch
    # out of the evaluator's sight, with arguments the expression chose.
    attack("redteam-callback", "key-meta", "max(['meta', 'meta'], key=x.to)", REFUSED),
    attack(
        "redteam-callback", "key-meta-min", "min(['cpu', 'meta'], key=x.new_ones(1).to)", REFUSED
    ),
    attack("redteam-callback", "key-size", "max([[10 ** 5, 10 ** 5]], key=torch.ones)", REFUSED),
    attack("redteam-callback", "key-new-size", "max([10 ** 9], key=x.new)", REFUSED),
    attack("redteam-callback", "key-meta-single", "max(['meta'], key=x.to)", REFUSED),
    attack("redteam-meta", "bound-add", "max([x], key=x.new_ones(1).to('meta').add)", REFUSED),
    attack(
        "native",
        "gru-flat-weights",
        "torch.gru(torch.ones(2, 1, 2), torch.ones(1, 1, 3), [torch.ones(2, 2), torch.ones(2, 3)],"
        " False, 1, 0.0, False, False, False)",
        REFUSED,
    ),
    attack(
        "native",
        "lstm-cell",
        "torch.lstm_cell(torch.ones(1, 1), [torch.ones(1, 1)] * 2, "
        "torch.ones(1, 1), torch.ones(1, 1))",
        REFUSED,
    ),
    attack("native", "rnn_tanh", "torch.rnn_tanh", REFUSED),
    # ------------------------------------------------ issue 15: statements (a few lines)
    # Names the sandbox provides and the givens cannot be rebound: a rebound name would
    # hide what a forbid rule looks for, or pass one object off as another.
    attack("statement", "rebind-torch", "torch = x\ntorch.os", REFUSED),
    attack("statement", "rebind-F", "F = torch\nF.os.system('id')", REFUSED),
    attack("statement", "rebind-math", "math = torch\nmath.os", REFUSED),
    attack("statement", "rebind-sum", "sum = print\nsum(x)", REFUSED),
    attack("statement", "rebind-print", "print = abs\nprint(x)", REFUSED),
    attack("statement", "rebind-given", "x = torch.ones(3)\nx", REFUSED),
    attack("statement", "rebind-builtins", "__builtins__ = x\nx", REFUSED),
    attack("statement", "underscore-name", "_y = x\n_y", REFUSED),
    attack("statement", "tuple-rebinds-torch", "a, torch = x, x\na", REFUSED),
    # dunders reached through what a name was bound to, or through an assignment target
    attack("statement", "alias-module", "y = torch\ny.os", REFUSED),
    attack("statement", "alias-load", "y = x\ny.__class__", REFUSED),
    attack("statement", "dunder-value", "y = x.__class__\ny", REFUSED),
    attack("statement", "dunder-subscript-target", "y = x\ny.__dict__['a'] = 1\ny", REFUSED),
    attack("statement", "dunder-element-value", "y = x.clone()\ny[0] = y.__len__()\ny", REFUSED),
    attack("statement", "list-item-target", "y = [x]\ny[0] = torch.os\ny", REFUSED),
    attack("statement", "list-item-store", "y = [1]\ny[0] = 2\ny", REFUSED),
    attack("statement", "string-into-tensor", "y = x.clone()\ny[0] = '{out}'\ny", REFUSED),
    # attribute assignment: to modules, layers and tensor internals, plain or augmented
    attack("statement", "module-attribute", "torch.ones = abs\nx", REFUSED, "attributes cannot"),
    attack("statement", "F-attribute", "F.relu = print\nx", REFUSED, "attributes cannot"),
    attack("statement", "aug-module-attribute", "torch.pi += 1\nx", REFUSED, "attributes cannot"),
    attack("statement", "tensor-data", "x.data = torch.ones(10 ** 6)\nx", REFUSED, "attributes"),
    attack("statement", "tensor-grad", "x.grad = x\nx", REFUSED, "attributes cannot"),
    attack("statement", "tensor-class", "x.__class__ = nn.Parameter\nx", REFUSED, "attributes"),
    attack(
        "statement",
        "layer-weight",
        "m = nn.Linear(2, 2)\nm.weight = nn.Parameter(torch.ones(2))\nm",
        REFUSED,
        "attributes cannot",
    ),
    attack("statement", "tuple-attribute", "a, x.grad = x, x\na", REFUSED, "attributes cannot"),
    # augmented assignment keeps the caps of the operator it stands for
    attack("statement", "aug-power", "y = 2\ny **= 10 ** 6\ny", REFUSED),
    attack("statement", "aug-shift", "y = 1\ny <<= 10 ** 6\ny", REFUSED),
    attack("statement", "aug-repeat", "y = [0]\ny *= 10 ** 9\ny", REFUSED),
    attack("statement", "aug-double", "y = [0] * 10 ** 5\ny += y\ny", REFUSED),
    attack("statement", "plus-double", "y = [0] * 10 ** 5\ny = y + y\ny", REFUSED),
    attack("statement", "aug-string", "y = x\ny += '{out}'\ny", REFUSED),
    attack("statement", "aug-unbound", "y += 1\ny", REFUSED),
    attack("statement", "walrus", "(y := x)", REFUSED),
    attack("statement", "walrus-in-comprehension", "[y := i for i in [1]]", REFUSED),
    # every other statement, refused before anything runs (and by check, statically)
    attack("statement", "import", "import os\nos", REFUSED, "import statements are not"),
    attack("statement", "from-import", "from os import system\nx", REFUSED, "import statements"),
    attack("statement", "semicolon-import", "x; import os", REFUSED, "import statements are not"),
    attack("statement", "del", "del x\nx", REFUSED, "del statements are not allowed"),
    attack("statement", "global", "global torch\ntorch", REFUSED, "global statements are not"),
    attack("statement", "with", "with open('{out}', 'w') as f:\n    f\nx", REFUSED, "with blocks"),
    attack("statement", "try", "try:\n    x\nexcept Exception:\n    x\nx", REFUSED, "try blocks"),
    attack("statement", "def", "def f():\n    return x\nf()", REFUSED, "def is not allowed"),
    attack("statement", "class", "class A:\n    pass\nA", REFUSED, "class definitions are"),
    attack("statement", "if-import", "if x.sum():\n    import os\nx", REFUSED, "if statements"),
    attack("statement", "for", "for i in range(3):\n    x\nx", REFUSED, "for loops are"),
    attack("statement", "while", "while True:\n    pass\nx", REFUSED, "while loops are"),
    attack("statement", "raise", "raise SystemExit\nx", REFUSED, "raise is not allowed"),
    attack("statement", "return", "return x", UNCOMPILABLE, "return is"),
    attack("statement", "annotated", "y: int = 1\ny", REFUSED, "annotated assignments"),
    attack("statement", "starred", "*a, b = x\nb", REFUSED, "starred assignment"),
    attack("statement", "thirteen-lines", "y = 1\n" * 13 + "y", REFUSED, "at most 12 lines"),
    # ------------------------------------------------ issue 15: comprehensions and generators
    attack("comprehension", "mro", "[c for c in x.__class__.__mro__]", REFUSED),
    attack("comprehension", "environ", "[c for c in torch.os.environ]", REFUSED),
    attack("comprehension", "target-torch", "[x for torch in [x]]", REFUSED),
    attack("comprehension", "target-given", "[x for x in [torch.os]]", REFUSED),
    attack("comprehension", "target-attribute", "[0 for x.__class__ in [1]]", REFUSED),
    attack("comprehension", "target-element", "[0 for x[0] in [5]]", REFUSED),
    attack("comprehension", "target-starred", "[a for *a, b in [[1, 2]]]", REFUSED),
    attack("comprehension", "lambda", "[(lambda: x)() for i in range(2)]", REFUSED),
    attack("comprehension", "lambda-key", "max(range(3), key=lambda i: i)", REFUSED),
    attack("comprehension", "print", "[print(i) for i in range(2)]", REFUSED),
    attack("comprehension", "getattr", "[getattr(torch, 'os') for i in [1]]", REFUSED),
    attack("comprehension", "dunder-element", "[i.__class__ for i in range(2)]", REFUSED),
    attack(
        "comprehension", "state", "[torch.set_default_dtype(torch.float64) for i in [1]]", REFUSED
    ),
    attack("comprehension", "apply_", "[torch.ones(2).apply_(abs) for i in [1]]", REFUSED),
    attack("comprehension", "strings", "[c for c in 'abc']", REFUSED),
    attack("comprehension", "set", "{i for i in range(3)}", REFUSED),
    attack("comprehension", "dict", "{i: i for i in range(3)}", REFUSED),
    attack("comprehension", "async", "[i async for i in range(3)]", UNCOMPILABLE, NOT_EXPR),
    attack("comprehension", "generator-value", "(i for i in range(3))", REFUSED),
    attack("comprehension", "gi_code", "(i for i in [1]).gi_code", REFUSED),
    attack("comprehension", "gi_frame-locals", "(i for i in [1]).gi_frame.f_locals", REFUSED),
    attack("comprehension", "send", "(i for i in [1]).send", REFUSED),
    attack("comprehension", "throw", "(i for i in [1]).throw(SystemExit)", REFUSED),
    attack("comprehension", "zip-internals", "zip([1]).items", REFUSED),
    attack("comprehension", "enumerate-internals", "enumerate([1]).name", REFUSED),
    attack("comprehension", "builtin-internals", "zip.function", REFUSED),
    attack("comprehension", "builtin-self", "any.__self__", REFUSED),
    attack("comprehension", "parameters-frame", "nn.Linear(2, 2).parameters().gi_frame", REFUSED),
    # bombs: every item any loop takes is a step of one budget of 10,000
    attack(
        "comprehension",
        "nested-bomb",
        "sum(1 for i in range(10 ** 5) for j in range(10 ** 5))",
        REFUSED,
    ),
    attack(
        "comprehension",
        "list-bomb",
        "len([0 for i in range(10 ** 5) for j in range(10 ** 5)])",
        REFUSED,
    ),
    attack(
        "comprehension",
        "nested-generators",
        "list(a for a in (b for b in (c for c in range(10 ** 5))))",
        REFUSED,
    ),
    attack("comprehension", "tensor-rows", "sum(v for v in torch.ones(10 ** 7))", REFUSED),
    attack(
        "comprehension", "rows-of-rows", "[[v for v in r] for r in torch.ones(200, 200)]", REFUSED
    ),
    attack("comprehension", "zip-tensor", "list(zip(torch.ones(10 ** 7)))", REFUSED),
    attack("comprehension", "enumerate-range", "list(enumerate(range(10 ** 5)))", REFUSED),
    attack("comprehension", "any-tensor", "any(torch.zeros(10 ** 7))", REFUSED),
    attack("comprehension", "unpack-generator", "a, b = (i for i in range(10 ** 5))\na", RAISED),
    attack("comprehension", "memory-empty", "[torch.empty(10 ** 7) for i in range(1000)]", MEMORY),
    # ------------------------------------------------ issue 16: grad modes, seeds, module state
    # with: torch's three grad modes, no arguments, no 'as'; what the block runs is checked
    attack("with", "open", "with open('{out}', 'w'):\n    y = 1\ny", REFUSED, "grad modes"),
    attack("with", "as", "with torch.no_grad() as g:\n    y = g\ny", REFUSED, "no 'as'"),
    attack("with", "autocast", "with torch.autocast('cpu'):\n    y = 1\ny", REFUSED, "grad modes"),
    attack(
        "with", "set_grad", "with torch.set_grad_enabled(False):\n    y = 1\ny", REFUSED, "grad"
    ),
    attack(
        "with", "inference-off", "with torch.inference_mode(False):\n    y = 1\ny", REFUSED, "'as'"
    ),
    attack("with", "two", "with torch.no_grad(), open('{out}'):\n    y = 1\ny", REFUSED, "grad"),
    attack(
        "with",
        "async",
        "async with torch.no_grad():\n    y = 1\ny",
        UNCOMPILABLE,
        "with blocks are",
    ),
    attack("with", "import", "with torch.no_grad():\n    import os\nx", REFUSED, "import"),
    attack("with", "leak", "with torch.no_grad():\n    y = torch.os\ny", REFUSED),
    attack("with", "threads", "with torch.no_grad():\n    torch.set_num_threads(8)\nx", REFUSED),
    attack("with", "mode-value", "torch.no_grad", REFUSED),
    attack("with", "decorator", "torch.no_grad()(torch.ones)(2)", REFUSED),
    attack("with", "enter", "torch.inference_mode().__enter__()", REFUSED),
    # seeds: the default generator and new ones are seeded, never read or restored from bytes
    attack("seed", "set_state", "torch.manual_seed(1).set_state(x.byte())", REFUSED),
    attack("seed", "seed", "torch.Generator().seed()", REFUSED),
    attack("seed", "graphsafe", "torch.Generator().graphsafe_get_state()", REFUSED),
    attack("seed", "default_generator", "torch.default_generator", REFUSED),
    attack("seed", "cuda", "torch.Generator('cuda')", REFUSED),
    attack("seed", "meta", "torch.Generator(device='meta')", REFUSED),
    attack("seed", "generator-tensor", "torch.rand(2, generator=x)", REFUSED),
    attack("seed", "generator-path", "torch.rand(2, generator='{out}')", REFUSED),
    attack("seed", "seed-path", "torch.manual_seed('{out}')", RAISED),
    attack("seed", "random-module", "torch.random.manual_seed(1)", REFUSED),
    attack("seed", "class-method", "torch.Generator.manual_seed", REFUSED),
    # module state: read, and loaded only from a state_dict() made in the same evaluation
    attack("module", "load-path", "nn.Linear(2, 2).load_state_dict('{out}')", REFUSED),
    attack(
        "module",
        "load-keys",
        "m = nn.Linear(2, 2)\nm.load_state_dict(m.state_dict().keys())",
        REFUSED,
    ),
    attack("module", "torch.load", "nn.Linear(2, 2).load_state_dict(torch.load('{out}'))", REFUSED),
    attack("module", "torch.save", "torch.save(nn.Linear(2, 2).state_dict(), '{out}')", REFUSED),
    attack("module", "reduce", "nn.Linear(2, 2).state_dict().__reduce_ex__(2)", REFUSED),
    attack("module", "metadata", "nn.Linear(2, 2).state_dict()._metadata", REFUSED),
    attack(
        "module",
        "dict-update",
        "m = nn.Linear(2, 2)\nm.state_dict().update(m.state_dict())\nx",
        REFUSED,
    ),
    attack("module", "dict-pop", "nn.Linear(2, 2).state_dict().pop('weight')", REFUSED),
    attack("module", "dict-item", "s = nn.Linear(2, 2).state_dict()\ns['weight'] = x\nx", REFUSED),
    attack(
        "module",
        "destination",
        OPTIMIZER + "m = nn.Linear(2, 2)\nm.state_dict(destination=o.param_groups[0])\nw",
        REFUSED,
    ),
    attack("module", "destination-position", "nn.Linear(2, 2).state_dict({})", REFUSED),
    attack("module", "hook", "nn.Linear(2, 2).register_forward_hook(print)", REFUSED),
    attack(
        "module", "pre-hook", "nn.Linear(2, 2).register_load_state_dict_post_hook(abs)", REFUSED
    ),
    attack("module", "apply", "nn.Linear(2, 2).apply(nn.init.zeros_)", REFUSED),
    attack(
        "module",
        "children-globals",
        "[c.forward.__globals__ for c in nn.Sequential(nn.ReLU()).children()]",
        REFUSED,
    ),
    attack("module", "share_memory", "nn.Linear(2, 2).share_memory()", REFUSED),
    attack("module", "to-meta", "nn.Linear(2, 2).to('meta')", REFUSED),
    attack(
        "module",
        "memo",
        "list(nn.Linear(2, 2).named_modules(nn.Linear(2, 2).state_dict()))",
        RAISED,
    ),
    # torch.optim: four optimizers and two schedulers; no closures, hooks or foreign states
    attack("optim", "lambda", "torch.optim.lr_scheduler.LambdaLR", REFUSED),
    attack("optim", "multiplicative", "torch.optim.lr_scheduler.MultiplicativeLR", REFUSED),
    attack("optim", "lbfgs", "torch.optim.LBFGS", REFUSED),
    attack("optim", "base-class", "torch.optim.Optimizer", REFUSED),
    attack("optim", "swa_utils", "torch.optim.swa_utils", REFUSED),
    attack(
        "optim", "global-hook", "torch.optim.optimizer.register_optimizer_step_pre_hook", REFUSED
    ),
    attack(
        "optim",
        "closure",
        OPTIMIZER + "o.step(print)\nw",
        REFUSED,
    ),
    attack(
        "optim",
        "closure-kw",
        OPTIMIZER + "o.step(closure=w.sum)\nw",
        REFUSED,
    ),
    attack(
        "optim",
        "hook",
        OPTIMIZER + "o.register_step_pre_hook(print)\nw",
        REFUSED,
    ),
    attack(
        "optim",
        "add_param_group",
        OPTIMIZER + "o.add_param_group\nw",
        REFUSED,
    ),
    attack(
        "optim",
        "step-internals",
        OPTIMIZER + "o.step.optimizer",
        REFUSED,
    ),
    attack(
        "optim",
        "step-dunder",
        OPTIMIZER + "o.step.__call__",
        REFUSED,
    ),
    attack(
        "optim",
        "lr-write",
        OPTIMIZER + "o.param_groups[0]['lr'] = 5.0\nw",
        REFUSED,
    ),
    attack(
        "optim",
        "state-factory",
        OPTIMIZER + "o.state.default_factory",
        REFUSED,
    ),
    attack(
        "optim",
        "load-path",
        OPTIMIZER + "o.load_state_dict('{out}')\nw",
        REFUSED,
    ),
    attack(
        "optim",
        "load-module",
        OPTIMIZER + "o.load_state_dict(nn.Linear(2, 2).state_dict())\nw",
        REFUSED,
    ),
    attack(
        "optim",
        "load-misfit",
        "a = nn.Linear(3, 1)\noa = torch.optim.Adam(a.parameters())\n"
        "a(torch.ones(3)).sum().backward()\noa.step()\nb = nn.Linear(1, 3)\n"
        "ob = torch.optim.Adam(b.parameters())\nob.load_state_dict(oa.state_dict())\nb.weight",
        REFUSED,
    ),
    attack(
        "optim",
        "fused",
        "torch.optim.Adam([torch.zeros(1, requires_grad=True)], fused=True)",
        REFUSED,
    ),
    attack(
        "optim",
        "foreach",
        "torch.optim.SGD([torch.zeros(1, requires_grad=True)], 0.1, foreach=1)",
        REFUSED,
    ),
    attack(
        "optim",
        "capturable",
        "torch.optim.AdamW([torch.zeros(1, requires_grad=True)], capturable=True)",
        REFUSED,
    ),
    attack(
        "optim",
        "differentiable",
        "torch.optim.SGD([torch.zeros(1, requires_grad=True)], 0.1, differentiable=True)",
        REFUSED,
    ),
    attack("optim", "path-params", "torch.optim.SGD('{out}', 0.1)", RAISED),
    attack(
        "optim",
        "scheduler-wrapper",
        OPTIMIZER + "torch.optim.lr_scheduler.StepLR(o, 1).optimizer.step.__wrapped__",
        REFUSED,
    ),
    # torch.utils.data: tensors in batches in this process; no workers, samplers or functions
    attack("data", "workers", "torch.utils.data.DataLoader([x], num_workers=1)", REFUSED),
    attack(
        "data",
        "workers-position",
        "torch.utils.data.DataLoader([x], 1, False, None, None, 4)",
        REFUSED,
    ),
    attack(
        "data",
        "context",
        "torch.utils.data.DataLoader([x], multiprocessing_context='fork')",
        REFUSED,
    ),
    attack(
        "data", "persistent", "torch.utils.data.DataLoader([x], persistent_workers=True)", REFUSED
    ),
    attack("data", "prefetch", "torch.utils.data.DataLoader([x], prefetch_factor=2)", REFUSED),
    attack("data", "collate", "torch.utils.data.DataLoader([x], collate_fn=torch.stack)", REFUSED),
    attack("data", "worker_init", "torch.utils.data.DataLoader([x], worker_init_fn=abs)", REFUSED),
    attack("data", "sampler", "torch.utils.data.DataLoader([x], sampler=[0])", REFUSED),
    attack(
        "data", "batch_sampler", "torch.utils.data.DataLoader([x], batch_sampler=[[0]])", REFUSED
    ),
    attack("data", "pin_memory", "torch.utils.data.DataLoader([x], pin_memory=True)", REFUSED),
    attack("data", "path-dataset", "torch.utils.data.DataLoader('{out}')", REFUSED),
    attack(
        "data",
        "module-dataset",
        "list(torch.utils.data.DataLoader(nn.Sequential(nn.ReLU())))",
        REFUSED,
    ),
    attack("data", "subset-path", "torch.utils.data.Subset('{out}', [0])", REFUSED),
    attack("data", "split-path", "torch.utils.data.random_split('{out}', [1])", REFUSED),
    attack("data", "Dataset", "torch.utils.data.Dataset", REFUSED),
    attack("data", "IterableDataset", "torch.utils.data.IterableDataset", REFUSED),
    attack("data", "default_collate", "torch.utils.data.default_collate([x])", REFUSED),
    attack("data", "get_worker_info", "torch.utils.data.get_worker_info()", REFUSED),
    attack("data", "datapipes", "torch.utils.data.datapipes", REFUSED),
    attack("data", "utils-other", "torch.utils.checkpoint.checkpoint(abs, x)", REFUSED),
    attack("data", "collate_fn-read", "torch.utils.data.DataLoader([x]).collate_fn", REFUSED),
    attack("data", "sampler-read", "torch.utils.data.DataLoader([x]).sampler", REFUSED),
    attack(
        "data", "iterator-internals", "iter(torch.utils.data.DataLoader([x])).gi_frame", REFUSED
    ),
    attack("data", "next-any", "next(torch.utils.data.DataLoader([x]))", REFUSED),
    attack(
        "data",
        "assign",
        "d = torch.utils.data.TensorDataset(x)\nd.tensors = (x,)\nx",
        REFUSED,
        "attributes cannot be assigned",
    ),
    # each item a step of the budget, in list(), tuple(), sum(), min() and max() too
    attack(
        "data", "list-budget", "list(torch.utils.data.TensorDataset(torch.ones(10 ** 6)))", REFUSED
    ),
    attack(
        "data",
        "max-budget",
        "max(torch.utils.data.Subset(torch.ones(10 ** 6), range(10 ** 5)))",
        REFUSED,
    ),
]


# CPU bombs: each is a kill and a respawn per path, so they have a test of their own
# that spreads the three paths over three workers (one reloads torch while the next runs).
CPU_BOMBS = [
    attack("cpu-bomb", "matmul-chain", " @ ".join(["torch.ones(3000, 3000)"] * 4), TIME),
    attack("cpu-bomb", "matrix_power", "torch.ones(3000, 3000).matrix_power(50)", TIME),
    attack("cpu-bomb", "recurrence", ENDLESS, TIME),
    attack("cpu-bomb", "sorts", "torch.rand(10 ** 7)" + ".sort().values" * 6, TIME),
    attack("cpu-bomb", "list-concat", "sum([[0] * 10 ** 5] * 10 ** 5, [])", TIME),
    # round(1, -n) computes 10 ** n inside CPython, past the evaluator's cap on powers
    attack("cpu-bomb", "round-power", "round(1, -10 ** 9)", TIME),
    # the evaluator's own size check multiplies 100,000 dims of 100,000
    attack("cpu-bomb", "size-check", "torch.ones([10 ** 5] * 10 ** 5)", TIME),
]


def kills(test: Test) -> Test:
    """A test that kills workers (each kill reloads torch in a new one): slow, and under
    xdist in one process with the others, so that only it starts the small-limit workers."""
    return pytest.mark.slow(pytest.mark.xdist_group("sandbox-kills")(test))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A short-named directory: where the workers' private working directories (their cwd
    and TMPDIR) are made, and where attacks aim."""
    tmp_path_factory.getbasetemp()  # settle pytest's own temp root before TMPDIR moves
    root = "/tmp" if os.path.isdir("/tmp") else None
    directory = Path(tempfile.mkdtemp(prefix="tq-", dir=root))
    assert len(str(directory / "pwned")) < 40  # string literals are capped at 64 characters
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def in_watched(watched: Path) -> Iterator[None]:
    """This module's workers are started (and restarted) in ``watched``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(watched))
        patch.setenv("TMPDIR", str(watched))
        yield


@pytest.fixture(scope="module")
def client(in_watched: None) -> Iterator[WorkerClient]:
    """The worker at the default time limit that serves most tests."""
    with WorkerClient() as worker:
        worker.wait_ready()
        yield worker


@pytest.fixture(scope="module")
def bomb_workers(in_watched: None) -> Iterator[list[WorkerClient]]:
    """Three workers with a small time limit, started only where a test kills one: the CPU
    bombs spread over them, so that two reload torch while the third is busy being killed."""
    started = [WorkerClient(time_limit=TIME_LIMIT) for _ in range(3)]
    for worker in started:
        worker.start()
    yield started
    for worker in started:
        worker.close()


@pytest.fixture(scope="module")
def corpus_judge(client: WorkerClient) -> Judge:
    return Judge(client)


LEARNER_DECK = """\
format: 1
deck: learner
title: learner answers
cards:
  - id: learn
    kind: code
    prompt: Make the tensor [2, 5, 3].
    solution: torch.tensor([2, 5, 3])
  - id: learn-x
    kind: code
    prompt: Clamp x to [2, 5].
    given: {x: "torch.tensor([1, 7, 3])"}
    solution: x.clamp(2, 5)
"""


def attack_deck(role: str, source: str, *, accept_error: bool) -> str:
    """A deck with one card running ``source`` as ``role``: expr, solution or a given."""
    quoted = json.dumps(source)  # a YAML double-quoted scalar, whatever the text holds
    head = "format: 1\ndeck: attack\ntitle: security corpus\ncards:\n"
    given = '    given:\n      x: "torch.tensor([1, 7, 3])"\n'
    if role == "expr":
        accept = "    accept: [RuntimeError]\n" if accept_error else ""
        return f"{head}  - id: as-expr\n    kind: output\n{given}    expr: {quoted}\n{accept}"
    if role == "solution":
        return (
            f"{head}  - id: as-solution\n    kind: code\n    prompt: p\n{given}"
            f"    solution: {quoted}\n"
        )
    return f"{head}  - id: as-given\n    kind: output\n{given}      g: {quoted}\n    expr: g\n"


# ---------------------------------------------------------------- checks


def assert_clean_line(text: str) -> None:
    """One line a terminal can show as is: no traceback, no control or format characters."""
    assert "Traceback" not in text and 'File "' not in text, text
    assert "\n" not in text and "\r" not in text, repr(text)
    assert all(char.isprintable() for char in text), repr(text)


def assert_clean_text(text: str) -> None:
    """Text a terminal can show as is, on several lines (a printed tensor or module)."""
    for line in text.split("\n"):
        assert_clean_line(line)


def assert_clean_verdict(verdict: Verdict) -> None:
    assert_clean_line(verdict.summary)
    for line in verdict.details:
        assert_clean_line(line)
    for shown in (verdict.expected, verdict.got):
        if shown is not None:
            assert_clean_text(shown)


def assert_contained(client: WorkerClient, watched: Path, restarts: int | None) -> None:
    """No file written; the worker alive (``restarts`` unchanged, unless None: it may have
    been killed for time), and it answers correctly, with the default global state."""
    assert written_under(watched) == []
    if restarts is not None:
        assert client.restarts == restarts, "the worker died"
    result = client.run([], [PROBE], (0,)).trials[0].results[0]
    assert result.status is Status.VALUE, result
    assert result.printed == PROBE_PRINTED


def written_under(watched: Path) -> list[Path]:
    """Everything below ``watched`` except the workers' own (empty) working directories:
    a file written there, or by a relative path, is found wherever it landed."""
    return [
        path
        for path in sorted(watched.rglob("*"))
        if not (path.is_dir() and path.parent == watched and path.name.startswith(WORKDIR_PREFIX))
    ]


def limit_words(limit: str) -> str:
    """The words of a limit; for time, a pattern: the workers' limits differ."""
    return {
        TIME: r"took longer than [0-9.]+ s",
        MEMORY: re.escape("needed more memory than the sandbox allows"),
        SIZE: re.escape("made a result too large to compare"),
    }[limit]


# A name that exists nowhere is refused too, in the words of a misspelling (nothing ran).
MISSPELT = re.compile(r"\S+ does not exist (in|on) |'[^']+' is not defined; ")


def diagnosed(shown: str) -> str:
    """What a ``check`` diagnostic says happened to the card's expression."""
    if "is refused by the sandbox: " in shown:
        return REFUSED
    if " fails: " in shown and MISSPELT.search(shown.split(" fails: ", 1)[1]):
        return REFUSED
    if " raises " in shown:
        return RAISED
    if "is not a Python expression" in shown:
        return SYNTAX
    for limit in LIMITS:
        if re.search(f"{limit_words(limit)} \\(a sandbox limit\\)", shown):
            return limit
    return f"unexpected diagnostic: {shown}"


def judged(verdict: Verdict) -> str:
    """What a learner's verdict says happened to the answer."""
    summary = verdict.summary
    if verdict.outcome is Outcome.INVALID:
        return SYNTAX if "is not a Python expression" in summary else f"invalid: {summary}"
    if summary.startswith("refused: ") or MISSPELT.match(summary):
        return REFUSED
    if summary.startswith("your expression raises "):
        return RAISED
    for limit in LIMITS:
        if re.fullmatch(f"your expression {limit_words(limit)}", summary):
            return limit
    if verdict.outcome is Outcome.WRONG and verdict.got is not None:
        return VALUE  # wrong, and its value is shown
    return f"unexpected verdict: {summary}"


def uses_x(source: str) -> bool:
    """Whether the attack reads the given x (then it is answered on the card that has x)."""
    if len(source) > 2000:
        return False
    try:
        tree = ast.parse(source.strip(), mode="exec")  # an expression, or a few lines
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(node, ast.Name) and node.id == "x" for node in ast.walk(tree))


def load(path: Path, text: str):
    path.write_text(text, encoding="utf-8")
    return load_deck(path)


# ---------------------------------------------------------------- the two paths


def check_as_deck_expression(
    attack: Attack, role: str, judge: Judge, make_deck, tmp_path: Path, watched: Path
) -> None:
    """``check`` reports one clean diagnostic saying why (or the loader stops the text)."""
    source = attack.text(watched)
    if attack.static is not None:
        loaded = load(tmp_path / "attack.yaml", attack_deck(role, source, accept_error=True))
        assert loaded.deck is None
        assert loaded.diagnostics
        for problem in loaded.diagnostics:
            assert_clean_line(str(problem))
            assert_clean_line(problem.message)
        assert any(attack.static in problem.message for problem in loaded.diagnostics)
        return
    text = attack_deck(role, source, accept_error=RAISED not in attack.expect)
    deck = make_deck(text, name=f"{role}.yaml")
    (card,) = deck.cards
    if VALUE in attack.expect:
        check_shown_value(deck, card, judge)
        return
    problems = check_card(deck, card, judge)
    assert len(problems) == 1, [str(p) for p in problems]
    shown = str(problems[0])
    assert_clean_line(shown)
    assert_clean_line(problems[0].message)
    observed = diagnosed(shown)
    assert observed in attack.expect, shown
    if role == "expr" and observed != RAISED:
        # a refusal or a limit is never an exception the learner could name
        verdict = judge.judge(deck, card, "RuntimeError")
        assert verdict.outcome is Outcome.UNGRADABLE, verdict
        assert_clean_verdict(verdict)


def check_shown_value(deck: Deck, card: AnyCard, judge: Judge) -> None:
    """A deck expression that gives a value: the value and the givens as printed are clean,
    and so is the verdict on a wrong answer, which shows them."""
    for trial in judge.reference(deck, card).trials:
        assert trial.given_failure is None, trial.given_failure
        (result,) = trial.results
        assert result.status is Status.VALUE, result
        assert "\\" in result.printed + "".join(trial.givens.values())  # an escape is shown
        for shown in (result.printed, *trial.givens.values()):
            assert_clean_text(shown)
    verdict = judge.judge(deck, card, "x + 1" if card.kind.value == "code" else "[1]")
    assert verdict.outcome is Outcome.WRONG, verdict
    assert_clean_verdict(verdict)


def check_as_learner_answer(attack: Attack, judge: Judge, make_deck, watched: Path) -> None:
    """The judge says WRONG (or INVALID for text that is not an expression), and why."""
    deck: Deck = make_deck(LEARNER_DECK, name="learner.yaml")
    source = attack.text(watched)
    card = deck.card("learn-x" if uses_x(source) else "learn")
    assert card is not None
    verdict = judge.judge(deck, card, source)
    assert verdict.outcome in (Outcome.WRONG, Outcome.INVALID), verdict
    assert_clean_verdict(verdict)
    length = len(source.strip())
    if length > 2000:  # never sent, as the loader never lets it into a deck
        assert verdict.outcome is Outcome.INVALID, verdict
        assert verdict.summary == f"your answer is {length:,} characters; the limit is 2,000"
        return
    assert judged(verdict) in attack.expect, verdict


# ---------------------------------------------------------------- the corpus


def test_the_corpus_is_large_and_covers_every_group():
    corpus = ATTACKS + CPU_BOMBS
    groups = {param.id.split("/")[0] for param in corpus}
    assert len(corpus) >= 70
    assert {"leak", "file", "load", "compile", "process", "dunder", "format", "frame"} <= groups
    assert {"fullwidth", "builtin", "state", "memory-bomb", "cpu-bomb", "parser"} <= groups
    assert "control" in groups
    assert {"statement", "comprehension"} <= groups
    assert len({param.id for param in corpus}) == len(corpus)
    assert not any(param.values[0].kill for param in ATTACKS)  # those are CPU_BOMBS


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("role", ["expr", "solution", "given"])
def test_as_a_deck_expression(
    attack: Attack,
    role: str,
    tmp_path: Path,
    watched: Path,
    client: WorkerClient,
    corpus_judge: Judge,
    make_deck,
):
    restarts = client.restarts
    check_as_deck_expression(attack, role, corpus_judge, make_deck, tmp_path, watched)
    assert_contained(client, watched, restarts)


@pytest.mark.parametrize("attack", ATTACKS)
def test_as_a_learner_answer(
    attack: Attack, watched: Path, client: WorkerClient, corpus_judge: Judge, make_deck
):
    restarts = client.restarts
    check_as_learner_answer(attack, corpus_judge, make_deck, watched)
    assert_contained(client, watched, restarts)
    deck = make_deck(LEARNER_DECK, name="learner.yaml")
    right = corpus_judge.judge(deck, deck.card("learn-x"), "x.clamp(2, 5)")
    assert right.outcome is Outcome.RIGHT, right


# Each bomb on one path, the paths taken in turn: every path is shown killing at least two
# kinds of bomb, and every bomb is killed, for a kill each (two for a reference, which is
# tried twice) instead of one per path and bomb. The deadline is the worker's, whatever
# path brought the text.
BOMB_PATHS = ("answer", "expr", "solution")
PLACED_BOMBS = [
    pytest.param(number, BOMB_PATHS[number % len(BOMB_PATHS)], bomb.values[0], id=bomb.id)
    for number, bomb in enumerate(CPU_BOMBS)
]


def test_every_path_meets_at_least_two_bombs():
    for path in BOMB_PATHS:
        assert sum(param.values[1] == path for param in PLACED_BOMBS) >= 2, path
    assert len(PLACED_BOMBS) == len(CPU_BOMBS)


@kills
@pytest.mark.parametrize(("number", "path", "attack"), PLACED_BOMBS)
def test_a_cpu_bomb_is_killed(
    number: int,
    path: str,
    attack: Attack,
    tmp_path: Path,
    watched: Path,
    client: WorkerClient,
    bomb_workers: list[WorkerClient],
    make_deck,
):
    """The bomb is killed at the deadline with a clean message, and every worker is
    contained after it (the bombs take the small-limit workers in turn, so that one
    reloads torch while the next is busy)."""
    judge = Judge(bomb_workers[number % len(bomb_workers)])
    if path == "answer":
        check_as_learner_answer(attack, judge, make_deck, watched)
    else:
        check_as_deck_expression(attack, path, judge, make_deck, tmp_path, watched)
    for each in (client, *bomb_workers):
        assert_contained(each, watched, None)


# ---------------------------------------------------------------- the worker's own defences


def test_text_the_pipe_cannot_encode_does_not_kill_the_worker(
    watched: Path, client: WorkerClient, corpus_judge: Judge, make_deck
):
    """A lone surrogate is a legal str value; sending it back must not crash the worker."""
    restarts = client.restarts
    result = client.run([], ["'\\ud800'"], (0,)).trials[0].results[0]
    assert result.status is Status.VALUE
    assert result.printed == "'\\ud800'"
    deck = make_deck(LEARNER_DECK, name="learner.yaml")
    verdict = corpus_judge.judge(deck, deck.card("learn"), "'\\ud800'")
    assert verdict.outcome is Outcome.WRONG
    assert_clean_verdict(verdict)
    assert_contained(client, watched, restarts)


@kills
def test_the_wall_clock_deadline_kills_and_respawns_the_worker(
    watched: Path, client: WorkerClient, bomb_workers: list[WorkerClient]
):
    worker = bomb_workers[0]  # its small time limit: the kill comes sooner
    worker.wait_ready()
    old_pid, restarts = worker.pid, worker.restarts
    assert old_pid is not None
    run = worker.run([], [ENDLESS], (0,))
    (result,) = run.trials[0].results
    assert result.status is Status.LIMIT and result.limit == "time"
    assert result.describe(TIME_LIMIT) == f"took longer than {TIME_LIMIT:g} s"
    assert result.describe() == "took longer than 2 s"  # the words at the default limit
    assert client.time_limit == 2
    assert worker.restarts == restarts + 1
    with pytest.raises(ProcessLookupError):
        os.kill(old_pid, 0)  # the old worker is gone, not left running in the background
    assert worker.pid != old_pid
    assert_contained(worker, watched, None)


@kills
def test_a_worker_killed_from_outside_is_replaced_transparently(
    watched: Path, client: WorkerClient
):
    client.run([], ["torch.ones(1)"], (0,))  # make sure it is up
    old_pid = client.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    wait_until_dead(old_pid)
    result = client.run([], ["torch.tensor([1, 7, 3]).clamp(2, 5)"], (0,)).trials[0].results[0]
    assert result.status is Status.VALUE and result.printed == "tensor([2, 5, 3])"
    assert client.pid != old_pid
    assert_contained(client, watched, None)


@kills
def test_a_worker_killed_during_a_request_gives_a_limit_not_an_exception(
    watched: Path, client: WorkerClient
):
    client.run([], ["torch.ones(1)"], (0,))
    pid, restarts = client.pid, client.restarts
    assert pid is not None
    outcome: list[Run | Exception] = []

    def slow() -> None:
        try:
            outcome.append(client.run([], [ENDLESS], (0,)))
        except Exception as error:  # pragma: no cover - the failure this test looks for
            outcome.append(error)

    thread = threading.Thread(target=slow)
    thread.start()
    wait_until_busy(pid)  # at work on the request
    os.kill(pid, signal.SIGKILL)
    thread.join(timeout=10)
    (run,) = outcome
    assert isinstance(run, Run), run
    (result,) = run.trials[0].results
    assert result.status is Status.LIMIT
    assert client.restarts == restarts + 1
    assert_contained(client, watched, None)


def wait_until_dead(pid: int) -> None:
    """Until the killed worker has stopped running (a zombie awaiting its parent, or gone)."""

    def stopped() -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        return state in ("Z", "X")

    wait_until(stopped, f"worker {pid} to stop running")


# ---------------------------------------------------------------- docstring requests (issue 19)
# ``torch-quiz draft`` asks the worker for a function's docstring by a dotted name. The
# name is split into one of four namespaces and one public attribute, which must be on
# the evaluator's allow-list there: never walked, never a dunder, never another module.

DOC_ATTACKS = [
    pytest.param("torch.__class__.__subclasses__", id="dunder-walk"),
    pytest.param("torch.__class__", id="dunder"),
    pytest.param("torch.__dict__", id="dunder-dict"),
    pytest.param("torch.Tensor.__init_subclass__", id="dunder-method"),
    pytest.param("torch._C", id="private"),
    pytest.param("torch._dynamo", id="lazy-private-import"),
    pytest.param("os.system", id="other-module"),
    pytest.param("builtins.eval", id="builtins"),
    pytest.param("torch.os.system", id="walk-through-torch"),
    pytest.param("torch.os", id="module-of-torch"),
    pytest.param("torch.sys", id="sys-of-torch"),
    pytest.param("torch.load", id="denied-load"),
    pytest.param("torch.save", id="denied-save"),
    pytest.param("torch.hub", id="denied-hub"),
    pytest.param("torch.onnx", id="lazy-import-onnx"),
    pytest.param("torch.export", id="lazy-import-export"),
    pytest.param("torch.compile", id="denied-compile"),
    pytest.param("torch.nn", id="a-module"),
    pytest.param("torch.Tensor", id="a-class"),
    pytest.param("torch.Tensor.data_ptr", id="denied-method"),
    pytest.param("torch.Tensor.storage", id="denied-storage"),
    pytest.param("torch.set_default_dtype", id="setter"),
    pytest.param("torch.nn.functional.__builtins__", id="dunder-of-f"),
    pytest.param("torch.linalg.torch", id="not-public-in-linalg"),
    pytest.param("torch.clamp.__globals__", id="globals-of-a-function"),
    pytest.param("torch.ｃlamp", id="fullwidth"),
    pytest.param("torch.clamp\x1b[2J", id="control"),
    pytest.param("torch." + "a" * 5000, id="long"),
    pytest.param("", id="empty"),
    pytest.param("torch.", id="no-attribute"),
    pytest.param("clamp", id="bare"),
]


@pytest.mark.parametrize("name", DOC_ATTACKS)
def test_a_docstring_request_refuses_names_outside_the_allow_list(
    name: str, watched: Path, client: WorkerClient
):
    """The worker answers 'unknown' in one clean line, whether or not the client would
    have sent the name; the client refuses it too; the worker is untouched."""
    from quiz.sandbox.docs import UnknownName
    from quiz.worker.docstrings import answer

    reply = answer({"op": "doc", "id": 1, "name": name})  # the worker's side, as sent
    assert set(reply) == {"id", "unknown"}, reply
    assert_clean_line(reply["unknown"])
    restarts = client.restarts
    with pytest.raises(UnknownName) as refused:
        client.docstring(name)
    assert_clean_line(str(refused.value))
    assert_contained(client, watched, restarts)


def test_a_docstring_request_that_is_not_text_is_a_bad_request(client: WorkerClient):
    from quiz.worker.docstrings import answer

    assert set(answer({"op": "doc", "id": 1, "name": ["torch", "clamp"]})) == {"id", "unknown"}
    assert client.docstring("torch.clamp").text.count(">>>") >= 2  # and the worker serves on
