"""The answer boxes: one line for output, cloze and choice cards, several for code.

Both post ``AnswerBox.Submitted`` on Enter so the review screen handles one message.
In the multi-line box, ``ctrl+j`` inserts a newline (so does ``shift+enter`` or
``alt+enter`` in terminals that report them); Enter always submits. The judge reads the
lines (``quiz.deck.exprsyntax.read_lines``): as one expression when they make one as if
inside brackets, else as a few statements whose last line is the answer.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class AnswerSubmitted(Message):
    """The learner pressed Enter in an answer box."""

    def __init__(self, box: Widget, value: str) -> None:
        super().__init__()
        self.box = box
        self.value = value


class AnswerLine(Input):
    """A single-line answer."""

    DEFAULT_CSS = """
        AnswerLine {
            margin: 0 1;
        }
    """

    async def action_submit(self) -> None:
        self.post_message(AnswerSubmitted(self, self.value))

    def clear_answer(self) -> None:
        self.value = ""

    @property
    def answer(self) -> str:
        return self.value


class CodeBox(TextArea):
    """A multi-line Python answer with highlighting: Enter submits, ctrl+j adds a line."""

    DEFAULT_CSS = """
        CodeBox {
            height: 7;
            margin: 0 1;
        }
    """

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            "",
            language="python",
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder=placeholder,
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(AnswerSubmitted(self, self.answer))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)

    def clear_answer(self) -> None:
        """Empty the box for the next card, keeping its document: loading new text would
        build the highlighter's query again for every card."""
        if self.text:
            self.clear()
        self.history.clear()

    @property
    def answer(self) -> str:
        """The lines typed, as they are: the judge reads them (and sets a pasted indent flush)."""
        return self.text
