"""The one rule for what may be shown raw (issue 13, finding 4): which characters are
escaped, how, and what stays as it is."""

from __future__ import annotations

import json

import pytest

from quiz.deck.printable import describe, printable, printable_json, unsafe_character

UNSAFE = {
    "\x00": "\\x00",
    "\x07": "\\x07",
    "\x1b": "\\x1b",
    "\r": "\\r",
    "\x7f": "\\x7f",
    "\x85": "\\x85",
    "\x9b": "\\x9b",
    "\xad": "\\xad",  # soft hyphen
    "\u200b": "\\u200b",
    "\u200d": "\\u200d",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    "\u202a": "\\u202a",
    "\u202e": "\\u202e",
    "\u2066": "\\u2066",
    "\u2069": "\\u2069",
    "\ufeff": "\\ufeff",
    "\ud800": "\\ud800",
    "\ue000": "\\ue000",
    "\U000e0041": "\\U000e0041",  # a tag character
}


@pytest.mark.parametrize("char", sorted(UNSAFE))
def test_each_unsafe_character_is_written_as_its_escape(char: str):
    assert printable(f"a{char}b") == f"a{UNSAFE[char]}b"
    assert unsafe_character(f"ab{char}") == 2


def test_newlines_and_tabs_stay_in_multi_line_text_only():
    assert printable("tensor([[1],\n\t[2]])") == "tensor([[1],\n\t[2]])"
    assert printable("a\nb\tc", multiline=False) == "a\\nb\\tc"
    assert unsafe_character("a\nb") is None
    assert unsafe_character("a\nb", multiline=False) == 1


@pytest.mark.parametrize(
    "text", ["中文标题", "a\u3000b", "a\xa0b", "😀", "\\x1b written out", "é", "ﬁ"]
)
def test_printable_text_of_any_script_is_left_alone(text: str):
    assert printable(text, multiline=False) == text
    assert unsafe_character(text, multiline=False) is None


def test_json_gets_json_escapes_and_parses_to_the_same_data():
    data = {"value": "x\x1b[2J\x9b\u202e\U000f0001\x7f\u2028 中文", "n": [1, "\n"]}
    text = printable_json(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert unsafe_character(text) is None
    assert "中文" in text  # only the unsafe characters are escaped


def test_describe_names_a_character_when_unicode_does():
    assert describe("\x1b") == "U+001B"
    assert describe("\u202e") == "U+202E (RIGHT-TO-LEFT OVERRIDE)"


def test_a_diagnostic_escapes_its_file_name_as_well_as_its_message():
    from pathlib import Path

    from quiz.deck.diagnostics import Diagnostic

    shown = str(Diagnostic(Path("decks/\x1b]0;OWNED\x07\u202e.yaml"), 3, 1, "bad \x1b[2J"))
    assert shown == "decks/\\x1b]0;OWNED\\x07\\u202e.yaml:3:1: error: bad \\x1b[2J"
