"""Asking the sandbox worker for a torch docstring: the request, its reply and the names.

``torch-quiz draft`` turns a docstring's examples into cards, but the app never imports
torch, so the worker reads the docstring. The request names one function as a dotted
name, ``{"op": "doc", "id": 3, "name": "torch.clamp"}``, and the name is never walked
attribute by attribute: it is split here into one of ``NAMESPACES`` and one public
attribute (a Python identifier, not starting with ``_``), and the worker then looks that
attribute up in the evaluator's own allow-list of the namespace. Both sides split it the
same way, so a name the client refuses is never sent, and a name the worker refuses is
answered ``{"id": 3, "unknown": "..."}``. A docstring is text and nothing else: the
reply carries it (cut at ``MAX_DOC_CHARS``) with the name it was found under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

DOC_OP = "doc"
MAX_NAME_CHARS = 120
MAX_DOC_CHARS = 64_000

# What a name may start with, and the namespace it means. Only these: a docstring is
# read from one of them, and only for an attribute the evaluator allows there.
NAMESPACES = ("torch", "torch.nn.functional", "torch.linalg", "torch.Tensor")
ALIASES = {
    "torch": "torch",
    "torch.nn.functional": "torch.nn.functional",
    "F": "torch.nn.functional",
    "torch.linalg": "torch.linalg",
    "torch.Tensor": "torch.Tensor",
    "Tensor": "torch.Tensor",
}


class UnknownName(ValueError):
    """A name that is not one of the namespaces' public functions; the message says why."""


def split_name(name: str) -> tuple[str, str]:
    """``(namespace, attribute)`` for ``torch.clamp``, ``F.relu``, ``Tensor.clamp``...;
    ``UnknownName`` for anything else (``os.system``, ``torch.__class__``, ``torch.a.b``)."""
    shown = name if len(name) <= 60 else name[:57] + "..."
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_CHARS:
        raise UnknownName(f"{shown!r} is not a name of torch's")
    if not name.isascii() or not name.isprintable():
        raise UnknownName(f"{shown!r} is not a name of torch's: only plain ASCII names")
    prefix, dot, attribute = name.rpartition(".")
    if not dot:
        raise UnknownName(
            f"{shown!r}: give the full name, such as torch.{name}, F.{name} or Tensor.{name}"
        )
    namespace = ALIASES.get(prefix)
    if namespace is None:
        spaces = ", ".join(NAMESPACES)
        raise UnknownName(f"{shown!r} is not in {spaces} (or F., Tensor.)")
    if not attribute.isidentifier() or attribute.startswith("_"):
        raise UnknownName(f"{shown!r}: only public names, not starting with '_'")
    return namespace, attribute


@dataclass(frozen=True, slots=True)
class Docstring:
    """A function's docstring as the worker found it (``text`` is "" when it has none)."""

    name: str  # canonical: "torch.clamp", "torch.nn.functional.relu", "torch.Tensor.clamp"
    text: str

    @classmethod
    def from_reply(cls, reply: Mapping[str, Any]) -> Docstring:
        """The reply's docstring; ``UnknownName`` with the worker's words if it had none."""
        if "unknown" in reply:
            raise UnknownName(str(reply["unknown"])[:500])
        return cls(name=str(reply["name"]), text=str(reply["text"])[:MAX_DOC_CHARS])


@runtime_checkable
class DocReader(Protocol):
    """Reads torch docstrings in the sandbox; the worker client is the real one."""

    def docstring(self, name: str) -> Docstring: ...
