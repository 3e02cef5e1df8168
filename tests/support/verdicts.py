"""A deck written from text, and the checks every verdict of a learner's answer must pass:
shared by the corpora of typed answers (tests/judge/test_learner_answers.py,
tests/judge/test_typing.py)."""

from __future__ import annotations

from pathlib import Path

from quiz.deck.loader import load_deck
from quiz.deck.model import Deck
from quiz.judge.verdict import Outcome, Verdict


def deck_from_text(folder: Path, text: str) -> Deck:
    """The deck ``text`` holds, written to ``folder`` and loaded; it must load cleanly."""
    path = folder / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_deck(path)
    assert loaded.deck is not None, [str(d) for d in loaded.diagnostics]
    return loaded.deck


def assert_verdict(verdict: Verdict, outcome: Outcome, words: str) -> None:
    """The verdict has ``outcome``, says ``words``, in one line, in torch-quiz's words."""
    assert verdict.outcome is outcome, verdict.summary
    assert words in verdict.summary, verdict.summary
    assert "\n" not in verdict.summary
    for python_words in ("Traceback", "Maybe you meant", "perhaps you meant"):
        assert python_words not in verdict.summary
