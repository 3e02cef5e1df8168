"""Decks as an Anki package (``.apkg``), one note per card, through genanki.

Why it exists: learners who also use Anki (on a phone, say) can take the decks along.
Anki cannot run torch, so the package holds text only: the prompt, the code the card
is about, an answer and the explanation. A fresh card (new values at each review in
the app) is exported with one fixed draw, the one ``check`` judges (seed 0), computed
in the sandbox before the package is written, and a note that it varies in the app.
Note GUIDs come from (deck slug, card id) and the deck and note-type ids from fixed
names, so importing a newer export into Anki updates the notes in place instead of
duplicating them. Texts are written in the learner's language or in several
(``--language``), their Markdown rendered to HTML by ``quiz.progress.anki_html``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.atomicfile import atomic_write
from quiz.deck.model import (
    DEFAULT_LANGUAGE,
    AnyCard,
    ChoiceCard,
    ClozeCard,
    CodeCard,
    Deck,
    FlashCard,
    OutputCard,
    Text,
)
from quiz.deck.printable import printable
from quiz.deck.usedgivens import used_givens
from quiz.errors import UserError
from quiz.progress.anki_html import code_html, text_html

if TYPE_CHECKING:
    from quiz.judge.judge import Judge

FIELDS = ("Prompt", "Code", "Answer", "Explanation")
MODEL_NAME = "torch-quiz card"
_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
pre { background: #f4f4f4; padding: 0.5em; border-radius: 4px; }
code { font-family: monospace; }
:not(pre) > code { background: #f4f4f4; padding: 0 0.2em; border-radius: 3px; }
.night_mode pre, .night_mode :not(pre) > code { background: #2b2b2b; }
div[lang] + div[lang] { margin-top: 0.6em; opacity: 0.8; }
.varies { font-style: italic; }"""
# Prompt, Answer and Explanation hold HTML blocks (rendered Markdown, or code in <pre>);
# Code holds escaped code only.
_FRONT = "<div class=prompt>{{Prompt}}</div>{{#Code}}<pre><code>{{Code}}</code></pre>{{/Code}}"
_BACK = (
    '{{FrontSide}}<hr id="answer"><div class=answer>{{Answer}}</div>'
    "{{#Explanation}}<div class=explain>{{Explanation}}</div>{{/Explanation}}"
)


@dataclass(frozen=True, slots=True)
class NoteFields:
    """What a card's note shows, before it is rendered to HTML (``note_html``).

    ``prompt`` and ``explanation`` are Markdown in the deck's languages; ``answer`` too
    when it is a :class:`Text` (a flash card's back), else code; ``varies`` adds a note
    that the app draws fresh values for the card."""

    prompt: Text
    code: str
    answer: Text | str
    explanation: Text | None
    varies: bool = False


def stable_id(name: str) -> int:
    """A positive 31-bit id from a name: the same deck gets the same Anki id every time."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") >> 1 | 1 << 30


def note_guid(deck: str, card_id: str) -> str:
    import genanki

    return genanki.guid_for("torch-quiz", deck, card_id)


VARIES_NOTE = Text(
    (
        ("en", "(In torch-quiz this card draws fresh values at each review; this is one draw.)"),
        ("zh", "（在 torch-quiz 中，这张卡片每次复习都会抽取新的值；这里是其中一次。）"),
    )
)


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
    """The note of ``card``; a fresh card's ``draw`` gives its values and answer. Only
    the givens the card uses are shown (``used_givens``)."""
    used = used_givens(deck, card)
    givens = [f"{name} = {expr}" for name, expr in used]
    explanation = card.explain
    if isinstance(card, OutputCard) and draw is not None:
        shown = {name for name, _ in used}
        drawn = [assignment(name, printed) for name, printed in draw.givens if name in shown]
        code = "\n".join([*drawn, card.expr])
        return NoteFields(card.prompt, code, draw.answer, explanation, varies=True)
    if isinstance(card, FlashCard):
        code = "\n".join([*givens, card.demo] if card.demo else givens)
        return NoteFields(card.front, code, card.back, explanation)
    prompt = card.prompt
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


def note_html(fields: NoteFields, languages: Sequence[str]) -> list[str]:
    """The note's four fields as HTML, its texts in ``languages`` (the first leads)."""
    prompt = text_html(fields.prompt, languages)
    if fields.varies:
        prompt += f"<div class=varies>{text_html(VARIES_NOTE, languages)}</div>"
    if isinstance(fields.answer, Text):
        answer = text_html(fields.answer, languages)
    else:
        answer = f"<pre><code>{code_html(fields.answer)}</code></pre>"
    explanation = text_html(fields.explanation, languages) if fields.explanation else ""
    return [prompt, code_html(fields.code), answer, explanation]


def assignment(name: str, printed: str) -> str:
    """``name = value``, a value printed over several lines kept aligned under its start."""
    return f"{name} = " + printed.replace("\n", "\n" + " " * (len(name) + 3))


def write_apkg(
    decks: Sequence[Deck],
    path: Path,
    draws: Mapping[tuple[str, str], FixedDraw] | None = None,
    languages: Sequence[str] = (DEFAULT_LANGUAGE,),
) -> int:
    """Write ``decks`` to ``path`` as one Anki package; returns the number of notes.

    ``draws`` holds the fixed draws of fresh cards (``fixed_draws``); the notes show
    their texts in ``languages``, the first leading (``export_languages``)."""
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
            f"torch-quiz::{printable(deck.title.get(languages[0]), multiline=False)}",
        )
        for card in deck.cards:
            fields = note_fields(deck, card, (draws or {}).get((deck.slug, card.id)))
            anki_deck.add_note(
                genanki.Note(
                    model=model,
                    fields=note_html(fields, languages),
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
