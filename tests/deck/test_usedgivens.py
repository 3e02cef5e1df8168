"""A card shows the deck's givens it names, with the givens those need, and its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.deck.model import (
    BLANK,
    CardKind,
    ChoiceCard,
    ClozeCard,
    CodeCard,
    Deck,
    FlashCard,
    Given,
    Location,
    OutputCard,
    Text,
)
from quiz.deck.usedgivens import names_in, used_given_names, used_givens

HERE = Location(Path("deck.yaml"), 1, 1)
PROMPT = Text.plain("What does this give?")


def deck(*givens: tuple[str, str]) -> Deck:
    return Deck(
        slug="d",
        title=Text.plain("D"),
        given=tuple(Given(name, expr) for name, expr in givens),
        location=HERE,
    )


def output(expr: str, *own: tuple[str, str], prompt: Text = PROMPT) -> OutputCard:
    return OutputCard(
        id="c",
        kind=CardKind.OUTPUT,
        prompt=prompt,
        expr=expr,
        given=tuple(Given(name, e) for name, e in own),
        location=HERE,
    )


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("(x * y).sum(dim=0)", {"x", "y"}),
        ("t.x + 1", {"t"}),  # an attribute is not the given x
        ("len('x') + len(\"y\")", {"len"}),  # nor is a string
        ("z = a @ b\nz.T", {"z", "a", "b"}),  # a short program
        (f"torch.{BLANK}(x, 2, 5)", {"torch", "x"}),  # a cloze template parses
        ("x +", {"x"}),  # text that does not parse: every identifier in it
        ("+0" * 200_000 + "+ w", {"w"}),  # too long to parse safely: read, never parsed
    ],
)
def test_names_in(source: str, names: set[str]) -> None:
    assert names_in(source) == names


def test_a_deck_given_the_card_does_not_name_is_left_out() -> None:
    shared = deck(("a", "torch.arange(6)"), ("b", "torch.ones(3)"))
    assert used_givens(shared, output("b.sum()")) == [("b", "torch.ones(3)")]
    assert used_givens(shared, output("torch.zeros(2)")) == []


def test_a_chain_of_givens_is_kept_whole_in_order() -> None:
    chained = deck(
        ("x", "torch.arange(4)"),
        ("unused", "torch.eye(2)"),
        ("y", "x * 2"),
        ("z", "y + 1"),
    )
    assert used_givens(chained, output("z.sum()")) == [
        ("x", "torch.arange(4)"),
        ("y", "x * 2"),
        ("z", "y + 1"),
    ]


def test_a_cards_own_givens_are_always_shown_and_bring_what_they_need() -> None:
    shared = deck(("x", "torch.arange(4)"), ("w", "torch.ones(2)"))
    card = output("torch.tensor(1)", ("y", "x[:2] * 2"))  # nothing in expr names y
    assert used_given_names(shared, card) == {"x", "y"}


def test_a_cards_given_replaces_the_decks_of_that_name() -> None:
    shared = deck(("x", "torch.arange(4)"), ("old", "torch.ones(1)"))
    card = output("x.sum()", ("x", "torch.zeros(3)"))
    assert used_givens(shared, card) == [("x", "torch.zeros(3)")]


def test_names_in_strings_and_attributes_do_not_count() -> None:
    shared = deck(("x", "torch.arange(4)"), ("shape", "(2, 2)"))
    assert used_givens(shared, output("torch.ones(3).shape, 'x'")) == []


def test_code_spans_of_the_prompt_name_givens_in_every_language() -> None:
    shared = deck(("x", "torch.arange(4)"), ("m", "torch.eye(3)"), ("q", "torch.ones(1)"))
    prompt = Text((("en", "Is `x.dtype` an integer type?"), ("zh", "`m` 是方阵吗？")))
    choice = ChoiceCard(
        id="c",
        kind=CardKind.CHOICE,
        prompt=prompt,
        options=("yes", "no"),
        answer=("yes",),
        location=HERE,
    )
    assert used_given_names(shared, choice) == {"x", "m"}


def test_every_kind_names_its_expressions() -> None:
    shared = deck(
        ("a", "torch.ones(2)"),
        ("b", "torch.ones(2)"),
        ("c", "torch.ones(2)"),
        ("d", "1"),
        ("e", "2"),
    )
    code = CodeCard(
        id="k",
        kind=CardKind.CODE,
        prompt=PROMPT,
        solution="a.sum()",
        require=("e",),  # the answer must use e: it is shown
        location=HERE,
    )
    cloze = ClozeCard(
        id="z",
        kind=CardKind.CLOZE,
        prompt=PROMPT,
        template=f"b.{BLANK}()",
        solution="sum",
        location=HERE,
    )
    flash = FlashCard(
        id="f",
        kind=CardKind.FLASH,
        front=Text.plain("What is it?"),
        back=Text.plain("It is."),
        demo="c * 2",
        location=HERE,
    )
    choice = ChoiceCard(
        id="o",
        kind=CardKind.CHOICE,
        prompt=PROMPT,
        options=("d + 1", "never, not Python"),
        answer=("d + 1",),
        location=HERE,
    )
    shown = {card.id: used_given_names(shared, card) for card in (code, cloze, flash, choice)}
    assert shown == {"k": {"a", "e"}, "z": {"b"}, "f": {"c"}, "o": {"d"}}
