"""Evaluate one untrusted expression over an allow-list, by walking its syntax tree.

Nothing is handed to ``eval``: every node type, name, attribute, keyword and operand
is checked before it is used, against the runtime type of the object it applies to.
What is refused raises ``Refused`` with a reason a learner understands. Sizes are
checked before allocating where they can be; the worker's resource limits catch
the rest. torch's native code is guarded too: no sparse tensor may exist (their index
tensors are live aliases that, once changed, make torch write outside its memory), and
the arguments torch leaves unchecked (ctc_loss targets) are checked here.

Besides one expression, a short program is run: a few assignments, augmented assignments
and calls, then the expression whose value is the result (``quiz.deck.exprsyntax`` says
which statements; the same rules stop them in deck files). Names it binds are new names:
the givens and the names the sandbox provides cannot be assigned. List comprehensions and
generator expressions run under one budget of steps per evaluation (``MAX_STEPS``, every
item any loop takes), and against the evaluation's time limit.
"""

from __future__ import annotations

import ast
import builtins
import collections
import copy
import inspect
import math
import operator
import sys
import time
import types
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F

from quiz.deck.exprsyntax import (
    GRAD_MODES,
    LONE_CR,
    LONE_CR_MESSAGE,
    MAX_EXPR_CHARS,
    compile_message,
    control_character,
    grad_mode,
    program_text,
    statement_problem,
    syntax_message,
)
from quiz.worker import allowlist as allow

MAX_NODES = 600
MAX_ELEMENTS = 10_000_000
MAX_STRING = 64
MAX_INT_BITS = 4096
MAX_SEQUENCE = 100_000
MAX_ROUND_DIGITS = 1_000
MAX_FACTORIAL = 10_000  # math.factorial, comb and perm grow past any useful answer
MAX_STEPS = 10_000  # items taken by comprehensions, zip, enumerate, any, all and unpacking


class Refused(Exception):
    """The expression uses something the sandbox does not allow; the message says what."""


class NoSuchName(Refused):
    """A name that exists nowhere the expression looked (``torch.clmap``, ``x.sumn``): a
    misspelling, said as one and not as a refusal, with the closest allowed name."""


class OutOfTime(Exception):
    """A comprehension ran past the evaluation's time limit (a limit, never an answer)."""


class Budget:
    """The steps an evaluation's loops may take, and when its time is up."""

    def __init__(self, deadline: float | None = None) -> None:
        self.steps = 0
        self.deadline = deadline

    def spend(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Refused(
                f"comprehensions and loops over items are limited to {MAX_STEPS:,} steps in all"
            )
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OutOfTime("the evaluation ran out of time")


def _safe_len(value: Any) -> int:
    return len(value) if hasattr(value, "__len__") else 0


def _bounded(factory: Callable[..., Any]) -> Callable[..., Any]:
    def make(*args: Any) -> Any:
        if args and _safe_len(args[0]) > MAX_SEQUENCE:
            raise Refused(f"sequences are limited to {MAX_SEQUENCE:,} items")
        return factory(*args)

    return make


def _range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise Refused(f"range() is limited to {MAX_SEQUENCE:,} items")
    return result


def _round(number: Any, ndigits: Any = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise Refused(f"round() takes at most {MAX_ROUND_DIGITS} digits")
    return round(number, ndigits)


def _sum(items: Any, start: Any = 0) -> Any:
    if isinstance(start, list | tuple):  # joining lists with sum is quadratic
        raise Refused("sum() adds numbers and tensors; join lists with + or torch.cat")
    return sum(items, start)


SAFE_BUILTINS: dict[str, Any] = {
    "abs": abs,
    "min": min,
    "max": max,
    "sum": _sum,
    "len": len,
    "round": _round,
    "int": int,
    "float": float,
    "bool": bool,
    "complex": complex,
    "divmod": divmod,
    "range": _range,
    "list": _bounded(list),
    "tuple": _bounded(tuple),
}
NOT_AVAILABLE = {
    "print": "print() is not available: the value of your expression is the answer",
    "input": "input() is not available",
    "exit": "exit() is not available",
    "quit": "quit() is not available",
    "open": "files are not available",
    "eval": "eval() is not available",
    "exec": "exec() is not available",
    "getattr": "getattr() is not available",
    "__import__": "imports are not available",
}

# Python's own names that are not here (modules to import, builtins): refused, not misspelt.
PYTHON_MODULES = frozenset(sys.stdlib_module_names) | {"np", "numpy"}
PYTHON_BUILTINS = frozenset(dir(builtins))
NO_IMPORTS = " (nothing is imported: torch, F, nn and math are there)"
BASE_WORDS = ("torch", "F", "nn", "math")
STATIC_OWNERS = (
    torch.Tensor,
    torch.Size,
    torch.dtype,
    bool,
    int,
    float,
    complex,
    list,
    tuple,
    dict,
)
MAX_WRITTEN = 40  # the longest receiver a misspelling's words repeat (x.clamp(0, 1).itme)

BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}
UNARY: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
    ast.Not: operator.not_,
}
COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
# The in-place operators of augmented assignment: y += 1 changes a tensor y in place.
INPLACE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.iadd,
    ast.Sub: operator.isub,
    ast.Mult: operator.imul,
    ast.Div: operator.itruediv,
    ast.FloorDiv: operator.ifloordiv,
    ast.Mod: operator.imod,
    ast.Pow: operator.ipow,
    ast.MatMult: operator.imatmul,
    ast.BitAnd: operator.iand,
    ast.BitOr: operator.ior,
    ast.BitXor: operator.ixor,
    ast.LShift: operator.ilshift,
    ast.RShift: operator.irshift,
}
REFUSED_NODES: dict[type, str] = {
    ast.Lambda: "lambdas are not allowed",
    ast.SetComp: "set and dict comprehensions are not supported (list comprehensions are)",
    ast.DictComp: "set and dict comprehensions are not supported (list comprehensions are)",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "the := operator is not allowed: assign on a line of its own (y = ...)",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Dict: "dicts are not supported",
    ast.Set: "sets are not supported",
}
# Keywords that write into caller-supplied memory, pick a random generator or a device.
REFUSED_KEYWORDS = {
    "out": "the out= argument is not allowed",
    "pin_memory": "pin_memory is not available",
    "check_invariants": "sparse tensors are always checked (check_invariants= is not allowed)",
}
# Not "meta": a meta tensor has no data, and every operation on one runs torch's Python meta
# kernels, whose first use imports torch._dynamo, sympy and hundreds more modules.
CPU_DEVICES = {"cpu"}
# Classes an expression may call besides nn layers: they make values, never run code.
LEGACY_CONSTRUCTORS = frozenset(
    {torch.Tensor, *(getattr(torch, name) for name in allow.LEGACY_CONSTRUCTORS)}
)
OPTIMIZERS = frozenset(getattr(torch.optim, name) for name in allow.OPTIMIZERS)
SCHEDULERS = frozenset(getattr(torch.optim.lr_scheduler, name) for name in allow.SCHEDULERS)
CONSTRUCTIBLE_TYPES = frozenset(
    {
        *(torch.Size, torch.finfo, torch.iinfo, torch.device, nn.Parameter, torch.Generator),
        *(int, float, bool, complex),
        *LEGACY_CONSTRUCTORS,
        *OPTIMIZERS,
        *SCHEDULERS,
        *(torch.utils.data.TensorDataset, torch.utils.data.Subset, torch.utils.data.DataLoader),
    }
)
DATASETS = (torch.utils.data.TensorDataset, torch.utils.data.Subset)
# What a DataLoader, Subset or random_split may take as its dataset: tensors and lists.
DATASET_VALUES = (*DATASETS, torch.Tensor, list, tuple)
SIZED_CONSTRUCTORS = {
    "zeros",
    "ones",
    "empty",
    "full",
    "rand",
    "randn",
    "randint",
    "randperm",
    "eye",
    "new_zeros",
    "new_ones",
    "new_empty",
    "new_full",
    "expand",
    "repeat",
    "tile",
    "arange",
    "linspace",
    "logspace",
    "view",
    "reshape",
    "resize",
    "resize_",
}


def manual_seed(seed: int) -> torch.Generator:
    """``torch.manual_seed`` for the CPU only (torch's also queues seeds for every device):
    the worker seeds the default generator again before every evaluation."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"manual_seed expected an int, got {type(seed).__name__}")
    return torch.default_generator.manual_seed(seed)


class OptimizerStep:
    """``opt.step()``: the optimizer's own update, called without torch's wrappers (they
    import torch._dynamo on every call, and run hooks an answer cannot register anyway)
    under no_grad, as torch does for an optimizer that is not differentiable. No closure:
    it would be a function from the answer, called by torch."""

    def __init__(self, optimizer: torch.optim.Optimizer) -> None:
        self.optimizer = optimizer

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise Refused("step() takes no closure in the sandbox: call loss.backward() first")
        update = type(self.optimizer).step
        while hasattr(update, "__wrapped__"):
            update = update.__wrapped__
        with torch.no_grad():
            update(self.optimizer)
        self.optimizer._opt_called = True  # what a scheduler's wrapper of step() records

    def __repr__(self) -> str:
        return f"<bound method {type(self.optimizer).__name__}.step>"


# What an expression gets for an attribute in place of torch's own.
SUBSTITUTES: dict[tuple[Any, str], Any] = {(torch, "manual_seed"): manual_seed}


def base_environment() -> dict[str, Any]:
    return {"torch": torch, "F": F, "nn": nn, "math": math}


# What a comprehension, zip, enumerate, any, all or an unpacking may iterate over.
_VIEWS = (dict().keys(), dict().values(), dict().items())
_ORDERED = collections.OrderedDict()
DICT_VIEWS = tuple(
    {type(view) for view in (*_VIEWS, _ORDERED.keys(), _ORDERED.values(), _ORDERED.items())}
)
ITERABLE = (
    *(list, tuple, range, dict, torch.Size, torch.Tensor, nn.Module, types.GeneratorType),
    *DICT_VIEWS,
    *DATASETS,
    torch.utils.data.DataLoader,
)
# Builtins that loop over their argument in C: a DataLoader or dataset is handed to them
# as items counted one by one (Evaluator._stepped).
ITERATING_BUILTINS = ("list", "tuple", "sum", "min", "max")
# Builtins that take items one by one, each a step of the evaluation's budget.
COUNTED_BUILTINS = ("zip", "enumerate", "any", "all", "iter", "next")


class Evaluator:
    """Evaluates expressions, and short programs ending with one, against ``names`` (the
    givens plus torch, F, nn, math). ``deadline`` (``time.perf_counter``) bounds loops."""

    def __init__(self, names: Mapping[str, Any], *, deadline: float | None = None) -> None:
        self.names = {**base_environment(), **names}
        self.givens = frozenset(names)
        self.budget = Budget(deadline)
        self.scopes: list[dict[str, Any]] = [{}]  # the program's names, then comprehensions'

    def evaluate(self, source: str) -> Any:
        tree = parsed(source)
        *statements, last = tree.body
        grad_enabled = torch.is_grad_enabled()
        try:
            for statement in statements:
                self._exec(statement)
            assert isinstance(last, ast.Expr)  # parse() checked it
            result = self._eval(last.value)
        finally:  # each with block restores its mode; this holds even if one did not
            torch.set_grad_enabled(grad_enabled)
        if isinstance(result, types.GeneratorType | Counted):
            raise Refused(
                "a generator is not a value: take its items with list(...), tuple(...) or sum(...)"
            )
        return result

    # ---------------------------------------------------------------- statements

    def _exec(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Expr):
            self._eval(statement.value)  # loss.backward()
        elif isinstance(statement, ast.Assign):
            value = self._eval(statement.value)
            for target in statement.targets:
                self._assign(target, value)
        elif isinstance(statement, ast.AugAssign):
            self._augmented(statement)
        elif isinstance(statement, ast.With):
            with self._grad_mode(statement):  # restored however the block ends
                for inner in statement.body:
                    self._exec(inner)
        else:  # parse() refused every other statement
            raise Refused(f"{type(statement).__name__} statements are not allowed")

    def _grad_mode(self, statement: ast.With) -> Any:
        """A new context manager of torch's for ``with torch.no_grad():`` and the other grad
        modes (parse() refused any other ``with``); ``torch`` must be torch itself."""
        mode = grad_mode(statement)
        if mode not in GRAD_MODES or self._eval(ast.Name(id="torch")) is not torch:
            raise Refused("with blocks are allowed only for torch's grad modes")
        return {
            "no_grad": torch.no_grad,
            "enable_grad": torch.enable_grad,
            "inference_mode": torch.inference_mode,
        }[mode]()

    def _assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, value)
        elif isinstance(target, ast.Tuple | ast.List):
            items = self._unpack(value, len(target.elts))
            for element, item in zip(target.elts, items, strict=True):
                self._assign(element, item)
        elif isinstance(target, ast.Subscript):
            owner, index = self._element(target)
            if isinstance(value, str):
                raise Refused("strings cannot be stored in a tensor")
            owner[index] = value
        else:
            raise Refused("only names (y = ...) and tensor elements (y[0] = ...) can be assigned")

    def _augmented(self, statement: ast.AugAssign) -> None:
        target, op = statement.target, type(statement.op)
        if isinstance(target, ast.Name):
            self._check_bindable(target.id)
            if target.id not in self.scopes[-1]:
                name = target.id
                raise Refused(f"'{name}' has no value yet: assign it first ({name} = ...)")
            current = self.scopes[-1][target.id]
        elif isinstance(target, ast.Subscript):
            owner, index = self._element(target)
            current = owner[index]
        else:
            raise Refused("only names (y += ...) and tensor elements (y[0] += ...) can be updated")
        value = self._eval(statement.value)
        if isinstance(current, str) or isinstance(value, str):
            raise Refused("strings cannot be used as operands")
        check_binary(op, current, value)
        result = INPLACE[op](current, value)
        check_result(result)
        if isinstance(target, ast.Name):
            self.scopes[-1][target.id] = result
        else:
            owner[index] = result

    def _element(self, target: ast.Subscript) -> tuple[torch.Tensor, Any]:
        owner = self._eval(target.value)
        if not isinstance(owner, torch.Tensor):
            raise Refused(
                f"only tensor elements can be assigned (y[0] = ...), not items of {describe(owner)}"
            )
        return owner, self._eval(target.slice)

    def _check_bindable(self, name: str) -> None:
        if name.startswith("_"):
            raise Refused(f"names starting with '_' are not allowed ({name})")
        if name in self.givens:
            raise Refused(f"'{name}' is a given: choose another name for your own value")
        if (
            name in self.names
            or name in SAFE_BUILTINS
            or name in NOT_AVAILABLE
            or (name in COUNTED_BUILTINS)
        ):
            raise Refused(f"'{name}' is a name the sandbox provides: choose another name")

    def _bind(self, name: str, value: Any) -> None:
        self._check_bindable(name)
        self.scopes[-1][name] = value

    def _unpack(self, value: Any, count: int) -> list[Any]:
        """The ``count`` items of ``value`` for ``a, b = value``, as Python unpacks them."""
        if isinstance(value, torch.Tensor) and value.dim() > 0:
            have = value.shape[0]
        elif isinstance(value, list | tuple | torch.Size):
            have = len(value)
        else:  # a generator: take one more than needed, to know whether there are more
            items = list(_take(self.iterate(value), count + 1))
            have = len(items)
            if have == count:
                return items
        if have < count:
            raise ValueError(f"not enough values to unpack (expected {count}, got {have})")
        if have > count:
            raise ValueError(f"too many values to unpack (expected {count})")
        return list(self.iterate(value))

    # ---------------------------------------------------------------- iteration

    def iterate(self, value: Any) -> Iterator[Any]:
        """The items of ``value``, each one a step of the budget and checked as a result."""
        if isinstance(value, str):
            raise Refused("strings cannot be iterated")
        if not isinstance(value, (*ITERABLE, Counted)):
            raise Refused(f"{describe(value)} cannot be iterated in the sandbox")
        if isinstance(value, torch.Tensor):
            if value.dim() == 0:
                raise TypeError("iteration over a 0-d tensor")
            items: Iterable[Any] = (value[index] for index in range(value.shape[0]))
        else:  # iter(tensor) would unbind every row before the first step
            items = value
        return self._counted(iter(items))

    def _counted(self, items: Iterator[Any]) -> Iterator[Any]:
        for item in items:
            self.budget.spend()
            if not isinstance(item, int | float):  # numbers need no check
                check_result(item)
                check_dense(item)  # a DataLoader's batch is a list of tensors
            yield item

    def _nested(self, scope: dict[str, Any]) -> Evaluator:
        """An evaluator for a comprehension: its own names in front of the enclosing ones."""
        inner = copy.copy(self)
        inner.scopes = [*self.scopes, scope]
        return inner

    def _node_ListComp(self, node: ast.ListComp) -> list[Any]:
        first = self.iterate(self._eval(node.generators[0].iter))
        return list(self._comprehension(node.elt, node.generators, first))

    def _node_GeneratorExp(self, node: ast.GeneratorExp) -> Iterator[Any]:
        # As in Python, the first iterable is evaluated at once, the rest as items are taken.
        first = self.iterate(self._eval(node.generators[0].iter))
        return self._comprehension(node.elt, node.generators, first)

    def _comprehension(
        self, element: ast.expr, generators: list[ast.comprehension], first: Iterator[Any]
    ) -> Iterator[Any]:
        for generator in generators:
            if generator.is_async:
                raise Refused("async comprehensions are not allowed")
        inner = self._nested({})
        yield from inner._loops(element, generators, 0, first)

    def _loops(
        self,
        element: ast.expr,
        generators: list[ast.comprehension],
        number: int,
        items: Iterator[Any],
    ) -> Iterator[Any]:
        generator = generators[number]
        self._check_target(generator.target)
        for item in items:
            self._comprehension_target(generator.target, item)
            if not all(self._eval(condition) for condition in generator.ifs):
                continue
            if number + 1 == len(generators):
                yield self._eval(element)
            else:
                following = self.iterate(self._eval(generators[number + 1].iter))
                yield from self._loops(element, generators, number + 1, following)

    def _check_target(self, target: ast.expr) -> None:
        """A comprehension's loop variables: new names, checked once before its loop."""
        if isinstance(target, ast.Name):
            self._check_bindable(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._check_target(element)
        else:
            raise Refused("a comprehension's loop variables must be names (for a, b in ...)")

    def _comprehension_target(self, target: ast.expr, item: Any) -> None:
        if isinstance(target, ast.Name):
            self.scopes[-1][target.id] = item  # checked by _check_target
        else:
            assert isinstance(target, ast.Tuple | ast.List)
            parts = self._unpack(item, len(target.elts))
            for element, part in zip(target.elts, parts, strict=True):
                self._comprehension_target(element, part)

    def _zip(self, *iterables: Any) -> Counted:
        iterators = [self.iterate(value) for value in iterables]

        def items() -> Iterator[tuple[Any, ...]]:
            while iterators:
                row = []
                for iterator in iterators:
                    item = next(iterator, _END)
                    if item is _END:
                        return
                    row.append(item)
                yield tuple(row)

        return Counted("zip", items())

    def _enumerate(self, iterable: Any, start: int = 0) -> Counted:
        if not isinstance(start, int):
            raise TypeError("enumerate() start must be an integer")
        return Counted("enumerate", enumerate(self.iterate(iterable), start))

    def _stepped(self, value: Any) -> Any:
        """A DataLoader or dataset handed to a builtin that loops over it, as items taken
        one by one from the budget; anything else as it is."""
        if isinstance(value, (torch.utils.data.DataLoader, *DATASETS)):
            return Counted(type(value).__name__, self.iterate(value))
        return value

    def _iter(self, iterable: Any) -> Iterator[Any]:
        """``iter(loader)``: the items of anything a comprehension may loop over, taken one
        by one as steps of the budget, like a comprehension's."""
        return self.iterate(iterable)

    def _next(self, iterator: Any, *default: Any) -> Any:
        if not isinstance(iterator, types.GeneratorType | Counted):
            raise Refused("next() takes what iter(...) gives: next(iter(loader))")
        return next(iter(iterator), *default)

    def _any(self, iterable: Any) -> bool:
        return any(self.iterate(iterable))

    def _all(self, iterable: Any) -> bool:
        return all(self.iterate(iterable))

    # ---------------------------------------------------------------- nodes

    def _eval(self, node: ast.AST) -> Any:
        kind = type(node)
        method = _NODE_METHODS.get(kind)
        if method is None:
            if kind in REFUSED_NODES:
                raise Refused(REFUSED_NODES[kind])
            method = getattr(Evaluator, f"_node_{kind.__name__}", None)
            if method is None:
                raise Refused(f"{kind.__name__} expressions are not supported")
            _NODE_METHODS[kind] = method
        return method(self, node)

    def _node_Constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bytes):
            raise Refused("bytes literals are not allowed")
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise Refused(f"strings are limited to {MAX_STRING} characters")
        check_format_characters(value)
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise Refused("that integer is too large")
        return value

    def _node_Name(self, node: ast.Name) -> Any:
        name = node.id
        if name.startswith("_"):
            raise Refused(f"names starting with '_' are not allowed ({name})")
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.names:
            return self.names[name]
        if name in COUNTED_BUILTINS:
            return CountedBuiltin(name, getattr(self, f"_{name}"))
        if name in SAFE_BUILTINS:
            return SAFE_BUILTINS[name]
        if name in NOT_AVAILABLE:
            raise Refused(NOT_AVAILABLE[name])
        if name in PYTHON_MODULES:
            raise Refused(f"'{name}' is not available in the sandbox{NO_IMPORTS}")
        if name in PYTHON_BUILTINS:
            raise Refused(f"'{name}' is not available in the sandbox")
        raise NoSuchName(self._undefined(name))

    def _undefined(self, name: str) -> str:
        """Why ``name`` means nothing here, and what the learner may have meant."""
        here = [n for scope in self.scopes for n in scope] + list(self.names)
        close = allow.closest(name, [*here, *SAFE_BUILTINS, *COUNTED_BUILTINS])
        for module, prefix in ((torch, "torch."), (F, "F.")):
            if close is None and name in allow.MODULE_NAMES[module]:
                close = prefix + name  # clamp(x, 0, 1): torch.clamp
        if close is None:
            found = allow.closest(name, allow.MODULE_NAMES[torch])
            close = f"torch.{found}" if found else None
        if close is not None:
            return f"'{name}' is not defined; did you mean {close}?"
        *names, last = [*sorted(self.givens - set(base_environment())), *BASE_WORDS]
        return f"'{name}' is not defined; the names here are {', '.join(names)} and {last}"

    def _node_Attribute(self, node: ast.Attribute) -> Any:
        owner = self._eval(node.value)
        return get_attribute(owner, node.attr, node.value)

    def _node_Call(self, node: ast.Call) -> Any:
        function = self._eval(node.func)
        if isinstance(function, str):
            raise Refused("strings cannot be called")
        args = self._sequence(node.args)
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise Refused("**keyword unpacking is not allowed")
            if keyword.arg.startswith("_"):
                raise Refused(f"keywords starting with '_' are not allowed ({keyword.arg})")
            if keyword.arg in REFUSED_KEYWORDS:
                raise Refused(REFUSED_KEYWORDS[keyword.arg])
            kwargs[keyword.arg] = self._eval(keyword.value)
        check_call(function, args, kwargs)
        if any(function is SAFE_BUILTINS[name] for name in ITERATING_BUILTINS):
            # list(loader), sum(loader): each batch a step of the budget, like a loop's
            args = [self._stepped(value) for value in args]
        args = [checked(value) for value in args]
        kwargs = {name: checked(value) for name, value in kwargs.items()}
        result = function(*args, **kwargs)
        check_result(result)
        if not _is_tolist(function):  # tolist gives numbers; the rest may give new tensors
            check_dense(result)
        return result

    def _node_BinOp(self, node: ast.BinOp) -> Any:
        left, right = self._eval(node.left), self._eval(node.right)
        if isinstance(left, str) or isinstance(right, str):
            raise Refused("strings cannot be used as operands")
        check_binary(type(node.op), left, right)
        result = BINARY[type(node.op)](left, right)
        check_result(result)
        return result

    def _node_UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self._eval(node.operand)
        if isinstance(operand, str):
            raise Refused("strings cannot be used as operands")
        return UNARY[type(node.op)](operand)

    def _node_BoolOp(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for part in node.values:
            value = self._eval(part)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _node_Compare(self, node: ast.Compare) -> Any:
        left = self._eval(node.left)
        result: Any = True
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self._eval(right_node)
            outcome = COMPARE[type(op)](left, right)
            if len(node.ops) == 1:
                return outcome
            result = result and outcome
            if not result:
                return result
            left = right
        return result

    def _node_IfExp(self, node: ast.IfExp) -> Any:
        return self._eval(node.body) if self._eval(node.test) else self._eval(node.orelse)

    def _node_Subscript(self, node: ast.Subscript) -> Any:
        owner = self._eval(node.value)
        if isinstance(owner, str):
            raise Refused("strings cannot be indexed")
        result = owner[self._eval(node.slice)]
        check_result(result)
        return result

    def _node_Slice(self, node: ast.Slice) -> slice:
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if part is None else self._eval(part) for part in parts))

    def _node_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self._sequence(node.elts))

    def _node_List(self, node: ast.List) -> list[Any]:
        return self._sequence(node.elts)

    def _sequence(self, elements: list[ast.expr]) -> list[Any]:
        items: list[Any] = []
        for element in elements:
            if isinstance(element, ast.Starred):
                spread = self._eval(element.value)
                if not isinstance(spread, list | tuple | torch.Size):
                    raise Refused("only lists, tuples and sizes can be unpacked with *")
                items.extend(spread)
            else:
                items.append(self._eval(element))
        return items


# Each node type's method, found once (a refused type is never kept, so it is refused again).
_NODE_METHODS: dict[type, Callable[[Evaluator, Any], Any]] = {}
_END = object()


def _take(items: Iterator[Any], count: int) -> Iterator[Any]:
    for _ in range(count):
        item = next(items, _END)
        if item is _END:
            return
        yield item


class Counted:
    """What ``zip`` and ``enumerate`` give: items taken one by one, each a step of the
    budget. It has no attributes an expression may reach; list(...) takes its items."""

    def __init__(self, name: str, items: Iterator[Any]) -> None:
        self.name = name
        self.items = items

    def __iter__(self) -> Iterator[Any]:
        return self.items

    def __repr__(self) -> str:
        return f"<{self.name} object>"


class CountedBuiltin:
    """``zip``, ``enumerate``, ``any`` and ``all``, bound to one evaluation's budget."""

    def __init__(self, name: str, function: Callable[..., Any]) -> None:
        self.name = name
        self.function = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


FUNCTIONS = (
    types.BuiltinFunctionType,
    types.FunctionType,
    types.MethodType,
    types.MethodWrapperType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
)


class Checked:
    """A function handed to a call as an argument (``max``'s ``key=``, ``jacobian``'s
    ``func``, ``assert_close``'s ``msg``): Python or torch calls it later, with arguments
    the expression chose (``max(['meta', 'meta'], key=x.to)``), so each of those calls gets
    the checks of a call written in the expression, and so does what it returns."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        check_call(self.function, list(args), kwargs)
        result = self.function(*args, **kwargs)
        check_result(result)
        if not _is_tolist(self.function):
            check_dense(result)
        return result


def checked(value: Any) -> Any:
    """``value``, or a function among the arguments of a call wrapped in ``Checked``."""
    return Checked(value) if isinstance(value, FUNCTIONS) else value


def parse(source: str) -> ast.Module:
    """Parse with the length cap first, refusing control characters, oversized trees and
    statements other than those allowed before the last line, the expression."""
    if len(source) > MAX_EXPR_CHARS:
        raise Refused(f"the expression is longer than {MAX_EXPR_CHARS} characters")
    bad = control_character(source)
    if bad is not None:
        raise Refused(f"control character U+{ord(source[bad]):04X} is not allowed")
    text = program_text(source)
    if LONE_CR in text:
        raise SyntaxError(LONE_CR_MESSAGE)
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as error:
        raise SyntaxError(syntax_message(error.msg)) from None
    except (RecursionError, MemoryError):
        raise Refused("the expression is nested too deeply") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise Refused(f"the expression has more than {MAX_NODES} parts")
    problem = statement_problem(tree, text)
    if problem is not None and problem.last_line:
        raise SyntaxError(problem.message)  # not a refusal: the answer is not finished
    if problem is not None:
        raise Refused(problem.message)
    refused = compile_message(text)  # parses, yet Python would not compile it
    if refused is not None:
        raise SyntaxError(syntax_message(refused))
    return tree


_PARSED: OrderedDict[str, ast.Module] = OrderedDict()
PARSED_KEPT = 256  # a request evaluates the same few expressions on every draw


def parsed(source: str) -> ast.Module:
    """``parse(source)``, kept for the next draws (the most recently used): a tree is
    only ever read. What fails to parse raises again each time."""
    tree = _PARSED.get(source)
    if tree is None:
        tree = parse(source)
        _PARSED[source] = tree
        while len(_PARSED) > PARSED_KEPT:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(source)
    return tree


def forget_parsed() -> None:
    """Parse every expression afresh from now on."""
    _PARSED.clear()


# ---------------------------------------------------------------- attributes


def get_attribute(owner: Any, name: str, receiver: ast.expr | None = None) -> Any:
    """``owner.name`` if the allow-list lets it be read; ``receiver`` is how the learner
    wrote ``owner``, for the words of a misspelling."""
    if name.startswith("_"):
        raise Refused(f"attributes starting with '_' are not allowed (.{name})")
    if name in allow.DENIED:
        raise Refused(f"'{name}' is not available in the sandbox")
    if owner is torch.optim.lr_scheduler and name in allow.SCHEDULERS_TAKING_FUNCTIONS:
        raise Refused(allow.FUNCTION_TAKER_REASON.format(name=name))
    allowed = allowed_attributes(owner)
    if name not in allowed:
        reason = allow.refusal_reason(name) if _holds_kernels(owner) else None
        if reason is None and not _exists(owner, name):
            raise NoSuchName(_misspelt(owner, name, allowed, receiver))
        raise Refused(reason or f"'{name}' is not available on {describe(owner)}")
    if isinstance(owner, type(math)) and (owner, name) in SUBSTITUTES:
        return SUBSTITUTES[owner, name]
    if isinstance(owner, torch.optim.Optimizer) and name == "step":
        return OptimizerStep(owner)
    value = getattr(owner, name)
    check_sparse(value)  # x.grad is sparse after a backward through sparse=True
    return value


def _exists(owner: Any, name: str) -> bool:
    """Whether ``owner`` has ``name`` at all, looked up without reading it (a property
    may compute, a module's ``__getattr__`` may import): a module's own names and
    submodules, a layer's ``dir()`` (its parameters and sublayers), and the class
    attributes of tensors, sizes, dtypes and Python's numbers and sequences. Of any
    other owner it is not known: the name is refused, as one that exists would be."""
    if isinstance(owner, types.ModuleType):
        return name in vars(owner) or name in allow.SUBMODULES.get(owner, ())
    if isinstance(owner, nn.Module):  # its __dir__ lists its parameters and layers
        return name in dir(owner)
    if not isinstance(owner, STATIC_OWNERS):
        return True
    try:
        inspect.getattr_static(type(owner), name)
    except AttributeError:
        return False
    return True


def _misspelt(owner: Any, name: str, allowed: Iterable[str], receiver: ast.expr | None) -> str:
    """``torch.clmap does not exist in torch; did you mean torch.clamp?``"""
    written = ast.unparse(receiver) if receiver is not None else ""
    if not written or len(written) > MAX_WRITTEN:
        written = "torch" if owner is torch else ""
    shown = f"{written}.{name}" if written else f"'{name}'"
    if isinstance(owner, type(math)):
        where = f"in {owner.__name__}"
    elif isinstance(owner, torch.Tensor):
        where = "on tensors"
    else:
        where = f"on {describe(owner)}"
    close = allow.closest(name, allowed)
    if close is None:
        return f"{shown} does not exist {where}"
    meant = f"{written}.{close}" if written else close
    return f"{shown} does not exist {where}; did you mean {meant}?"


def _holds_kernels(owner: Any) -> bool:
    return isinstance(owner, torch.Tensor) or (isinstance(owner, type(math)) and owner is not math)


def allowed_attributes(owner: Any) -> frozenset[str]:
    if isinstance(owner, type(math)):
        return allow.MODULE_NAMES.get(owner, frozenset())
    if isinstance(owner, torch.Tensor):
        return allow.TENSOR_ATTRS
    if isinstance(owner, torch.Size):
        return allow.SIZE_ATTRS
    if isinstance(owner, torch.dtype):
        return allow.DTYPE_ATTRS
    if isinstance(owner, torch.finfo | torch.iinfo):
        return allow.INFO_ATTRS
    if isinstance(owner, torch.Generator):
        return allow.GENERATOR_ATTRS
    if isinstance(owner, torch.optim.Optimizer):
        return allow.OPTIMIZER_ATTRS
    if isinstance(owner, torch.utils.data.DataLoader):
        return allow.DATALOADER_ATTRS
    if isinstance(owner, DATASETS):
        return allow.DATASET_ATTRS & set(vars(owner))
    if isinstance(owner, torch.optim.lr_scheduler.LRScheduler):
        return allow.SCHEDULER_ATTRS
    if isinstance(owner, nn.Module):
        return allow.module_instance_attrs(owner)
    if isinstance(owner, type) and issubclass(owner, nn.Module):
        return allow.MODULE_CLASS_METHODS
    if isinstance(owner, tuple) and type(owner).__module__ == "torch.return_types":
        return frozenset(type(owner).__match_args__) | allow.SEQUENCE_ATTRS
    if isinstance(owner, bool | int | float | complex):
        return allow.NUMBER_ATTRS
    if isinstance(owner, list | tuple):
        return allow.SEQUENCE_ATTRS
    if isinstance(owner, dict):
        return allow.DICT_ATTRS
    return frozenset()


def describe(owner: Any) -> str:
    if isinstance(owner, type(math)):
        return f"module {owner.__name__}"
    if isinstance(owner, Counted | CountedBuiltin):
        return f"{owner.name}()" if isinstance(owner, CountedBuiltin) else f"a {owner.name} object"
    return f"a {type(owner).__name__}"


# ---------------------------------------------------------------- size and call checks


def check_call(function: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    check_sparse_arguments(args, kwargs, function)
    check_repeats(function, args, kwargs)
    check_ctc_targets(function, args, kwargs)
    # Calling a backward node with a gradient it does not expect reads and writes outside
    # its buffers inside torch: look at grad_fn, never call it or hand it to something.
    node = torch.autograd.graph.Node  # as an argument it gets called (max's key=, vjp's func)
    if isinstance(function, node) or any(isinstance(v, node) for v in (*args, *kwargs.values())):
        raise Refused("autograd graph nodes (grad_fn) can be looked at, not called")
    check_format_characters((*args, *kwargs.values()))
    generator = kwargs.get("generator")
    if "generator" in kwargs and not (
        generator is None
        or (isinstance(generator, torch.Generator) and generator.device.type in CPU_DEVICES)
    ):
        raise Refused("generator= takes a torch.Generator() on the CPU")
    if isinstance(function, type) and not (
        issubclass(function, nn.Module) or function in CONSTRUCTIBLE_TYPES
    ):
        raise Refused(f"creating a {function.__name__} is not allowed")
    for value in (*args, *kwargs.values()):
        if isinstance(value, str) and value.split(":")[0] not in CPU_DEVICES and _is_device(value):
            raise Refused(f"only the CPU is available (device '{value}')")
        if isinstance(value, torch.device) and value.type not in CPU_DEVICES:
            raise Refused(f"only the CPU is available (device '{value}')")
    if function is torch.device and args and isinstance(args[0], int):
        raise Refused("only the CPU is available (a device number means an accelerator)")
    if function in (math.factorial, math.comb, math.perm) and any(
        isinstance(value, int) and value > MAX_FACTORIAL for value in args
    ):
        raise Refused(f"math.{function.__name__}() is limited to numbers up to {MAX_FACTORIAL:,}")
    check_state_dict_load(function, args, kwargs)
    check_optimizer(function, args, kwargs)
    check_data(function, args, kwargs)
    name = getattr(function, "__name__", "")
    legacy_new = name == "new" and isinstance(getattr(function, "__self__", None), torch.Tensor)
    if function in LEGACY_CONSTRUCTORS or legacy_new:
        check_legacy_size(args, kwargs)
    elif name in SIZED_CONSTRUCTORS:
        check_requested_size(name, args, kwargs)


def check_state_dict_load(function: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    """``m.load_state_dict(sd)``: ``sd`` is a dict of tensors, as ``state_dict()`` makes it
    in the same evaluation (nothing in the sandbox reads a file or unpickles anything).
    ``m.state_dict()`` makes a new dict: it writes into no other (``destination=``, or the
    old positional arguments), such as an optimizer's param_groups."""
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "")
    if isinstance(owner, nn.Module) and name == "state_dict" and (args or "destination" in kwargs):
        raise Refused("state_dict() takes prefix= and keep_vars= only, by keyword")
    if not (
        isinstance(owner, nn.Module) and getattr(function, "__name__", "") == "load_state_dict"
    ):
        return
    state = args[0] if args else kwargs.get("state_dict")
    if not isinstance(state, dict) or not all(
        isinstance(key, str) and isinstance(value, torch.Tensor) for key, value in state.items()
    ):
        raise Refused(
            "load_state_dict takes a state_dict() made in the same answer (a dict of tensors)"
        )


def check_optimizer(function: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    """An optimizer made without its accelerator and differentiable modes, and loaded only
    from an optimizer's ``state_dict()``."""
    if isinstance(function, type) and function in OPTIMIZERS:
        try:
            bound = inspect.signature(function).bind(*args, **kwargs).arguments
        except TypeError:
            return  # torch raises its own error
        for flag in allow.OPTIMIZER_FLAGS:
            if _truthy(bound.get(flag, False)):
                raise Refused(f"{flag}=True is not available: the sandbox runs the plain CPU step")
    owner = getattr(function, "__self__", None)
    if isinstance(owner, torch.optim.Optimizer) and function.__name__ == "load_state_dict":
        state = args[0] if args else kwargs.get("state_dict")
        if not (isinstance(state, dict) and set(state) == {"state", "param_groups"}):
            raise Refused(
                "load_state_dict takes an optimizer's state_dict() made in the same answer"
            )
        check_optimizer_state(owner, state["state"])


DATA_TAKERS = (torch.utils.data.DataLoader, torch.utils.data.Subset, torch.utils.data.random_split)


def check_data(function: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    """A DataLoader batches in this process, with torch's own sampler and collation; a
    dataset is tensors or lists of them. Everything else a DataLoader takes starts worker
    processes, or is a function or sampler torch would call: refused unless left as is."""
    if not any(function is taker for taker in DATA_TAKERS):
        return
    try:
        bound = inspect.signature(function).bind(*args, **kwargs).arguments
    except TypeError:
        return  # torch raises its own error
    dataset = bound.get("dataset")
    if not isinstance(dataset, DATASET_VALUES):
        raise Refused(
            f"the dataset is {describe(dataset)}: datasets are TensorDataset, Subset, tensors "
            "and lists"
        )
    if function is not torch.utils.data.DataLoader:
        return
    workers = bound.get("num_workers", 0)
    if workers != 0:
        raise Refused(
            "DataLoader runs with num_workers=0 only: the sandbox starts no worker processes"
        )
    for name in bound:
        if name not in allow.DATALOADER_ARGUMENTS and name != "num_workers":
            raise Refused(
                f"DataLoader's {name}= is not available: the sandbox takes no samplers, "
                "functions or worker settings from an answer (dataset, batch_size, shuffle, "
                "drop_last and generator are)"
            )


def check_optimizer_state(optimizer: torch.optim.Optimizer, state: Any) -> None:
    """Each tensor of a loaded state has the shape of the parameter it belongs to (or is a
    number, such as Adam's step): the update kernels never meet buffers that do not fit."""
    params = [p for group in optimizer.param_groups for p in group["params"]]
    if not isinstance(state, dict):
        raise Refused("an optimizer's state is a dict of each parameter's buffers")
    for index, buffers in state.items():
        if not (isinstance(index, int) and 0 <= index < len(params) and isinstance(buffers, dict)):
            raise Refused("the state does not fit this optimizer's parameters")
        for value in buffers.values():
            if (
                isinstance(value, torch.Tensor)
                and value.dim()
                and value.shape != params[index].shape
            ):
                raise Refused("the state does not fit this optimizer's parameters")


# Text that str.format, format_map or % would read as a field: "{0.__dict__[os]}" walks
# attributes and items of whatever torch formats it with, and "%(key)s" looks keys up. No
# legitimate string argument (an einsum equation, rounding_mode='floor', a device) holds one.
FORMAT_CHARACTERS = "{}%"


def check_format_characters(value: Any) -> None:
    """Refuse a string, or one inside an argument's lists and tuples, that could be read as a
    format, whatever function ends up formatting it."""
    pending, seen = [(value, 0)], set()
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            found = next((char for char in FORMAT_CHARACTERS if char in item), None)
            if found is not None:
                raise Refused(f"strings cannot contain '{found}' (they could be read as a format)")
        elif isinstance(item, list | tuple) and depth < 4 and id(item) not in seen:
            seen.add(id(item))  # [[0] * 10 ** 5] * 10 ** 5 holds one inner list, seen once
            kinds = set(map(type, item))  # a list of numbers is passed over at C speed
            if any(issubclass(kind, str | list | tuple) for kind in kinds):
                pending.extend(
                    (inner, depth + 1) for inner in item if isinstance(inner, str | list | tuple)
                )


def _is_device(text: str) -> bool:
    return text.split(":")[0] in {
        "meta",
        "cuda",
        "mps",
        "xpu",
        "hip",
        "xla",
        "ipu",
        "hpu",
        "mtia",
        "privateuseone",
        "lazy",
        "vulkan",
        "opengl",
        "ideep",
    }


def check_legacy_size(args: list[Any], kwargs: dict[str, Any]) -> None:
    """``torch.Tensor(2, 3)``, ``torch.LongTensor(size=(2, 3))`` and ``t.new(2, 3)`` take
    sizes; a positional list is data."""
    dims = [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
    sizes = [a for a in args if isinstance(a, torch.Size)]
    if isinstance(kwargs.get("size"), list | tuple | torch.Size):
        sizes.append(kwargs["size"])
    for size in sizes:
        dims += [d for d in size if isinstance(d, int)]
    count = math.prod(abs(d) for d in dims) if dims else 1
    if count > MAX_ELEMENTS:
        raise Refused(f"that would make {count:,} elements; the limit is {MAX_ELEMENTS:,}")


def check_requested_size(name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    if name in ("arange", "linspace", "logspace"):
        count = _range_count(name, args, kwargs)
    else:
        dims = [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
        sized = [a for a in args if isinstance(a, list | tuple | torch.Size)]
        if "size" in kwargs and isinstance(kwargs["size"], list | tuple | torch.Size):
            sized.append(kwargs["size"])
        if name == "randint" and sized:
            dims = []  # randint(low, high, size): only the size counts
        shape = list(sized[-1]) if sized else dims
        count = math.prod(abs(int(d)) for d in shape if isinstance(d, int)) if shape else 1
    if count > MAX_ELEMENTS:
        raise Refused(f"that would make {int(count):,} elements; the limit is {MAX_ELEMENTS:,}")


def _range_count(name: str, args: list[Any], kwargs: dict[str, Any]) -> float:
    numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    if name == "arange":
        start, end, step = 0.0, 0.0, 1.0
        if len(numbers) == 1:
            end = numbers[0]
        elif len(numbers) >= 2:
            start, end = numbers[0], numbers[1]
            step = numbers[2] if len(numbers) > 2 else kwargs.get("step", 1)
        return abs((end - start) / step) if step else math.inf
    steps = numbers[2] if len(numbers) > 2 else kwargs.get("steps", 0)
    return abs(steps) if isinstance(steps, int | float) else 0


def check_binary(op: type, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    big_power = ints and right > 0 and right * abs(left).bit_length() > MAX_INT_BITS
    if op is ast.Pow and big_power and abs(left) > 1:
        raise Refused("that power is too large")
    if op is ast.LShift and ints and right > MAX_INT_BITS:
        raise Refused("that shift is too large")
    joined = isinstance(left, list | tuple) and isinstance(right, list | tuple)
    if op is ast.Add and joined and len(left) + len(right) > MAX_SEQUENCE:
        raise Refused(f"sequences are limited to {MAX_SEQUENCE:,} items")  # a += a, doubling
    if op is ast.Mult:
        for sequence, times in ((left, right), (right, left)):
            repeated = isinstance(sequence, list | tuple) and isinstance(times, int)
            if repeated and len(sequence) * times > MAX_SEQUENCE:
                raise Refused(f"sequences are limited to {MAX_SEQUENCE:,} items")


def check_result(result: Any) -> None:
    """Checks on a value an expression produced (its elements: ``check_dense``)."""
    check_sparse(result)
    if isinstance(result, torch.device) and result.type not in CPU_DEVICES:
        raise Refused(f"only the CPU is available (device '{result}')")
    if isinstance(result, torch.Tensor) and result.numel() > MAX_ELEMENTS:
        raise Refused(f"the result has {result.numel():,} elements; the limit is {MAX_ELEMENTS:,}")
    if isinstance(result, str) and len(result) > 10_000:
        raise Refused("the result is too long")


# ---------------------------------------------------------------- memory-safety checks

SPARSE_GRADIENTS = f"sparse=True makes sparse gradients, and {allow.SPARSE_REASON}"


def tensor_refusal(tensor: torch.Tensor) -> str | None:
    """Why a tensor may not exist in the sandbox: only dense, unquantized CPU tensors may."""
    if tensor.layout is not torch.strided or tensor.is_nested:
        return allow.SPARSE_REASON
    if tensor.is_quantized or tensor.dtype in allow.QUANTIZED_DTYPES:
        return allow.QUANTIZED_REASON
    if tensor.device.type not in CPU_DEVICES:
        return f"only the CPU is available (a tensor on '{tensor.device.type}')"
    return None


def check_sparse(value: Any) -> None:
    """Refuse a sparse (or nested), quantized or meta tensor, and a layer made with sparse
    gradients (``sparse=1`` makes one as well as ``sparse=True``)."""
    reason = tensor_refusal(value) if isinstance(value, torch.Tensor) else None
    if reason is not None:
        raise Refused(reason)
    if isinstance(value, nn.Module) and _truthy(getattr(value, "sparse", False)):
        raise Refused(SPARSE_GRADIENTS)


def check_dense(value: Any) -> None:
    """Refuse a sparse (or nested) tensor inside the lists and tuples a call returned:
    torch.autograd.grad gives sparse gradients for an embedding made with sparse=True."""
    pending = [value]
    while pending:
        item = pending.pop()
        reason = tensor_refusal(item) if isinstance(item, torch.Tensor) else None
        if reason is not None:
            raise Refused(reason)
        if isinstance(item, list | tuple):
            pending.extend(item)


def _is_tolist(function: Any) -> bool:
    owner = getattr(function, "__self__", None)
    return isinstance(owner, torch.Tensor) and getattr(function, "__name__", "") == "tolist"


# The callables that take ``sparse`` by position too, and where: nn.Embedding(3, 2, None,
# None, 2.0, False, 1) makes sparse gradients as surely as sparse=True does.
SPARSE_POSITIONS: dict[Any, int] = {
    torch.embedding: 4,
    torch.embedding_bag: 5,
    F.embedding: 6,
    F.embedding_bag: 7,
    nn.Embedding: 6,
    nn.EmbeddingBag: 6,
    nn.Embedding.from_pretrained.__func__: 6,
    nn.EmbeddingBag.from_pretrained.__func__: 6,
}


def _truthy(value: Any) -> bool:
    return isinstance(value, torch.Tensor) or bool(value)


def check_sparse_arguments(args: list[Any], kwargs: dict[str, Any], function: Any = None) -> None:
    """No sparse layout (``torch.zeros(2, layout=...)``), no quantized dtype and no sparse
    gradients, asked for by keyword or by position."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.layout) and value is not torch.strided:
            raise Refused(allow.SPARSE_REASON)
        if isinstance(value, torch.dtype) and value in allow.QUANTIZED_DTYPES:
            raise Refused(allow.QUANTIZED_REASON)
    position = SPARSE_POSITIONS.get(getattr(function, "__func__", function))
    if position is not None and len(args) > position and _truthy(args[position]):
        raise Refused(SPARSE_GRADIENTS)
    for keyword in ("sparse", "sparse_grad"):
        if _truthy(kwargs.get(keyword)):
            raise Refused(SPARSE_GRADIENTS.replace("sparse=", f"{keyword}=", 1))


def _ctc_loss_inputs(function: Any, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """(log_probs, targets) when ``function`` computes a CTC loss, else (None, None)."""
    owner = getattr(function, "__self__", None)
    layer = function if isinstance(function, nn.CTCLoss) else owner
    if not (function is F.ctc_loss or function is torch.ctc_loss or isinstance(layer, nn.CTCLoss)):
        return None, None
    log_probs = args[0] if args else kwargs.get("log_probs")
    targets = args[1] if len(args) > 1 else kwargs.get("targets")
    return log_probs, targets


def _repeats(function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """The ``repeats`` argument of a repeat_interleave call, else None."""
    if getattr(function, "__name__", "") != "repeat_interleave":
        return None
    if "repeats" in kwargs:
        return kwargs["repeats"]
    if isinstance(getattr(function, "__self__", None), torch.Tensor):  # x.repeat_interleave(r)
        return args[0] if args else None
    if len(args) == 1 and "input" not in kwargs:  # torch.repeat_interleave(repeats)
        return args[0]
    return args[1] if len(args) > 1 else None


def check_repeats(function: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Given ``output_size``, repeat_interleave trusts it and skips its check of the repeats:
    torch.repeat_interleave(torch.tensor([3, -3]), output_size=0) writes past the result."""
    if kwargs.get("output_size") is None:
        return
    repeats = _repeats(function, args, kwargs)
    negative = repeats < 0 if isinstance(repeats, int) else None
    if isinstance(repeats, torch.Tensor) and repeats.numel() and not repeats.is_complex():
        negative = bool((repeats < 0).any())
    if negative:
        raise Refused(
            "repeat_interleave repeats cannot be negative (with output_size, torch does not "
            "check them and writes outside the result)"
        )


def check_ctc_targets(function: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    """ctc_loss indexes log_probs with each target unchecked on the CPU: a target outside
    the classes reads, or writes its gradient, outside the tensor."""
    log_probs, targets = _ctc_loss_inputs(function, args, kwargs)
    if not (isinstance(log_probs, torch.Tensor) and isinstance(targets, torch.Tensor)):
        return
    if log_probs.dim() == 0 or targets.numel() == 0:
        return
    classes = log_probs.shape[-1]
    inside = (targets >= 0) & (targets < classes)
    if not bool(inside.all()):
        raise Refused(
            f"ctc_loss targets must be class indices from 0 to {classes - 1}: torch does not "
            "check them, and reads outside log_probs"
        )
