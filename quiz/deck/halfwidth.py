"""Read what a Chinese input method types as the ASCII a learner meant.

With a Chinese IME switched on, the keys for ``,`` ``(`` ``[`` ``:`` and the digits give
their full-width forms (``，（［：`` ``３``), ``.`` gives ``。`` and ``[`` ``]`` often give
``【】``. Python reads none of them as punctuation, so ``[3，-4]`` would be unreadable.
Every kind of answer (a value, code, a fill, a choice) is passed through ``to_halfwidth``
before it is read. It maps characters one for one, so the offsets of an answer's text
stay the same; deck files are not changed (an author writes ASCII, and ``check`` says so).
"""

from __future__ import annotations

# The full-width forms of ASCII: U+FF01 '！' to U+FF5E '～' are U+0021 '!' to U+007E '~'.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_IME = {
    "\u3000": " ",  # ideographic space
    "。": ".",
    "、": ",",
    "【": "[",
    "】": "]",
    "《": "<",
    "》": ">",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "\u2212": "-",  # the minus sign, as copied from typeset text
}
TABLE = {**_FULLWIDTH, **{ord(key): value for key, value in _IME.items()}}


def to_halfwidth(text: str) -> str:
    """``text`` with full-width punctuation and digits (and an IME's 。、【】) as ASCII."""
    return text.translate(TABLE)
