"""What a cloze fill may be: one piece of an expression, in its place in the template.

A fill is pasted into the template's blank and the whole is run, so a fill that ends in
``#`` would comment out the rest of ``torch.____(x, 2, 5)`` and leave a bare value to be
graded. The rule, for learners' fills and for a deck's solution and accept/reject
fills alike: one line of printable text, no comment, no ``;`` (templates, like any
expression field, may be short programs, and a ``;`` would add a statement of the fill's
own), and the template's own text
around the blank must read as it did (no quote or bracket in the fill may swallow it
or close what the template opened). A fill that keeps to its place but adds operators
(``clamp(x, 0, 1) + torch.zeros``) is an expression like any other: the whole template
runs, on every draw, and its value is what is judged.

This only reads tokens; running the filled template is the sandbox's job, and a fill
that leaves brackets open is reported by the parser as not an expression.
"""

from __future__ import annotations

import contextlib
import io
import tokenize
from collections.abc import Iterator

from quiz.deck.model import BLANK

RULE = "a fill is one piece of an expression: no comments or new lines"
OPENING, CLOSING = "([{", ")]}"
# Tokens that may run across the edge of the fill: it may finish a name or a number the
# template begins (``x.cl____`` filled with ``amp``), never a string or a comment.
JOINABLE = (tokenize.NAME, tokenize.NUMBER)


def fill_problem(template: str, fill: str) -> str | None:
    """Why ``fill`` is not one piece of an expression in ``template``'s blank, or None."""
    for char in fill:
        if not (char.isprintable() or char == " "):
            return f"{RULE} (it holds U+{ord(char):04X})"
    start = template.find(BLANK)
    if start < 0:
        return None
    end = start + len(fill)
    filled = template[:start] + fill + template[start + len(BLANK) :]
    tokens: list[tuple[int, str, int, int]] = []
    # Brackets or quotes left open stop the tokens early, and the parser says so, unless a
    # comment among the tokens read so far did it.
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        tokens.extend(_tokens(filled))
    depth = 0
    for kind, text, first, last in tokens:
        if last <= start or first >= end:
            continue  # the template's own text
        if kind == tokenize.COMMENT:
            if first < start:
                return "the blank is inside a comment"
            return f"{RULE} (it holds a # comment)"
        inside = start <= first and last <= end
        around = first < start and end < last  # the blank inside a string of the template
        if not (inside or around or kind in JOINABLE):
            return f"{RULE} (a quote in it runs on past the fill)"
        if inside and kind == tokenize.OP and text == ";":  # a template may be a program
            return f"{RULE} (it holds ';', which would start a statement of its own)"
        if inside and kind == tokenize.OP and text in OPENING + CLOSING:
            depth += 1 if text in OPENING else -1
            if depth < 0:
                return f"{RULE} (it closes a bracket it did not open)"
    return None


def _tokens(source: str) -> Iterator[tuple[int, str, int, int]]:
    """Each token as (type, text, start offset, end offset) in ``source``."""
    starts = [0]
    for line in io.StringIO(source).readlines():  # split as the tokenizer's readline splits
        starts.append(starts[-1] + len(line))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.ENDMARKER, tokenize.NEWLINE, tokenize.NL):
            continue
        (row, col), (end_row, end_col) = token.start, token.end
        yield token.type, token.string, starts[row - 1] + col, starts[end_row - 1] + end_col
