"""torch's own docstring examples run in the sandbox exactly as they run in plain Python.

Issue 3 asks for an allow-list broad enough that a learner is never refused a legitimate
tensor operation. The examples torch ships in its docstrings are a corpus of legitimate
operations that nobody here picked, so every ``>>>`` line in the docstrings of the public
functions of ``torch``, ``torch.linalg``, ``torch.fft``, ``torch.special`` and
``torch.nn.functional``, of the ``Tensor`` methods and of the ``nn`` layers runs twice:
through the ``Evaluator`` and under plain ``eval``, with the same seed before each line.
The two must agree: the same value, or the same exception class.

The evaluator takes single expressions only, so each docstring becomes a sequence that
this harness drives, keeping one namespace per run:

- ``name = expr`` and ``a, (b, c) = expr``: the right-hand side is evaluated, the names
  are bound for the lines after it;
- ``t[i] = expr``: the value and the index are evaluated, then the harness assigns;
- ``import torch.linalg as LA``, ``from torch.linalg import norm``: the dotted path is
  evaluated like an expression (so the sandbox decides what is reachable) and bound;
- ``print(expr)``: ``expr`` is evaluated, since a card's answer is its expression's value;
- continuation lines (``...``) are joined, and so are ``>>>`` lines that only parse
  together;
- anything else is evaluated as an expression and compared.

Two examples build layers whose sizes alone make them slow (``nn.Transformer``'s has 63
million parameters); they run as written but smaller (``SHRUNK``: the same calls, and a
test that each original line is still in torch's docstring). No size rule of the
sandbox lies between the two sizes.

A line is left out only for one of the reasons in ``SKIP_REASONS``. Each docstring is a
test case that lists every line of it that disagrees, with its source, and
``test_enough_examples_run`` checks a floor on the number of lines that agree, so a
narrower allow-list fails loudly.
Run ``python -m tests.worker.test_docstring_examples`` for the counts by category.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import functools
import inspect
import io
import math
import types
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from quiz.deck.docexamples import chunks, is_print, parses
from quiz.worker.evaluator import MAX_ELEMENTS, SIZED_CONSTRUCTORS, Evaluator, Refused

# Every >>> line of torch's docstrings. One group: the floor tests run every docstring,
# so under xdist the cases must share a process (and its cache of results) with them.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("docstring-examples")]

SUBJECTS: dict[str, Any] = {
    "torch": torch,
    "torch.linalg": torch.linalg,
    "torch.fft": torch.fft,
    "torch.special": torch.special,
    "torch.nn.functional": F,
    "torch.Tensor": torch.Tensor,
    "torch.nn": nn,
}

# ---------------------------------------------------------------- why a line is left out
# Keep this list small: each entry is a category reviewed as a whole, never one example.

# The sandbox takes one expression; a loop, def, with, try or assert has no value.
STATEMENT = "a statement, not an expression (def, for, with, try, assert, +=)"
# Docstrings that are not runnable as written: prose or an elided value after >>>.
NOT_PYTHON = "not valid Python as written"
# torch-quiz has no GPU; lines that name CUDA or another accelerator cannot run anyway.
DEVICE = "needs a device other than the CPU"
# The example itself is broken, needs numpy/itertools/matplotlib, or uses a name that
# only a skipped line defines: plain eval raises, and the sandbox refuses or raises.
PLAIN_FAILS = "fails under plain eval too"
# The sandbox and plain eval disagree, and so do two plain runs from the same seed
# (values computed from uninitialised memory are compared by shape and dtype only).
NONDETERMINISTIC = "nondeterministic: two seeded plain runs disagree"
# Syntax the evaluator refuses by design (issue 3): lambdas, set and dict comprehensions,
# dicts, sets, f-strings, walrus.
BY_DESIGN = "refused by design"
SYNTAX = (
    "refused by design: lambdas, dict and set comprehensions, dicts, sets, f-strings, ** unpacking"
)
# More elements than the evaluator's MAX_ELEMENTS in one literal size: memory bombs are
# refused before allocating (the nn 3-d layers' examples ask for 16 to 59 million).
TOO_BIG = f"refused by design: sizes past {MAX_ELEMENTS:,} elements"
UNDERSCORE = "refused by design: names starting with '_'"
KEYWORDS = "refused by design: out= and generator= arguments"
GLOBAL_STATE = "refused by design: global state (seeds, RNG, defaults, grad mode, set_*)"
MEMORY_SAFETY = "refused by design: sparse tensors, unchecked kernels (memory safety)"
# The identifiers that put a line in each of the remaining categories.
SECURITY: dict[str, frozenset[str]] = {
    "refused by design: files, pickles, compilers, code loading": frozenset(
        {
            *("open", "save", "load", "from_file", "tofile", "jit", "hub", "package"),
            *("library", "ops", "classes", "utils", "serialization", "compile", "export"),
            *("onnx", "fx", "profiler", "import_ir_module", "parse_ir", "parse_schema"),
            *("io", "os", "sys", "tempfile"),
        }
    ),
    "refused by design: raw memory, storages, numpy and dlpack": frozenset(
        {
            *("data_ptr", "const_data_ptr", "untyped_storage", "storage", "UntypedStorage"),
            *("TypedStorage", "as_strided", "as_strided_", "as_strided_scatter"),
            *("empty_strided", "set_", "share_memory_", "numpy", "from_numpy", "frombuffer"),
            *("from_dlpack", "to_dlpack", "pin_memory"),
        }
    ),
    "refused by design: Python callables run by torch (hooks, vmap, func)": frozenset(
        {
            *("apply_", "map_", "map2_", "register_hook", "register_post_accumulate_grad_hook"),
            *("vmap", "func", "while_loop", "fork", "wait", "handle_torch_function"),
            *("register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook"),
            *("register_module_forward_hook", "register_module_forward_pre_hook"),
            *("register_module_full_backward_hook", "register_backward_hook"),
            *("register_module_backward_hook", "register_load_state_dict_post_hook"),
            *("register_state_dict_pre_hook", "register_load_state_dict_pre_hook"),
        }
    ),
    # Issue 13: a sparse tensor's index tensors are live aliases of its internals, and
    # torch's internal kernels (native_*, fbgemm_*, ...) skip their callers' checks.
    # (indices and values are left out: they are also fields of topk, sort, max...)
    MEMORY_SAFETY: frozenset(
        {
            *("to_sparse", "to_sparse_coo", "to_sparse_csr", "to_sparse_csc"),
            *("to_sparse_bsr", "to_sparse_bsc", "sparse_coo_tensor", "sparse_csr_tensor"),
            *("sparse_csc_tensor", "sparse_bsr_tensor", "sparse_bsc_tensor"),
            *("sparse_compressed_tensor", "sparse_coo", "sparse_csr", "sparse_csc"),
            *("sparse_bsr", "sparse_bsc", "sparse", "crow_indices", "col_indices"),
            *("ccol_indices", "row_indices", "coalesce", "sparse_mask", "sparse_dim"),
            *("dense_dim", "smm", "hspmm", "sspaddmm", "spmm", "segment_reduce"),
            *("quantize_per_tensor", "quantize_per_channel", "quantize_per_tensor_dynamic"),
            *("dequantize", "int_repr", "qscheme", "q_scale", "q_zero_point", "qint8"),
            *("quint8", "qint32", "quint4x2", "quint2x4", "q_per_channel_scales"),
            *("q_per_channel_zero_points", "q_per_channel_axis"),
        }
    ),
    GLOBAL_STATE: frozenset(
        {
            *("seed", "initial_seed", "get_rng_state", "random"),  # manual_seed runs (issue 16)
            *("default_generator", "thread_safe_generator", "use_deterministic_algorithms"),
            *("no_grad", "enable_grad", "inference_mode", "autocast"),
        }
    ),
}
SKIP_REASONS = (
    STATEMENT,
    NOT_PYTHON,
    DEVICE,
    PLAIN_FAILS,
    NONDETERMINISTIC,
    SYNTAX,
    TOO_BIG,
    UNDERSCORE,
    KEYWORDS,
    *SECURITY,
)
REFUSED_SYNTAX = (  # list comprehensions and generator expressions run (issue 15)
    ast.Lambda,
    ast.SetComp,
    ast.DictComp,
    ast.JoinedStr,
    ast.Dict,
    ast.Set,
    ast.NamedExpr,
)
DEVICE_NAMES = frozenset({"cuda", "mps", "xpu", "hpu", "xla", "mtia", "ipu", "accelerator", "meta"})
# Calls that return memory nobody wrote: these values, and every value computed from
# them, are compared by shape and dtype only.
UNINITIALISED = frozenset({"empty", "empty_like", "new_empty", "new_empty_strided"})

# At least this many lines must evaluate and agree with plain eval (the report of
# ``python -m tests.worker.test_docstring_examples`` gives the current count).
FLOOR = 2850  # 2,889 once quantized and meta tensors were refused (the red team)

# Lines run with smaller sizes than their docstring's (same layers, calls and layer
# counts): by owner, the line as torch writes it and the line as it runs here.
SHRUNK: dict[str, dict[str, str]] = {
    "torch.nn.Transformer": {
        "transformer_model = nn.Transformer(nhead=16, num_encoder_layers=12)": (
            "transformer_model = nn.Transformer("
            "d_model=64, nhead=16, num_encoder_layers=12, dim_feedforward=64)"
        ),
        "src = torch.rand((10, 32, 512))": "src = torch.rand((10, 32, 64))",
        "tgt = torch.rand((20, 32, 512))": "tgt = torch.rand((20, 32, 64))",
    },
    "torch.nn.TransformerDecoder": {
        "decoder_layer = nn.TransformerDecoderLayer(d_model=512, nhead=8)": (
            "decoder_layer = nn.TransformerDecoderLayer(d_model=64, nhead=8, dim_feedforward=64)"
        ),
        "memory = torch.rand(10, 32, 512)": "memory = torch.rand(10, 32, 64)",
        "tgt = torch.rand(20, 32, 512)": "tgt = torch.rand(20, 32, 64)",
    },
}


# ---------------------------------------------------------------- collecting


@dataclass(frozen=True, eq=False)
class Line:
    owner: str  # the documented object, e.g. "torch.linalg.eig"
    number: int  # 1-based position among the docstring's example lines
    source: str  # the code as the docstring has it, continuation lines joined
    expression: str  # what is evaluated: the line, an assignment's value, an import path
    targets: tuple[ast.expr, ...] = ()  # what an assignment or import binds
    static_skip: str | None = None  # a reason from SKIP_REASONS, known before running
    uninitialised: bool = False  # computed from torch.empty & co: compare metadata only

    @property
    def id(self) -> str:
        return f"{self.owner}:{self.number}"


def _documented() -> Iterator[tuple[str, str]]:
    """(qualified name, docstring) of every public function or layer with ``>>>`` lines."""
    seen: set[str] = set()
    for prefix, owner in SUBJECTS.items():
        for name in dir(owner):
            obj = getattr(owner, name, None)
            if name.startswith("_") or isinstance(obj, types.ModuleType):
                continue
            if isinstance(obj, type) and not (owner is nn and issubclass(obj, nn.Module)):
                continue
            doc = inspect.getdoc(obj) if callable(obj) or isinstance(obj, property) else None
            if not doc or ">>>" not in doc or doc in seen:  # aliases share one docstring
                continue
            seen.add(doc)
            yield f"{prefix}.{name}", doc


def _statements(doc: str) -> list[str]:
    """The examples as sources, mending the two ways docstrings split one statement.

    A bracket left open may go on after more ``>>>`` lines (torch.unbind) or after
    plain lines without ``...`` (nn.MaxUnpool2d): the first of these that parses wins.
    """
    pieces = [(c, p) for c, p in chunks(doc) if not _only_comment("\n".join(c))]
    result: list[str] = []
    index = 0
    while index < len(pieces):
        ends = range(index + 1, min(index + 6, len(pieces)) + 1)
        joined = ["\n".join(line for c, _ in pieces[index:end] for line in c) for end in ends]
        end = next((e for e, source in zip(ends, joined, strict=True) if parses(source)), None)
        if end is not None:
            result.append(joined[end - index - 1])
            index = end
            continue
        code, printed = pieces[index]
        source = "\n".join(code)
        for count in range(1, min(len(printed), 20) + 1):
            if parses("\n".join([*code, *printed[:count]])):
                source = "\n".join([*code, *printed[:count]])
                break
        result.append(source)
        index += 1
    return result


def _only_comment(source: str) -> bool:
    return all(not s.strip() or s.strip().startswith("#") for s in source.splitlines())


def _identifiers(node: ast.AST) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr


def _literal_elements(node: ast.AST) -> int:
    """The largest element count that a constructor's literal integer sizes ask for."""
    largest = 0
    for call in (c for c in ast.walk(node) if isinstance(c, ast.Call)):
        function = call.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name not in SIZED_CONSTRUCTORS:
            continue
        dims: list[int] = []
        for arg in call.args:
            parts = arg.elts if isinstance(arg, ast.Tuple | ast.List) else [arg]
            dims += [p.value for p in parts if isinstance(p, ast.Constant) and type(p.value) is int]
        largest = max(largest, math.prod(dims) if dims else 0)
    return largest


def _static_skip(node: ast.AST) -> str | None:
    """The by-design refusal or the device this line needs, judged from its syntax tree."""
    names = set(_identifiers(node))
    keywords = {k.arg for k in ast.walk(node) if isinstance(k, ast.keyword)}
    calls = {
        c.func.id
        for c in ast.walk(node)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
    }
    if any(isinstance(child, REFUSED_SYNTAX) for child in ast.walk(node)):
        return SYNTAX
    if None in keywords or calls & {"dict", "set", "frozenset"}:
        return SYNTAX
    if "cond" in names and "torch.cond" in ast.unparse(node):  # not torch.linalg.cond
        return "refused by design: Python callables run by torch (hooks, vmap, func)"
    if _literal_elements(node) > MAX_ELEMENTS:
        return TOO_BIG
    if any(name.startswith("_") for name in names | (keywords - {None})):
        return UNDERSCORE
    if keywords & {"out", "generator"}:
        return KEYWORDS
    if any(
        k.arg in ("sparse", "sparse_grad") and not _false(k.value)
        for k in ast.walk(node)
        if isinstance(k, ast.keyword)
    ):
        return MEMORY_SAFETY
    if any(name.startswith(("native_", "fbgemm_", "mkldnn_", "quantized_")) for name in names):
        return MEMORY_SAFETY
    for reason, denied in SECURITY.items():
        if names & denied:
            return reason
    if any(name.startswith("set_") for name in names):
        return GLOBAL_STATE
    strings = {
        child.value.split(":")[0]
        for child in ast.walk(node)
        if isinstance(child, ast.Constant) and isinstance(child.value, str)
    }
    if names & DEVICE_NAMES or strings & DEVICE_NAMES:
        return DEVICE
    return None


def _false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _bindable(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, ast.Tuple | ast.List):
        return all(_bindable(element) for element in target.elts)
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)


def _line(owner: str, number: int, source: str) -> Line:
    def make(expression: str, targets: tuple[ast.expr, ...], skip: str | None) -> Line:
        return Line(owner, number, source, expression, targets, skip)

    try:
        module = ast.parse(source)
    except SyntaxError:
        return make(source, (), NOT_PYTHON)
    if len(module.body) != 1:
        return make(source, (), STATEMENT)
    (statement,) = module.body
    if isinstance(statement, ast.Expr):
        value = statement.value
        if is_print(value):  # print() is refused: a card's answer is the value itself
            value = value.args[0]  # type: ignore[attr-defined]
        expression = ast.get_source_segment(source, value) or source
        return make(expression, (), _static_skip(value))
    if isinstance(statement, ast.Assign) and all(_bindable(t) for t in statement.targets):
        expression = ast.get_source_segment(source, statement.value) or ""
        return make(expression, tuple(statement.targets), _static_skip(statement.value))
    if isinstance(statement, ast.Import | ast.ImportFrom) and len(statement.names) == 1:
        (alias,) = statement.names
        module_path = statement.module if isinstance(statement, ast.ImportFrom) else None
        path = f"{module_path}.{alias.name}" if module_path else alias.name
        # "import a.b" binds only "a", which is torch or math here: evaluate the whole
        # path (the sandbox decides if it is reachable) and bind what Python would.
        bound = alias.asname or (alias.name if module_path or "." not in path else None)
        targets = (ast.Name(bound, ast.Store()),) if bound else ()
        return make(path, targets, _static_skip(ast.parse(path, mode="eval")))
    return make(source, (), _static_skip(statement) or STATEMENT)


def _with_taint(lines: list[Line]) -> tuple[Line, ...]:
    """Mark the lines whose values come from uninitialised memory, directly or not."""
    tainted: set[str] = set()
    result: list[Line] = []
    for line in lines:
        try:
            read = set(_identifiers(ast.parse(line.expression)))
        except SyntaxError:
            read = set()
        uninitialised = bool(read & (UNINITIALISED | tainted))
        for target in line.targets:
            if isinstance(target, ast.Subscript):
                continue  # partly overwritten: still tainted if it was
            names = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
            tainted = tainted | names if uninitialised else tainted - names
        result.append(dataclasses.replace(line, uninitialised=uninitialised))
    return tuple(result)


@functools.cache
def written() -> dict[str, list[str]]:
    """Each documented object's example sources, as its docstring has them."""
    return {owner: _statements(doc) for owner, doc in _documented()}


@functools.cache
def docstrings() -> dict[str, tuple[Line, ...]]:
    result: dict[str, tuple[Line, ...]] = {}
    for owner, statements in written().items():
        smaller = SHRUNK.get(owner, {})
        sources = [smaller.get(source, source) for source in statements]
        lines = [_line(owner, n, s) for n, s in enumerate(sources, start=1)]
        if lines:
            result[owner] = _with_taint(lines)
    return result


# ---------------------------------------------------------------- running


@dataclass
class Outcome:
    """What one line did in one run: a value or an exception."""

    value: Any = None
    error: BaseException | None = None


class Pass:
    """One pass over a docstring, in the sandbox or under plain eval, with its own names."""

    def __init__(self, sandboxed: bool) -> None:
        self.sandboxed = sandboxed
        self.names: dict[str, Any] = {} if sandboxed else _environment()

    def evaluate(self, expression: str) -> Any:
        if self.sandboxed:
            return Evaluator(self.names).evaluate(expression)
        return eval(expression, self.names)

    def run(self, line: Line) -> Outcome:
        # The CPU generator is the only one in play; torch.manual_seed would also queue
        # seeds for CUDA, MTIA and XPU, formatting a stack trace each time (3 s in all).
        torch.default_generator.manual_seed(0)
        try:
            value = self.evaluate(line.expression)
            for target in line.targets:
                self._assign(line.source, target, value)
        except Exception as error:
            for target in line.targets:
                self._forget(target)
            return Outcome(error=error)
        return Outcome(value=value)

    def _assign(self, source: str, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.names[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            values = list(value)
            if len(values) != len(target.elts):
                raise ValueError(f"cannot unpack {len(values)} values into {len(target.elts)}")
            for element, item in zip(target.elts, values, strict=True):
                self._assign(source, element, item)
        else:
            assert isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            self.names[target.value.id][self._index(source, target.slice)] = value

    def _index(self, source: str, node: ast.expr) -> Any:
        """The index of ``t[...] = v``, each part evaluated by this pass."""
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(None if p is None else self._index(source, p) for p in parts))
        if isinstance(node, ast.Tuple):
            return tuple(self._index(source, element) for element in node.elts)
        return self.evaluate(ast.get_source_segment(source, node) or "")

    def adopt(self, line: Line, other: Pass) -> None:
        """Take the names ``line`` bound in ``other`` (copies), as givens for later lines."""
        for target in line.targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name) and node.id in other.names:
                    self.names[node.id] = _copy(other.names[node.id])

    def _forget(self, target: ast.expr) -> None:
        """After a failed line its names are undefined, as they would be in Python."""
        if isinstance(target, ast.Name):
            self.names.pop(target.id, None)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._forget(element)


def _copy(value: Any) -> Any:
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _environment() -> dict[str, Any]:
    return {"torch": torch, "F": F, "nn": nn, "math": math}


@contextlib.contextmanager
def _contained() -> Iterator[None]:
    """Restore torch's global defaults and silence prints and warnings around a docstring.

    One thread, as in the worker: on two loaded cores, two threads took twice the time.
    """
    dtype, grad, threads = (
        torch.get_default_dtype(),
        torch.is_grad_enabled(),
        torch.get_num_threads(),
    )
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        torch.set_default_dtype(dtype)
        torch.set_grad_enabled(grad)
        torch.set_num_threads(threads)


@dataclass
class Report:
    evaluated: list[Line] = field(default_factory=list)
    skipped: dict[Line, str] = field(default_factory=dict)
    failures: dict[Line, str] = field(default_factory=dict)


@functools.cache
def run(owner: str) -> Report:
    """Run one docstring's lines in the sandbox and under plain eval, line by line."""
    report = Report()
    lines = docstrings()[owner]
    sandbox, plain = Pass(sandboxed=True), Pass(sandboxed=False)
    with _contained():
        for index, line in enumerate(lines):
            if line.static_skip:
                report.skipped[line] = line.static_skip
                if line.static_skip.startswith(BY_DESIGN):
                    problem = _refused_by_the_sandbox(line, sandbox)
                    if problem:
                        report.failures[line] = problem
                continue
            mine, theirs = sandbox.run(line), plain.run(line)
            verdict = _judge(line, mine, theirs, functools.partial(_replay, lines[: index + 1]))
            if mine.error is not None and theirs.error is None:
                sandbox.adopt(line, plain)  # report this line, not every line after it
            if verdict in SKIP_REASONS:
                report.skipped[line] = verdict
            elif verdict:
                report.failures[line] = verdict
            else:
                report.evaluated.append(line)
    return report


def _refused_by_the_sandbox(line: Line, sandbox: Pass) -> str | None:
    """A line left out as refused by design must be refused (plain eval never runs it)."""
    outcome = sandbox.run(line)
    if isinstance(outcome.error, Refused | SyntaxError):
        return None
    if outcome.error is None:
        return f"left out as {line.static_skip!r}, but the sandbox gave {_short(outcome.value)}"
    return f"left out as {line.static_skip!r}, but the sandbox ran it: {_error(outcome)}"


def _replay(lines: tuple[Line, ...]) -> Outcome:
    """The last line's outcome in a fresh plain pass: a second opinion on its value."""
    again = Pass(sandboxed=False)
    outcome = Outcome()
    for line in lines:
        if not line.static_skip:
            outcome = again.run(line)
    return outcome


def _judge(line: Line, mine: Outcome, plain: Outcome, replay: Callable[[], Outcome]) -> str | None:
    """None when the sandbox agrees with plain eval, else a skip reason or a failure."""
    if plain.error is not None:
        if isinstance(mine.error, Refused):
            return PLAIN_FAILS
        if mine.error is None:
            return f"plain eval raised {_error(plain)}, the sandbox gave {_short(mine.value)}"
        if type(mine.error) is not type(plain.error):
            return f"plain eval raised {_error(plain)}, the sandbox {_said(mine)}"
        return None  # both raise the same exception: that is parity too
    if mine.error is not None:
        return f"the sandbox {_said(mine)}"
    if _same(mine.value, plain.value, line.uninitialised):
        return None
    again = replay()  # only now, since it reruns the docstring up to this line
    if again.error is not None or not _same(again.value, plain.value, line.uninitialised):
        return NONDETERMINISTIC
    return f"the sandbox gave {_short(mine.value)}, plain eval {_short(plain.value)}"


def _error(outcome: Outcome) -> str:
    text = str(outcome.error).splitlines()
    return f"{type(outcome.error).__name__}: {text[0] if text else ''}"


def _said(outcome: Outcome) -> str:
    if isinstance(outcome.error, Refused):
        return f"refused: {outcome.error}"
    return f"raised {_error(outcome)}"


def _short(value: Any) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) < 100 else text[:97] + "..."


def _same(ours: Any, theirs: Any, metadata_only: bool) -> bool:
    if isinstance(theirs, torch.Tensor):
        return isinstance(ours, torch.Tensor) and _same_tensor(ours, theirs, metadata_only)
    if isinstance(theirs, tuple | list):
        return (
            type(ours) is type(theirs)
            and len(ours) == len(theirs)
            and all(_same(a, b, metadata_only) for a, b in zip(ours, theirs, strict=True))
        )
    if type(ours) is not type(theirs):
        return False
    if isinstance(theirs, float) and math.isnan(theirs):
        return math.isnan(ours)
    if isinstance(theirs, nn.Module):
        return repr(ours) == repr(theirs) and _same(
            list(ours.parameters()), list(theirs.parameters()), metadata_only
        )
    with contextlib.suppress(Exception):
        if ours == theirs:
            return True
    return repr(ours) == repr(theirs)


def _same_tensor(ours: torch.Tensor, theirs: torch.Tensor, metadata_only: bool) -> bool:
    if (ours.shape, ours.dtype, ours.layout) != (theirs.shape, theirs.dtype, theirs.layout):
        return False
    if metadata_only:
        return True
    if theirs.is_nested:
        return repr(ours) == repr(theirs)
    if theirs.is_quantized:
        ours, theirs = ours.dequantize(), theirs.dequantize()
    if theirs.layout != torch.strided:
        ours, theirs = ours.to_dense(), theirs.to_dense()
    ours, theirs = ours.detach(), theirs.detach()
    if torch.equal(ours, theirs):
        return True
    # Loose enough for rounding noise (a residual of 2e-6 against 1.7e-6 in linalg.lstsq's
    # example, whose BLAS calls need not round alike), tight enough for any real change.
    return (theirs.is_floating_point() or theirs.is_complex()) and bool(
        torch.allclose(ours, theirs, rtol=1e-4, atol=1e-5, equal_nan=True)
    )


# ---------------------------------------------------------------- tests


@pytest.fixture(scope="module", autouse=True)
def _in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with contextlib.chdir(tmp_path_factory.mktemp("docstrings")):
        yield  # an example that wrote a file would write it here


# The owners alone, at collection: each xdist worker collects, one runs the docstrings.
@pytest.mark.parametrize("owner", [owner for owner, sources in written().items() if sources])
def test_docstring_examples_run_in_the_sandbox_as_in_plain_python(owner: str):
    """One case per docstring; it lists every line that disagrees, with its source."""
    failures = run(owner).failures
    assert not failures, "\n".join(
        f"{line.id}: {line.source}\n    {why}" for line, why in failures.items()
    )


def test_every_shrunk_line_is_still_in_its_docstring():
    """A changed example is run as torch now writes it, not as it once was."""
    for owner, lines in SHRUNK.items():
        assert owner in written(), owner
        missing = set(lines) - set(written()[owner])
        assert not missing, (owner, missing)


def summary() -> tuple[Counter[str], dict[Line, str]]:
    counts: Counter[str] = Counter()
    failures: dict[Line, str] = {}
    for owner, lines in docstrings().items():
        report = run(owner)
        counts["collected"] += len(lines)
        counts["evaluated"] += len(report.evaluated)
        counts["failed"] += len(report.failures)
        counts.update(report.skipped.values())
        failures.update(report.failures)
    return counts, failures


def test_enough_examples_run():
    counts, failures = summary()
    assert not failures, "\n".join(f"{line.id}: {why}" for line, why in failures.items())
    assert counts["evaluated"] >= FLOOR, counts


def test_skips_are_only_the_listed_categories():
    counts, _ = summary()
    assert set(counts) <= {"collected", "evaluated", "failed", *SKIP_REASONS}


def main(show: Callable[[str], None] = print) -> None:
    counts, failures = summary()
    for key, value in counts.most_common():
        show(f"{value:6d}  {key}")
    for line, why in failures.items():
        show(f"FAIL {line.id}: {line.source!r}\n     {why}")


if __name__ == "__main__":
    main()
