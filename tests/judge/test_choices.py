"""Choice answers as learners type them: whole sets, shown numbers, text matched loosely.

No torch runs here: a choice card is judged by reading what was typed. Numbers are the
file's unless a presentation (the review screen's shuffled order) says otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.deck.loader import load_deck
from quiz.deck.model import ChoiceCard, Deck
from quiz.judge.choice import judge_choice, normal
from quiz.judge.presentation import Presentation
from quiz.judge.verdict import Outcome

R, W, INV = Outcome.RIGHT, Outcome.WRONG, Outcome.INVALID

DECK = r"""
deck: choices
title: Choices
cards:
  - id: shape
    kind: choice
    prompt: Which shape does the broadcast give?
    options: ["[1, 6, 1]", "[6, 1]", "(2，3)", "an error"]
    answer: "[1, 6, 1]"
  - id: views
    kind: choice
    prompt: Which return views?
    options: [x.view(6), x.clone(), x.t(), x.contiguous().tolist()]
    answer: [x.view(6), x.t()]
  - id: commas
    kind: choice
    prompt: Which join along a new dimension?
    options: ["torch.stack([a, b])", "torch.cat([a, b])", "torch.stack((a, b), dim=1)", "a + b"]
    answer: ["torch.stack([a, b])", "torch.stack((a, b), dim=1)"]
  - id: words
    kind: choice
    prompt: What does x.is_leaf say for a tensor made by the user?
    options: [x is a leaf, x is not a leaf, all of the above]
    answer: x is a leaf
    pin: [all of the above]
"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Deck:
    path: Path = tmp_path_factory.mktemp("choices") / "choices.yaml"
    path.write_text(DECK, encoding="utf-8")
    loaded = load_deck(path)
    assert loaded.deck is not None, [str(d) for d in loaded.diagnostics]
    return loaded.deck


def _card(deck: Deck, card_id: str) -> ChoiceCard:
    card = deck.card(card_id)
    assert isinstance(card, ChoiceCard)
    return card


FILE_ORDER = [
    # option text, spacing and full-width forms normalised
    ("shape", "[1,6,1]", R, "right"),  # issue: not matched to [1, 6, 1] before
    ("shape", "[1, 6, 1]", R, "right"),
    ("shape", " [ 1 , 6 , 1 ] ", R, "right"),
    ("shape", "［1，6，1］", R, "right"),  # a Chinese IME's brackets and comma
    ("shape", "(2,3)", W, "3 is not right"),  # an option written full-width
    ("shape", "（2，3）", W, "3 is not right"),
    ("shape", "AN  ERROR", W, "4 is not right"),
    ("shape", "anerror", INV, "not one of the options"),  # words stay apart
    ("shape", "1", R, "right"),
    ("shape", "１", R, "right"),  # a full-width digit
    ("shape", "2", W, "the answer is 1"),
    ("shape", "5", INV, "there is no option 5: choose 1–4"),
    ("shape", "0", INV, "there is no option 0"),
    ("shape", "", INV, "type an option's number"),
    ("shape", " , ", INV, "type an option's number"),
    ("shape", "1²", INV, "not one of the options"),
    ("shape", "9" * 5000, INV, "there is no option 999999999…"),
    # several right options: exactly that set
    ("views", "1", W, "3 is right too: this card needs every right option"),
    ("views", "x.t()", W, "1 is right too"),
    ("views", "1, 3", R, "right"),
    ("views", "1 3", R, "right"),
    ("views", "3,1", R, "right"),
    ("views", "3 , 1", R, "right"),
    ("views", "1，3", R, "right"),
    ("views", "1、3", R, "right"),
    ("views", "1, 3,", R, "right"),
    ("views", "1, 1, 3", R, "right"),
    ("views", "x.view(6), x.t()", R, "right"),
    ("views", "X.T(), 1", R, "right"),  # text and numbers together
    ("views", "1, 2, 3", W, "2 is not right"),
    ("views", "1, 2", W, "2 is not right; the answer is 1 and 3"),
    ("views", "2, 4", W, "2 and 4 are not right"),
    ("views", "1 3 5", INV, "there is no option 5"),
    # options holding commas can be typed, alone or in a list
    ("commas", "torch.stack([a, b]), torch.stack((a, b), dim=1)", R, "right"),
    ("commas", "torch.stack((a,b),dim=1),torch.stack([a,b])", R, "right"),
    ("commas", "torch.stack([a, b]), 3", R, "right"),
    ("commas", "torch.stack([a, b])", W, "3 is right too"),
    ("commas", "torch.cat([a, b])", W, "2 is not right"),
    ("commas", "torch.stack([a, b]), a + b", W, "4 is not right"),
    ("commas", "torch.stack([a, c])", INV, "not one of the options"),
    # words keep their spaces
    ("words", "x is a leaf", R, "right"),
    ("words", "X  IS A LEAF", R, "right"),
    ("words", "x is not a leaf", W, "2 is not right"),
]


@pytest.mark.parametrize(("card_id", "typed", "outcome", "words"), FILE_ORDER)
def test_in_file_order(deck: Deck, card_id: str, typed: str, outcome: Outcome, words: str):
    verdict = judge_choice(_card(deck, card_id), typed)
    assert verdict.outcome is outcome, verdict.summary
    assert words in verdict.summary, verdict.summary


# The review screen showed `views` as 1. x.t()  2. x.contiguous().tolist()  3. x.view(6)
# 4. x.clone(): the numbers typed and named are the ones on screen.
SHOWN = Presentation(order=(2, 3, 0, 1))

ON_SCREEN = [
    ("1, 3", R, "right", "1 «x.t()»\n3 «x.view(6)»"),
    ("3 1", R, "right", "1 «x.t()»\n3 «x.view(6)»"),
    ("1, 2", W, "2 is not right; the answer is 1 and 3",
     "1 «x.t()»\n2 «x.contiguous().tolist()»"),
    ("3", W, "1 is right too", "3 «x.view(6)»"),
    ("x.view(6), x.t()", R, "right", "1 «x.t()»\n3 «x.view(6)»"),
    ("4", W, "4 is not right", "4 «x.clone()»"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "outcome", "words", "got"), ON_SCREEN)
def test_numbers_are_the_ones_on_screen(
    deck: Deck, typed: str, outcome: Outcome, words: str, got: str
):
    verdict = judge_choice(_card(deck, "views"), typed, SHOWN)
    assert verdict.outcome is outcome, verdict.summary
    assert words in verdict.summary
    assert verdict.got == got
    assert verdict.expected == "1 «x.t()»\n3 «x.view(6)»"


def test_the_same_typing_means_other_options_in_another_order(deck: Deck):
    card = _card(deck, "views")
    assert judge_choice(card, "1, 3").correct
    assert not judge_choice(card, "1, 3", Presentation(order=(1, 0, 2, 3))).correct
    assert judge_choice(card, "2, 3", Presentation(order=(1, 0, 2, 3))).correct


def test_normal_forms():
    assert normal("［1，6，1］") == normal("[1, 6, 1]") == "[1,6,1]"
    assert normal("x  is\tNone") == "x is none"
    assert normal("a + b") == normal("a+b")
    assert normal("ａ　＋　ｂ") == "a+b"  # full-width letters and an ideographic space


def test_an_option_is_set_apart_from_the_sentence(deck: Deck):
    """The summary names options by number; their texts stand in expected and yours, once
    each (a long option was read three times: in the sentence, expected and yours)."""
    verdict = judge_choice(_card(deck, "words"), "2")
    assert verdict.summary == "2 is not right; the answer is 1"
    assert (verdict.expected, verdict.got) == ("1 «x is a leaf»", "2 «x is not a leaf»")
    too = judge_choice(_card(deck, "views"), "x.t()")
    assert too.summary == "1 is right too: this card needs every right option"
    assert "x.view(6)" not in too.summary and "1 «x.view(6)»" in (too.expected or "")


def test_several_picks_holding_commas_are_never_joined_with_commas(deck: Deck):
    verdict = judge_choice(_card(deck, "commas"), "torch.cat([a, b]), a + b, 1")
    assert verdict.got is not None and verdict.expected is not None
    assert verdict.got.splitlines() == [
        "1 «torch.stack([a, b])»",
        "2 «torch.cat([a, b])»",
        "4 «a + b»",
    ]
    assert verdict.expected.splitlines() == [
        "1 «torch.stack([a, b])»",
        "3 «torch.stack((a, b), dim=1)»",
    ]
    assert verdict.summary == "2 and 4 are not right; the answer is 1 and 3"
