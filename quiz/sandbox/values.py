"""Values as the judge compares them, without torch: tensors, sizes, scalars, tuples.

Both sides of a comparison end up here: what the worker computed (decoded from its
JSON reply) and what a learner typed (read by ``quiz.judge.literal``). Tensors are
kept flat, with their shape, so the first differing element is easy to name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Number = bool | int | float | complex


class Kind(StrEnum):
    """What the ``kind`` dtype policy compares."""

    BOOL = "bool"
    INTEGER = "integer"
    FLOAT = "float"
    COMPLEX = "complex"


DTYPE_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "cfloat": "complex64",
    "cdouble": "complex128",
    "chalf": "complex32",
}
DEFAULT_DTYPE = {  # what torch.tensor makes of a literal without dtype=
    Kind.BOOL: "bool",
    Kind.INTEGER: "int64",
    Kind.FLOAT: "float32",
    Kind.COMPLEX: "complex64",
}


def canonical_dtype(name: str) -> str:
    name = name.removeprefix("torch.")
    return DTYPE_ALIASES.get(name, name)


def dtype_kind(name: str) -> Kind:
    name = canonical_dtype(name)
    if name == "bool":
        return Kind.BOOL
    if name.startswith("complex"):
        return Kind.COMPLEX
    if name.startswith(("float", "bfloat")):
        return Kind.FLOAT
    return Kind.INTEGER


def number_kind(value: Number) -> Kind:
    if isinstance(value, bool):
        return Kind.BOOL
    if isinstance(value, int):
        return Kind.INTEGER
    if isinstance(value, float):
        return Kind.FLOAT
    return Kind.COMPLEX


@dataclass(frozen=True, slots=True)
class Scalar:
    """A Python number; ``precision`` is set for floats a learner typed (see ``compare``)."""

    value: Number
    precision: float | None = None
    sig_digits: int = 99


@dataclass(frozen=True, slots=True)
class Tensor:
    """A tensor, flat. ``dtype`` is None for a learner's literal that did not say one."""

    shape: tuple[int, ...]
    flat: tuple[Scalar, ...]
    dtype: str | None
    kind: Kind
    requires_grad: bool = False


@dataclass(frozen=True, slots=True)
class Size:
    dims: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Sequence:
    """A tuple or list; a named tuple (``torch.return_types.topk``) keeps its fields."""

    items: tuple[Value, ...]
    is_list: bool = False
    name: str | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dtype:
    name: str


@dataclass(frozen=True, slots=True)
class TextValue:
    """A string result (a deck's prose is ``quiz.deck.model.Text``, another thing)."""

    text: str


@dataclass(frozen=True, slots=True)
class NoneValue:
    pass


@dataclass(frozen=True, slots=True)
class Other:
    """Something that cannot be typed as an answer (a module, a function)."""

    type_name: str


@dataclass(frozen=True, slots=True)
class Raised:
    """A learner's answer naming an exception: ``RuntimeError``."""

    name: str


Value = Scalar | Tensor | Size | Sequence | Dtype | TextValue | NoneValue | Other | Raised


def decode(data: Mapping[str, Any]) -> Value:
    """The worker's JSON description of a value, as a ``Value``."""
    tag = data["t"]
    if tag == "tensor":
        dtype = canonical_dtype(data["dtype"])
        kind = dtype_kind(dtype)
        flat = tuple(Scalar(_number(x, kind)) for x in data["flat"])
        return Tensor(tuple(data["shape"]), flat, dtype, kind, bool(data["requires_grad"]))
    if tag == "size":
        return Size(tuple(int(d) for d in data["dims"]))
    if tag in ("bool", "int", "float"):
        return Scalar({"bool": bool, "int": int, "float": float}[tag](data["v"]))
    if tag == "complex":
        real, imag = data["v"]
        return Scalar(complex(real, imag))
    if tag in ("tuple", "list"):
        items = tuple(decode(item) for item in data["items"])
        fields = tuple(data.get("fields", ()))
        return Sequence(items, tag == "list", data.get("name"), fields)
    if tag == "dtype":
        return Dtype(canonical_dtype(data["name"]))
    if tag == "str":
        return TextValue(str(data["v"]))
    if tag == "none":
        return NoneValue()
    return Other(str(data.get("type", "object")))


def _number(x: Any, kind: Kind) -> Number:
    if kind is Kind.COMPLEX:
        return complex(x[0], x[1])
    if kind is Kind.BOOL:
        return bool(x)
    if kind is Kind.INTEGER:
        return int(x)
    return float(x)
