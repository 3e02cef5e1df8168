"""The review screen's shape: card, answer box, verdict and ratings kept together, code
wrapped instead of cut, and only the givens a card uses shown on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownFence

from quiz.deck.model import CardKind, Given, Location, OutputCard, Text
from quiz.deck.model import Deck as DeckModel
from quiz.judge.presentation import Presentation
from quiz.ui.answer import AnswerLine
from quiz.ui.review import MIN_VERDICT_ROWS, ReviewStep, only_used_givens, share_rows
from quiz.ui.verdict import RatingBar, VerdictPanel

from .pilots import launched, until

DEMO = (
    "(torch.autograd.grad(torch.sigmoid(x).sum(), x)[0], "
    "torch.autograd.grad(torch.tanh(x).sum(), x)[0])"
)

DECK = f"""\
deck: shape
title: Shape
given:
  a: torch.arange(6).reshape(2, 3)
  b: a * 2
  unused: torch.eye(3)
cards:
  - id: grid
    kind: output
    prompt: What does this give?
    expr: torch.arange(120).reshape(12, 10)
  - id: doubled
    kind: output
    prompt: What does this give?
    expr: b.sum(dim=0)
  - id: ranges-flash
    kind: flash
    front: Give the largest derivative of sigmoid and tanh.
    back: 0.25 for sigmoid and 1 for tanh, both at 0.
    given: {{x: "torch.tensor([0.], requires_grad=True)"}}
    demo: {DEMO}
"""


@pytest.fixture
def shape_app(app_factory, deck_folder: Path):
    (deck_folder / "shape.yaml").write_text(DECK, encoding="utf-8")
    return lambda: app_factory(review=["shape"])


def prompt(app) -> str:
    return app.screen.query_one("#prompt", Markdown).source


async def judged(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    screen = pilot.app.screen
    await until(pilot, lambda: screen.phase is not ReviewStep.JUDGING, "the verdict")


async def skip(pilot) -> None:
    """Bury the card shown (Tab leaves the answer box first)."""
    screen = pilot.app.screen
    shown = screen.card
    await pilot.press("tab", "b")
    await until(pilot, lambda: screen.card is not shown, "the next card")


async def test_card_answer_verdict_and_ratings_sit_together(shape_app):
    app = shape_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        card = screen.query_one("#card", VerticalScroll)
        line = screen.query_one(AnswerLine)
        await until(pilot, lambda: "arange(120)" in prompt(app), "the question")
        await until(pilot, lambda: card.region.height == card.virtual_size.height, "the fit")
        assert line.region.y == card.region.bottom  # no empty rows under the question
        await judged(pilot, "[[0, 1], [2, 3]]")
        panel = screen.query_one(VerdictPanel)
        ratings = screen.query_one(RatingBar)
        await until(pilot, lambda: panel.max_scroll_y == 0, "the verdict fitting")
        assert panel.region.y == line.region.bottom
        assert ratings.region.y == panel.region.bottom
        # the 12 rows of the expected tensor are all shown: the verdict took the free rows
        assert panel.region.height >= 12 + 2 + 1
        assert line.region.y == card.region.bottom


async def test_a_long_verdict_leaves_the_question_its_share_and_scrolls(shape_app):
    app = shape_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await launched(pilot)
        await judged(pilot, "[[0, 1], [2, 3]]")
        screen = app.screen
        panel = screen.query_one(VerdictPanel)
        ratings = screen.query_one(RatingBar)
        column = screen.query_one("#study")
        await until(pilot, lambda: panel.max_scroll_y > 0, "the verdict scrolling")
        assert ratings.region.bottom <= column.region.bottom  # the ratings stay on screen
        assert panel.region.height >= MIN_VERDICT_ROWS


async def test_only_the_givens_a_card_names_are_shown(shape_app):
    app = shape_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await until(pilot, lambda: "arange(120)" in prompt(app), "the first card")
        assert " = " not in prompt(app)  # it names no given: none is shown
        await skip(pilot)
        await until(pilot, lambda: "b.sum" in prompt(app), "the second card")
        shown = prompt(app)
        assert "a = torch.arange(6)" in shown and "b = a * 2" in shown  # b needs a
        assert "unused" not in shown


async def test_a_long_demo_line_wraps_instead_of_being_cut(shape_app):
    app = shape_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await launched(pilot)
        await skip(pilot)
        await skip(pilot)
        screen = app.screen
        await pilot.press("space")
        await until(pilot, lambda: screen.phase is ReviewStep.BACK, "the back")
        back = screen.query_one("#back", Markdown)
        await until(pilot, lambda: back.query(MarkdownFence), "the demo's code")
        fence = back.query_one(MarkdownFence)
        await until(pilot, lambda: fence.region.height > 0, "the demo laid out")
        assert fence.max_scroll_x == 0  # nothing past the edge
        assert fence.region.right <= screen.region.right
        assert fence.virtual_size.height >= 2  # the line wrapped


@pytest.mark.parametrize(
    ("free", "question", "verdict", "shares"),
    [
        (20, 5, 8, (12, 8)),  # both fit: the question may grow into what the verdict leaves
        (20, 30, 0, (20, 0)),  # no verdict: the question may take every row
        (20, 5, 40, (5, 15)),  # a short question stays whole; the verdict takes the rest
        (20, 30, 40, (12, 8)),  # both long: the question keeps its share
        (5, 30, 40, (1, MIN_VERDICT_ROWS)),  # a tiny terminal still shows some verdict
        (-3, 4, 4, (1, MIN_VERDICT_ROWS)),
    ],
)
def test_share_rows(free: int, question: int, verdict: int, shares: tuple[int, int]) -> None:
    assert share_rows(free, question, verdict) == shares


def test_a_fresh_draw_shows_only_the_used_givens() -> None:
    here = Location(Path("d.yaml"), 1, 1)
    deck = DeckModel(
        slug="d",
        title=Text.plain("D"),
        given=(Given("n", "4"), Given("noise", "torch.randn(2)")),
        location=here,
    )
    card = OutputCard(
        id="c",
        kind=CardKind.OUTPUT,
        prompt=Text.plain("?"),
        expr="x[:n]",
        fresh=True,
        given=(Given("x", "torch.randint(0, 9, (n,))"),),
        location=here,
    )
    drawn = Presentation(seed=3, givens=(("n", "4"), ("noise", "tensor([0.1, 0.2])"), ("x", "…")))
    shown_deck, shown = only_used_givens(deck, card, drawn)
    assert [given.name for given in shown_deck.given] == ["n"]
    assert [name for name, _ in shown.givens] == ["n", "x"]
    assert shown.seed == 3
