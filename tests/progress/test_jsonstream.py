"""The streaming reader gives what json.loads gives, whatever the chunk boundaries."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from quiz.progress.jsonstream import JSONStreamError, ObjectReader

CHUNKS = (1, 2, 3, 5, 17, 1 << 20)

DOCUMENT = (
    '{\n "format": "x", "n": -12345678901234567890123, "f": 1.5e-7, "big": 1e400,\n'
    ' "nan": NaN, "inf": -Infinity, "t": true, "nil": null, "s": "a\\u00e9\\ud83d\\ude00\\"\\\\",\n'
    ' "obj": {"k": [1, {"x": []}]}, "empty": [], "emptyobj": {},\n'
    ' "rows": [\n  {"a": 1, "b": "é€😀"},\n  {"a": 2.25, "b": null}, 3, "x", [4, 5], 600\n ],\n'
    ' "n": 2, "last": 7  \n}\n'
)


def load(data: bytes, chunk: int) -> dict[str, Any]:
    """json.loads of an object, through the reader (arrays element by element)."""
    reader = ObjectReader(io.BytesIO(data), chunk)
    assert reader.is_object()
    loaded: dict[str, Any] = {}
    for key in reader.members():
        loaded[key] = list(reader.elements()) if reader.is_array() else reader.value()
    return loaded


def problem(call: Any) -> tuple[str, int, int]:
    try:
        call()
    except JSONStreamError as error:
        return error.message, error.line, error.column
    except json.JSONDecodeError as error:
        return error.msg, error.lineno, error.colno
    raise AssertionError("no problem found")


@pytest.mark.parametrize("chunk", CHUNKS)
def test_values_are_those_of_json_loads(chunk: int):
    data = DOCUMENT.encode()
    # json.dumps shows NaN as NaN, so equal texts mean equal values.
    assert json.dumps(load(data, chunk)) == json.dumps(json.loads(data))


def test_every_truncation_fails_where_json_loads_fails():
    data = DOCUMENT.encode()
    cuts = [n for n in range(1, len(data)) if data[n:].strip()]
    for cut in cuts:
        text = data[:cut]
        try:
            text.decode()
        except UnicodeDecodeError:
            for chunk in (1, 7):
                with pytest.raises(UnicodeDecodeError):
                    load(text, chunk)
            continue
        expected = problem(lambda text=text: json.loads(text))
        for chunk in (1, 3, 7, 1 << 20):
            assert problem(lambda text=text, chunk=chunk: load(text, chunk)) == expected, (
                cut,
                chunk,
            )


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1,}',
        '{"a": [1,]}',
        '{"a" 1}',
        '{"a": 1 "b": 2}',
        '{"a": [1 2]}',
        '{"a": tru}',
        '{"a": 01}',
        '{"a": "x\ny"}',
        '{"a": "\\q"}',
        "{1: 2}",
        '{"a": 1} {"b": 2}',
        '{"a": 1}\n\n  x',
        '{"a": [1, 2]]',
        '{\n  "a": [\n    1,\n    {"b": nope}\n  ]\n}',
    ],
)
def test_bad_json_is_named_as_json_loads_names_it(text: str):
    expected = problem(lambda: json.loads(text))
    for chunk in CHUNKS:
        assert problem(lambda chunk=chunk: load(text.encode(), chunk)) == expected, chunk


def test_invalid_utf8_anywhere_is_refused():
    data = DOCUMENT.encode().replace(b'"x"', b'"\xff"')
    for chunk in CHUNKS:
        with pytest.raises(UnicodeDecodeError):
            load(data, chunk)


def test_members_left_unread_are_skipped_and_checked():
    reader = ObjectReader(io.BytesIO(DOCUMENT.encode()), 4)
    assert [key for key in reader.members() if key == "last"] == ["last"]
    bad = ObjectReader(io.BytesIO(b'{"a": [1, 2}, "b": 1}'), 4)
    with pytest.raises(JSONStreamError, match="Expecting ',' delimiter"):
        list(bad.members())


def test_not_an_object_and_empty():
    assert ObjectReader(io.BytesIO(b"  \n ")).is_empty()
    reader = ObjectReader(io.BytesIO(b" [1, 2, 3]"))
    assert not reader.is_object() and reader.is_array()
    reader.skip()
    reader.finish()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"a": ' + "9" * 5001 + "}", r"Exceeds the limit \(4300 digits\)"),
        ('{"a": ' + "[" * 100_000 + "}", "maximum recursion depth exceeded"),
    ],
    ids=["huge-integer", "deep-nesting"],
)
def test_values_json_cannot_hold_are_stream_errors_not_crashes(text: str, words: str):
    reader = ObjectReader(io.BytesIO(text.encode()))
    with pytest.raises(JSONStreamError, match=words):
        for _ in reader.members():
            reader.value()
