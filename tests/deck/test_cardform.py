"""The Author form's fields become a card mapping in the documented key order."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.deck.append import AppendError, append_card, prepare_append
from quiz.deck.cardform import (
    FormError,
    FormFields,
    build_card,
    number,
    parse_edges,
    parse_givens,
    scratch_expression,
    split_items,
)
from quiz.deck.loader import load_deck
from quiz.deck.model import CodeCard, DtypePolicy, OutputCard, Tolerance

DECK = (
    "deck: mine\ntitle: Mine\ncards:\n  - id: first\n    kind: flash\n    front: F\n    back: B\n"
)
JUDGING = {
    "dtype": "exact",
    "atol": "1e-4",
    "rtol": " 0 ",
    "trials": "7",
    "forbid": "torch.tensor; sum",
    "require": "m",
}


def test_givens_one_per_line():
    text = "x = torch.tensor([1, 7, 3])\n\n# a comment\nm: torch.ones(2, 2)\n"
    assert parse_givens(text) == [("x", "torch.tensor([1, 7, 3])"), ("m", "torch.ones(2, 2)")]
    for bad in ("x == y", "torch.ones(2)", "= 3", "x ="):
        with pytest.raises(FormError, match="line 1"):
            parse_givens(bad)


def test_items_split_on_semicolons():
    assert split_items("[2, 5, 3]; tensor([2, 5, 3]) ;; ") == ["[2, 5, 3]", "tensor([2, 5, 3])"]


def test_output_card():
    fields = FormFields(
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
    assert build_card(FormFields(kind="code", id="c", prompt="P", expr="m.sum(0)"))["solution"] == (
        "m.sum(0)"
    )
    cloze = build_card(FormFields(kind="cloze", id="z", prompt="P", expr="x.____()", fill="sum"))
    assert (cloze["template"], cloze["solution"]) == ("x.____()", "sum")
    flash = build_card(FormFields(kind="flash", id="f", prompt="Front", back="Back"))
    assert flash == {"id": "f", "kind": "flash", "front": "Front", "back": "Back"}
    choice = build_card(
        FormFields(kind="choice", id="q", prompt="P", options="mm; matmul", answer="matmul")
    )
    assert (choice["options"], choice["answer"]) == (["mm", "matmul"], "matmul")
    several = build_card(FormFields(kind="choice", id="q", options="a; b", answer="a; b"))
    assert several["answer"] == ["a", "b"]


def test_missing_id_and_unknown_kind():
    with pytest.raises(FormError, match="id"):
        build_card(FormFields(kind="flash", id=" "))
    with pytest.raises(FormError, match="unknown kind"):
        build_card(FormFields(kind="essay", id="e"))
    with pytest.raises(FormError, match="twice"):
        build_card(FormFields(kind="output", id="o", expr="x", given="x = 1\nx = 2"))


def test_scratchpad_runs_a_cloze_template_filled():
    assert scratch_expression("cloze", "torch.____(x, 2, 5)", "clamp") == "torch.clamp(x, 2, 5)"
    assert scratch_expression("cloze", "torch.____(x)", "") == "torch.____(x)"
    assert scratch_expression("output", "x.____", "sum") == "x.____"


def _code(**fields: str) -> FormFields:
    return FormFields(
        kind="code", id="col-sum", prompt="P", given="m = torch.randn(3, 4)", expr="m.sum(0)",
        **fields,
    )  # fmt: skip


def test_numbers_read_as_a_deck_file_reads_them():
    assert [number(t) for t in ("5", " 1e-4 ", "0.5", "-1", "abc", "")] == [
        5, 1e-4, 0.5, -1, "abc", "",
    ]  # fmt: skip
    assert type(number("5")) is int


def test_judging_fields_of_a_code_card_in_the_documented_order():
    card = build_card(_code(**JUDGING))
    assert list(card) == [
        "id", "kind", "prompt", "given", "solution",
        "trials", "forbid", "require", "dtype", "tol",
    ]  # fmt: skip
    assert card["trials"] == 7
    assert (card["forbid"], card["require"]) == (["torch.tensor", "sum"], ["m"])
    assert card["dtype"] == "exact"
    assert card["tol"] == {"atol": 1e-4, "rtol": 0}
    assert build_card(_code(atol="", rtol="0.5"))["tol"] == {"rtol": 0.5}


def test_each_kind_takes_only_the_judging_fields_its_schema_accepts():
    output = build_card(FormFields(kind="output", id="o", expr="torch.ones(2)", **JUDGING))
    assert (output["dtype"], output["tol"]) == ("exact", {"atol": 1e-4, "rtol": 0})
    assert not {"trials", "forbid", "require"} & set(output)
    cloze = build_card(
        FormFields(kind="cloze", id="z", prompt="P", expr="x.____()", fill="sum", **JUDGING)
    )
    assert set(cloze) == {"id", "kind", "prompt", "template", "solution", "dtype", "tol"}
    choice = FormFields(kind="choice", id="q", prompt="P", options="a; b", answer="a", **JUDGING)
    flash = FormFields(kind="flash", id="f", prompt="F", back="B", **JUDGING)
    for fields in (choice, flash):
        card = build_card(fields)
        assert not {"dtype", "tol", "trials", "forbid", "require"} & set(card), card


def test_empty_judging_fields_write_nothing():
    plain = build_card(_code())
    blank = build_card(_code(dtype="", atol=" ", rtol="", trials="  ", forbid=" ; ", require=""))
    assert blank == plain
    assert not {"dtype", "tol", "trials", "forbid", "require"} & set(blank)


def test_judging_fields_read_back_from_the_deck_file(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text(DECK)
    append_card(path, build_card(_code(**{**JUDGING, "forbid": "torch.tensor"})))
    text = path.read_text()
    assert text.startswith(DECK)  # every byte kept; the card written in the file's style:
    assert text.endswith(
        "    solution: m.sum(0)\n    trials: 7\n    forbid: [torch.tensor]\n    require: [m]\n"
        "    dtype: exact\n    tol:\n      atol: 0.0001\n      rtol: 0\n"
    )
    card = load_deck(path).deck.cards[-1]
    assert isinstance(card, CodeCard)
    assert (card.trials, card.forbid, card.require) == (7, ("torch.tensor",), ("m",))
    assert (card.dtype, card.tol) == (DtypePolicy.EXACT, Tolerance(atol=1e-4, rtol=0))
    append_card(path, build_card(FormFields(kind="output", id="plain", expr="torch.ones(2)")))
    plain = load_deck(path).deck.cards[-1]
    assert isinstance(plain, OutputCard)
    assert (plain.dtype, plain.tol) == (DtypePolicy.KIND, Tolerance())


@pytest.mark.parametrize(
    ("field", "value", "key", "message"),
    [
        ("trials", "0", ("trials",), "'trials' must be a whole number from 1 to 50"),
        ("trials", "1000000", ("trials",), "'trials' must be a whole number from 1 to 50"),
        ("trials", "2.5", ("trials",), "'trials' must be a whole number from 1 to 50"),
        ("trials", "many", ("trials",), "'trials' must be a whole number from 1 to 50"),
        ("atol", "-1", ("tol", "atol"), "'atol' must be a number, 0 or more"),
        ("rtol", "-0.5", ("tol", "rtol"), "'rtol' must be a number, 0 or more"),
        ("rtol", "nan", ("tol", "rtol"), "'rtol' must be a number, 0 or more"),
        ("atol", "small", ("tol", "atol"), "'atol' must be a number, 0 or more"),
        ("forbid", "torch.tensor; x y", ("forbid",), "'x y' is not a name"),
        ("require", "import os", ("require",), "'import os' is not a name"),
        ("dtype", "exactly", ("dtype",), "'dtype' must be one of exact, kind or ignore"),
    ],
)
def test_bad_judging_values_are_refused_by_the_deck_rules(
    tmp_path: Path, field: str, value: str, key: tuple[str, ...], message: str
):
    path = tmp_path / "mine.yaml"
    path.write_text(DECK)
    with pytest.raises(AppendError, match="would not pass check") as raised:
        prepare_append(path, build_card(_code(**{field: value})))
    assert message in raised.value.diagnostics[0].message
    assert raised.value.key == key
    assert path.read_text() == DECK


def test_edge_cases_one_per_semicolon_givens_cut_at_top_level_commas():
    text = "x = torch.tensor([-7., 0., 6.]), y = torch.zeros(2, 3); x = 1, 2 ;m: torch.ones(2)"
    assert parse_edges(text) == [
        {"x": "torch.tensor([-7., 0., 6.])", "y": "torch.zeros(2, 3)"},
        {"x": "1, 2"},  # what follows the comma is no given: the comma is the expression's
        {"m": "torch.ones(2)"},
    ]
    assert parse_edges(" ; ") == []
    for bad, message in [
        ("torch.zeros(3)", "edge case 1: write it as name = expression"),
        ("x = torch.zeros(3); = 2", "edge case 2: write it as name = expression"),
        ("x = ", "edge case 1: a given has no expression"),
        ("x = 1, x = 2", "edge case 1: a given name is listed twice"),
    ]:
        with pytest.raises(FormError, match=message) as raised:
            parse_edges(bad)
        assert raised.value.field == "edges"


def test_the_keys_of_fresh_values_edge_draws_and_option_order():
    fresh = build_card(
        FormFields(kind="output", id="o", given="x = torch.randint(0, 10, (4,))",
                    expr="x.clamp(2, 5)", fresh="true", dtype="kind")
    )  # fmt: skip
    assert list(fresh) == ["id", "kind", "given", "expr", "fresh", "dtype"]
    assert fresh["fresh"] is True
    code = build_card(
        _code(trials="7", edges="m = torch.zeros(3, 4)", scale="100, 1e3", skip_edges="equal;zeros")
    )
    assert list(code)[5:] == ["trials", "edges", "scale", "skip_edges"]
    assert (code["edges"], code["scale"], code["skip_edges"]) == (
        [{"m": "torch.zeros(3, 4)"}],
        [100, 1000.0],
        ["equal", "zeros"],
    )
    choice = build_card(
        FormFields(kind="choice", id="q", prompt="P", options="a; b; all of the above",
                    answer="a", shuffle="false", pin="all of the above")
    )  # fmt: skip
    assert list(choice)[-2:] == ["shuffle", "pin"]
    assert (choice["shuffle"], choice["pin"]) == (False, "all of the above")
    assert build_card(FormFields(kind="choice", id="q", options="a; b", answer="a", pin="a; b"))[
        "pin"
    ] == ["a", "b"]


def test_keys_a_kind_does_not_take_are_not_written():
    others = {"fresh": "true", "edges": "x = 1", "scale": "10", "skip_edges": "equal",
              "shuffle": "false", "pin": "a"}  # fmt: skip
    output = build_card(FormFields(kind="output", id="o", expr="torch.ones(2)", **others))
    assert set(output) == {"id", "kind", "expr", "fresh"}
    cloze = build_card(
        FormFields(kind="cloze", id="z", prompt="P", expr="x.____()", fill="sum", **others)
    )
    assert {"edges", "scale", "skip_edges"} <= set(cloze)
    assert not {"fresh", "shuffle", "pin"} & set(cloze)
    flash = build_card(FormFields(kind="flash", id="f", prompt="F", back="B", **others))
    assert set(flash) == {"id", "kind", "front", "back"}
    with pytest.raises(FormError, match="'fresh' must be true or false") as raised:
        build_card(FormFields(kind="output", id="o", expr="1", fresh="maybe"))
    assert raised.value.field == "fresh"
