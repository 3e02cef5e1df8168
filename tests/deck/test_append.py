"""Appending a card keeps every existing byte, writes the file's style, and refuses bad cards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from quiz.deck.append import AppendError, append_card, prepare_append, render_card
from quiz.deck.diagnostics import Diagnostic
from quiz.deck.loader import load_deck

ROOT = Path(__file__).resolve().parents[2]

FLASH = {"id": "new-one", "kind": "flash", "front": "What is `x.T`?", "back": "The transpose."}
OUTPUT = {
    "id": "clamp-new",
    "kind": "output",
    "given": {"x": "torch.tensor([1, 7, 3])"},
    "expr": "x.clamp(2, 5)",
    "accept": ["[2, 5, 3]", "tensor([2, 5, 3])"],
    "reject": ["[2, 5, 5]"],
    "explain": "Below 2 becomes 2: above 5 becomes 5. # not a comment",
    "tags": ["clamp", "p22"],
}

BASIC = """\
# A hand-written deck
deck: basic
title: Basic   # with a comment
cards:
  - id: first
    kind: flash
    front: F
    back: "B"   # quoted, with a comment
"""


def _write(tmp_path: Path, data: bytes, name: str = "deck.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _insertion(path: Path, card: dict) -> tuple[bytes, int, bytes]:
    """Append ``card``; (the old bytes, the insertion offset, the inserted bytes)."""
    old = path.read_bytes()
    prepared = append_card(path, card)
    assert path.read_bytes() == old[: prepared.offset] + prepared.inserted + old[prepared.offset :]
    assert load_deck(path).ok
    return old, prepared.offset, prepared.inserted


def _appended(path: Path, card: dict) -> tuple[bytes, bytes]:
    """Append ``card``; check that the file changed by one insertion and loads."""
    old = path.read_bytes()
    prepared = append_card(path, card)
    new = path.read_bytes()
    assert new == prepared.content
    assert new == old[: prepared.offset] + prepared.inserted + old[prepared.offset :]
    loaded = load_deck(path)
    assert loaded.ok, [str(d) for d in loaded.diagnostics]
    assert loaded.deck.cards[-1].id == card["id"]
    assert loaded.deck.cards[-1].location.line == prepared.line
    return old, new


def test_appends_after_the_last_card_keeping_every_byte(tmp_path: Path):
    path = _write(tmp_path, BASIC.encode())
    old, new = _appended(path, OUTPUT)
    assert new.startswith(old)
    added = new[len(old) :].decode()
    assert added.startswith("  - id: clamp-new\n    kind: output\n")
    assert "    given:\n      x: torch.tensor([1, 7, 3])\n" in added
    assert '    accept: ["[2, 5, 3]", "tensor([2, 5, 3])"]\n' in added
    assert "    tags: [clamp, p22]\n" in added
    assert '"Below 2 becomes 2: above 5 becomes 5. # not a comment"' in added
    card = load_deck(path).deck.cards[-1]
    assert card.explain.get() == OUTPUT["explain"]


def test_file_without_trailing_newline(tmp_path: Path):
    path = _write(tmp_path, BASIC.rstrip("\n").encode())
    old, new = _appended(path, FLASH)
    assert new.startswith(old)
    added = (
        b"\n  - id: new-one\n    kind: flash\n    front: What is `x.T`?\n    back: The transpose."
    )
    assert new[len(old) :] == added


def test_crlf_file_gets_crlf_lines(tmp_path: Path):
    path = _write(tmp_path, BASIC.replace("\n", "\r\n").encode())
    old, new = _appended(path, OUTPUT)
    assert new.startswith(old)
    added = new[len(old) :]
    assert added.count(b"\r\n") == added.count(b"\n") > 5


def test_cards_not_last_and_comments_after_them(tmp_path: Path):
    text = (
        BASIC
        + "  # - id: parked\n  #   kind: flash\n\ngiven:   # deck fixtures\n  a: torch.ones(2)\n"
    )
    path = _write(tmp_path, text.encode())
    old, offset, inserted = _insertion(path, FLASH)
    new = path.read_bytes()
    assert old[:offset].endswith(b'back: "B"   # quoted, with a comment')
    assert inserted.startswith(b"\n  - id: new-one")
    assert new.endswith(b"given:   # deck fixtures\n  a: torch.ones(2)\n")
    assert [g.name for g in load_deck(path).deck.given] == ["a"]


def test_last_card_ending_in_a_block_scalar_and_nested_blocks(tmp_path: Path):
    text = (
        "deck: blocky\ntitle: T\ncards:\n"
        "- id: one\n  kind: flash\n  front: F\n  back: |\n    line one\n    line two\n\n"
        "- id: two\n  kind: code\n  prompt: P\n  given:\n    m: torch.ones(2, 2)\n"
        "  solution: m.sum(0)\n  tags:\n  - a\n  - b\n# trailing comment\n"
    )
    path = _write(tmp_path, text.encode())
    old, offset, inserted = _insertion(path, FLASH)
    new = path.read_bytes()
    assert old[:offset].endswith(b"  - b")
    # the file's indentation, and its blank line between cards
    assert inserted.startswith(b"\n\n- id: new-one\n  kind: flash\n")
    assert new.endswith(b"# trailing comment\n")


def test_block_scalar_at_the_end(tmp_path: Path):
    text = BASIC.replace('back: "B"   # quoted, with a comment\n', "back: |\n      B\n      C\n")
    path = _write(tmp_path, text.encode())
    old, new = _appended(path, FLASH)
    assert new.startswith(old)
    assert load_deck(path).deck.cards[0].back.get() == "B\nC\n"


def test_flow_mapping_items_and_byte_order_mark(tmp_path: Path):
    text = "deck: flowy\ntitle: T\ncards:\n    - {id: one, kind: flash, front: F, back: B}\n"
    path = _write(tmp_path, b"\xef\xbb\xbf" + text.encode())
    old, offset, inserted = _insertion(path, FLASH)
    assert offset == len(old) - 1  # before the final line break
    assert inserted.startswith(b"\n    - id: new-one\n      kind: flash")


def test_multi_line_and_awkward_text_reads_back_exactly(tmp_path: Path):
    card = {
        "id": "awkward",
        "kind": "flash",
        "front": "Two lines:\n  `indented` code\n\nand a gap",
        "back": "null",
        "demo": "torch.tensor([1., 2.]).mean()",
        "explain": "yes",
        "hint": "ends with newlines\nhere\n\n",
        "tags": ["null", "a,b"],
    }
    path = _write(tmp_path, BASIC.encode())
    card["tags"] = ["null"]
    _appended(path, card)
    loaded = load_deck(path).deck.cards[-1]
    assert loaded.front.get() == card["front"]
    assert loaded.back.get() == "null"
    assert loaded.hint.get() == card["hint"]
    assert loaded.tags == ("null",)


def test_chinese_text(tmp_path: Path):
    path = _write(tmp_path, BASIC.encode())
    _appended(path, {**FLASH, "front": {"en": "Transpose?", "zh": "转置是什么?"}})
    assert load_deck(path).deck.cards[-1].front.get("zh") == "转置是什么?"
    assert "转置是什么?".encode() in path.read_bytes()


def test_a_card_that_would_fail_check_is_refused_and_nothing_written(tmp_path: Path):
    path = _write(tmp_path, BASIC.encode())
    for bad, message in [
        ({**FLASH, "id": "first"}, "duplicate card id 'first'"),
        ({**FLASH, "id": "Bad Id"}, "deck.yaml:9:"),
        ({**OUTPUT, "expr": "x = 1"}, "expr"),
        ({"id": "c", "kind": "choice", "prompt": "P", "options": ["a", "b"], "answer": "c"},
         "answer 'c' is not one of the options"),
        ({"id": "z", "kind": "cloze", "prompt": "P", "template": "x.sum()", "solution": "s"},
         "exactly one blank"),
    ]:  # fmt: skip
        with pytest.raises(AppendError, match="would not pass check") as raised:
            append_card(path, bad)
        assert message in str(raised.value) or any(
            message in str(d) for d in raised.value.diagnostics
        )
        assert path.read_bytes() == BASIC.encode()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_refusal_names_the_key_of_the_new_card_it_is_about(tmp_path: Path):
    path = _write(tmp_path, BASIC.encode())
    code = {"id": "c", "kind": "code", "prompt": "P", "solution": "torch.ones(2)"}
    for bad, key in [
        ({**FLASH, "id": "first"}, ("id",)),
        ({**OUTPUT, "given": {"x": "torch.ones(2)", "y": "1 +"}}, ("given", "y")),
        ({**OUTPUT, "explain": "two\nlines", "tol": {"atol": 0.1, "rtol": -1}}, ("tol", "rtol")),
        ({**code, "accept": ["torch.ones(2)", "1 +"]}, ("accept",)),
        ({**code, "trials": 0}, ("trials",)),
    ]:
        with pytest.raises(AppendError) as raised:
            prepare_append(path, bad)
        assert raised.value.key == key, bad
    prepared = prepare_append(path, OUTPUT)
    at = prepared.line  # the card's first line: id, kind, given, x, expr, accept, ...
    assert [prepared.key_of(Diagnostic(path, at + n, 5, "?")) for n in (-1, 0, 2, 3, 4)] == [
        None, ("id",), ("given",), ("given", "x"), ("expr",),
    ]  # fmt: skip
    assert prepared.key_of(Diagnostic(path, at + len(OUTPUT) + 1, 1, "?")) is None


def test_refuses_a_broken_deck_and_a_flow_cards_list(tmp_path: Path):
    broken = _write(tmp_path, b"deck: b\ntitle: T\ncards:\n  - id: a\n    kind: flash\n", "b.yaml")
    with pytest.raises(AppendError, match="problems already"):
        prepare_append(broken, FLASH)
    flow = _write(
        tmp_path, b"deck: f\ntitle: T\ncards: [{id: a, kind: flash, front: F, back: B}]\n", "f.yaml"
    )
    with pytest.raises(AppendError, match="flow list"):
        prepare_append(flow, FLASH)
    with pytest.raises(AppendError, match="cannot read"):
        prepare_append(tmp_path / "missing.yaml", FLASH)


def test_changed_meanwhile_and_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from quiz.deck.append import commit_append

    path = _write(tmp_path, BASIC.encode())
    prepared = prepare_append(path, FLASH)
    path.write_bytes(BASIC.encode() + b"# edited\n")
    with pytest.raises(AppendError, match="changed on disk"):
        commit_append(prepared)
    path.write_bytes(BASIC.encode())
    os.chmod(path, 0o444)
    try:
        if os.access(path, os.W_OK):  # root: permissions are not enforced, so pretend
            monkeypatch.setattr("quiz.deck.append.os.access", lambda *_: False)
        with pytest.raises(AppendError, match="read-only"):
            commit_append(prepared)
    finally:
        os.chmod(path, 0o644)
    assert path.read_bytes() == BASIC.encode()


def test_keeps_the_file_mode_and_writes_through_a_symlink(tmp_path: Path):
    target = _write(tmp_path, BASIC.encode(), "real.yaml")
    os.chmod(target, 0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    append_card(link, FLASH)
    assert link.is_symlink()
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert load_deck(target).deck.cards[-1].id == "new-one"


def test_render_card_round_trips_through_yaml():
    text = render_card(OUTPUT, dash_col=0, key_col=2)
    assert yaml.safe_load(text) == [OUTPUT]
    assert render_card(OUTPUT, quote_all=True).count('"') > 10


SWITCHED = [  # the keys issue 15 added: switches, a list of mappings, numbers, a pin
    {
        "id": "clamp-fresh",
        "kind": "output",
        "given": {"x": "torch.randint(0, 10, (4,))"},
        "expr": "x.clamp(2, 5)",
        "fresh": True,
    },
    {
        "id": "relu-fill",
        "kind": "cloze",
        "prompt": "ReLU",
        "given": {"x": "torch.randn(6)", "y": "torch.randn(2)"},
        "template": "F.____(x)",
        "solution": "relu",
        "edges": [
            {"x": "torch.tensor([-7., -0.5, 0., 0.5, 6., 7.])"},
            {"x": "torch.zeros(6)", "y": "torch.tensor([1., 2.])"},
        ],
        "scale": [100, 0.5],
        "skip_edges": ["equal"],
    },
    {
        "id": "steps",
        "kind": "choice",
        "prompt": "First?",
        "options": ["zero the gradients", "forward pass", "all of the above"],
        "answer": "zero the gradients",
        "shuffle": False,
        "pin": "all of the above",
    },
]


@pytest.mark.parametrize("card", SWITCHED, ids=lambda card: card["id"])
def test_switches_and_edge_cases_are_written_as_the_format_reads_them(tmp_path: Path, card):
    _old, new = _appended(_write(tmp_path, BASIC.encode()), card)
    added = new.decode()[len(BASIC) :]
    assert yaml.safe_load(added) == [card]
    if "edges" in card:
        assert '\n    edges:\n      - {x: "torch.tensor([-7., -0.5, 0., 0.5, 6., 7.])"}\n' in added
    for key in ("fresh", "shuffle"):
        if key in card:
            assert f"\n    {key}: {str(card[key]).lower()}\n" in added


@pytest.mark.parametrize("deck", sorted((ROOT / "decks").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_deck_takes_a_new_card(tmp_path: Path, deck: Path):
    path = _write(tmp_path, deck.read_bytes(), deck.name)
    _appended(path, OUTPUT)
    assert len(load_deck(path).deck.cards) == len(load_deck(deck).deck.cards) + 1


TWO_APART = BASIC + (
    "\n  # the second card\n  - id: second\n    kind: flash\n    front: G\n    back: H\n"
)


@pytest.mark.parametrize(
    ("text", "gap"),
    [
        (TWO_APART, True),
        (TWO_APART.replace("\n\n", "\n"), False),  # the cards close up: so does the new one
        (TWO_APART.replace('"B"   # quoted, with a comment\n', "|\n      B\n"), True),
        (TWO_APART.replace("\n", "\r\n"), True),
    ],
    ids=["blank-line", "no-blank-line", "after-a-block-scalar", "crlf"],
)
def test_a_blank_line_before_the_new_card_as_between_the_others(tmp_path: Path, text, gap):
    path = _write(tmp_path, text.encode())
    old, new = _appended(path, FLASH)
    newline = b"\r\n" if b"\r\n" in old else b"\n"
    separator = newline * (2 if gap else 1) + b"  - id: new-one"
    assert old.rstrip(b"\r\n") + separator in new
    assert load_deck(path).deck.cards[1].back.get() == "H"


def test_a_kept_block_scalar_keeps_its_text_and_the_card_follows_it(tmp_path: Path):
    text = TWO_APART.replace("back: H\n", "back: |+\n      H\n\n")
    path = _write(tmp_path, text.encode())
    _appended(path, FLASH)
    assert load_deck(path).deck.cards[1].back.get() == "H\n\n"
