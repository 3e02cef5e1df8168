"""Deck text as the HTML an Anki note holds: Markdown rendered, everything else escaped.

Why it exists: card text is Markdown (code in backticks, emphasis, lists), and Anki
shows a field as HTML, so the text must be rendered before it goes into a note, or
the learner reads backticks. It is rendered by markdown-it-py, the parser the app's
Markdown widget uses, so a card reads the same in Anki as in the app. Decks come from
strangers and Anki shows notes in a web view: raw HTML in the text is escaped, never
passed through; links and images are not made (a link stays its source text, and an
image could fetch a URL whenever the card is shown); and text cannot form Anki's own
tags (``[sound:...]``, ``[latex]``, ``[$]``): their ``[`` is written as an entity.

Which givens a note shows is the review screen's rule, ``quiz.deck.usedgivens``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache

from markdown_it import MarkdownIt

from quiz.deck.model import (
    Text,
)
from quiz.deck.printable import printable

# Language choices of `torch-quiz export --format apkg --language`.
BOTH = "both"


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["html_inline", "html_block", "link", "image", "autolink"])
    return md.enable(["table", "strikethrough"])


# Anki reads these in a shown card's HTML: a sound file to play, LaTeX to run, speech
_ANKI_TAG = re.compile(r"\[(?=sound:|anki:|/?latex\]|/?\$\$?\])", re.IGNORECASE)


def _anki_safe(rendered: str) -> str:
    """No text may open one of Anki's own tags: its ``[`` becomes an entity."""
    return _ANKI_TAG.sub("&#91;", rendered)


def markdown_html(text: str) -> str:
    """``text`` (Markdown) as HTML: control characters made visible, raw HTML escaped."""
    return _anki_safe(_parser().render(printable(text)).strip())


def code_html(code: str) -> str:
    """Code as the inside of a ``<pre>``: escaped, line breaks as ``<br>`` (as Anki keeps
    them)."""
    return _anki_safe(html.escape(printable(code)).replace("\n", "<br>"))


def plain_html(text: str) -> str:
    """One-line text (a deck name, a tag): control characters made visible, escaped."""
    return html.escape(printable(text, multiline=False))


def export_languages(choice: str, learner: str, known: Sequence[str]) -> tuple[str, ...]:
    """The languages a note shows, first the one it leads with: ``choice`` is a language
    or ``both`` (the learner's language, then the others)."""
    if choice == BOTH:
        return (learner, *(language for language in known if language != learner))
    return (choice,)


def texts(text: Text, languages: Sequence[str]) -> list[tuple[str, str]]:
    """``text`` in ``languages`` as (language, text): those it is written in, in that
    order, each different text once; when it has none of them, the app's fallback."""
    written = dict(text.variants)
    shown: list[tuple[str, str]] = []
    for language in languages:
        if language in written and written[language] not in (t for _, t in shown):
            shown.append((language, written[language]))
    if not shown:
        fallback = text.get(languages[0])
        shown.append((next(lang for lang, t in text.variants if t == fallback), fallback))
    return shown


def text_html(text: Text, languages: Sequence[str]) -> str:
    """A Markdown text in ``languages``, each in a ``<div lang>`` of its own."""
    return "".join(
        f'<div lang="{language}">{markdown_html(part)}</div>'
        for language, part in texts(text, languages)
    )
