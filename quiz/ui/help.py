"""Help: every key of every screen, read from the screens' own ``BINDINGS``.

Nothing here is written by hand but the list of screens, so the help cannot drift
from the keys (``tests/ui/test_palette_help_keymap.py`` checks that every screen with keys is
listed). The keys shown are the ones in force: the learner's ``keymap.toml``
(``quiz.ui.keymap``) applied to the defaults. The screen the help was opened from
comes first. Every section's table has the same key and id column widths (the widest
of all sections), so the columns line up down the whole page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from quiz.ui.footer import KeysFooter
from quiz.ui.prompt import ANSWER_HELP

NOTES = {  # keys that belong to a widget rather than a binding, and what to type there
    "ReviewScreen": "In the answer box, letters and digits are typed: Tab leaves it. "
    f"ctrl+j inserts a newline in a code card's box. {ANSWER_HELP}",
    "SearchBox": "Every other key is typed (s, S and / too); Tab goes to the table.",
}


@dataclass(frozen=True)
class KeyRow:
    keys: tuple[str, ...]  # as Textual names them ("ctrl+t", "question_mark")
    description: str
    binding_id: str


def own_bindings(owner: type) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits), with an id."""
    declared = owner.__dict__.get("BINDINGS", [])
    return [b for b in Binding.make_bindings(declared) if b.id]


def section_rows(owner: type, keymap: Mapping[str, str]) -> list[KeyRow]:
    """One row per binding id (``"f1,question_mark"`` is one binding with two keys)."""
    rows: dict[str, KeyRow] = {}
    for binding in own_bindings(owner):
        assert binding.id is not None
        if binding.id in rows:
            continue
        keys = keymap.get(binding.id) or ",".join(
            b.key for b in own_bindings(owner) if b.id == binding.id
        )
        description = binding.description or binding.action.replace("_", " ")
        rows[binding.id] = KeyRow(tuple(keys.split(",")), description, binding.id)
    return list(rows.values())


def sections(app_type: type[App[object]]) -> list[tuple[str, type]]:
    """The owners of the keys, the app first, then every screen that has keys.

    The screens are imported here, when the help opens (not when the app starts).
    """
    from quiz.ui.author import AuthorScreen
    from quiz.ui.browse import BrowseScreen, SearchBox
    from quiz.ui.card import CardScreen
    from quiz.ui.confirm import ConfirmScreen
    from quiz.ui.home import HomeScreen
    from quiz.ui.practice import PracticeDialog
    from quiz.ui.review import ReviewScreen
    from quiz.ui.settings import SettingsScreen
    from quiz.ui.stats import StatsScreen
    from quiz.ui.summary import SummaryScreen

    return [
        ("Everywhere", app_type),
        ("Home", HomeScreen),
        ("Review", ReviewScreen),
        ("Summary", SummaryScreen),
        ("Practice dialog", PracticeDialog),
        ("Browse", BrowseScreen),
        ("Browse search box", SearchBox),
        ("Card detail", CardScreen),
        ("Confirm (suspend, reset, discard)", ConfirmScreen),
        ("Stats", StatsScreen),
        ("Author", AuthorScreen),
        ("Settings", SettingsScreen),
        ("Help", HelpScreen),
    ]


def known_ids(app_type: type[App[object]]) -> set[str]:
    """Every binding id of the app and its screens (what ``keymap.toml`` may name)."""
    return {b.id for _, owner in sections(app_type) for b in own_bindings(owner) if b.id}


def key_text(app: App[object], keys: tuple[str, ...]) -> str:
    return " / ".join(app.get_key_display(Binding(key, "")) for key in keys)


class HelpScreen(Screen[None]):
    """The keys, a table per screen; Escape closes it."""

    DEFAULT_CSS = """
        HelpScreen #help-body {
            padding: 0 1;
        }

        HelpScreen #help-intro {
            color: $text-muted;
            margin-bottom: 1;
        }

        HelpScreen .help-section {
            margin-bottom: 1;
        }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="help.back"),
    ]

    def __init__(self, keymap: Mapping[str, str] | None = None, current: str = "") -> None:
        super().__init__()
        self.keymap = dict(keymap or {})
        self.current = current
        self._widths: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            yield Static(
                "Every key, screen by screen. Remap them by id in keymap.toml "
                "(docs/app.md); ctrl+p finds every action by name.",
                id="help-intro",
            )
            for title, owner in self.ordered():
                yield Static(self.section_table(title, owner), classes="help-section")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Keys"
        self.query_one("#help-body", VerticalScroll).focus()

    def ordered(self) -> list[tuple[str, type]]:
        found = sections(type(self.app))
        here = [s for s in found if s[1].__name__ == self.current]
        return here + [s for s in found if s[1].__name__ != self.current]

    def column_widths(self) -> tuple[int, int]:
        """The keys and the id columns' widths: their widest cell in any section."""
        if self._widths is None:
            rows = [
                row
                for _, owner in sections(type(self.app))
                for row in section_rows(owner, self.keymap)
            ]
            keys = max(cell_len(key_text(self.app, row.keys)) for row in rows)
            ids = max(cell_len(row.binding_id) for row in rows)
            self._widths = (max(keys, 12), ids)
        return self._widths

    def section_table(self, title: str, owner: type) -> Table:
        heading = f"{title} (this screen)" if owner.__name__ == self.current else title
        table = Table(
            title=Text(heading, style="bold"),
            title_justify="left",
            show_header=False,
            box=None,
            padding=(0, 2, 0, 0),
            expand=True,
        )
        keys_width, ids_width = self.column_widths()
        table.add_column("keys", style="bold", no_wrap=True, width=keys_width)
        table.add_column("does", ratio=1)
        table.add_column("id", style="dim", no_wrap=True, width=ids_width)
        for row in section_rows(owner, self.keymap):
            table.add_row(key_text(self.app, row.keys), row.description, row.binding_id)
        note = NOTES.get(owner.__name__)
        if note:
            table.add_row("", Text(note, style="italic"), "")
        return table
