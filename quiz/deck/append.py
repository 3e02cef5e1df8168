"""Append a new card to a deck file without touching a byte of what is already there.

The Author screen saves cards into decks that people write by hand, with their own
comments, quoting and layout. Re-serialising the YAML would destroy all of that, so
this module never does: it finds where the last item of the ``cards:`` list ends,
renders the new card as YAML text in the file's style (its item indentation, its
line endings, flow lists as the bundled decks write them, a blank line before it when
the last two cards have one between them), and inserts that text there. Everything
before and after the insertion is kept byte for byte.

Nothing is written until the whole new file has been loaded and checked the way
``torch-quiz check`` loads it (format and rules), the old cards are unchanged and the
new card reads back exactly as given. The sandbox half of ``check`` (running the
card) needs the torch worker, so :func:`prepare_append` returns the loaded card for
the caller to run (``quiz.judge.deckcheck.check_card``) before :func:`commit_append`
writes the file atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from quiz.atomicfile import atomic_write
from quiz.deck.diagnostics import Diagnostic
from quiz.deck.loader import load_deck
from quiz.deck.model import AnyCard, Deck, content_hash
from quiz.errors import UserError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL_TAG = "tag:yaml.org,2002:null"
# Characters YAML 1.1 reads as line breaks inside a double-quoted scalar.
_YAML_BREAKS = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


class AppendError(UserError):
    """The card was not saved; ``diagnostics`` are check's messages when it failed check.

    ``key`` is where in the new card the first of them points: the card key and, inside
    a mapping such as ``tol`` or ``given``, its own key (``("tol", "rtol")``); ``None``
    when it points elsewhere or there is no diagnostic.
    """

    def __init__(
        self,
        message: str,
        diagnostics: Sequence[Diagnostic] = (),
        key: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = tuple(diagnostics)
        self.key = key


@dataclass(frozen=True)
class PreparedAppend:
    """A checked new version of a deck file, not yet written."""

    path: Path
    original: bytes
    offset: int  # byte offset of the insertion in ``original``
    inserted: bytes
    deck: Deck  # the new file as loaded (locations point at a scratch copy)
    card: AnyCard  # the new card as loaded
    line: int  # 1-based line of the new card in the new file
    keys: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # see _key_lines

    @property
    def content(self) -> bytes:
        return self.original[: self.offset] + self.inserted + self.original[self.offset :]

    def relocate(self, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
        """Diagnostics about the scratch copy, pointed at the deck file itself."""
        return [replace(d, path=self.path) for d in diagnostics]

    def key_of(self, diagnostic: Diagnostic) -> tuple[str, ...] | None:
        """The new card's key ``diagnostic`` points at (see ``AppendError.key``)."""
        return self.keys.get(diagnostic.line - self.line)


@dataclass(frozen=True, slots=True)
class _Layout:
    offset: int  # character offset of the insertion in the decoded text
    dash_col: int  # column (0-based) of the items' "-"
    key_col: int  # column of an item's keys
    newline: str
    at_line_start: bool  # the insertion point starts a line (after a block scalar)
    gap: bool  # the last two cards are apart by a blank line: so is the new one


# ---------------------------------------------------------------- rendering


def _plain_ok(text: str, flow: bool) -> bool:
    """Whether ``text`` reads back as itself, as a plain scalar, in that context."""
    if not text or text != text.strip() or "\n" in text or "\r" in text:
        return False
    if any(c in text for c in _YAML_BREAKS):
        return False
    source = f"k: [{text}]" if flow else f"k: {text}"
    try:
        root = yaml.compose(source, Loader=_Loader)
    except yaml.YAMLError:
        return False
    if not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
        return False
    node = root.value[0][1]
    if flow:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
            return False
        node = node.value[0]
    return (
        isinstance(node, yaml.ScalarNode)
        and not node.style
        and node.tag != _NULL_TAG
        and node.value == text
    )


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    quoted = json.dumps(text, ensure_ascii=False)
    for char, escape in _YAML_BREAKS.items():
        quoted = quoted.replace(char, escape)
    return quoted


def _scalar(value: Any, flow: bool, quote_all: bool) -> str:
    if isinstance(value, bool):  # the format's switches, ``fresh`` and ``shuffle``
        return "true" if value else "false"
    if isinstance(value, Mapping | list | tuple):
        raise TypeError("a list or mapping inside a list is not part of the deck format")
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return text if not quote_all and _plain_ok(text, flow) else _quoted(text)


def _literal_ok(text: str) -> bool:
    lines = text.split("\n")
    return (
        "\n" in text.rstrip("\n")
        and "\r" not in text
        and not any(c in text for c in _YAML_BREAKS)
        and not text.startswith((" ", "\t"))
        and text.strip() != ""
        and "\t" not in "".join(line[:1] for line in lines)
    )


def _entry(key: str, value: Any, indent: int, quote_all: bool) -> list[str]:
    """Lines (without line breaks) for ``key: value`` at ``indent`` spaces."""
    pad = " " * indent
    if isinstance(value, Mapping):
        lines = [f"{pad}{key}:"]
        for sub_key, sub_value in value.items():
            lines += _entry(str(sub_key), sub_value, indent + 2, quote_all)
        return lines
    if isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value):
        # a list of mappings (an author's ``edges``): a block list of flow mappings
        lines = [f"{pad}{key}:"]
        for item in value:
            pairs = ", ".join(
                f"{_scalar(str(k), True, quote_all)}: {_scalar(v, True, quote_all)}"
                for k, v in item.items()
            )
            lines.append(f"{pad}  - {{{pairs}}}")
        return lines
    if isinstance(value, list | tuple):
        items = ", ".join(_scalar(item, True, quote_all) for item in value)
        return [f"{pad}{key}: [{items}]"]
    if isinstance(value, str) and not quote_all and _literal_ok(value):
        body = value.rstrip("\n")
        trailing = len(value) - len(body)
        chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
        inner = " " * (indent + 2)
        lines = [f"{pad}{key}: |{chomp}"]
        lines += [f"{inner}{line}" if line else "" for line in body.split("\n")]
        return lines + [""] * max(0, trailing - 1)
    return [f"{pad}{key}: {_scalar(value, False, quote_all)}"]


def render_card(
    card: Mapping[str, Any],
    *,
    dash_col: int = 2,
    key_col: int = 4,
    newline: str = "\n",
    quote_all: bool = False,
) -> str:
    """``card`` as one block-sequence item, ending with a line break.

    Scalars are plain where they read back as themselves, else double-quoted; lists
    are flow lists (``[a, "b, c"]``), lists of mappings block lists of flow mappings
    (``- {x: "torch.zeros(3)"}``), mappings are blocks, multi-line text is a literal
    block. ``quote_all`` double-quotes every scalar (a fallback).
    """
    if not card:
        raise ValueError("an empty card")
    key_col = max(key_col, dash_col + 2)
    lines: list[str] = []
    for key, value in card.items():
        lines += _entry(str(key), value, key_col, quote_all)
    first = lines[0][key_col:]
    lines[0] = " " * dash_col + "-" + " " * (key_col - dash_col - 1) + first
    return newline.join(lines) + newline


def _key_lines(rendered: str) -> dict[int, tuple[str, ...]]:
    """Line (0-based) of a rendered card -> the key written there, as ``AppendError.key``."""
    root = yaml.compose(rendered, Loader=_Loader)
    keys: dict[int, tuple[str, ...]] = {}
    if not isinstance(root, yaml.SequenceNode) or not isinstance(root.value[0], yaml.MappingNode):
        return keys
    # A value's end mark may lie on the next key's line: that key, set later, wins it.
    for key, value in root.value[0].value:
        for line in range(key.start_mark.line, value.end_mark.line + 1):
            keys[line] = (key.value,)
        if isinstance(value, yaml.MappingNode):
            for sub_key, sub_value in value.value:
                for line in range(sub_key.start_mark.line, sub_value.end_mark.line + 1):
                    keys[line] = (key.value, sub_key.value)
    last = rendered.count("\n")  # the line after the card belongs to the file, not to it
    return {line: key for line, key in keys.items() if line < last}


# ---------------------------------------------------------------- finding the place


def _content_end(node: yaml.Node) -> int:
    """Where a node's own text ends: block collections end at their last value's end."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1])
    return node.end_mark.index


def _layout(text: str, path: Path) -> _Layout:
    root = yaml.compose(text, Loader=_Loader)
    cards = None
    if isinstance(root, yaml.MappingNode):
        cards = next((v for k, v in root.value if k.value == "cards"), None)
    if not isinstance(cards, yaml.SequenceNode) or not cards.value:
        raise AppendError(f"{path}: no list of cards to append to")
    if cards.flow_style:
        raise AppendError(
            f"{path}: its cards are written as a flow list ([...]); add the card by hand"
        )
    last = cards.value[-1]
    start = last.start_mark.index
    dash = start - 1
    while dash >= 0 and text[dash] in " \t\r\n":
        dash -= 1
    if dash < 0 or text[dash] != "-":
        raise AppendError(f"{path}: cannot find where the last card starts")
    dash_col = dash - (text.rfind("\n", 0, dash) + 1)
    gap = len(cards.value) > 1 and _blank_line_between(text, cards.value[-2], dash)
    end = _content_end(last)
    newline = "\r\n" if "\r\n" in text else "\n"
    key_col = last.start_mark.column
    if end > 0 and text[end - 1] == "\n":
        return _Layout(end, dash_col, key_col, newline, at_line_start=True, gap=gap)
    while end < len(text) and text[end] not in "\r\n":
        end += 1  # past a trailing comment on the card's last line
    return _Layout(end, dash_col, key_col, newline, at_line_start=False, gap=gap)


def _blank_line_between(text: str, previous: yaml.Node, dash: int) -> bool:
    """Whether a blank line lies between the card ``previous`` and the "-" at ``dash``.

    Comment lines between them are not blank. A block scalar ends after the blank lines
    that follow it, so the search starts from its last character that is not a space.
    """
    end = len(text[: _content_end(previous)].rstrip(" \t\r\n"))
    start = text.rfind("\n", 0, dash) + 1  # the last card's line
    # the first piece is the rest of the previous card's last line, the last one empty
    lines = text[end:start].replace("\r", "").split("\n")[1:-1]
    return any(not line.strip() for line in lines)


# ---------------------------------------------------------------- preparing and writing


def _first_problem(diagnostics: Sequence[Diagnostic]) -> str:
    first = diagnostics[0]
    more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
    return f"{first}{more}"


def _not_passing(problems: Sequence[Diagnostic], key: tuple[str, ...] | None) -> AppendError:
    return AppendError(f"the card would not pass check: {_first_problem(problems)}", problems, key)


def _load_scratch(path: Path, content: bytes) -> tuple[Deck | None, list[Diagnostic]]:
    with tempfile.TemporaryDirectory(prefix="torch-quiz-append-") as folder:
        scratch = Path(folder) / path.name
        scratch.write_bytes(content)
        loaded = load_deck(scratch)
        diagnostics = [replace(d, path=path) for d in loaded.diagnostics]
        return (loaded.deck if loaded.ok else None), diagnostics


def prepare_append(path: Path, card: Mapping[str, Any]) -> PreparedAppend:
    """Check that ``card`` can be appended to the deck at ``path``; raise AppendError if not."""
    path = Path(path)
    try:
        original = path.read_bytes()
    except OSError as error:
        raise AppendError(f"{path}: cannot read: {error.strerror or error}") from None
    before = load_deck(path)
    if not before.ok or before.deck is None:
        raise AppendError(
            f"the deck has problems already: {_first_problem(before.diagnostics)}",
            before.diagnostics,
        )
    bom = len(codecs.BOM_UTF8) if original.startswith(codecs.BOM_UTF8) else 0
    text = original[bom:].decode("utf-8")
    try:
        layout = _layout(text, path)
    except yaml.YAMLError as error:  # load_deck accepted it, so this should not happen
        raise AppendError(f"{path}: cannot read its YAML: {error}") from None
    offset = bom + len(text[: layout.offset].encode("utf-8"))
    first_line = original[:offset].count(b"\n") + 1 + (0 if layout.at_line_start else 1)
    line = first_line
    problems: list[Diagnostic] = []
    keys: dict[int, tuple[str, ...]] = {}
    # the file's blank line between cards, then none: a blank line after a kept (|+) block
    # scalar would join its text, and the old cards must read as they did
    gaps = (True, False) if layout.gap else (False,)
    tries = [(gap, quote_all) for gap in gaps for quote_all in (False, True)]
    for gap, quote_all in tries:  # quoting every scalar is the fallback
        try:
            rendered = render_card(
                card,
                dash_col=layout.dash_col,
                key_col=layout.key_col,
                newline=layout.newline,
                quote_all=quote_all,
            )
        except (TypeError, ValueError) as error:
            raise AppendError(f"cannot write this card: {error}") from None
        with contextlib.suppress(yaml.YAMLError):
            keys = _key_lines(rendered)
        if gap:
            rendered = layout.newline + rendered
        if not layout.at_line_start:
            rendered = layout.newline + rendered.removesuffix(layout.newline)
        line = first_line + gap
        inserted = rendered.encode("utf-8")
        deck, problems = _load_scratch(path, original[:offset] + inserted + original[offset:])
        if deck is None:
            if any("invalid YAML" in d.message for d in problems):
                continue  # how it was written, not what it says: try the other style
            raise _not_passing(problems, keys.get(problems[0].line - line))
        if not _others_kept(before.deck, deck):
            if gap:
                continue
            raise AppendError(f"{path}: appending would change other cards; nothing was written")
        if deck.cards[-1].content_hash != content_hash(_plain(card)):
            continue
        return PreparedAppend(path, original, offset, inserted, deck, deck.cards[-1], line, keys)
    if problems:
        raise _not_passing(problems, keys.get(problems[0].line - line))
    raise AppendError(f"{path}: the card does not read back as written; nothing was written")


def _others_kept(before: Deck, after: Deck) -> bool:
    old = [c.content_hash for c in before.cards]
    new = [c.content_hash for c in after.cards]
    return new[:-1] == old and len(new) == len(old) + 1


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def commit_append(prepared: PreparedAppend) -> None:
    """Write the prepared file atomically; refuse if the file changed since it was prepared."""
    path = prepared.path
    try:
        if path.read_bytes() != prepared.original:
            raise AppendError(f"{path} changed on disk meanwhile; nothing was written")
        if not os.access(path, os.W_OK):
            raise AppendError(f"{path} is read-only; nothing was written")
    except OSError as error:
        raise AppendError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with atomic_write(path) as scratch:  # a symlink's target is replaced, not the link
            scratch.write_bytes(prepared.content)
    except UserError as error:  # the author form wants an AppendError, with its fields
        raise AppendError(str(error)) from None


def append_card(path: Path, card: Mapping[str, Any]) -> PreparedAppend:
    """Prepare and write at once (format and rules only: the card is not run)."""
    prepared = prepare_append(path, card)
    commit_append(prepared)
    return prepared
