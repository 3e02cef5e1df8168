"""A yes/no question before something that cannot be taken back with a key.

Suspending or resetting a card (Browse's card page, the review screen) and leaving
Author with a card half written ask first: a stray key must not take a card out of
study or throw away typing. ``ConfirmScreen`` is a ``ModalScreen[bool]``: True only
when the learner confirms (``y`` or the button); Escape, ``n`` and Cancel say no.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; dismissed with True only when the learner confirms."""

    DEFAULT_CSS = """
        ConfirmScreen {
            align: center middle;
        }

        ConfirmScreen #confirm-box {
            width: 64;
            height: auto;
            padding: 1 2;
            border: thick $error;
            background: $surface;
        }

        ConfirmScreen #confirm-question {
            width: 100%;
        }

        ConfirmScreen #confirm-buttons {
            height: auto;
            margin-top: 1;
            align-horizontal: right;
        }

        ConfirmScreen #confirm-buttons Button {
            margin-left: 2;
        }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, confirm_label: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, variant="error", id="confirm-yes")
                yield Button("Cancel", variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")
