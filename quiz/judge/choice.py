"""Judging a choice card: which options the learner typed, and whether they are the set.

A learner types numbers ("2", "1, 3", "1 3", "3,1") or options' text. Numbers are the
ones on screen: the review screen shuffles the options, so a ``Presentation`` maps them
back to the file's order; without one (deck files, ``check``, ``torch-quiz grade``) they
are the file's numbers. Text is matched loosely in form and strictly in content: case,
full-width forms from a Chinese IME (``，`` ``（`` ``１``) and spacing around punctuation
are normalised, so ``[1,6,1]`` is the option ``[1, 6, 1]``; an option holding commas
(``torch.cat(a, b)``) can be typed, alone or in a list. A card with several right
options is right only when exactly that set is typed. The verdict quotes each option
it names (:func:`quoted`).
"""

from __future__ import annotations

import re

from quiz.deck.halfwidth import to_halfwidth
from quiz.deck.model import ChoiceCard
from quiz.judge.presentation import Presentation
from quiz.judge.verdict import Outcome, Verdict

_SPACE_BY_PUNCTUATION = re.compile(r" (?=\W)|(?<=\W) ")


def normal(text: str) -> str:
    """``text`` as options are compared: an IME's full-width forms as ASCII (``，`` ``、``
    ``１``), casefolded, spaces kept only between two word characters (``x is None``)."""
    text = to_halfwidth(text).casefold()
    return _SPACE_BY_PUNCTUATION.sub("", " ".join(text.split()))


def read_choice(card: ChoiceCard, answer: str, shown: Presentation | None = None) -> set[int] | str:
    """The file indexes of the options chosen, or a message saying what to type."""
    shown = shown or Presentation()
    count = len(card.options)
    by_text = {normal(option): index for index, option in enumerate(card.options)}
    text = normal(answer)
    if not text:
        return f"type an option's number (1–{count}) or its text"
    if text in by_text:
        return {by_text[text]}
    pieces = text.split(",")
    chosen: set[int] = set()
    start = 0
    while start < len(pieces):
        # The longest run of pieces that is an option's text: options may hold commas.
        for end in range(len(pieces), start, -1):
            joined = ",".join(pieces[start:end])
            if joined in by_text:
                chosen.add(by_text[joined])
                start = end
                break
        else:
            piece = pieces[start].strip()
            start += 1
            if not piece:
                continue  # "1, 3," or "1,,3"
            numbers = piece.split()
            if not all(number.isdecimal() for number in numbers):  # not isdigit: '²'
                return (
                    f"'{piece}' is not one of the options: type its number (1–{count}) or its text"
                )
            for number in numbers:
                value = int(number) if len(number) <= 9 else 0  # int() refuses 4,300 digits
                if not 1 <= value <= count:
                    cut = number if len(number) <= 9 else f"{number[:9]}…"
                    return f"there is no option {cut}: choose 1–{count}"
                chosen.add(shown.file_index(value))
    if not chosen:
        return f"type an option's number (1–{count}) or its text"
    return chosen


def quoted(number: int, option: str) -> str:
    """An option as ``expected`` / ``got`` show it: its number on screen and its text set
    apart in guillemets (``2 «sigmoid is not differentiable at 0»``), one option per line,
    so options holding commas or brackets stay whole. The summary names options by number
    alone ("3 is not right; the answer is 4"), so a long option is not read three times."""
    return f"{number} «{option}»"


def judge_choice(card: ChoiceCard, answer: str, shown: Presentation | None = None) -> Verdict:
    """Right when exactly the right options are chosen; options named by the numbers shown."""
    shown = shown or Presentation()
    chosen = read_choice(card, answer, shown)
    if isinstance(chosen, str):
        return Verdict(Outcome.INVALID, chosen)
    right = {card.options.index(option) for option in card.answer}

    def each(indexes: set[int]) -> list[str]:
        ordered = sorted(indexes, key=shown.shown_number)
        return [quoted(shown.shown_number(i), card.options[i]) for i in ordered]

    def named(indexes: set[int]) -> str:  # numbers only: expected / yours quote the texts
        return " and ".join(str(n) for n in sorted(shown.shown_number(i) for i in indexes))

    expected, got = "\n".join(each(right)), "\n".join(each(chosen))
    if chosen == right:
        return Verdict(Outcome.RIGHT, "right", expected=expected, got=got)
    wrong = chosen - right
    if not wrong:
        verb = "is" if len(right - chosen) == 1 else "are"
        summary = f"{named(right - chosen)} {verb} right too: this card needs every right option"
        return Verdict(Outcome.WRONG, summary, expected=expected, got=got)
    verb = "is" if len(wrong) == 1 else "are"
    summary = f"{named(wrong)} {verb} not right; the answer is {named(right)}"
    return Verdict(Outcome.WRONG, summary, expected=expected, got=got)
