"""The Author screen's card form: one row per field, shown for the kinds that use it.

The judging fields (``dtype``, ``tol``, ``trials``, ``forbid``, ``require``), how a
review shows the card (``fresh``; a choice's ``shuffle`` and ``pin``) and the edge
draws (``edges``, ``scale``, ``skip_edges``) are shown for exactly the kinds whose
deck-format model accepts them, and their choices and defaults are read from that
model too. Empty fields write nothing, so the format's defaults apply. A field the save
refused is marked until it is edited. When a kind's rows do not fit the form's height
with a blank line between them, they close up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from quiz.deck.model import CardKind, Deck
from quiz.deck.schema import CARD_MODELS, AutomaticEdge, CodeModel, DtypeName, OutputModel

FIELD_LABELS = {  # form field -> label; "prompt" is relabelled for flash cards
    "id": "Id",
    "prompt": "Prompt",
    "back": "Back",
    "fill": "Fill",
    "options": "Options",
    "answer": "Answer",
    "accept": "Accept",
    "reject": "Reject",
    "shuffle": "Order",
    "pin": "Pin",
    "dtype": "Dtype",
    "fresh": "Fresh",
    "trials": "Trials",
    "atol": "Tol",
    "rtol": "Tol",
    "forbid": "Forbid",
    "require": "Require",
    "edges": "Edges",
    "scale": "Scale",
    "skip_edges": "Skip",
    "explain": "Explain",
    "hint": "Hint",
    "tags": "Tags",
}
ROWS = [  # the fields on each row, in form order; a row is named after its first field
    ("id",),
    ("prompt",),
    ("back",),
    ("fill",),
    ("options",),
    ("answer",),
    ("accept",),
    ("reject",),
    ("shuffle", "pin"),
    ("dtype", "fresh", "trials"),
    ("atol", "rtol"),
    ("forbid",),
    ("require",),
    ("edges",),
    ("scale", "skip_edges"),
    ("explain",),
    ("hint",),
    ("tags",),
]
EVERY_KIND = {"id", "explain", "hint", "tags"}
KIND_FIELDS = {  # the other fields each kind uses, besides the judging ones
    CardKind.OUTPUT: {"prompt", "accept", "reject"},
    CardKind.CODE: {"prompt", "accept", "reject"},
    CardKind.CLOZE: {"prompt", "fill", "accept", "reject"},
    CardKind.CHOICE: {"prompt", "options", "answer", "accept", "reject"},
    CardKind.FLASH: {"prompt", "back"},
}
JUDGING = {  # card key -> its form fields, shown where the kind's model takes the key
    "dtype": ("dtype",),
    "tol": ("atol", "rtol"),
    "trials": ("trials",),
    "forbid": ("forbid",),
    "require": ("require",),
    "fresh": ("fresh",),
    "edges": ("edges",),
    "scale": ("scale",),
    "skip_edges": ("skip_edges",),
    "shuffle": ("shuffle",),
    "pin": ("pin",),
}
DEFAULT_DTYPE = OutputModel.model_fields["dtype"].default
SWITCHES = {  # a yes/no key's choices: "" writes nothing (the format's default)
    "fresh": [("no", ""), ("yes", "true")],  # givens drawn afresh at each review
    "shuffle": [("shuffled", ""), ("as file", "false")],
}
PLACEHOLDERS = {
    "id": "a slug: clamp-both",
    "prompt": "the question (Markdown)",
    "fill": "the blank's reference fill",
    "options": "option; option; option",
    "answer": "the right option(s), ; between",
    "accept": "answers judged right, ; between",
    "reject": "answers judged wrong, ; between",
    "trials": f"default {CodeModel.model_fields['trials'].default}",
    "atol": "atol, e.g. 1e-3",
    "rtol": "rtol, e.g. 1e-3",
    "forbid": "names it may not use, ; between",
    "require": "names it must use, ; between",
    "pin": "kept in place, ; between",
    "edges": "x = expr, y = expr; next case",
    "scale": "e.g. 100",
    "skip_edges": " ".join(get_args(AutomaticEdge)),
    "tags": "words, spaces between",
}


def kind_fields(kind: CardKind) -> set[str]:
    """The form fields a card of ``kind`` uses."""
    accepted = CARD_MODELS[kind.value].model_fields
    judging = {name for key, names in JUDGING.items() if key in accepted for name in names}
    return EVERY_KIND | KIND_FIELDS[kind] | judging


def form_field(kind: CardKind, key: Sequence[str]) -> str | None:
    """The form field that wrote the card key ``key`` (as ``AppendError.key`` gives it)."""
    first = key[0]
    if first == "tol":
        return key[1] if len(key) > 1 and key[1] in ("atol", "rtol") else "atol"
    if first == "front":
        return "prompt"
    if first == "solution" and kind is CardKind.CLOZE:
        return "fill"
    if first in ("expr", "solution", "template", "demo"):
        return "expr"
    return first if first in FIELD_LABELS or first == "given" else None


class CardForm(VerticalScroll):
    """The deck, the kind and the card's fields, with the status line under them."""

    DEFAULT_CSS = """
        CardForm .author-row {
            height: 1;
            margin-top: 1;
        }

        CardForm .author-label {
            width: 9;
            color: $text-muted;
        }

        CardForm .author-row Input, CardForm .author-row Select {
            width: 1fr;
        }

        CardForm .author-row Input {
            background: $boost;
        }

        CardForm #author-trials, CardForm #author-scale {
            width: 9;
        }

        CardForm #author-label-trials, CardForm #author-label-fresh,
        CardForm #author-label-pin, CardForm #author-label-skip_edges {
            width: auto;
            margin: 0 1;
            color: $text-muted;
        }

        CardForm #author-fresh {
            width: 9;
        }

        CardForm #author-shuffle {
            width: 14;
        }

        CardForm #author-atol {
            margin-right: 1;
        }

        /* A field the save refused (AuthorScreen marks it until it is edited). */
        CardForm .author-row .-invalid {
            background: $error 30%;
        }

        CardForm #author-status {
            height: auto;
            margin-top: 1;
        }
    """

    def __init__(
        self, decks: Sequence[Deck], *, target: Deck | None = None, id: str | None = None
    ) -> None:
        """``target``: the deck chosen at first (None: none, the learner picks one)."""
        super().__init__(id=id)
        self.decks = list(decks)
        self.target = target
        self.shown_rows = 0  # the rows the kind shows, the deck's and kind's included

    def compose(self) -> ComposeResult:
        with Horizontal(classes="author-row"):
            yield Label("Deck", classes="author-label")
            yield Select(
                [(f"{deck.slug} ({deck.path.name})", str(deck.path)) for deck in self.decks],
                id="author-deck",
                value=str(self.target.path) if self.target is not None else Select.NULL,
                allow_blank=self.target is None,
                compact=True,
                prompt="choose a deck" if self.decks else "no deck loaded",
            )
        with Horizontal(classes="author-row"):
            yield Label("Kind", classes="author-label")
            yield Select(
                [(kind.value, kind.value) for kind in CardKind],
                id="author-kind",
                value=CardKind.OUTPUT.value,
                allow_blank=False,
                compact=True,
            )
        for row in ROWS:
            with Horizontal(classes="author-row", id=f"author-row-{row[0]}"):
                yield Label(
                    FIELD_LABELS[row[0]], classes="author-label", id=f"author-label-{row[0]}"
                )
                for name in row:
                    if FIELD_LABELS[name] != FIELD_LABELS[row[0]]:
                        yield Label(FIELD_LABELS[name], id=f"author-label-{name}")
                    yield self._field(name)
        yield Static(id="author-status")

    @staticmethod
    def _field(name: str) -> Widget:
        if name == "dtype":
            choices = [(f"default ({DEFAULT_DTYPE})", "")]
            choices += [(policy, policy) for policy in get_args(DtypeName)]
            return Select(choices, id="author-dtype", value="", allow_blank=False, compact=True)
        if name in SWITCHES:
            return Select(
                SWITCHES[name], id=f"author-{name}", value="", allow_blank=False, compact=True
            )
        return Input(
            placeholder=PLACEHOLDERS.get(name, ""),
            id=f"author-{name}",
            compact=True,
            validate_on=(),  # the save marks a refused field (-invalid); Input must not unmark it
        )

    def show_kind(self, kind: CardKind) -> None:
        """Show the rows, and the fields in them, that ``kind`` uses."""
        shown = kind_fields(kind)
        for row in ROWS:
            self.query_one(f"#author-row-{row[0]}").display = any(name in shown for name in row)
            for name in row[1:]:
                self.query_one(f"#author-{name}").display = name in shown
                if FIELD_LABELS[name] != FIELD_LABELS[row[0]]:
                    self.query_one(f"#author-label-{name}").display = name in shown
        self.query_one("#author-label-prompt", Label).update(field_label(kind, "prompt"))
        self.shown_rows = 2 + sum(any(name in shown for name in row) for row in ROWS)
        self._close_up()

    def on_resize(self) -> None:
        self._close_up()

    def _close_up(self) -> None:
        """Close the rows up when, each with a blank line above, they and a two-line status
        would not fit the form's height.

        The rows' own margin is set, not a class on the form: a class would restyle every
        widget in the form (each Select's list included) at each change of kind or size.
        """
        dense = 2 * self.shown_rows + 3 > self.size.height
        for row in self.query(".author-row"):
            row.styles.margin = (0 if dense else 1, 0, 0, 0)

    def values(self) -> dict[str, str]:
        """Every field as typed (``dtype``: "" for the default policy)."""
        values: dict[str, str] = {}
        for name in FIELD_LABELS:
            widget = self.query_one(f"#author-{name}")
            value = widget.value if isinstance(widget, Input | Select) else ""
            values[name] = value if isinstance(value, str) else ""
        return values


def field_label(kind: CardKind, name: str) -> str:
    """What the Author screen calls field ``name`` (a flash card's prompt is its Front)."""
    if name == "prompt" and kind is CardKind.FLASH:
        return "Front"
    return FIELD_LABELS.get(name) or {"given": "Givens", "expr": "Expression"}.get(name, name)
