"""The practice dialog: choose a deck or a tag to drill, and whether it counts.

Returns the choice; the drill itself (``quiz.review.practice.Practice``) is built by
Home, so this dialog only asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, OptionList
from textual.widgets.option_list import Option

from quiz.deck.printable import printable


@dataclass(frozen=True, slots=True)
class PracticeChoice:
    deck: str | None  # a deck slug, or
    tag: str | None  # a tag
    counted: bool  # record the ratings in the schedule


class PracticeDialog(ModalScreen[PracticeChoice | None]):
    """Pick what to drill. ``decks`` are (slug, title); ``tags`` the tags in use."""

    DEFAULT_CSS = """
        PracticeDialog {
            align: center middle;
        }

        PracticeDialog #practice-dialog {
            width: 70;
            max-width: 100%;
            height: 90%;
            border: thick $primary;
            background: $surface;
            padding: 1 2;
        }

        PracticeDialog #practice-title {
            text-style: bold;
            margin-bottom: 1;
        }

        PracticeDialog #practice-options {
            height: 1fr;  /* the rest of the dialog: the checkbox and the buttons stay in view */
            text-wrap: nowrap;  /* a title is cut, not wrapped away from its label */
            text-overflow: ellipsis;
        }

        PracticeDialog #practice-buttons {
            height: auto;
            align-horizontal: right;
        }

        PracticeDialog #practice-buttons Button {
            margin-left: 1;
        }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="practice.cancel"),
        Binding("c", "toggle_counted", "Count it", id="practice.count"),
    ]

    def __init__(self, decks: list[tuple[str, str]], tags: list[str], selected: str | None) -> None:
        super().__init__()
        self.decks = decks
        self.tags = tags
        self.selected = selected

    def compose(self) -> ComposeResult:
        with Vertical(id="practice-dialog"):
            yield Label("Practise a deck or a tag, whatever the schedule says", id="practice-title")
            # Text, not a string: an option's string is read as markup, and titles are text
            options = [
                Option(_line("deck  ", title), id=f"deck:{slug}") for slug, title in self.decks
            ]
            options += [Option(_line("tag   #", tag), id=f"tag:{tag}") for tag in self.tags]
            yield OptionList(*options, id="practice-options")
            yield Checkbox(counted_label(False), id="practice-counted")
            with Horizontal(id="practice-buttons"):
                yield Button("Practise", variant="primary", id="practice-go")
                yield Button("Cancel", id="practice-cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.selected is not None:
            options.highlighted = options.get_option_index(f"deck:{self.selected}")
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "practice-go":
            options = self.query_one(OptionList)
            if options.highlighted is not None:
                self._choose(options.get_option_at_index(options.highlighted).id)
        else:
            self.dismiss(None)

    def action_toggle_counted(self) -> None:
        self.query_one(Checkbox).toggle()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = counted_label(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _choose(self, option_id: str | None) -> None:
        if option_id is None:
            return
        kind, _, name = option_id.partition(":")
        counted = self.query_one(Checkbox).value
        if kind == "deck":
            self.dismiss(PracticeChoice(name, None, counted))
        else:
            self.dismiss(PracticeChoice(None, name, counted))


def counted_label(counted: bool) -> str:
    """The checkbox's state in words: a box's mark alone is easy to misread."""
    if counted:
        return "counted: yes, the answers go into the schedule (c)"
    return "counted: no, the schedule is left alone (c)"


def _line(kind: str, name: str) -> Text:
    """One option, kept on one line by the list's CSS: a long title (a Chinese one has no
    space to wrap at) is cut with an ellipsis rather than wrapped away from its label."""
    # Text, not a string: an option's string is read as markup, and titles are text
    return Text(f"{kind}{printable(name, multiline=False)}")
