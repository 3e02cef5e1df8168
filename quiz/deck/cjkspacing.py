"""Spaces that do not belong in Chinese (and Japanese) text, for ``check`` to report.

Chinese puts no space between two characters, nor beside full-width punctuation, which
carries its own space. The slip comes from YAML rather than from authors: a folded block
(``>``) turns every line break into a space, so a line of Chinese wrapped in the middle
of a phrase reads "放宽终点 才能包含" on the review screen. A space between Chinese and
Latin text ("用 gather 取出") is a matter of style and is left alone.

Only deck text is looked at (titles, descriptions, prompts, explanations, hints, the
faces of flash cards and options), read from the raw data so that each problem has a
data path; the loader locates them. Korean is not included: it spaces its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from quiz.deck.rules import RuleProblem
from quiz.deck.yamlsource import DataPath

_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"  # Han, kana
# CJK symbols and punctuation (、。「」《》…) and the full-width forms (，：；（）！？).
_FULL_WIDTH = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_SLIP = re.compile(
    rf"(?P<between>(?<=[{_IDEOGRAPH}])[ \t]+(?=[{_IDEOGRAPH}]))"
    rf"|(?P<after>(?<=[{_FULL_WIDTH}])[ \t]+)"
    rf"|(?P<before>[ \t]+(?=[{_FULL_WIDTH}]))"
)
_WHAT = {
    "between": "a space between two Chinese characters",
    "after": "a space after full-width punctuation",
    "before": "a space before full-width punctuation",
}
DECK_TEXT = ("title", "description")
CARD_TEXT = ("prompt", "explain", "hint", "front", "back", "options")


def spacing_problem(text: str) -> tuple[int, str] | None:
    """The first space in ``text`` that Chinese typography has no place for, as its offset
    and a message quoting the text around it."""
    slips = list(_SLIP.finditer(text))
    if not slips:
        return None
    start, end = slips[0].span()
    around = text[max(0, start - 6) : end + 6].replace("\n", " ")
    more = f" (and {len(slips) - 1} more in this text)" if len(slips) > 1 else ""
    return start, (
        f"{_WHAT[slips[0].lastgroup or 'between']} ('{around}'){more}: Chinese text takes "
        "none there. In a folded block (>) every line break becomes a space: break the line "
        "beside Latin text instead, or join the lines"
    )


def text_spacing(data: Any) -> Iterator[RuleProblem]:
    """The spacing problems in the text of a deck's raw data, one per text at most."""
    if not isinstance(data, dict):
        return
    for key in DECK_TEXT:
        yield from _texts((key,), data.get(key))
    cards = data.get("cards")
    if not isinstance(cards, list):
        return
    for index, card in enumerate(cards):
        if isinstance(card, dict):
            for key in CARD_TEXT:
                yield from _texts(("cards", index, key), card.get(key))


def _texts(at: DataPath, value: Any) -> Iterator[RuleProblem]:
    if isinstance(value, str):
        problem = spacing_problem(value)
        if problem is not None:
            yield RuleProblem(at, problem[1], problem[0])
    elif isinstance(value, dict):
        for language, text in value.items():
            if isinstance(language, str):
                yield from _texts((*at, language), text)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts((*at, index), item)
