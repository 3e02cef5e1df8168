"""What ships in decks/ is valid."""

from __future__ import annotations

from quiz.deck.check import load_decks
from quiz.paths import bundled_decks_dir


def test_bundled_decks_pass_check():
    result = load_decks([bundled_decks_dir()])
    assert [str(d) for d in result.diagnostics] == []
    assert result.decks, "no bundled decks found"
    assert len({deck.slug for deck in result.decks}) == len(result.decks)
