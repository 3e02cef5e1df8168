"""A card's question as Markdown: the prompt, then its givens and expression as Python.

Kept apart from the widgets so the text a learner reads is plain data, easy to test.
Code fences are tagged ``python`` so the Markdown widget highlights them. Deck text
is shown with control and format characters escaped (the loader refuses them already).

A review's ``Presentation`` decides what varies: a fresh card shows the values drawn
for this review (as torch printed them) instead of the expressions that draw them, and
a choice card shows its options in the review's order, numbered as the learner types.
"""

from __future__ import annotations

from quiz.deck.model import (
    AnyCard,
    ChoiceCard,
    ClozeCard,
    CodeCard,
    Deck,
    FlashCard,
    OutputCard,
    card_givens,
)
from quiz.deck.printable import printable
from quiz.judge.presentation import PLAIN, Presentation

# What may be typed in the answer box, in the box itself: how the judge reads an output
# answer (quiz.judge.literal), a code answer (quiz.deck.exprsyntax: one expression, or a
# few lines whose last is the answer), a fill (quiz.deck.fills) and a choice. Each fits
# the box at 80 columns (70 cells). The app's other words are English; these follow the decks'
# language, since they are read with the card.
ANSWER_PLACEHOLDERS = {
    "en": {
        "output": "its value: [2, 5, 3] · tensor([2., 5.]) · 2.5 · True · RuntimeError",
        "code": "an expression of the givens, or lines ending in one (ctrl+j: new line)",
        "cloze": "what goes in the blank ____ (one piece of an expression)",
        "choice": "an option's number (or its text); several: 1, 3",
    },
    "zh": {
        "output": "它的值：[2, 5, 3] · tensor([2., 5.]) · 2.5 · True · RuntimeError",
        "code": "用给定变量写一个表达式，或几行、最后一行是表达式（ctrl+j 换行）",
        "cloze": "空白 ____ 处填的内容（表达式的一部分）",
        "choice": "选项的编号（或文字）；多个：1, 3",
    },
}
ANSWER_HELP = (  # the same, for the help screen
    "What to type: for an output card its value, as torch prints it or as a Python value "
    "([2, 5, 3], tensor([2., 5.]), 2.5, True, (2, 3), torch.float32, RuntimeError when it "
    "raises); for a code card an expression using the givens, or a few lines (ctrl+j) whose "
    "last is the expression; for a cloze card what goes in the blank; for a choice card the "
    "option's number or text (several: 1, 3)."
)


def answer_placeholder(kind: str, language: str = "en") -> str:
    """What the answer box of a ``kind`` card says may be typed, in ``language``."""
    return ANSWER_PLACEHOLDERS.get(language, ANSWER_PLACEHOLDERS["en"])[kind]


def _fence(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


DRAWING = "*(drawing fresh values…)*"
FRESH_NOTE = "*(fresh values at each review)*"


def assignment(name: str, printed: str) -> str:
    """``name = value``, a value printed over several lines kept aligned under its start."""
    indent = " " * (len(name) + 3)
    return f"{name} = " + printed.replace("\n", "\n" + indent)


def givens_block(deck: Deck, card: AnyCard, shown: Presentation = PLAIN) -> str:
    if card.varies and shown.givens:
        lines = [assignment(name, printed) for name, printed in shown.givens]
        return _fence("\n".join(lines)) + "\n\n" + FRESH_NOTE
    if card.varies and shown.awaiting_draw:
        return DRAWING
    givens = card_givens(deck, card)
    return _fence("\n".join(f"{name} = {expr}" for name, expr in givens)) if givens else ""


def options_markdown(card: ChoiceCard, shown: Presentation = PLAIN) -> str:
    """The options, numbered as shown; how many to choose when several are right."""
    order = shown.order or tuple(range(len(card.options)))
    lines = [f"{number}. `{card.options[index]}`" for number, index in enumerate(order, 1)]
    if len(card.answer) > 1:
        lines.append(
            f"\n*({len(card.answer)} options are right: type every one, separated by commas)*"
        )
    return "\n".join(lines)


def question_markdown(
    deck: Deck, card: AnyCard, language: str = "en", shown: Presentation = PLAIN
) -> str:
    """The front of ``card`` as ``shown``: prompt, givens, and what to evaluate or the options."""
    if isinstance(card, FlashCard):
        parts = [card.front.get(language)]
    else:
        parts = [card.prompt.get(language)]
    givens = givens_block(deck, card, shown)
    if givens:
        parts.append(givens)
    if isinstance(card, OutputCard):
        parts.append(_fence(card.expr))
    elif isinstance(card, ClozeCard):
        parts.append(_fence(card.template))
    elif isinstance(card, ChoiceCard):
        parts.append(options_markdown(card, shown))
    elif isinstance(card, CodeCard) and not givens:
        parts.append("*(no givens: any expression)*")
    return printable("\n\n".join(part for part in parts if part))


def back_markdown(card: FlashCard, language: str = "en") -> str:
    parts = [card.back.get(language)]
    if card.demo:
        parts.append(_fence(card.demo))
    return printable("\n\n".join(parts))
