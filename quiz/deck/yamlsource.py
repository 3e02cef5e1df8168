"""Read a deck file into plain data plus a map of where every key and item was written.

Deck files come from strangers, so this is defensive: a size cap before reading,
UTF-8 only, the safe libyaml parser, no aliases (no billion-laughs expansion), no
tags beyond plain data, a nesting cap, and duplicate keys reported instead of
silently dropped. Scalars are kept as the author typed them (``yes`` stays the text
"yes", ``1.0e-4`` keeps its digits) except in the few numeric fields, because
almost everything in a deck is text or a torch expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quiz.deck.diagnostics import DeckError, Diagnostic
from quiz.deck.printable import describe, unsafe_character

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 16
NUMERIC_KEYS = frozenset({"trials", "atol", "rtol", "format"})  # and each item of ``scale``
BOOLEAN_KEYS = frozenset({"fresh", "shuffle"})  # only `true` and `false` are read as such

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = {
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_NULLS = {"", "~", "null", "Null", "NULL"}

DataPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ValueMark:
    line: int  # 1-based
    col: int  # 1-based
    plain_one_line: bool  # the text on disk is exactly the scalar's value


@dataclass
class SourceMap:
    """Positions of keys and values, by data path such as ``("cards", 3, "expr")``.

    ``problems`` are what was wrong with the file below the YAML syntax (a duplicate key,
    a tag, a control character): the data was still read, so the loader checks the rest
    of it too, and ``broken`` holds the data paths those problems are at.
    """

    path: Path
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    values: dict[DataPath, ValueMark] = field(default_factory=dict)
    ends: dict[DataPath, tuple[int, int]] = field(default_factory=dict)  # of each card, exclusive
    problems: list[Diagnostic] = field(default_factory=list)
    broken: set[DataPath] = field(default_factory=set)

    def key(self, data_path: DataPath) -> tuple[int, int]:
        """Where the key (or list item) at ``data_path`` starts, or its nearest ancestor."""
        for end in range(len(data_path), -1, -1):
            found = self.keys.get(data_path[:end])
            if found:
                return found
        return (1, 1)

    def value(self, data_path: DataPath) -> ValueMark | None:
        return self.values.get(data_path)

    def diagnostic(self, data_path: DataPath, message: str) -> Diagnostic:
        line, col = self.key(data_path)
        return Diagnostic(self.path, line, col, message)


def read_deck_file(path: Path) -> tuple[Any, SourceMap]:
    """Parse ``path`` into plain data and its source map, or raise ``DeckError`` when it
    cannot be read as YAML at all. Problems in data that could be read are in
    ``source.problems``."""
    text = _read_text(path)
    source = SourceMap(path)
    _reject_unprintable(text, path)
    _reject_aliases(text, path)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise DeckError([_yaml_error(path, text, error)]) from None
    except RecursionError:  # only the pure-Python parser recurses; libyaml caps nesting
        raise DeckError([Diagnostic(path, 1, 1, "the file is nested too deeply")]) from None
    if root is None:
        raise DeckError([Diagnostic(path, 1, 1, "the deck file is empty")])
    # Most files hold nothing to decode and nothing unsafe as typed (CR ends lines here).
    scan = "\\" in text or unsafe_character(text.replace("\r", "")) is not None
    data = _convert(root, (), _Reading(source, text if scan else None), depth=0)
    return data, source


def _read_text(path: Path) -> str:
    def fail(message: str, line: int = 1, col: int = 1) -> DeckError:
        return DeckError([Diagnostic(path, line, col, message)])

    try:
        if path.is_dir():
            raise fail("is a folder, not a deck file")
        if not path.is_file():  # a FIFO or a device would block or never end
            raise fail("is not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise fail(f"cannot read the file: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is larger than {MAX_FILE_BYTES // 1000} kB; a deck should be smaller")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        raise fail(f"not UTF-8 text (byte 0x{byte:02x}); is this a deck file?", line, col) from None


# What YAML allows in a stream (YAML 1.1, 5.1): tab, line breaks and printable characters.
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _reject_unprintable(text: str, path: Path) -> None:
    """Report a control character at its own line and column (libyaml counts bytes)."""
    found = _UNPRINTABLE.search(text)
    if found:
        before = text[: found.start()].splitlines() or [""]
        line, col = len(before), len(before[-1]) + 1
        if text[: found.start()].endswith(("\n", "\r")):
            line, col = line + 1, 1
        message = f"control character U+{ord(found.group()):04X} is not allowed in a deck file"
        raise DeckError([Diagnostic(path, line, col, message)])


def _hidden_character(node: yaml.ScalarNode, text: str) -> tuple[int, int, str] | None:
    """A control or format character in the decoded text of a key or value, as
    (line, col, message).

    The raw check above sees the file; a double-quoted scalar decodes escapes such as
    ``"\\e"``, ``"\\x9b"`` or ``"\\u202e"`` only now, and YAML lets bidi overrides and
    zero-width characters through as printable. The character is placed where it is
    written, or at the start of its scalar when it was written as an escape.
    """
    bad = unsafe_character(node.value)
    if bad is None:
        return None
    char = node.value[bad]
    start, end = node.start_mark, node.end_mark
    # a CR in the span may be a line ending, while this one was written "\r"
    written = text.find(char, start.index, end.index) if char != "\r" else -1
    if written < 0:
        line, col = start.line + 1, start.column + 1
    else:
        line = text.count("\n", 0, written) + 1
        col = written - (text.rfind("\n", 0, written) + 1) + 1
    return line, col, f"control character {describe(char)} is not allowed in deck text"


def _reject_aliases(text: str, path: Path) -> None:
    """Refuse ``*alias`` references: they can expand exponentially and decks don't need them."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise DeckError(
                    [
                        Diagnostic(
                            path,
                            mark.line + 1,
                            mark.column + 1,
                            f"YAML aliases (*{event.anchor}) are not allowed in decks; "
                            "write the value out, or use `given` for shared fixtures",
                        )
                    ]
                )
    except yaml.YAMLError:
        return  # the syntax error is reported, with its position, by the main parse


def _yaml_error(path: Path, text: str, error: yaml.YAMLError) -> Diagnostic:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if "could not find expected ':'" in str(error) and getattr(error, "context_mark", None):
        mark = error.context_mark  # the key that lacks its ':', not the line after it
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1
    elif isinstance(getattr(error, "position", None), int):
        position = error.position  # type: ignore[attr-defined]
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
    else:
        line, col = 1, 1
    if isinstance(error, yaml.MarkedYAMLError):
        parts = [error.context, error.problem]
        message = "; ".join(part for part in parts if part)
    else:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if "flow" in message and "nesting" not in message:
        message += " (in a [a, b] or {a: b} list, quote items with commas, brackets or ': ')"
    return Diagnostic(path, line, col, f"invalid YAML: {message}")


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


@dataclass
class _Reading:
    """What converting one file's nodes writes to, and the text to look for hidden
    characters in (None when the file holds none)."""

    source: SourceMap
    text: str | None

    def problem(self, at: DataPath, line: int, col: int, message: str) -> None:
        self.source.problems.append(Diagnostic(self.source.path, line, col, message))
        self.source.broken.add(at)

    def hidden(self, node: yaml.ScalarNode, at: DataPath) -> None:
        found = _hidden_character(node, self.text) if self.text is not None else None
        if found is not None:
            self.problem(at, *found)


def _convert(node: yaml.Node, at: DataPath, reading: _Reading, depth: int) -> Any:
    source = reading.source
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    source.keys.setdefault(at, (line, col))
    if len(at) == 2 and at[0] == "cards":
        source.ends[at] = (node.end_mark.line + 1, node.end_mark.column + 1)

    def problem(message: str) -> None:
        reading.problem(at, line, col, message)

    if node.tag not in _PLAIN_TAGS:
        problem(f"the YAML tag {_tag_name(node.tag)} is not allowed; decks hold plain data only")
        return None
    if depth > MAX_DEPTH:
        problem(f"nested more than {MAX_DEPTH} levels deep")
        return None

    if isinstance(node, yaml.ScalarNode):
        # libyaml reports the plain style as '', the pure-Python parser as None
        one_line = not node.style and node.start_mark.line == node.end_mark.line
        source.values[at] = ValueMark(line, col, one_line)
        reading.hidden(node, at)
        return _scalar(node, at, problem)

    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*at, index), reading, depth + 1)
            for index, item in enumerate(node.value)
        ]

    mapping: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line, key_col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            reading.problem(at, key_line, key_col, "a key must be a plain word")
            continue
        key = str(key_node.value)
        reading.hidden(key_node, (*at, key))
        if key in first_seen:
            reading.problem(
                (*at, key),
                key_line,
                key_col,
                f"duplicate key '{key}' (first at line {first_seen[key]}); "
                "YAML would silently keep only the last one",
            )
            continue
        first_seen[key] = key_line
        source.keys[(*at, key)] = (key_line, key_col)
        mapping[key] = _convert(value_node, (*at, key), reading, depth + 1)
    return mapping


def _scalar(node: yaml.ScalarNode, at: DataPath, problem: Any) -> Any:
    tag, value = node.tag, node.value
    if tag == _CORE + "null" and value in _NULLS:
        return None
    if _numeric_field(at) and not node.style:
        return _number(node, problem)
    boolean_field = bool(at) and at[-1] in BOOLEAN_KEYS and (len(at) < 2 or at[-2] != "given")
    if boolean_field and not node.style and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _numeric_field(at: DataPath) -> bool:
    """A number's place: a numeric key (not a given of that name, nor an edge case's), or
    an item of a card's ``scale`` list."""
    if len(at) >= 2 and at[-2] == "scale" and isinstance(at[-1], int):
        return True
    if not at or at[-1] not in NUMERIC_KEYS:
        return False
    return (len(at) < 2 or at[-2] != "given") and (len(at) < 3 or at[-3] != "edges")


def _number(node: yaml.ScalarNode, problem: Any) -> Any:
    """A numeric field's value: YAML's int and float, and also ``1e-3``, which YAML 1.1
    leaves as text because it has no dot."""
    constructor = yaml.SafeLoader("")
    try:
        if node.tag == _CORE + "int":
            return constructor.construct_yaml_int(node)
        if node.tag == _CORE + "float":
            return constructor.construct_yaml_float(node)
    except (ValueError, yaml.YAMLError):
        problem(f"'{node.value}' is not a number")
        return None
    for convert in (int, float):
        try:
            return convert(node.value)
        except ValueError:
            continue
    return node.value  # the schema reports that it must be a number
