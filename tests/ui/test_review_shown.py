"""The review screen shows each card as this review draws it: shuffled options, fresh values.

Through the app with the real sandbox judge: the numbers a learner types are the ones
on screen, the verdict names options by them, a fresh card shows the values drawn for
this review and is judged on them, and undo brings the card back exactly as it was.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from textual.widgets import Markdown

from quiz.ui.answer import AnswerLine
from quiz.ui.review import ReviewScreen, ReviewStep
from quiz.ui.verdict import VerdictPanel

from .pilots import launched, until

DECK = """\
deck: shown
title: Shown
cards:
  - id: pick
    kind: choice
    prompt: Which multiplies batches of matrices?
    options: [torch.mm, torch.matmul, torch.dot, torch.outer, torch.bmm, none of these]
    answer: [torch.matmul, torch.bmm]
    pin: [none of these]
  - id: clamp
    kind: output
    fresh: true
    given: {x: "torch.randint(0, 10, (4,))"}
    expr: x.clamp(2, 5)
  - id: later
    kind: flash
    front: Shown after the fresh card, so undo has a card to come back from.
    back: Yes.
"""

OPTIONS = ["torch.mm", "torch.matmul", "torch.dot", "torch.outer", "torch.bmm", "none of these"]


def prompt(app) -> str:
    return app.screen.query_one("#prompt", Markdown).source


def panel(app) -> str:
    return app.screen.query_one(VerdictPanel).plain.plain


def stored(app) -> list[dict | None]:
    rows = app.session.store.query("SELECT presentation FROM reviews ORDER BY id")
    return [json.loads(row["presentation"]) if row["presentation"] else None for row in rows]


async def judged(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    screen = pilot.app.screen
    await until(pilot, lambda: screen.phase is not ReviewStep.JUDGING, "the verdict")


def shown_numbers(source: str) -> dict[str, int]:
    """Each option's number as the prompt lists it: '3. `torch.bmm`'."""
    return {m[2]: int(m[1]) for m in re.finditer(r"^(\d+)\. `([^`]*)`$", source, re.M)}


async def test_options_are_shuffled_typed_and_named_as_shown(app_factory, tmp_path: Path):
    folder = tmp_path / "shown"
    folder.mkdir()
    (folder / "shown.yaml").write_text(DECK, encoding="utf-8")
    app = app_factory(decks=[folder], review=["shown"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        order = screen.card.presentation.order
        numbers = shown_numbers(prompt(app))
        assert [OPTIONS[index] for index in order] == sorted(numbers, key=numbers.get)
        assert numbers["none of these"] == 6  # pinned
        assert "2 options are right" in prompt(app)
        matmul, bmm = numbers["torch.matmul"], numbers["torch.bmm"]
        wrong = numbers["torch.dot"]

        await judged(pilot, f"{matmul}, {wrong}")
        first, second = sorted((matmul, bmm))  # the answer, by the shown numbers
        assert f"{wrong} is not right; the answer is {first} and {second}" in panel(app)
        assert f"{wrong} «torch.dot»" in panel(app)  # yours, quoted once
        await pilot.press("1")  # Again
        assert stored(app) == [{"order": list(order)}]

        # the fresh card: its drawn values, then judged on them
        await until(pilot, lambda: "x = tensor([" in prompt(app), "the drawn values")
        line = screen.query_one(AnswerLine)
        await until(pilot, lambda: not line.disabled and line.has_focus, "the answer box")
        drawn = re.search(r"x = tensor\((\[[^\]]*\])\)", prompt(app))
        assert drawn is not None and "randint" not in prompt(app)
        x = ast.literal_eval(drawn[1])
        right = [min(max(value, 2), 5) for value in x]
        await judged(pilot, str(right))
        assert "✓" in panel(app), panel(app)
        shown_before = prompt(app)
        await pilot.press("3")
        seed = stored(app)[-1]["seed"]
        assert stored(app)[-1]["givens"] == {"x": f"tensor({drawn[1]})"}

        # undo: the same values again, the same seed judged
        await until(pilot, lambda: screen.phase is ReviewStep.FRONT, "the flash card")
        await pilot.press("u")
        await until(pilot, lambda: screen.card is not None and screen.card.ref.card_id == "clamp")
        assert screen.card.presentation.seed == seed
        await until(pilot, lambda: prompt(app) == shown_before, "the same draw shown again")
