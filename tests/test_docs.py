"""The examples in the documentation are real: every YAML block in docs/ loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.docs import examples

from quiz.deck.loader import load_deck
from quiz.deck.model import CardKind


def test_the_format_document_has_examples():
    assert len(examples()) >= 2


@pytest.mark.parametrize("index", range(len(examples())))
def test_example_loads(tmp_path: Path, index: int):
    path = tmp_path / "example.yaml"
    path.write_text(examples()[index], encoding="utf-8")
    result = load_deck(path)
    assert result.ok, [str(d) for d in result.diagnostics]


def test_the_complete_example_shows_every_kind(tmp_path: Path):
    path = tmp_path / "complete.yaml"
    path.write_text(examples()[0], encoding="utf-8")
    deck = load_deck(path).deck
    assert deck is not None
    assert {card.kind for card in deck.cards} == set(CardKind)
