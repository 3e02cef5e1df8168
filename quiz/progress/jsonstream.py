"""Reading one large JSON object member by member, and an array member element by element.

Why it exists: a json export holds a million reviews, and ``json.load`` would build
them all at once (7 GB for a 660 MB file). :class:`ObjectReader` walks the top-level
object of a UTF-8 file and hands out each member's value whole, or an array's
elements one at a time, so memory stays at one chunk of the file plus one element.
Each value is decoded by the standard library's own decoder
(``json.JSONDecoder.raw_decode``, the C scanner behind ``json.loads``), so values
(NaN, big integers), problems and their line and column are those ``json.loads``
would give; a streaming parser such as ijson was not used because it refuses NaN and
integers beyond 64 bits, which would change what import accepts and says.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO, NoReturn

CHUNK = 1 << 20
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
# A value cut by the end of the buffer fails, or (a number) stops, within this many
# characters of it ("-Infinity" is the longest token, "\uXXXX" the longest escape); a
# cut string fails at its start, as "Unterminated string".
_NEAR_END = 16


class JSONStreamError(ValueError):
    """Not valid JSON: ``message`` at ``line`` and ``column`` (1-based, as ``json`` counts)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


class ObjectReader:
    """The top-level JSON object of ``handle`` (a binary file), read front to back once.

    Iterate :meth:`members` for the keys; after each key, read its value with
    :meth:`value` or :meth:`elements`, or leave it and it is skipped. Reading past
    the object checks that nothing but whitespace follows it. Invalid UTF-8 raises
    ``UnicodeDecodeError``; anything else that is not JSON raises
    :class:`JSONStreamError`.
    """

    def __init__(self, handle: BinaryIO, chunk: int = CHUNK) -> None:
        self._handle = handle
        self._chunk = chunk
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._base = 0  # characters dropped from the front of _buf
        self._lines = 0  # newlines among them
        self._last_newline = -1  # the last one's character offset
        self._consumed = True

    # -- the object ------------------------------------------------------------------

    def is_empty(self) -> bool:
        """Whether the file holds nothing but whitespace."""
        return self._peek() == ""

    def is_object(self) -> bool:
        return self._peek() == "{"

    def members(self) -> Iterator[str]:
        """Each key of the object, in file order; then checks the end of the file."""
        self._expect("{", "Expecting value")
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                if self._peek() != '"':
                    self._fail("Expecting property name enclosed in double quotes")
                key = self._decode()
                self._expect(":", "Expecting ':' delimiter")
                self._consumed = False
                yield key
                if not self._consumed:
                    self.skip()
                if not self._separator("}"):
                    break
        self.finish()

    def is_array(self) -> bool:
        """Whether the value about to be read is an array."""
        return self._peek() == "["

    def value(self) -> Any:
        """The current member's value, whole."""
        self._consumed = True
        self._peek()
        return self._decode()

    def elements(self) -> Iterator[Any]:
        """The current member's value, an array (see :meth:`is_array`), element by element."""
        self._consumed = True
        self._expect("[", "Expecting value")
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            self._peek()
            yield self._decode()
            if not self._separator("]"):
                return

    def skip(self) -> None:
        """Read past the current member's value without keeping it."""
        if self.is_array():
            for _ in self.elements():
                pass
        else:
            self.value()

    def finish(self) -> None:
        """Check that nothing but whitespace follows the value just read."""
        if self._peek() != "":
            self._fail("Extra data")

    # -- characters ------------------------------------------------------------------

    def _separator(self, close: str) -> bool:
        """After an item: True at a comma (more items follow), False at ``close``."""
        char = self._peek()
        if char != close and char != ",":
            self._fail("Expecting ',' delimiter")
        self._pos += 1
        return char == ","

    def _decode(self) -> Any:
        """The value starting at the current position (no whitespace before it)."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                cut = error.pos >= len(self._buf) - _NEAR_END or error.msg.startswith(
                    "Unterminated string"
                )
                if cut and self._more():
                    continue
                self._fail(error.msg, error.pos)
            except (ValueError, RecursionError) as error:  # a number of over 4,300 digits,
                self._fail(str(error).split(";")[0])  # or arrays nested too deep
            # A number ending near the end of the buffer may go on in the next chunk.
            if end > len(self._buf) - _NEAR_END and self._more():
                continue
            self._pos = end
            return value

    def _peek(self) -> str:
        """The next character that is not whitespace ('' at the end of the file)."""
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf) or not self._more():
                return self._buf[self._pos : self._pos + 1]

    def _expect(self, char: str, message: str) -> None:
        if self._peek() != char:
            self._fail(message)
        self._pos += 1

    def _more(self) -> bool:
        """Append the next chunk, dropping what was read; False at the end of the file."""
        if self._eof:
            return False
        # Read at least what is held, so one long value is re-scanned a few times, not once a chunk.
        data = self._handle.read(max(self._chunk, len(self._buf) - self._pos))
        if not data:
            self._eof = True
            self._utf8.decode(b"", final=True)  # a character cut short at the end
            return False
        done = self._buf[: self._pos]
        newlines = done.count("\n")
        if newlines:
            self._lines += newlines
            self._last_newline = self._base + done.rindex("\n")
        self._base += self._pos
        self._buf = self._buf[self._pos :] + self._utf8.decode(data)
        self._pos = 0
        return True

    def _fail(self, message: str, pos: int | None = None) -> NoReturn:
        at = self._pos if pos is None else pos
        line = self._lines + self._buf.count("\n", 0, at) + 1
        newline = self._buf.rfind("\n", 0, at)
        start = self._base + newline if newline >= 0 else self._last_newline
        raise JSONStreamError(message, line, self._base + at - start)
