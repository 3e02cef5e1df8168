"""Turn a torch value into plain JSON data the app can compare without importing torch.

The app process never imports torch, so what crosses the pipe is a small tagged
structure (``quiz.sandbox.values`` decodes it): tensors as dtype, shape and their
elements, ``torch.Size`` as dims, named tuples with their field names, Python
scalars as themselves. Anything else is described by its type name only.
"""

from __future__ import annotations

import re
from typing import Any

import torch

from quiz.deck.printable import printable

MAX_ENCODED_ELEMENTS = 200_000
MAX_REPR_CHARS = 4_000
MAX_ITEMS = 1_000
MAX_DEPTH = 16
MAX_INT_BITS = 4_096
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class TooLarge(Exception):
    """The value holds more elements than are worth sending to the app."""


def encode(value: Any) -> dict[str, Any]:
    budget = [MAX_ENCODED_ELEMENTS]
    return _encode(value, budget, 0)


def _encode(value: Any, budget: list[int], depth: int) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise TooLarge("the value is nested too deeply")
    if isinstance(value, torch.Tensor):
        return _tensor(value, budget)
    if isinstance(value, torch.Size):
        return {"t": "size", "dims": list(value)}
    if isinstance(value, torch.dtype):
        return {"t": "dtype", "name": str(value).removeprefix("torch.")}
    if isinstance(value, bool):
        return {"t": "bool", "v": value}
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:  # JSON cannot carry it, nobody can type it
            raise TooLarge(f"the result is an integer of {value.bit_length():,} bits")
        return {"t": "int", "v": value}
    if isinstance(value, float):
        return {"t": "float", "v": value}
    if isinstance(value, complex):
        return {"t": "complex", "v": [value.real, value.imag]}
    if value is None:
        return {"t": "none"}
    if isinstance(value, str):
        return {"t": "str", "v": value[:MAX_REPR_CHARS]}
    if isinstance(value, tuple | list):
        if len(value) > MAX_ITEMS:
            raise TooLarge(f"the result has {len(value):,} items")
        budget[0] -= len(value)
        if budget[0] < 0:
            raise TooLarge("the result has too many items to compare")
        items = [_encode(item, budget, depth + 1) for item in value]
        encoded: dict[str, Any] = {"t": "list" if isinstance(value, list) else "tuple"}
        encoded["items"] = items
        fields = getattr(type(value), "_fields", None) or getattr(value, "__match_args__", None)
        if isinstance(value, tuple) and fields:
            encoded["name"] = _qualified_name(type(value))
            encoded["fields"] = list(fields)
        return encoded
    return {"t": "other", "type": type(value).__name__}


def _tensor(tensor: torch.Tensor, budget: list[int]) -> dict[str, Any]:
    numel = tensor.numel()
    budget[0] -= numel
    if budget[0] < 0:
        raise TooLarge(f"the result has {numel:,} elements, too many to compare")
    if tensor.layout != torch.strided:
        tensor = tensor.to_dense()
    data = tensor.detach().reshape(-1)
    if data.is_complex():
        values: list[Any] = [[z.real, z.imag] for z in data.tolist()]
    else:
        values = data.tolist()  # floats keep nan and inf: the protocol's JSON allows them
    return {
        "t": "tensor",
        "dtype": str(tensor.dtype).removeprefix("torch."),
        "shape": list(tensor.shape),
        "flat": values,
        "requires_grad": bool(tensor.requires_grad),
    }


def _qualified_name(kind: type) -> str:
    module = kind.__module__ or ""
    if module.startswith("torch.return_types"):
        return f"torch.return_types.{kind.__name__}"
    return kind.__name__


def printed(value: Any) -> str:
    """The value as torch prints it, cut to a length a terminal can show.

    Printed values reach the learner's terminal, and torch puts strings from the
    expression into them as they are (``Softmax(dim=...)``, ``ModuleDict`` keys, tensor
    names): every control or format character but newline and tab is shown escaped.
    """
    text = ADDRESS.sub("", repr(value))  # "<SumBackward0 object at 0x7f…>": no pointers
    text = printable(text)
    if len(text) > MAX_REPR_CHARS:
        text = text[: MAX_REPR_CHARS - 1] + "…"
    return text
