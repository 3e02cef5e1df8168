"""A card's question as Markdown: the prompt, then its givens and expression as Python.

Kept apart from the widgets so the text a learner reads is plain data, easy to test.
Code fences are tagged ``python`` so the Markdown widget highlights them. Deck text
is shown with control and format characters escaped (the loader refuses them already).
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

ANSWER_PLACEHOLDERS = {
    "output": "the value it gives, as torch prints it or as a list: [2, 5, 3]",
    "cloze": "what goes in the blank ____",
    "choice": "an option's number (or its text); several: 1, 3",
    "code": "an expression using the givens",
}


def _fence(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def givens_block(deck: Deck, card: AnyCard) -> str:
    givens = card_givens(deck, card)
    return _fence("\n".join(f"{name} = {expr}" for name, expr in givens)) if givens else ""


def question_markdown(deck: Deck, card: AnyCard, language: str = "en") -> str:
    """The front of ``card``: prompt, givens, and what to evaluate or the options."""
    if isinstance(card, FlashCard):
        parts = [card.front.get(language)]
    else:
        parts = [card.prompt.get(language)]
    givens = givens_block(deck, card)
    if givens:
        parts.append(givens)
    if isinstance(card, OutputCard):
        parts.append(_fence(card.expr))
    elif isinstance(card, ClozeCard):
        parts.append(_fence(card.template))
    elif isinstance(card, ChoiceCard):
        parts.append("\n".join(f"{i}. `{option}`" for i, option in enumerate(card.options, 1)))
    elif isinstance(card, CodeCard) and not givens:
        parts.append("*(no givens: any expression)*")
    return printable("\n\n".join(part for part in parts if part))


def back_markdown(card: FlashCard, language: str = "en") -> str:
    parts = [card.back.get(language)]
    if card.demo:
        parts.append(_fence(card.demo))
    return printable("\n\n".join(parts))
