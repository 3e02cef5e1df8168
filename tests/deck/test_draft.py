"""The Author form's fields become a card mapping in the documented key order."""

from __future__ import annotations

import pytest

from quiz.deck.draft import (
    DraftError,
    DraftFields,
    build_card,
    parse_givens,
    scratch_expression,
    split_items,
)


def test_givens_one_per_line():
    text = "x = torch.tensor([1, 7, 3])\n\n# a comment\nm: torch.ones(2, 2)\n"
    assert parse_givens(text) == [("x", "torch.tensor([1, 7, 3])"), ("m", "torch.ones(2, 2)")]
    for bad in ("x == y", "torch.ones(2)", "= 3", "x ="):
        with pytest.raises(DraftError, match="line 1"):
            parse_givens(bad)


def test_items_split_on_semicolons():
    assert split_items("[2, 5, 3]; tensor([2, 5, 3]) ;; ") == ["[2, 5, 3]", "tensor([2, 5, 3])"]


def test_output_card():
    fields = DraftFields(
        kind="output",
        id=" clamp-new ",
        given="x = torch.tensor([1, 7, 3])",
        expr="x.clamp(2, 5)",
        accept="[2, 5, 3]",
        tags="clamp, p22",
    )
    assert build_card(fields) == {
        "id": "clamp-new",
        "kind": "output",
        "given": {"x": "torch.tensor([1, 7, 3])"},
        "expr": "x.clamp(2, 5)",
        "accept": ["[2, 5, 3]"],
        "tags": ["clamp", "p22"],
    }


def test_each_kind_puts_the_expression_in_its_key():
    assert build_card(DraftFields(kind="code", id="c", prompt="P", expr="m.sum(0)"))[
        "solution"
    ] == ("m.sum(0)")
    cloze = build_card(DraftFields(kind="cloze", id="z", prompt="P", expr="x.____()", fill="sum"))
    assert (cloze["template"], cloze["solution"]) == ("x.____()", "sum")
    flash = build_card(DraftFields(kind="flash", id="f", prompt="Front", back="Back"))
    assert flash == {"id": "f", "kind": "flash", "front": "Front", "back": "Back"}
    choice = build_card(
        DraftFields(kind="choice", id="q", prompt="P", options="mm; matmul", answer="matmul")
    )
    assert (choice["options"], choice["answer"]) == (["mm", "matmul"], "matmul")
    several = build_card(DraftFields(kind="choice", id="q", options="a; b", answer="a; b"))
    assert several["answer"] == ["a", "b"]


def test_missing_id_and_unknown_kind():
    with pytest.raises(DraftError, match="id"):
        build_card(DraftFields(kind="flash", id=" "))
    with pytest.raises(DraftError, match="unknown kind"):
        build_card(DraftFields(kind="essay", id="e"))
    with pytest.raises(DraftError, match="twice"):
        build_card(DraftFields(kind="output", id="o", expr="x", given="x = 1\nx = 2"))


def test_scratchpad_runs_a_cloze_template_filled():
    assert scratch_expression("cloze", "torch.____(x, 2, 5)", "clamp") == "torch.clamp(x, 2, 5)"
    assert scratch_expression("cloze", "torch.____(x)", "") == "torch.____(x)"
    assert scratch_expression("output", "x.____", "sum") == "x.____"
