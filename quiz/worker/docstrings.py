"""The worker's answer to a docstring request: one allow-listed function's docstring.

The name is split by ``quiz.sandbox.docs.split_name`` into a namespace and one public
attribute, and the attribute must be in the evaluator's allow-list of that namespace
(``allowlist.MODULE_NAMES``, ``TENSOR_ATTRS``): what an expression could call is what a
docstring can be read of. Nothing is looked up by walking the name, so neither a dunder
nor a module outside the four namespaces is ever reached, and a name the allow-list
lacks is never handed to ``getattr`` (torch's module ``__getattr__`` imports submodules
on demand, which must not happen behind the wall).
"""

from __future__ import annotations

import inspect
import types
from typing import Any

import torch
import torch.nn.functional as F

from quiz.sandbox.docs import MAX_DOC_CHARS, UnknownName, split_name
from quiz.worker.allowlist import MODULE_NAMES, TENSOR_ATTRS

SPACES: dict[str, tuple[Any, frozenset[str]]] = {
    "torch": (torch, MODULE_NAMES[torch]),
    "torch.nn.functional": (F, MODULE_NAMES[F]),
    "torch.linalg": (torch.linalg, MODULE_NAMES[torch.linalg]),
    "torch.Tensor": (torch.Tensor, TENSOR_ATTRS),
}


def documented(name: str) -> tuple[str, str]:
    """``(canonical name, docstring)``; ``UnknownName`` when the name is not allowed."""
    namespace, attribute = split_name(name)
    owner, allowed = SPACES[namespace]
    if attribute not in allowed:
        raise UnknownName(f"{namespace}.{attribute} is not a function the sandbox offers")
    found = inspect.getattr_static(owner, attribute, None)
    if isinstance(found, types.ModuleType | type) or found is None:
        raise UnknownName(f"{namespace}.{attribute} is not a function")
    if isinstance(found, staticmethod | classmethod):
        found = found.__func__
    doc = getattr(found, "__doc__", None)  # a property's, a method descriptor's: its own text
    text = inspect.cleandoc(doc) if isinstance(doc, str) else ""
    return f"{namespace}.{attribute}", text[:MAX_DOC_CHARS]


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The reply to ``{"op": "doc", "id": ..., "name": ...}``."""
    ident = request.get("id")
    name = request["name"]
    if not isinstance(name, str):
        return {"id": ident, "unknown": "the name must be text"}
    try:
        canonical, text = documented(name)
    except UnknownName as error:
        return {"id": ident, "unknown": str(error)}
    return {"id": ident, "name": canonical, "text": text}
