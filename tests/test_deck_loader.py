"""Loading valid decks into the frozen model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from support.docs import examples

from quiz.deck.check import load_decks
from quiz.deck.loader import load_deck
from quiz.deck.model import (
    ChoiceCard,
    ClozeCard,
    CodeCard,
    DtypePolicy,
    FlashCard,
    OutputCard,
    Text,
    Tolerance,
)


def write(tmp_path: Path, text: str, name: str = "deck.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def complete(tmp_path: Path):
    result = load_deck(write(tmp_path, examples()[0]))
    assert result.ok, [str(d) for d in result.diagnostics]
    return result.deck


def test_deck_fields(complete):
    assert complete.slug == "tensor-math"
    assert complete.title.get() == "Tensor arithmetic"
    assert complete.description.get("zh") == "逐元素运算、归约和矩阵乘法。"
    assert [(g.name, g.expr) for g in complete.given] == [("a", "torch.arange(6).reshape(2, 3)")]
    assert [card.id for card in complete.cards] == [
        "clamp-both",
        "column-sums",
        "clamp-name",
        "mm-batches",
        "rsqrt",
    ]


def test_output_card(complete):
    card = complete.card("clamp-both")
    assert isinstance(card, OutputCard)
    assert card.expr == "x.clamp(2, 5)"
    assert card.given[0].expr == "torch.tensor([1, 7, 3])"
    assert card.dtype is DtypePolicy.KIND
    assert card.tol == Tolerance(atol=1e-4, rtol=1e-4)
    assert card.accept == ("[2, 5, 3]", "tensor([2, 5, 3])")
    assert card.tags == ("clamp", "p22")
    assert card.hint == Text.plain("clamp(min, max)")


def test_code_cloze_choice_flash_cards(complete):
    code = complete.card("column-sums")
    assert isinstance(code, CodeCard)
    assert (code.solution, code.trials, code.forbid, code.require) == (
        "m.sum(dim=0)",
        5,
        ("torch.tensor",),
        ("m",),
    )
    assert code.accept == ("m.sum(0)", "torch.sum(m, dim=0)")
    cloze = complete.card("clamp-name")
    assert isinstance(cloze, ClozeCard)
    assert cloze.filled(cloze.solution) == "torch.clamp(x, 2, 5)"
    choice = complete.card("mm-batches")
    assert isinstance(choice, ChoiceCard)
    assert choice.answer == ("torch.matmul",)
    assert choice.options == ("torch.mm", "torch.matmul", "torch.dot")
    flash = complete.card("rsqrt")
    assert isinstance(flash, FlashCard)
    assert flash.demo == "torch.tensor([4., 16.]).rsqrt()"
    assert complete.card("missing") is None


def test_cards_are_frozen(complete):
    with pytest.raises(dataclasses.FrozenInstanceError):
        complete.cards[0].id = "other"  # type: ignore[misc]


def test_locations_point_at_the_lines_written(complete):
    lines = examples()[0].splitlines()
    card = complete.card("column-sums")
    assert lines[card.location.line - 1].strip() == "- id: column-sums"
    assert lines[card.where("solution").line - 1].strip().startswith("solution: m.sum(dim=0)")
    assert card.where("no-such-field") == card.location
    assert str(card.location).endswith(f"deck.yaml:{card.location.line}:5")


def test_text_language_fallback():
    text = Text((("zh", "你好"), ("en", "hello")))
    assert text.get("zh") == "你好"
    assert text.get("fr") == "hello"
    assert Text((("zh", "你好"), ("ja", "こんにちは"))).get("fr") == "你好"
    assert text.languages == ("zh", "en")


def test_scalars_are_kept_as_typed(tmp_path: Path):
    deck = load_deck(
        write(
            tmp_path,
            """\
deck: raw
title: 2024-01-01
cards:
  - id: yes-no
    kind: choice
    prompt: Is it?
    options: [yes, no, 1.0e-4, 0x10]
    answer: yes
  - id: sci
    kind: code
    prompt: small
    solution: 1.0e-4
    trials: 3
    tol: {atol: 1e-3, rtol: 0}
""",
        )
    ).deck
    assert deck is not None
    assert deck.title.get() == "2024-01-01"
    choice, code = deck.cards
    assert choice.options == ("yes", "no", "1.0e-4", "0x10")
    assert choice.answer == ("yes",)
    assert code.solution == "1.0e-4"
    assert code.trials == 3
    assert code.tol == Tolerance(atol=1e-3, rtol=0)


def test_output_prompt_defaults_and_hash_tracks_edits(tmp_path: Path):
    text = "deck: h\ntitle: t\ncards:\n  - {id: a, kind: output, expr: torch.ones(2)}\n"
    first = load_deck(write(tmp_path, text)).deck
    same = load_deck(write(tmp_path, text, "copy.yaml")).deck
    edited = load_deck(write(tmp_path, text.replace("ones", "zeros"), "edit.yaml")).deck
    assert first.cards[0].prompt.get() == "What does this give?"
    assert first.cards[0].prompt.get("zh") == "结果是什么?"
    assert first.cards[0].content_hash == same.cards[0].content_hash
    assert first.cards[0].content_hash != edited.cards[0].content_hash


def test_a_broken_deck_is_skipped_while_others_load(tmp_path: Path):
    write(
        tmp_path,
        "deck: good\ntitle: t\ncards:\n  - {id: a, kind: flash, front: f, back: b}\n",
        "good.yaml",
    )
    write(tmp_path, "deck: bad\ntitle: t\ncards:\n  - {id: a, kind: flash, front: f}\n", "bad.yaml")
    result = load_decks([tmp_path])
    assert [deck.slug for deck in result.decks] == ["good"]
    assert [str(d) for d in result.errors] == [
        f"{tmp_path / 'bad.yaml'}:4:5: error: missing required key 'back' for a flash card"
    ]
    assert result.files == 2


def test_bom_and_crlf_are_fine(tmp_path: Path):
    text = (
        "\ufeffdeck: bom\r\ntitle: t\r\ncards:\r\n  - {id: a, kind: flash, front: f, back: b}\r\n"
    )
    path = tmp_path / "bom.yaml"
    path.write_bytes(text.encode("utf-8"))
    assert load_deck(path).ok
