"""Compare an expected value with an answer, the way a patient teacher would.

The rules are the judge's: the shape must match exactly (``[5]`` is not ``5``); the
dtype policy decides whether bool / integer / float / complex must match (``kind``),
the exact dtype must (``exact``), or neither (``ignore``); floats a learner typed are
right to torch's printed precision (4 decimals), or to the precision they typed when
they typed at least two significant digits; floats computed by an answer are right
when close (or within the card's ``tol``). NaN equals NaN; infinities must match.

Partial credit: plain integers typed for a float result with equal values (``[0, 0, 2]``
for ``tensor([0., 0., 2.])``, ``3`` for ``tensor(3.)``) are right, with a note saying what
torch gives, unless the card declares its ``dtype`` (then the dtype is the lesson). A
literal written as torch prints it (``tensor([0, 0, 2])``) stays a claim about the dtype.

A difference is returned as words, with the index of the first differing element.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from quiz.deck.model import DtypePolicy
from quiz.judge.literal import LiteralError, dims_of, literal_dtype, to_tensor
from quiz.sandbox.values import (
    Dtype,
    Kind,
    NoneValue,
    Other,
    Raised,
    Scalar,
    Sequence,
    Size,
    Tensor,
    TextValue,
    Value,
    number_kind,
)

PRINT_DECIMALS_TOLERANCE = 0.5e-4  # torch prints 4 decimals
COMPUTED_ATOL = 1e-5
COMPUTED_RTOL = 1e-4
KIND_WORDS = {
    Kind.BOOL: "bool",
    Kind.INTEGER: "integer",
    Kind.FLOAT: "float",
    Kind.COMPLEX: "complex",
}


@dataclass(frozen=True, slots=True)
class Rules:
    """How to compare: ``typed`` answers come from a learner's keyboard, else from torch."""

    policy: DtypePolicy = DtypePolicy.KIND
    typed: bool = True
    atol: float | None = None
    rtol: float | None = None
    lenient: bool = False  # plain integers typed for equal floats are right (partial credit)


@dataclass(frozen=True, slots=True)
class Difference:
    """What differs; ``partial``: nothing that makes the answer wrong, only a note on it."""

    message: str
    index: tuple[int, ...] | None = None
    partial: bool = False


def compare(expected: Value, got: Value, rules: Rules, printed: str = "") -> Difference | None:
    """None when ``got`` is right for ``expected``; else what differs, in words (a
    ``partial`` difference is right, with partial credit)."""
    return _compare(expected, got, rules, printed, "")


def _compare(
    expected: Value, got: Value, rules: Rules, printed: str, where: str
) -> Difference | None:
    if isinstance(got, Raised):
        return Difference(f"{where}it does not raise; it gives a value")
    if isinstance(expected, Tensor):
        return _tensor(expected, got, rules, printed, where)
    if isinstance(expected, Size):
        return _size(expected, got, where)
    if isinstance(expected, Sequence):
        return _sequence(expected, got, rules, where)
    if isinstance(expected, Scalar):
        return _scalar(expected, got, rules, where)
    if isinstance(expected, Dtype):
        if isinstance(got, Dtype) and got.name == expected.name:
            return None
        return Difference(f"{where}the result is the dtype torch.{expected.name}")
    if isinstance(expected, TextValue | NoneValue):
        return (
            None if got == expected else Difference(f"{where}the result is {_describe(expected)}")
        )
    if isinstance(expected, Other):
        return Difference(f"{where}the result is a {expected.type_name}, which cannot be typed")
    return Difference(f"{where}unexpected value")


def _tensor(
    expected: Tensor, got: Value, rules: Rules, printed: str, where: str
) -> Difference | None:
    plain = rules.typed and not isinstance(got, Tensor)  # not written as torch prints it
    if rules.typed:
        answer = to_tensor(got) if not isinstance(got, Size) else None
        if answer is None:
            if isinstance(got, Sequence):
                return Difference(f"{where}not a tensor: the lists are not all of one length")
            return Difference(f"{where}the result is a tensor, not {_describe(got)}")
    elif isinstance(got, Tensor):
        answer = got
    else:
        return Difference(f"{where}the result is a tensor; yours is {_describe(got)}")
    if answer.shape != expected.shape:
        return Difference(f"{where}shape {_shape(answer.shape)} vs {_shape(expected.shape)}")
    difference = _first_difference(expected, answer, rules, where)
    if difference is not None:
        return difference
    return _dtype(expected, answer, rules, printed, where, plain=plain)


def _first_difference(
    expected: Tensor, answer: Tensor, rules: Rules, where: str
) -> Difference | None:
    """The first element ``answer`` gets wrong, if any (same shape)."""
    if [item.value for item in expected.flat] == [item.value for item in answer.flat]:
        return None  # equal values are the same under every rule: no need to look closer
    for position, (want, have) in enumerate(zip(expected.flat, answer.flat, strict=True)):
        if not _same(want, have, rules):
            index = _unravel(position, expected.shape)
            at = f" at {list(index)}" if index else ""
            return Difference(
                f"{where}differs{at}: expected {_show(want.value)}, got {_show(have.value)}", index
            )
    return None


def _dtype(
    expected: Tensor, answer: Tensor, rules: Rules, printed: str, where: str, *, plain: bool
) -> Difference | None:
    shown = f": {one_line(printed)}" if printed and not where else ""
    want = expected.dtype or KIND_WORDS[expected.kind]
    have = literal_dtype(answer) if rules.typed else (answer.dtype or KIND_WORDS[answer.kind])
    if rules.policy is DtypePolicy.KIND and answer.kind != expected.kind:
        if plain and _integers_for_floats(expected.kind, answer.kind, rules):
            return Difference(f"{where}torch gives float{shown}", partial=True)
        counted = plain and expected.kind is Kind.FLOAT and answer.kind is Kind.INTEGER
        return Difference(_yours_against(where, "values", have, want, rules, shown, counted))
    if rules.policy is DtypePolicy.EXACT and have != want:
        return Difference(_yours_against(where, "values", have, want, rules, shown))
    return None


def _yours_against(
    where: str, what: str, have: str, want: str, rules: Rules, shown: str, counted: bool = False
) -> str:
    """Right values of another type, said as what the learner gave against what torch
    gives: a typed answer is read as the dtype torch would give it (``[2., 5.]`` is
    float32, ``[1, 0]`` int64); a computed one has its own. ``counted``: plain integers
    for floats, right elsewhere (partial credit), but this card declares its dtype."""
    if rules.typed:
        lesson = " (this card counts the dtype)" if counted else ""
        return f"{where}right {what}, but yours is {have}; torch gives {want}{lesson}{shown}"
    return f"{where}right {what}, but your result is {have}; the card expects {want}{shown}"


def _size(expected: Size, got: Value, where: str) -> Difference | None:
    try:
        dims = dims_of(got) if isinstance(got, Size | Sequence) else None
    except LiteralError:
        dims = None
    if dims is None:
        return Difference(f"{where}the result is a torch.Size, not {_describe(got)}")
    if dims != expected.dims:
        return Difference(f"{where}size {_shape(dims)} vs {_shape(expected.dims)}")
    return None


def _sequence(expected: Sequence, got: Value, rules: Rules, where: str) -> Difference | None:
    if not isinstance(got, Sequence):
        what = expected.name or ("a list" if expected.is_list else "a tuple")
        return Difference(f"{where}the result is {what}, not {_describe(got)}")
    if got.name and expected.name and got.name != expected.name:
        return Difference(f"{where}the result is a {expected.name}")
    items = _by_field(expected, got)
    if items is None:
        return Difference(f"{where}the fields are {', '.join(expected.fields)}")
    if len(items) != len(expected.items):
        return Difference(f"{where}{len(items)} items vs {len(expected.items)}")
    partial: Difference | None = None
    for number, (want, have) in enumerate(zip(expected.items, items, strict=True)):
        label = expected.fields[number] if expected.fields else f"item {number + 1}"
        difference = _compare(want, have, rules, "", f"{where}{label}: ")
        if difference is not None and not difference.partial:
            return difference
        partial = partial or difference
    return partial


def _by_field(expected: Sequence, got: Sequence) -> tuple[Value, ...] | None:
    """A named tuple's items in the expected order, when the learner named the fields."""
    if not got.fields or not any(got.fields):
        return got.items
    named = {field: item for field, item in zip(got.fields, got.items, strict=True) if field}
    positional = [item for field, item in zip(got.fields, got.items, strict=True) if not field]
    ordered: list[Value] = []
    for field in expected.fields:
        if field in named:
            ordered.append(named.pop(field))
        elif positional:
            ordered.append(positional.pop(0))
        else:
            return None
    return tuple(ordered) if not named and not positional else None


def _scalar(expected: Scalar, got: Value, rules: Rules, where: str) -> Difference | None:
    kind = number_kind(expected.value)
    if not isinstance(got, Scalar):
        return Difference(
            f"{where}the result is a Python {_python_type(kind)}, not {_describe(got)}"
        )
    if not _same(expected, got, rules):
        return Difference(f"{where}expected {_show(expected.value)}, got {_show(got.value)}")
    if rules.policy is not DtypePolicy.IGNORE and number_kind(got.value) != kind:
        if rules.policy is DtypePolicy.KIND and _integers_for_floats(
            kind, number_kind(got.value), rules
        ):
            return Difference(
                f"{where}torch gives a Python float: {_show(expected.value)}", partial=True
            )
        have = f"a Python {_python_type(number_kind(got.value))}"
        want = f"a Python {_python_type(kind)}"
        shown = f": {_show(expected.value)}"
        return Difference(_yours_against(where, "value", have, want, rules, shown))
    return None


def _integers_for_floats(expected: Kind, typed: Kind, rules: Rules) -> bool:
    """Plain integers typed for a float result (whose values were found equal)."""
    return rules.lenient and rules.typed and expected is Kind.FLOAT and typed is Kind.INTEGER


# ---------------------------------------------------------------- numbers


def _same(expected: Scalar, got: Scalar, rules: Rules) -> bool:
    want, have = expected.value, got.value
    if isinstance(want, complex) or isinstance(have, complex):
        try:
            want, have = complex(want), complex(have)
        except OverflowError:  # an integer too large for a float is no complex number's part
            return False
        return _close(want.real, have.real, got, rules) and _close(want.imag, have.imag, got, rules)
    if _integral(want) and _integral(have):
        return want == have  # as integers: floats would round past 2**53
    try:
        return _close(float(want), float(have), got, rules)
    except OverflowError:  # an integer too large for a float is not this float
        return False


def _integral(value: object) -> bool:
    return isinstance(value, int)  # bool is an int too


def _close(want: float, have: float, got: Scalar, rules: Rules) -> bool:
    if math.isnan(want) or math.isnan(have):
        return math.isnan(want) and math.isnan(have)
    if math.isinf(want) or math.isinf(have) or want == have:
        return want == have
    if rules.typed:
        allowed = _printed_tolerance(want)
        if got.precision is not None and got.sig_digits >= 2:
            allowed = max(allowed, got.precision)
    else:
        allowed = COMPUTED_ATOL + COMPUTED_RTOL * abs(want)
    if rules.atol is not None or rules.rtol is not None:
        allowed = max(allowed, (rules.atol or 0.0) + (rules.rtol or 0.0) * abs(want))
    return abs(want - have) <= allowed * (1 + 1e-9) + 1e-12 * abs(want)


def _printed_tolerance(value: float) -> float:
    """Half a unit of torch's 4th printed decimal (of the mantissa, in scientific form)."""
    magnitude = abs(value)
    if magnitude == 0 or 1e-4 <= magnitude < 1e8:
        return PRINT_DECIMALS_TOLERANCE
    return PRINT_DECIMALS_TOLERANCE * 10.0 ** math.floor(math.log10(magnitude))


# ---------------------------------------------------------------- words


def one_line(printed: str) -> str:
    """A multi-line tensor repr on one line, keeping torch's padding inside each row."""
    return re.sub(r"\n\s*", " ", printed)


def _unravel(position: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    index: list[int] = []
    for size in reversed(shape):
        position, rest = divmod(position, size)
        index.append(rest)
    return tuple(reversed(index))


def _shape(dims: tuple[int, ...]) -> str:
    shown = [_show_int(dim) for dim in dims]
    return f"({shown[0]},)" if len(shown) == 1 else f"({', '.join(shown)})"


def _show(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return _show_int(value)
    if isinstance(value, float) and math.isfinite(value):
        if abs(value) >= 1e16:
            return repr(value)  # 1e+300, not its 301 digits
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


def _show_int(value: int) -> str:
    """An integer, its middle left out past about 30 digits: 1318204093…8446 (1,234 digits)."""
    if value.bit_length() <= 96:
        return str(value)
    if value.bit_length() > 14_000:  # past the digits Python agrees to print
        return f"an integer of {value.bit_length():,} bits"
    digits = str(abs(value))
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:10]}…{digits[-4:]} ({len(digits):,} digits)"


def _python_type(kind: Kind) -> str:
    return {Kind.BOOL: "bool", Kind.INTEGER: "int", Kind.FLOAT: "float"}.get(kind, "complex")


def _describe(value: Value) -> str:
    if isinstance(value, Tensor):
        return "a tensor"
    if isinstance(value, Size):
        return "a torch.Size"
    if isinstance(value, Sequence):
        return value.name or ("a list" if value.is_list else "a tuple")
    if isinstance(value, Scalar):
        return f"a single number ({_show(value.value)})"
    if isinstance(value, Dtype):
        return f"the dtype torch.{value.name}"
    if isinstance(value, TextValue):
        return f"the text {value.text!r}"
    if isinstance(value, NoneValue):
        return "None"
    if isinstance(value, Raised):
        return value.name
    return f"a {value.type_name}"
