"""Browse: every card of the loaded decks in one table, searched, filtered and sorted.

The learner finds a card (by words, deck, kind, tag, state or flag), sorts the list
by a column (a header click, or ``s`` / ``S``) and opens a card with Enter: its
schedule, its history and its actions are ``quiz.ui.card``'s. The rows, the filter
and the order are headless (``quiz.progress.browse``, read through the study session,
which also does the card's actions); this module only lays them out and formats them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from quiz.errors import UserError
from quiz.progress.browse import BrowseRow, CardFilter, SortColumn, SortOrder, session_cards
from quiz.ui.card import CardScreen, due_text, plain_cell
from quiz.ui.footer import KeysFooter

if TYPE_CHECKING:
    from quiz.review.session import Session

FLAG_LETTERS = {"edited": "E", "leech": "L", "suspended": "S", "buried": "B"}
SEARCH_HELP = "words · deck: kind: tag: · is:new|learning|review|due|suspended|leech|edited · -term"
COLUMNS = {  # the table's columns, in order: each one sorts by its SortColumn
    SortColumn.DECK: "Deck",
    SortColumn.CARD: "Card",
    SortColumn.KIND: "Kind",
    SortColumn.STATE: "State",
    SortColumn.DUE: "Due",
    SortColumn.STABILITY: "Stab.",
    SortColumn.REPS: "Reps",
    SortColumn.LAPSES: "Lapses",
    SortColumn.FLAGS: "Flags",
    SortColumn.TAGS: "Tags",
}


def flag_letters(row: BrowseRow) -> str:
    return "".join(FLAG_LETTERS[name] for name in row.flags())


def _width(cell: str | Text) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


class BrowseScreen(Screen[None]):
    """All cards of the session's decks with their state; Enter opens one."""

    DEFAULT_CSS = """
        BrowseScreen #browse-search {
            margin: 0 1;
        }

        BrowseScreen #browse-count {
            padding: 0 1;
            color: $text-muted;
        }

        BrowseScreen DataTable {
            height: 1fr;
        }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="browse.back"),
        Binding("slash", "search", "Search", id="browse.search"),
        Binding("f5", "reload", "Reload", id="browse.reload"),
        Binding("s", "sort", "Sort", id="browse.sort"),
        Binding("S", "reverse", "Reverse", id="browse.reverse"),
    ]

    def __init__(self, session: Session, *, language: str = "en") -> None:
        super().__init__()
        self.session = session
        self.language = language
        self.rows: list[BrowseRow] = []
        self.shown: list[BrowseRow] = []
        self.order = SortOrder()  # as listed: deck, then file order
        self.widths: dict[SortColumn, int] = {}  # each column's widest cell, of all the cards

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=f"search: {SEARCH_HELP}", id="browse-search")
        yield Static(id="browse-count")
        yield DataTable(id="browse-cards", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        table = self.query_one("#browse-cards", DataTable)
        for column, label in COLUMNS.items():
            table.add_column(label, key=column.value)
        table.focus()  # the cards are listed on resume, which also follows the first mount

    def action_reload(self) -> None:
        try:
            self.rows = session_cards(self.session, self.language)
        except UserError as error:
            self.notify(str(error), title="cannot list the cards", severity="error")
            self.rows = []
        now = self.session.now()
        cells = [self._cells(row, now) for row in self.rows]
        self.widths = {
            column: max((_width(line[i]) for line in cells), default=0)
            for i, column in enumerate(COLUMNS)
        }
        self.refilter()

    def refilter(self) -> None:
        """The cards that match the search, in the chosen order; the cursor stays on its card."""
        query = self.query_one("#browse-search", Input).value
        now = self.session.now()
        table = self.query_one("#browse-cards", DataTable)
        cursor = table.cursor_row
        current = self.shown[cursor].ref if 0 <= cursor < len(self.shown) else None
        self.shown = CardFilter.parse(query).apply(self.rows, now, self.order)
        self._label_columns(table)
        table.clear()
        for row in self.shown:
            table.add_row(*self._cells(row, now), key=str(row.ref))
        if self.shown:
            refs = [row.ref for row in self.shown]
            table.move_cursor(
                row=refs.index(current) if current in refs else min(cursor, len(refs) - 1)
            )
        legend = "flags: E edited · L leech · S suspended · B buried"
        self.query_one("#browse-count", Static).update(
            f"{len(self.shown)} of {len(self.rows)} cards   {legend}"
        )

    def _label_columns(self, table: DataTable) -> None:
        """The sorted column's header gets ▲ (ascending) or ▼ (descending); the others none.

        A column is as wide as its header and its widest cell of all the cards, so the
        columns stay put while a search narrows the list, and give back the arrow's room
        when the order moves to another column.
        """
        for column, label in COLUMNS.items():
            if column is self.order.column:
                label += " ▼" if self.order.descending else " ▲"
            shown = table.columns[column.value]
            shown.label = Text(label)
            shown.content_width = max(self.widths.get(column, 0), cell_len(label))

    def _cells(self, row: BrowseRow, now: datetime) -> list[str | Text]:
        stability = row.state.stability
        flags = flag_letters(row)
        return [  # deck, card and tags may come from an imported file
            plain_cell(row.ref.deck),
            plain_cell(row.ref.card_id),
            row.kind,
            row.phase.name.lower(),
            due_text(row.state, now),
            "—" if stability is None else f"{stability:.1f}d",
            str(row.reps),
            str(row.lapses) if row.lapses else "",
            Text(flags, style="bold red" if "L" in flags else "bold"),
            plain_cell(" ".join(row.tags)),
        ]

    @on(Input.Changed, "#browse-search")
    def _search_changed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#browse-search")
    def _search_done(self) -> None:
        self.query_one("#browse-cards", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def sort_by(self, order: SortOrder) -> None:
        self.order = order
        self.refilter()

    def action_sort(self) -> None:
        self.sort_by(self.order.next())

    def action_reverse(self) -> None:
        self.sort_by(self.order.reversed())

    @on(DataTable.HeaderSelected, "#browse-cards")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(self.order.by(SortColumn(str(event.column_key.value))))

    def action_back(self) -> None:
        search = self.query_one("#browse-search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.app.pop_screen()

    @on(DataTable.RowSelected, "#browse-cards")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)  # the card's reference, as text
        row = next((r for r in self.rows if str(r.ref) == key), None)
        if row is not None:
            self.app.push_screen(CardScreen(self.session, row, language=self.language))

    def on_screen_resume(self) -> None:
        self.action_reload()  # shown, or back from a card whose state may have changed
