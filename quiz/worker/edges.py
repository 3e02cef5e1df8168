"""Edge draws: the first random draw of a card's givens, made into the data that random
normal numbers never hold (zeros, ties, negated or large values).

Random draws from ``torch.randn`` never hold a 0, two equal values or a missing class,
so an answer that is wrong only there (``(x >= 0).float()`` for ReLU's derivative) is
graded right on them. The worker remakes each given that drew random numbers, if it is a
dense tensor, right after building it, so the givens computed from it follow. Shape,
dtype, strides where they can be kept, and ``requires_grad`` are kept. Which edges a run
makes is the app's choice (``quiz.sandbox.protocol.Edge``); this module only builds them,
and it runs only on values the sandbox's evaluator made.
"""

from __future__ import annotations

from typing import Any

import torch

from quiz.sandbox.protocol import EdgeKind


def remake(value: Any, kind: EdgeKind, factor: float = 1.0, order: int = 0) -> torch.Tensor | None:
    """``value`` made into the edge ``kind``, or None when it stays as it is (not a dense
    tensor, no element, or the same values: a one-element tensor is already all equal).
    ``order`` counts the random givens remade before this one in the draw: some-zeros
    zeroes every other element from the first for the first given, from the second for
    the next, so that where one given is 0 the other is not (``torch.where(x > 0, x, y)``
    for ``torch.where(x < 0, y, x)`` differs only where x is 0 and y is not)."""
    if not isinstance(value, torch.Tensor) or value.layout is not torch.strided:
        return None
    if value.numel() == 0 or value.is_quantized or value.device.type != "cpu":
        return None
    with torch.no_grad():
        base = value.detach()
        flat = base.reshape(-1)
        made = _values(flat, kind, factor, order)
        if made is None:
            return None
        result = base.clone()  # keeps the strides of a dense tensor (a transpose stays one)
        result.copy_(made.reshape(base.shape))
        if torch.equal(result, base):
            return None
    if value.requires_grad:
        result.requires_grad_(True)
    return result


def _values(flat: torch.Tensor, kind: EdgeKind, factor: float, order: int) -> torch.Tensor | None:
    """The new elements, flat."""
    if kind is EdgeKind.ZEROS:
        return torch.zeros_like(flat)
    if kind is EdgeKind.SOME_ZEROS:
        made = flat.clone()
        made[order % 2 :: 2] = 0
        return made
    if kind is EdgeKind.NEGATED:
        if flat.dtype == torch.bool:
            return flat.logical_not()
        if not (flat.is_floating_point() or flat.is_complex() or flat.is_signed()):
            return None  # unsigned integers have no negatives
        return flat.neg()
    if kind is EdgeKind.EQUAL:
        return torch.full_like(flat, flat[0].item())
    if kind is EdgeKind.LARGEST:
        order = _order(flat)
        made = flat.clone()
        made[order.argmin()] = flat[order.argmax()]
        return made
    if kind is EdgeKind.SCALE:
        if not (flat.is_floating_point() or flat.is_complex()):
            return None
        return flat * factor
    return None


def _order(flat: torch.Tensor) -> torch.Tensor:
    """What 'largest' means: the value, the magnitude of a complex number, True over False."""
    if flat.is_complex():
        return flat.abs()
    if flat.dtype == torch.bool:
        return flat.to(torch.uint8)
    return flat


def same(made: dict[str, torch.Tensor], earlier: dict[str, torch.Tensor]) -> bool:
    """Whether two edge draws remade the same givens into the same values."""
    return made.keys() == earlier.keys() and all(
        made[name].dtype == earlier[name].dtype
        and made[name].shape == earlier[name].shape
        and torch.equal(made[name], earlier[name])
        for name in made
    )
