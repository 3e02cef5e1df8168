"""Decks as an Anki package (``.apkg``), one note per card, through genanki.

Why it exists: learners who also use Anki (on a phone, say) can take the decks along.
Anki cannot run torch, so the package holds text only: the prompt, the code the card
is about, an answer and the explanation. A fresh card (new values at each review in
the app) is exported with one fixed draw, the one ``check`` judges (seed 0), computed
in the sandbox before the package is written, and a note that it varies in the app.
Note GUIDs come from (deck slug, card id) and the deck and note-type ids from fixed
names, so importing a newer export into Anki updates the notes in place instead of
duplicating them.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.atomicfile import atomic_write
from quiz.deck.model import (
    AnyCard,
    ChoiceCard,
    ClozeCard,
    CodeCard,
    Deck,
    FlashCard,
    OutputCard,
    card_givens,
)
from quiz.deck.printable import printable
from quiz.errors import UserError

if TYPE_CHECKING:
    from quiz.judge.judge import Judge

FIELDS = ("Prompt", "Code", "Answer", "Explanation")
MODEL_NAME = "torch-quiz card"
_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
pre { background: #f4f4f4; padding: 0.5em; border-radius: 4px; }"""
_FRONT = "<div class=prompt>{{Prompt}}</div>{{#Code}}<pre>{{Code}}</pre>{{/Code}}"
_BACK = (
    '{{FrontSide}}<hr id="answer"><pre>{{Answer}}</pre>'
    "{{#Explanation}}<div class=explain>{{Explanation}}</div>{{/Explanation}}"
)


@dataclass(frozen=True, slots=True)
class NoteFields:
    """The four fields of a card's note, as plain text (escaped when written)."""

    prompt: str
    code: str
    answer: str
    explanation: str


def stable_id(name: str) -> int:
    """A positive 31-bit id from a name: the same deck gets the same Anki id every time."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") >> 1 | 1 << 30


def note_guid(deck: str, card_id: str) -> str:
    import genanki

    return genanki.guid_for("torch-quiz", deck, card_id)


VARIES_NOTE = "(In torch-quiz this card draws fresh values at each review; this is one draw.)"


@dataclass(frozen=True, slots=True)
class FixedDraw:
    """One draw of a fresh card, as printed: its givens and what the expression gives."""

    givens: tuple[tuple[str, str], ...]
    answer: str


def fixed_draws(decks: Sequence[Deck], judge: Judge) -> dict[tuple[str, str], FixedDraw]:
    """The fixed draw of every fresh card of ``decks``, by (deck slug, card id); a card
    whose draw fails is left out (its note shows the givens' expressions)."""
    draws: dict[tuple[str, str], FixedDraw] = {}
    for deck in decks:
        for card in deck.cards:
            if not card.varies:
                continue
            trial = judge.reference(deck, card).trials[0]
            if trial.given_failure is None and trial.results:
                answer = trial.results[0].describe(judge.time_limit)
                draws[deck.slug, card.id] = FixedDraw(tuple(trial.givens.items()), answer)
    return draws


def note_fields(deck: Deck, card: AnyCard, draw: FixedDraw | None = None) -> NoteFields:
    """The note of ``card``; a fresh card's ``draw`` gives its values and answer."""
    givens = [f"{name} = {expr}" for name, expr in card_givens(deck, card)]
    explanation = card.explain.get() if card.explain else ""
    if isinstance(card, OutputCard) and draw is not None:
        drawn = [assignment(name, printed) for name, printed in draw.givens]
        prompt = f"{card.prompt.get()}\n{VARIES_NOTE}"
        return NoteFields(prompt, "\n".join([*drawn, card.expr]), draw.answer, explanation)
    if isinstance(card, FlashCard):
        code = "\n".join([*givens, card.demo] if card.demo else givens)
        return NoteFields(card.front.get(), code, card.back.get(), explanation)
    prompt = card.prompt.get()
    if isinstance(card, OutputCard):
        answer = card.accept[0] if card.accept else f"(run: torch-quiz try '{card.expr}')"
        return NoteFields(prompt, "\n".join([*givens, card.expr]), answer, explanation)
    if isinstance(card, CodeCard):
        return NoteFields(prompt, "\n".join(givens), card.solution, explanation)
    if isinstance(card, ClozeCard):
        code = "\n".join([*givens, card.template])
        return NoteFields(prompt, code, card.filled(card.solution), explanation)
    if isinstance(card, ChoiceCard):
        options = [f"{i}. {option}" for i, option in enumerate(card.options, 1)]
        return NoteFields(
            prompt, "\n".join([*givens, *options]), "\n".join(card.answer), explanation
        )
    raise UserError(f"{deck.slug}/{card.id}: unknown card kind {card.kind}")


def _html(text: str) -> str:
    """A field as Anki shows it: HTML-escaped, control and format characters made visible."""
    return html.escape(printable(text)).replace("\n", "<br>")


def assignment(name: str, printed: str) -> str:
    """``name = value``, a value printed over several lines kept aligned under its start."""
    return f"{name} = " + printed.replace("\n", "\n" + " " * (len(name) + 3))


def write_apkg(
    decks: Sequence[Deck],
    path: Path,
    draws: Mapping[tuple[str, str], FixedDraw] | None = None,
) -> int:
    """Write ``decks`` to ``path`` as one Anki package; returns the number of notes.

    ``draws`` holds the fixed draws of fresh cards (``fixed_draws``)."""
    import genanki

    if not decks:
        raise UserError("no decks to export")
    model = genanki.Model(
        stable_id(MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )
    anki_decks = []
    notes = 0
    for deck in decks:
        anki_deck = genanki.Deck(
            stable_id(f"deck:{deck.slug}"),
            f"torch-quiz::{printable(deck.title.get(), multiline=False)}",
        )
        for card in deck.cards:
            fields = note_fields(deck, card, (draws or {}).get((deck.slug, card.id)))
            anki_deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[
                        _html(fields.prompt),
                        _html(fields.code),
                        _html(fields.answer),
                        _html(fields.explanation),
                    ],
                    guid=note_guid(deck.slug, card.id),
                    tags=[
                        printable(t, multiline=False).replace(" ", "_")
                        for t in (deck.slug, *card.tags)
                    ],
                )
            )
            notes += 1
        anki_decks.append(anki_deck)
    with atomic_write(path) as temporary:
        genanki.Package(anki_decks).write_to_file(str(temporary))
    return notes
