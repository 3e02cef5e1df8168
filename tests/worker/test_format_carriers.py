"""No allowed callable formats a string the caller chose (issue 13, finding 3).

``F.assert_int_or_pair([1, 2, 3], torch, "{0.__dict__[os].environ[HOME]}")`` printed the
user's HOME: the function runs ``message.format(arg_name)``, and a format field walks
attributes and items of whatever it is formatted with. Two walls close the class:

* the evaluator refuses any string holding ``{``, ``}`` or ``%``, as a literal or as an
  argument, so no format field ever reaches torch;
* the functions that format a caller's text are denied by name, and the test below reads
  the source of every Python function an expression can reach (the allow-list, the
  classes it may build, their dunder methods, and everything they call, argument by
  argument) for a caller-controlled string handed to ``.format``, ``format_map``, ``%``,
  ``string.Template``, ``format()``, logging or ``warnings.warn``. A new one fails it
  until it is denied or reviewed below.

This test module imports torch, as the worker does; only the app must never.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import logging
import re
import string
import textwrap
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from quiz.worker import allowlist as allow
from quiz.worker import evaluator
from quiz.worker.evaluator import Evaluator, Refused

# Under xdist the module runs in one process, so that its scan of torch's formatting
# runs once, not once per process.
pytestmark = pytest.mark.xdist_group("format-scan")

# Formatting calls whose format string (or message) is caller-controlled, reviewed and safe,
# keyed by the function holding the call and the kind of call.
REVIEWED: dict[tuple[str, str], str] = {
    ("torch._tensor_str._scalar_str", ".format"): (
        "a torch _Formatter's own format method; its format string is built from the "
        "print options (reset before every evaluation), not from the caller"
    ),
    ("torch._tensor_str._vector_str", ".format"): (
        "a torch _Formatter's own format method, as in _scalar_str"
    ),
    ("inspect.Parameter.__init__", ".format"): (
        "`msg` is a constant of inspect's, reassigned to its formatted self; the scan is "
        "flow-insensitive"
    ),
    ("torch.nn.modules.rnn.RNNBase.__init__", ".format"): (
        "torch's own parameter names, 'weight_ih_l{}{}'.format(layer, suffix); the scan is "
        "flow-insensitive"
    ),
    ("torch.nn.modules.rnn.RNNBase.__setstate__", ".format"): (
        "the same parameter names as RNNBase.__init__ (and unpickling is not reachable)"
    ),
    ("torch.autograd.graph._register_logging_hooks_on_whole_graph", "logging"): (
        "log.debug of an f-string with no arguments: logging formats only when given "
        "arguments, and the text is the node and the gradients' dtypes and shapes"
    ),
    ("torch.functional.einsum", "%"): "len(args) % 2: integer remainder",
    ("torch.functional._unravel_index", "%"): "a tensor remainder",
    ("torch.nn.init.dirac_", "%"): "sizes[0] % groups: integer remainder",
    ("torch.nn.modules.conv._ConvNd.__init__", "%"): "channels % groups: integer remainder",
    ("torch.nn.modules.normalization.GroupNorm.__init__", "%"): (
        "num_channels % num_groups: integer remainder"
    ),
    ("torch.nn.modules.activation.MultiheadAttention.forward", "%"): (
        "num_heads % 2: integer remainder"
    ),
    ("torch.nn.modules.transformer.TransformerEncoder.__init__", "%"): (
        "num_heads % 2: integer remainder"
    ),
    ("torch.nn.modules.transformer.TransformerEncoderLayer.forward", "%"): (
        "num_heads % 2: integer remainder"
    ),
}
# warnings.warn only stores its message; nothing formats it (the worker records warnings
# and returns them as escaped text). Each call site is still listed, so a new one is seen.
WARNS_WITH_CALLER_TEXT = frozenset(
    {
        "torch.nn.functional.dropout2d",
        "torch.nn.functional.dropout3d",
        "torch.nn.functional.huber_loss",
        "torch.nn.functional.l1_loss",
        "torch.nn.functional.linear_cross_entropy",
        "torch.nn.functional.mse_loss",
        "torch.nn.functional.smooth_l1_loss",
        "torch.nn.modules.instancenorm._InstanceNorm.forward",
        "torch.nn.modules.module.Module._call_impl",
        "torch.nn.modules.rnn.RNNBase.__init__",
        "torch.nn.parallel.data_parallel._check_balance",
        "torch.utils.data.dataset.random_split",  # issue 16: "Length of split at index 0 ..."
    }
)
REVIEWED |= {
    (name, "warnings.warn"): "warnings.warn stores its message as text; nothing formats it"
    for name in WARNS_WITH_CALLER_TEXT
}
REVIEWED[("torch.utils.data.dataset.random_split", "%")] = (
    "i % len(subset_lengths), numbers: where the remainder of a split by fractions goes"
)
REVIEWED[
    ("torch.utils.data.dataloader.DataLoader.check_worker_number_rationality", "warnings.warn")
] = "warns only with num_workers > 0, which the evaluator refuses; its text is torch's own"
REVIEWED[("torch.utils.data.dataloader._BaseDataLoaderIter.__init__", "warnings.warn")] = (
    "warns of pin_memory and pin_memory_device, both refused; warnings.warn formats nothing"
)
REVIEWED[("torch.optim.lr_scheduler.StepLR.get_lr", "%")] = (
    "last_epoch % step_size, numbers; were an answer to pass a string for either, it could "
    "not hold '%' (the evaluator refuses such strings as arguments)"
)

# Reachable callables with a parameter named like a message or a name, reviewed one by one.
MESSAGE_PARAMETER = re.compile(
    r"(^|_)(msg|message|fmt|format|template|name|names|prefix|suffix|text|label|title)$"
)
REVIEWED_PARAMETERS: dict[str, str] = {
    "torch.testing._comparison.assert_close": (
        "msg: a string becomes the AssertionError's message as given (and strings holding "
        "'{', '}' or '%' are refused); a callable gets torch's own message, and only allowed "
        "callables can be passed, none of which formats its argument (the scan above)"
    ),
    "torch.nn.modules.module.Module.__getattr__": (
        "name: an attribute name the evaluator has allowed, shown in an f-string"
    ),
    "torch.nn.modules.module.Module.__setattr__": (
        "name: expressions cannot assign attributes; a dict key when they are set inside torch"
    ),
    "torch.nn.modules.module.Module.__delattr__": "name: expressions cannot delete attributes",
    # issue 16: a layer's state, read with a prefix that is only ever joined to names by +
    **{
        f"torch.nn.modules.module.Module.{method}": (
            "prefix: put in front of each name with + (prefix + '.' + name), never formatted"
        )
        for method in ("named_parameters", "named_buffers", "named_modules", "state_dict")
    },
}

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical"})


# ---------------------------------------------------------------- the scan


@dataclass(frozen=True)
class Sink:
    function: str  # qualified name of the function holding the call
    kind: str  # ".format", ".format_map", "%", "Template", "format()", "logging", ...
    line: int


@dataclass
class Scan:
    """Taint analysis over Python source: a function's parameters (and ``self``) are the
    caller's; a name assigned from them is too; a call passing one on is followed into
    the callee with the parameters it binds. Flow-insensitive, so it errs towards finding.
    """

    memo: dict[tuple[Any, ...], frozenset[Sink]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)

    def callable(self, fn: Callable[..., Any], owner: type | None = None) -> frozenset[Sink]:
        return self._function(fn, None, owner, ())

    def _function(
        self, fn: Any, taint: frozenset[str] | None, owner: type | None, stack: tuple[Any, ...]
    ) -> frozenset[Sink]:
        fn = inspect.unwrap(fn)
        code = getattr(fn, "__code__", None)
        if code is None or code in stack:
            return frozenset()
        key = (code, taint, owner)
        if key not in self.memo:
            self.memo[key] = frozenset()  # a recursive call sees nothing new
            self.memo[key] = self._analyse(fn, taint, owner, (*stack, code))
        return self.memo[key]

    def _analyse(
        self, fn: Any, taint: frozenset[str] | None, owner: type | None, stack: tuple[Any, ...]
    ) -> frozenset[Sink]:
        node = function_node(fn)
        qualname = f"{fn.__module__}.{fn.__qualname__}"
        if node is None:
            self.unreadable.add(qualname)
            return frozenset()
        params = parameter_names(node.args)
        tainted = set(params if taint is None else taint & set(params))
        propagate(node, tainted)
        found: set[Sink] = set()
        for call in operations(node):
            if isinstance(call, ast.BinOp):
                if isinstance(call.op, ast.Mod) and uses(call.left, tainted):
                    found.add(Sink(qualname, "%", call.lineno))
            else:
                kind = sink_kind(call, tainted)
                if kind is not None:
                    found.add(Sink(qualname, kind, call.lineno))
                found |= self._follow(call, fn, owner, tainted, stack)
        return frozenset(found)

    def _follow(
        self, call: ast.Call, fn: Any, owner: type | None, tainted: set[str], stack: tuple
    ) -> frozenset[Sink]:
        passed = [uses(arg, tainted) for arg in call.args]
        named = {kw.arg: uses(kw.value, tainted) for kw in call.keywords}
        receiver = isinstance(call.func, ast.Attribute) and (
            uses(call.func.value, tainted) or (is_super(call.func.value) and "self" in tainted)
        )
        if not (any(passed) or any(named.values()) or receiver):
            return frozenset()
        resolved = resolve(call.func, fn, owner)
        if resolved is None:
            return frozenset()
        callee, bound, callee_owner = resolved
        node = function_node(callee)
        if node is None:
            return self._function(callee, None, callee_owner, stack)
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        taint: set[str] = set()
        if bound and params:
            if receiver or any(passed) or any(named.values()):
                taint.add(params[0])  # the object carries what the caller gave it
            params = params[1:]
        for index, (arg, is_tainted) in enumerate(zip(call.args, passed, strict=True)):
            if not is_tainted:
                continue
            if isinstance(arg, ast.Starred):
                taint |= set(params[index:]) | {a.arg for a in (node.args.vararg,) if a}
            elif index < len(params):
                taint.add(params[index])
            elif node.args.vararg is not None:
                taint.add(node.args.vararg.arg)
        names = set(parameter_names(node.args))
        for name, is_tainted in named.items():
            if not is_tainted:
                continue
            if name is None:  # **kwargs
                taint |= names
            elif name in names:
                taint.add(name)
            elif node.args.kwarg is not None:
                taint.add(node.args.kwarg.arg)
        return self._function(callee, frozenset(taint), callee_owner, stack)


def function_node(fn: Any) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return _parsed(fn.__code__) if hasattr(fn, "__code__") else None


@functools.cache
def _parsed(code: types.CodeType) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(code))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None


def parameter_names(args: ast.arguments) -> list[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return [a.arg for a in every if a is not None]


@functools.cache
def names_in(expr: ast.AST) -> frozenset[str]:
    return frozenset(node.id for node in ast.walk(expr) if isinstance(node, ast.Name))


def uses(expr: ast.AST, tainted: set[str]) -> bool:
    return not names_in(expr).isdisjoint(tainted)


@functools.cache
def flows(function: ast.AST) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """Each assignment in the function as (names assigned, names read)."""
    found = []
    for node in ast.walk(function):
        targets: list[ast.AST] = []
        value: ast.AST | None = None
        if isinstance(node, ast.Assign):
            targets, value = list(node.targets), node.value
        elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
            targets, value = [node.target], node.value
        elif isinstance(node, ast.For | ast.comprehension):
            targets, value = [node.target], node.iter
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets, value = [node.optional_vars], node.context_expr
        if value is not None:
            assigned = frozenset().union(*(names_in(target) for target in targets))
            found.append((assigned, names_in(value)))
    return tuple(found)


@functools.cache
def operations(function: ast.AST) -> tuple[ast.Call | ast.BinOp, ...]:
    """The calls and % operations in the function, nested functions included."""
    kinds = ast.Call | ast.BinOp
    return tuple(node for node in ast.walk(function) if isinstance(node, kinds))


def propagate(function: ast.AST, tainted: set[str]) -> None:
    """Add every name assigned (anywhere in the function) from a tainted one, to a fixpoint."""
    changed = True
    while changed:
        changed = False
        for assigned, read in flows(function):
            if not read.isdisjoint(tainted) and not assigned <= tainted:
                tainted |= assigned
                changed = True


def sink_kind(call: ast.Call, tainted: set[str]) -> str | None:
    """The kind of formatting call this is, when its format string or message is tainted."""
    func = call.func
    first = call.args[0] if call.args else None
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    receiver = func.value if isinstance(func, ast.Attribute) else None
    receiver_name = getattr(receiver, "id", "") or getattr(receiver, "attr", "")
    if name in ("format", "format_map", "vformat") and receiver is not None:
        if uses(receiver, tainted):
            return f".{name}"
        if receiver_name in ("str", "Formatter") and first is not None and uses(first, tainted):
            return f"str.{name}"
    if name == "format" and receiver is None and len(call.args) > 1:
        return "format()" if uses(call.args[1], tainted) else None
    if first is None or not uses(first, tainted):
        return None
    if name.endswith("Template"):
        return "Template"
    if name in LOG_METHODS | {"log"} and "log" in ast.unparse(receiver or func).lower():
        return "logging"
    if name in ("warn", "warn_explicit"):
        return "warnings.warn"
    return None


def resolve(func: ast.expr, fn: Any, owner: type | None) -> tuple[Any, bool, type | None] | None:
    """The Python function a call's callee names, whether it is bound, and its class."""
    scope = dict(getattr(fn, "__globals__", {}))
    closure = getattr(fn, "__closure__", None) or ()
    for name, cell in zip(fn.__code__.co_freevars, closure, strict=False):
        with contextlib.suppress(ValueError):  # an empty cell
            scope[name] = cell.cell_contents
    obj: Any
    if isinstance(func, ast.Name):
        obj = scope.get(func.id, getattr(__builtins__, func.id, None))
    elif isinstance(func, ast.Attribute):
        chain = [func.attr]
        base = func.value
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if is_super(base) and owner is not None and len(chain) == 1:
            return method_of(next_in_mro(owner, fn, func.attr), owner)
        if not isinstance(base, ast.Name):
            return None
        if base.id in ("self", "cls") and owner is not None and len(chain) == 1:
            return method_of(inspect.getattr_static(owner, func.attr, None), owner)
        obj = scope.get(base.id)
        for part in reversed(chain):
            if obj is None:
                return None
            try:
                obj = inspect.getattr_static(obj, part)
            except AttributeError:
                return None
            if isinstance(obj, staticmethod | classmethod):
                obj = obj.__func__
    else:
        return None
    if isinstance(obj, type):
        init = inspect.getattr_static(obj, "__init__", None)
        return (init, True, obj) if isinstance(init, types.FunctionType) else None
    if isinstance(obj, types.MethodType) and isinstance(obj.__func__, types.FunctionType):
        return obj.__func__, True, type(obj.__self__)
    if isinstance(obj, types.FunctionType):
        return obj, False, None
    return None


def is_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "super"


def next_in_mro(owner: type, fn: Any, name: str) -> Any:
    """What ``super().name`` means inside ``fn``, a method of one of ``owner``'s classes."""
    classes = owner.__mro__
    defining = next((i for i, k in enumerate(classes) if vars(k).get(fn.__name__) is fn), None)
    if defining is None:
        return None
    return next((vars(k)[name] for k in classes[defining + 1 :] if name in vars(k)), None)


def method_of(member: Any, owner: type) -> tuple[Any, bool, type] | None:
    if isinstance(member, staticmethod):
        return member.__func__, False, owner
    if isinstance(member, classmethod):
        return member.__func__, True, owner
    if isinstance(member, types.FunctionType):
        return member, True, owner
    return None


# ---------------------------------------------------------------- what an expression reaches


def reachable() -> Iterator[tuple[str, Any, type | None]]:
    """Every Python callable an expression can reach, as (how it is reached, it, its class):
    the allow-list's functions and classes, Tensor's allowed methods, the evaluator's
    builtins and constructible types, and the dunder methods of each class, which
    operators, repr and the worker's encoding call implicitly."""
    for module, names in allow.MODULE_NAMES.items():
        for name in sorted(names):
            obj = getattr(module, name, None)
            if isinstance(obj, type):
                yield from class_members(obj, f"{module.__name__}.{name}")
            elif not isinstance(obj, types.ModuleType) and obj is not None:
                yield f"{module.__name__}.{name}", obj, None
    yield from class_members(torch.Tensor, "Tensor", allow.TENSOR_ATTRS)
    for kind in evaluator.CONSTRUCTIBLE_TYPES:
        yield from class_members(kind, kind.__qualname__)
    for name, function in evaluator.SAFE_BUILTINS.items():
        yield name, function, None


def class_members(
    kind: type, reached_as: str, public: frozenset[str] | None = None
) -> Iterator[tuple[str, Any, type | None]]:
    if public is None and issubclass(kind, nn.Module):
        public = allow.MODULE_INSTANCE_METHODS | allow.MODULE_CLASS_METHODS
    public = public or frozenset()
    seen: set[str] = set()
    for klass in kind.__mro__:
        for name, member in vars(klass).items():
            dunder = name.startswith("__") and name.endswith("__")
            if name in seen or not (dunder or name in public):
                continue
            seen.add(name)
            if isinstance(member, staticmethod | classmethod):
                member = member.__func__
            elif isinstance(member, property):
                member = member.fget
            if isinstance(member, types.FunctionType):
                yield f"{reached_as}.{name}", member, kind


def formatting_sinks() -> tuple[dict[Sink, set[str]], Scan]:
    scan = Scan()
    sinks: dict[Sink, set[str]] = {}
    for reached_as, function, owner in reachable():
        if not isinstance(inspect.unwrap(function), types.FunctionType):
            continue  # builtins: C code, which has no str.format of Python objects
        for sink in scan.callable(function, owner):
            sinks.setdefault(sink, set()).add(reached_as)
    return sinks, scan


@pytest.fixture(scope="module")
def scanned() -> tuple[dict[Sink, set[str]], Scan]:
    return formatting_sinks()


# ---------------------------------------------------------------- the tests


def test_every_reachable_formatting_of_caller_text_is_denied_or_reviewed(scanned):
    sinks, _ = scanned
    unreviewed = sorted(
        f"{sink.function}:{sink.line} {sink.kind}, reached from {sorted(entries)[:3]}"
        for sink, entries in sinks.items()
        if (sink.function, sink.kind) not in REVIEWED
    )
    assert not unreviewed, "deny these in allowlist.FORMATS_CALLER_TEXT, or review them"


def test_every_reachable_callable_with_a_message_parameter_is_reviewed():
    """A second net, by name: msg=, message=, fmt=, name= ... on anything reachable."""
    found: set[str] = set()
    for _, function, _ in reachable():
        try:
            parameters = inspect.signature(function).parameters
        except (ValueError, TypeError):  # builtins without a signature
            continue
        if any(MESSAGE_PARAMETER.search(name) for name in parameters):
            found.add(f"{function.__module__}.{function.__qualname__}")
    assert sorted(found) == sorted(REVIEWED_PARAMETERS)


def test_every_reviewed_call_is_still_reached(scanned):
    """The reviewed list says only what is true of this torch: a stale entry goes."""
    found = {(sink.function, sink.kind) for sink in scanned[0]}
    assert sorted(set(REVIEWED) - found) == []


def test_the_scan_covers_the_allow_list(scanned):
    """Not vacuous: hundreds of functions read, and a known warning found through nn layers."""
    _, scan = scanned
    assert len({key[0] for key in scan.memo}) > 500
    known = ("torch.nn.modules.module.Module._call_impl", "warnings.warn")
    assert any((sink.function, sink.kind) == known for sink in scanned[0])


def test_the_reported_carrier_is_found_and_no_longer_reachable():
    sinks = Scan().callable(F.assert_int_or_pair)
    assert {(s.function, s.kind) for s in sinks} == {
        ("torch.nn.functional.assert_int_or_pair", ".format")
    }
    reached = {function for _, function, _ in reachable()}
    assert F.assert_int_or_pair not in reached
    assert "assert_int_or_pair" in allow.FORMATS_CALLER_TEXT


# Each kind of formatting the scan must see, written as torch might write it.
def formats(arg, message):
    raise AssertionError(message.format(arg))


def formats_a_map(message, **fields):
    return message.format_map(fields)


def interpolates(message, value):
    return message % (value,)


def templates(text):
    return string.Template(text).substitute(a=1)


def formats_a_spec(value, spec):
    return format(value, spec)


def logs(message):
    logging.getLogger("torch").warning(message)


def warns(message):
    warnings.warn(message, stacklevel=2)


def formats_through_str(message, value):
    return str.format(message, value)


def passes_it_on(value, text="{0}"):
    helper = text
    return formats(value, helper)


def constant_format(value):
    return "{0} is fine".format(value) + "%s" % (value,)  # noqa: UP030, UP031, UP032


def hands_over_only_a_constant(value):
    return formats(value, "{0} is constant")


class Carrier:
    def __init__(self, text):
        self.text = text

    def show(self):
        return self._render()

    def _render(self):
        return self.text.format(self)


class Shown:
    def render(self, text):
        return text.format(self)


class ShownAgain(Shown):
    def render(self, text):
        return super().render(text)


@pytest.mark.parametrize(
    ("function", "kind"),
    [
        (formats, ".format"),
        (formats_a_map, ".format_map"),
        (interpolates, "%"),
        (templates, "Template"),
        (formats_a_spec, "format()"),
        (logs, "logging"),
        (warns, "warnings.warn"),
        (formats_through_str, "str.format"),
    ],
)
def test_the_scan_sees_each_kind_of_formatting(function, kind):
    assert {sink.kind for sink in Scan().callable(function)} == {kind}


def test_the_scan_follows_calls_and_methods_but_not_constants():
    assert {s.function for s in Scan().callable(passes_it_on)} == {f"{__name__}.formats"}
    assert {s.function for s in Scan().callable(Carrier.show, Carrier)} == {
        f"{__name__}.Carrier._render"
    }
    assert {s.function for s in Scan().callable(ShownAgain.render, ShownAgain)} == {
        f"{__name__}.Shown.render"
    }
    assert not Scan().callable(constant_format)
    assert not Scan().callable(hands_over_only_a_constant)


# ---------------------------------------------------------------- the evaluator's rule


def evaluate(source: str, **names: Any) -> Any:
    return Evaluator({"x": torch.tensor([1.0, 2.0]), **names}).evaluate(source)


@pytest.mark.parametrize(
    "source",
    [
        "F.assert_int_or_pair([1, 2, 3], torch, '{0.__dict__[os].environ[HOME]}')",
        "F.assert_int_or_pair([1, 2, 3], torch, 'no field at all')",
        "torch.einsum('{0.onnx}', x)",
        "torch.einsum('i}', x)",
        "torch.div(x, 2, rounding_mode='%(floor)s')",
        "torch.div(x, 2, rounding_mode='\\x7b0._inductor\\x7d')",
        "torch.div(x, 2, rounding_mode='\\N{LEFT CURLY BRACKET}0\\N{RIGHT CURLY BRACKET}')",
        "torch.div(x, 2, rounding_mode='{' 'x}')",
        "nn.ModuleDict([('{0.onnx}', nn.ReLU())])",
        "'{0!r}'",
        "x == '%s'",
        "['a', ('b', '{0:{1}}')]",
    ],
)
def test_format_fields_are_refused_wherever_they_are_written(source: str):
    with pytest.raises(Refused):
        evaluate(source)


@pytest.mark.parametrize("text", ["{0.onnx}", "%(HOME)s", "a}"])
def test_a_string_that_did_not_come_from_a_literal_is_checked_at_the_call(text: str):
    with pytest.raises(Refused, match="could be read as a format"):
        evaluate("torch.einsum(s, x)", s=text)
    with pytest.raises(Refused, match="could be read as a format"):
        evaluate("nn.ModuleDict([[s, nn.ReLU()]])", s=text)


def test_strings_without_format_characters_still_work():
    assert evaluate("torch.einsum('i,i->', x, x)").item() == 5.0
    assert evaluate("torch.div(x, 3, rounding_mode='floor')").tolist() == [0.0, 0.0]
    assert evaluate("F.mse_loss(x, x, reduction='sum')").item() == 0.0
    assert evaluate("x.to('cpu').sum()").item() == 3.0
    assert evaluate("nn.ModuleDict([['relu', nn.ReLU()]])['relu'](x).tolist()") == [1.0, 2.0]
    assert evaluate("'｛0.onnx｝'") == "｛0.onnx｝"  # fullwidth braces are no format field


def test_a_list_shared_many_times_is_checked_once():
    """[[0] * 10 ** 5] * 10 ** 5 holds one inner list; checking it must not take 10 ** 10 steps."""
    shared = [0] * 10**5
    evaluator.check_format_characters([shared] * 10**5)
    with pytest.raises(Refused):
        evaluator.check_format_characters([[shared, "{"]] * 10**5)
