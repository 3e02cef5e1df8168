"""The decks torch-quiz writes from nothing: ``torch-quiz new``'s commented starter deck,
one card of each kind, and the header of a deck that ``draft --to`` starts with its first
card."""

from __future__ import annotations

import re
from pathlib import Path

STARTER_TEMPLATE = """\
# A torch-quiz deck. Format reference: docs/deck-format.md
# Check it with:  torch-quiz check {filename}
format: 1
deck: {slug}                 # the identity of this deck's progress: keep it stable
title: {title}
description:
  en: Replace me with what this deck teaches.
  zh: 在这里写这套卡片教什么。

# Fixtures shared by every card: name -> torch expression, evaluated in order.
given:
  a: torch.arange(6).reshape(2, 3)

cards:
  # output: the learner predicts the value of `expr`.
  - id: clamp-both
    kind: output
    prompt: What does this give?
    given: {{x: "torch.tensor([1, 7, 3])"}}
    expr: x.clamp(2, 5)
    explain: Values below 2 become 2, values above 5 become 5.
    hint: clamp(min, max) keeps every element inside [min, max].
    tags: [clamp]
    accept: ["[2, 5, 3]", "tensor([2, 5, 3])"]
    reject: ["[2, 5, 5]", "[2., 5., 3.]"]

  # code: the learner writes an expression; it must give the solution's value
  # on every trial (random givens are drawn again for each trial).
  - id: column-sums
    kind: code
    prompt: Sum each column of `m`.
    given: {{m: "torch.randn(3, 4)"}}
    solution: m.sum(dim=0)
    trials: 5
    explain: dim=0 collapses the rows, leaving one sum per column.
    accept: [m.sum(0), "torch.sum(m, dim=0)"]   # quote items with commas
    reject: [m.sum(dim=1)]

  # cloze: the learner fills the one blank ____ of the template.
  - id: clamp-name
    kind: cloze
    prompt: Keep every element in [2, 5].
    given: {{x: "torch.tensor([1, 7, 3])"}}
    template: torch.____(x, 2, 5)
    solution: clamp
    accept: [clip]
    explain: torch.clip is an alias of torch.clamp.

  # choice: answered with an option's text or its 1-based number.
  - id: mm-batches
    kind: choice
    prompt: Which multiplies batches of matrices?
    options: [torch.mm, torch.matmul, torch.dot]
    answer: torch.matmul
    explain: torch.mm takes 2-D tensors only; matmul broadcasts leading dimensions.

  # flash: self-graded; `demo` is evaluated and shown with the back.
  - id: rsqrt
    kind: flash
    front: What does `x.rsqrt()` compute?
    back: 1 / sqrt(x), element-wise.
    demo: torch.tensor([4., 16.]).rsqrt()
"""


def slug_from_filename(path: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug[:64] or "my-deck"


def starter_deck(path: Path, title: str | None = None) -> str:
    slug = slug_from_filename(path)
    shown_title = title or slug.replace("-", " ").capitalize()
    return STARTER_TEMPLATE.format(filename=path.name, slug=slug, title=_yaml_text(shown_title))


def new_deck_header(path: Path, title: str | None = None) -> str:
    """The lines of a new deck at ``path`` up to ``cards:``, its slug from the file name,
    as ``new`` names it; the cards follow."""
    slug = slug_from_filename(path)
    shown_title = title or slug.replace("-", " ").capitalize()
    return (
        "# A torch-quiz deck. Format reference: docs/deck-format.md\n"
        f"# Check it with:  torch-quiz check {path.name}\n"
        "format: 1\n"
        f"deck: {slug}\n"
        f"title: {_yaml_text(shown_title)}\n"
        "cards:\n"
    )


def _yaml_text(text: str) -> str:
    """Quote a one-line text for YAML (JSON strings are valid YAML)."""
    import json

    return json.dumps(" ".join(text.split()), ensure_ascii=False)
