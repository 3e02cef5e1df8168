"""The ``>>>`` examples of a torch docstring, read as givens, an expression and its print.

``torch-quiz draft`` makes cards from them (``quiz.judge.docdraft``). This module is
pure text work, with no torch: a docstring's statements are walked in order, keeping
each ``name = expression`` as a given; each expression followed by printed lines is an
example, with the givens it uses (and those they use), and the printed text as one
line. What cannot be a card says why (``Example.skip``): a statement that is not
``name = expression`` before it, no printed output, uninitialised memory. Turning an
example into a card's mapping is here too (``output_card``, ``code_card``), with the
near miss that becomes its ``reject`` example.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

DRAFT_TAG = "draft"
TODO_PROMPT = "What does this give? (TODO: word the prompt)"
TODO_ZH = "TODO: 中文"
# Names whose values come from the random generator, or from memory nobody wrote.
RANDOM = frozenset(
    {
        *("rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like"),
        *("normal", "bernoulli", "multinomial", "poisson", "binomial", "rrelu", "rrelu_"),
        *("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout"),
        *("feature_alpha_dropout", "gumbel_softmax", "uniform_", "normal_", "random_"),
        *("exponential_", "geometric_", "cauchy_", "log_normal_", "bernoulli_"),
    }
)
SANDBOX_NAMES = frozenset({"torch", "F", "nn", "math"})
UNINITIALISED = frozenset({"empty", "empty_like", "new_empty", "new_empty_strided"})
_NUMBER = re.compile(r"(?<![\w.])(-?)(\d+)(\.\d*)?([eE][+-]?\d+)?(?![\w.])")


@dataclass(frozen=True, slots=True)
class Example:
    """One ``>>>`` expression of a docstring, with what it needs and what it printed."""

    number: int  # 1-based, among the docstring's statements
    source: str  # the statement as written
    expr: str = ""  # what a card evaluates
    givens: tuple[tuple[str, str], ...] = ()
    printed: str = ""  # the printed lines, joined into one
    skip: str | None = None  # why this is no card

    @property
    def raises(self) -> str | None:
        """The exception's name when the docstring shows the example raising."""
        if not self.printed.startswith("Traceback"):
            return None
        after = self.printed.partition("last):")[2]  # "Traceback (most recent call last):"
        match = re.search(r"\b(\w+(?:Error|Exception))\b", after)
        return match.group(1) if match else None


def statements(doc: str) -> Iterator[tuple[str, list[str]]]:
    """Each ``>>>`` statement with its ``...`` continuations, and the lines printed after it.

    A bracket left open across ``>>>`` lines (``torch.unbind``) is joined to the next
    lines while it does not parse."""
    pending: list[str] = []
    for code, printed in chunks(doc):
        pending += code
        source = "\n".join(pending)
        if not parses(source) and not printed and len(pending) < 12:
            continue
        yield source, printed
        pending = []
    if pending:
        yield "\n".join(pending), []


def chunks(doc: str) -> Iterator[tuple[list[str], list[str]]]:
    """Each ``>>>`` line with its ``...`` continuations, and the lines printed after it
    (``tests/worker/test_docstring_examples.py`` reads torch's docstrings with it too)."""
    code: list[str] | None = None
    printed: list[str] = []
    for raw in doc.splitlines():
        text = raw.strip()
        if text.startswith(">>>"):
            if code is not None:
                yield code, printed
            code, printed = [text[4:] if text.startswith(">>> ") else text[3:]], []
        elif code is not None and not printed and (text == "..." or text.startswith("... ")):
            code.append(text[4:])
        elif code is not None and text:
            printed.append(text)
        elif code is not None:
            yield code, printed
            code, printed = None, []
    if code is not None:
        yield code, printed


def parses(source: str) -> bool:
    """Whether ``source`` is Python."""
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def examples(doc: str) -> list[Example]:
    """Every statement of ``doc`` that printed something, as an example or a skip."""
    givens: dict[str, str] = {}
    unbound: dict[str, str] = {}  # a name a statement made that is no given, and why
    found: list[Example] = []
    for number, (source, printed) in enumerate(statements(doc), start=1):
        shown = " ".join(line.strip() for line in printed)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            if printed:
                found.append(Example(number, source, printed=shown, skip="not Python as written"))
            continue
        body = tree.body
        if len(body) == 1 and isinstance(body[0], ast.Expr):
            found.append(_example(number, source, body[0].value, shown, givens, unbound))
            continue
        for statement in body:
            _bind(source, statement, givens, unbound)
        if printed:
            reason = "a statement, not an expression"
            found.append(Example(number, source, printed=shown, skip=reason))
    return found


def _bind(
    source: str,
    node: ast.stmt,
    givens: dict[str, str],
    unbound: dict[str, str],
    value: str | None = None,
) -> None:
    """Keep ``name = expression`` as a given (``value``: its expression, when not the
    node's own text); any other statement makes names no card has."""
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        name = node.targets[0].id
        expr = value if value is not None else ast.get_source_segment(source, node.value) or ""
        uses = _names(node.value)
        if name in uses or uses & set(unbound):
            why = f"'{name}' is computed from names no given holds"
            givens.pop(name, None)
            unbound[name] = why
            return
        givens.pop(name, None)  # a new value: it takes its place at the end
        givens[name] = expr
        unbound.pop(name, None)
        return
    if _unpacks(node):  # "Q, R = torch.linalg.qr(A)": Q and R are givens of their own
        assert isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple)
        whole = ast.get_source_segment(source, node.value) or ""
        simple = isinstance(node.value, ast.Call | ast.Name | ast.Attribute | ast.Subscript)
        whole = whole if simple else f"({whole})"
        for index, target in enumerate(node.targets[0].elts):
            item = ast.Assign(targets=[target], value=node.value, lineno=0)
            _bind(f"{whole}[{index}]", item, givens, unbound, f"{whole}[{index}]")
        return
    if isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:  # "import torch.linalg as LA": LA is a given
            module = f"{node.module}." if isinstance(node, ast.ImportFrom) else ""
            path = f"{module}{alias.name}"
            bound = alias.asname or (alias.name if module else alias.name.partition(".")[0])
            if bound in SANDBOX_NAMES:
                continue  # torch, F, nn and math are there already
            givens.pop(bound, None)
            if path.startswith("torch."):
                givens[bound] = path
                unbound.pop(bound, None)
            else:
                unbound[bound] = f"'{bound}' is imported from outside torch"
        return
    why = f"'{ast.unparse(node).splitlines()[0][:40]}' is not name = expression"
    for target in ast.walk(node):
        if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store | ast.Del):
            givens.pop(target.id, None)
            unbound[target.id] = why
        elif isinstance(target, ast.Subscript | ast.Attribute) and isinstance(
            target.ctx, ast.Store
        ):
            for name in _names(target.value):
                givens.pop(name, None)
                unbound[name] = why
        elif _in_place(target):
            changed = target.func.value.id  # type: ignore[attr-defined]
            givens.pop(changed, None)
            unbound[changed] = why


def _example(
    number: int,
    source: str,
    node: ast.expr,
    printed: str,
    givens: dict[str, str],
    unbound: dict[str, str],
) -> Example:
    if is_print(node):
        node = node.args[0]  # type: ignore[attr-defined]
    expr = ast.get_source_segment(source, node) or source
    if isinstance(node, ast.Name) and node.id in givens:
        expr = givens[node.id]  # showing a given: what its expression gives
        node = ast.parse(expr, mode="eval").body
    if not printed:
        return Example(number, source, expr, skip="prints nothing")
    used = _names(node)
    missing = sorted(used & set(unbound))
    if missing:
        return Example(number, source, expr, printed=printed, skip=unbound[missing[0]])
    needed = _needed(used, givens)
    if (_attrs(node) | _given_attrs(needed, givens)) & UNINITIALISED:
        return Example(number, source, expr, printed=printed, skip="uninitialised memory")
    return Example(number, source, expr, tuple((n, givens[n]) for n in needed), printed)


def _unpacks(node: ast.AST) -> bool:
    """``a, b = expression``: one flat tuple of names, no starred name."""
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Tuple)
        and all(isinstance(element, ast.Name) for element in node.targets[0].elts)
    )


def _in_place(node: ast.AST) -> bool:
    """``x.add_(1)``: a method call that changes the given ``x``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr.endswith("_")
        and isinstance(node.func.value, ast.Name)
    )


def is_print(node: ast.AST) -> bool:
    """Whether ``node`` is ``print(x)``: an example shows ``x``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
        and len(node.args) == 1
        and not node.keywords
    )


def _needed(used: set[str], givens: dict[str, str]) -> list[str]:
    """The givens an expression uses, and those they use, in the docstring's order."""
    wanted = set(used) & set(givens)
    for name in reversed(list(givens)):
        if name in wanted:
            wanted |= _names(ast.parse(givens[name], mode="eval").body) & set(givens)
    return [name for name in givens if name in wanted]


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _attrs(node: ast.AST) -> set[str]:
    found = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    return found | _names(node)


def _given_attrs(names: list[str], givens: dict[str, str]) -> set[str]:
    found: set[str] = set()
    for name in names:
        found |= _attrs(ast.parse(givens[name], mode="eval").body)
    return found


def draws_random(example: Example) -> bool:
    """Whether the expression itself calls a function of the random generator."""
    try:
        return bool(_attrs(ast.parse(example.expr, mode="eval")) & RANDOM)
    except SyntaxError:
        return False


def near_miss(printed: str) -> str | None:
    """The printed text with its first number one further from 0 (``2`` → ``3``,
    ``-0.5000`` → ``-1.5000``, ``1.5e+03`` → ``2.5e+03``: the first digit, whatever the
    exponent) or its first ``True``/``False`` flipped."""
    start = printed.find("(") + 1
    number = _NUMBER.search(printed, start)
    flag = re.search(r"\b(True|False)\b", printed[start:])
    if flag and (number is None or flag.start() + start < number.start()):
        at = flag.start() + start
        other = "False" if flag.group(1) == "True" else "True"
        return printed[:at] + other + printed[at + len(flag.group(1)) :]
    if number is None:
        return None
    sign, whole, fraction, exponent = number.groups()
    text = f"{sign}{int(whole) + 1}{fraction or ''}{exponent or ''}"  # one further from 0
    return printed[: number.start()] + text + printed[number.end() :]


def card_id(name: str, number: int) -> str:
    """``torch.clamp`` → ``clamp-1``; ``torch.nn.functional.relu`` → ``f-relu-1``."""
    prefix = {
        "torch.nn.functional": "f-",
        "torch.linalg": "linalg-",
        "torch.Tensor": "tensor-",
    }.get(name.rpartition(".")[0], "")
    slug = re.sub(r"[^a-z0-9]+", "-", (prefix + name.rpartition(".")[2]).lower()).strip("-")
    return f"{slug[:56]}-{number}"


def _tags(name: str) -> list[str]:
    return [DRAFT_TAG, re.sub(r"[^a-z0-9_-]+", "-", name.rpartition(".")[2].lower())]


def output_card(example: Example, card_id: str, name: str) -> dict[str, Any]:
    """An output card: the docstring's print as ``accept``, its near miss as ``reject``
    (an exception's name for an example shown raising); the reference is the sandbox's."""
    card: dict[str, Any] = {
        "id": card_id,
        "kind": "output",
        "prompt": {"en": TODO_PROMPT, "zh": TODO_ZH},
    }
    if example.givens:
        card["given"] = dict(example.givens)
    card["expr"] = example.expr
    card["dtype"] = "exact"
    raised = example.raises
    card["accept"] = [raised or example.printed]
    miss = None if raised else near_miss(example.printed)
    if miss is not None and miss != example.printed:
        card["reject"] = [miss]
    card["tags"] = _tags(name)
    return card


def code_card(example: Example, card_id: str, name: str) -> dict[str, Any]:
    """A code card for an example on random givens: judged on trials, not on a print."""
    short = name.removeprefix("torch.nn.functional.").removeprefix("torch.")
    return {
        "id": card_id,
        "kind": "code",
        "prompt": {"en": f"TODO: say what to compute (with {short})", "zh": TODO_ZH},
        "given": dict(example.givens),
        "solution": example.expr,
        "dtype": "exact",
        "tags": _tags(name),
    }


@dataclass
class Drafted:
    """What drafting one function gave: the cards, and each example left out with why."""

    name: str
    cards: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[Example, str]] = field(default_factory=list)
