"""Text that is safe to show: control and format characters written out as escapes.

Deck text and the values the sandbox prints come from strangers, and they end up on
a terminal, in the app, in an HTML report and in an Anki package. A raw ESC there can
clear the screen, retitle the window or fake a verdict; a bidi override reorders what
is read; a zero-width character makes two texts look the same. Every such character
is shown as its Python escape (``\\x1b``, ``\\u202e``), so it arrives as visible text.

The rule lives here, in the lowest layer and without torch or Textual, so the deck
loader (which refuses these characters), the sandbox worker (which escapes what it
prints) and every display (which escapes again) apply the same one.
"""

from __future__ import annotations

import unicodedata

# Cc: C0 controls, DEL and C1 controls (ESC, BEL, CR, the 8-bit CSI U+009B, ...);
# Cf: format characters (bidi overrides and isolates, zero-width characters, BOM, ...);
# Cs: lone surrogates (cannot even be encoded); Co: private use, no meaning to rely on;
# Zl, Zp: the Unicode line and paragraph separators, line breaks that are not '\n'.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
LINE_BREAKS = "\n\t"  # kept in multi-line text: a tensor prints on several lines


def is_unsafe(char: str, *, multiline: bool = True) -> bool:
    """Whether ``char`` must not reach a terminal as it is."""
    if multiline and char in LINE_BREAKS:
        return False
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def unsafe_character(text: str, *, multiline: bool = True) -> int | None:
    """Index of the first character of ``text`` that must not be shown raw, or None."""
    if _plainly_printable(text, multiline):
        return None
    for index, char in enumerate(text):
        if is_unsafe(char, multiline=multiline):
            return index
    return None


def printable(text: str, *, multiline: bool = True) -> str:
    """``text`` with every unsafe character written as its escape (``\\x1b``).

    ``multiline`` keeps newlines and tabs; otherwise they are escaped too, so the
    result is one line.
    """
    if _plainly_printable(text, multiline):
        return text
    return "".join(
        repr(char)[1:-1] if is_unsafe(char, multiline=multiline) else char for char in text
    )


def describe(char: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``, or ``U+001B`` for a character without a name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def _plainly_printable(text: str, multiline: bool) -> bool:
    """The fast path: ``str.isprintable`` is stricter than the rule (it also refuses spaces
    other than ' ' and unassigned characters), and runs at C speed on long reprs."""
    if multiline:
        text = text.replace("\n", "").replace("\t", "")
    return text.isprintable()


def printable_json(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with every unsafe character
    written as a JSON escape (``\\u001b``): the same data once parsed, safe on a terminal."""
    if _plainly_printable(text, True):
        return text
    return "".join(_json_escape(char) if is_unsafe(char) else char for char in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON writes characters past U+FFFF
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
