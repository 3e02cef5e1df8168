"""Browse: every card of the loaded decks in one table, searched, filtered and sorted.

The learner finds a card (by words, deck, kind, tag, state or flag), sorts the list
by a column (a header click, or ``s`` / ``S``) and opens a card with Enter: its
schedule, its history and its actions are ``quiz.ui.card``'s. The rows, the filter
and the order are headless (``quiz.progress.browse``, read through the study session,
which also does the card's actions); this module only lays them out and formats them.

The search box owns the keyboard while it has the focus: every letter is typed, never
read as a key of the table. Enter shows the matching cards (the focus moves to the
table, whose cursor lights up); Escape clears a typed search, or leaves Browse when
there is none. Home's ``/`` opens Browse with the focus in the search box.

The table fits the screen: the small columns keep their width, the deck, card and tags
columns give way (cut with "…"), and at narrow widths the least useful columns (reps,
lapses, stability) are left out; sorting by one of those is said in the count line.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
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


GIVE_WAY = {SortColumn.CARD: 20, SortColumn.DECK: 10, SortColumn.TAGS: 6}
"""The columns that are cut to fit ("…"), and the least width each is cut to."""
GROWS = (
    (SortColumn.CARD, 28),
    (SortColumn.DECK, None),
    (SortColumn.CARD, None),
    (SortColumn.TAGS, None),
)
"""Who gets the room left once every column has its least width, in turn, up to a width
(None: its widest cell): a card id first, then the deck, then the rest of the card id."""
LEFT_OUT = (SortColumn.REPS, SortColumn.LAPSES, SortColumn.STABILITY, SortColumn.TAGS)
"""The columns left out, in this order, while the others do not fit at their least width."""


def fit_columns(natural: dict[SortColumn, int], room: int, padding: int) -> dict[SortColumn, int]:
    """The columns shown in ``room`` cells and their widths (``padding`` on each side of each).

    Every column gets its natural width if all fit. Otherwise the ``GIVE_WAY`` columns
    shrink to their least width, and while even that is too wide the ``LEFT_OUT`` columns
    go; the room left is handed back as ``GROWS`` says.
    """

    def least(column: SortColumn) -> int:
        return min(natural[column], GIVE_WAY.get(column, natural[column]))

    shown = list(natural)
    if sum(natural.values()) + 2 * padding * len(shown) <= room:
        return dict(natural)
    for column in LEFT_OUT:
        if sum(least(c) for c in shown) + 2 * padding * len(shown) <= room:
            break
        shown.remove(column)
    widths = {column: least(column) for column in shown}
    spare = room - sum(widths.values()) - 2 * padding * len(shown)
    for column, cap in GROWS:
        if column in widths and spare > 0:
            grow = max(0, min(spare, min(natural[column], cap or natural[column]) - widths[column]))
            widths[column] += grow
            spare -= grow
    return {column: widths[column] for column in natural if column in widths}


def cut(cell: str | Text, width: int) -> str | Text:
    """``cell`` in at most ``width`` terminal cells, its end replaced by "…" if cut."""
    text = cell.copy() if isinstance(cell, Text) else Text.from_markup(cell)  # see plain_cell
    if text.cell_len <= width:
        return cell
    text.truncate(width, overflow="ellipsis")
    return text


def flag_letters(row: BrowseRow) -> str:
    return "".join(FLAG_LETTERS[name] for name in row.flags())


def _width(cell: str | Text) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


class SearchBox(Input):
    """Browse's search box: it types every key but Enter (show the cards) and Escape."""

    BINDINGS = [
        Binding("enter", "submit", "Show cards", id="browse.show_cards"),
        Binding("escape", "screen.cancel_search", "Cancel search", id="browse.cancel_search"),
    ]


class BrowseScreen(Screen[None]):
    """All cards of the session's decks with their state; Enter opens one.

    With ``search``, it opens with the focus in the search box (as Home's ``/`` does).
    """

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

    def __init__(self, session: Session, *, language: str = "en", search: bool = False) -> None:
        super().__init__()
        self.session = session
        self.language = language
        self.search = search
        self.rows: list[BrowseRow] = []
        self.shown: list[BrowseRow] = []
        self.order = SortOrder()  # as listed: deck, then file order
        self.widths: dict[SortColumn, int] = {}  # each column's widest cell, of all the cards
        self.fitted: dict[SortColumn, int] = {}  # the columns shown and their widths

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchBox(placeholder=f"search: {SEARCH_HELP}", id="browse-search")
        yield Static(id="browse-count")
        yield DataTable(id="browse-cards", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        # The cards are listed on resume, which also follows the first mount.
        self.query_one("#browse-search" if self.search else "#browse-cards").focus()

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
        self._fit_columns(table)
        for row in self.shown:
            cells = dict(zip(COLUMNS, self._cells(row, now), strict=True))
            table.add_row(
                *(cut(cells[column], width) for column, width in self.fitted.items()),
                key=str(row.ref),
            )
        if self.shown:
            refs = [row.ref for row in self.shown]
            table.move_cursor(
                row=refs.index(current) if current in refs else min(cursor, len(refs) - 1)
            )
        legend = "flags: E edited · L leech · S suspended · B buried"
        column = self.order.column
        if column is not None and column not in self.fitted:  # left out at this width
            legend = f"by {COLUMNS[column]} {self._arrow()}   {legend}"
        self.query_one("#browse-count", Static).update(
            f"{len(self.shown)} of {len(self.rows)} cards   {legend}"
        )

    def _arrow(self) -> str:
        return "▼" if self.order.descending else "▲"

    def _fit_columns(self, table: DataTable) -> None:
        """Empty the table and lay out its columns for the screen's width.

        The sorted column's header gets ▲ (ascending) or ▼ (descending); the others none.
        A column is as wide as its header and its widest cell of all the cards, so the
        columns stay put while a search narrows the list, and give back the arrow's room
        when the order moves to another column; what does not fit gives way
        (``fit_columns``).
        """
        labels = {
            column: f"{label} {self._arrow()}" if column is self.order.column else label
            for column, label in COLUMNS.items()
        }
        natural = {
            column: max(self.widths.get(column, 0), cell_len(label))
            for column, label in labels.items()
        }
        # The table's width without its scrollbar once laid out; before, the screen's.
        room = table.size.width or (self.app.size.width - table.styles.scrollbar_size_vertical)
        fitted = fit_columns(natural, room, table.cell_padding)
        if list(fitted) != list(self.fitted):
            table.clear(columns=True)
            for column in fitted:
                table.add_column(labels[column], key=column.value)
        else:
            table.clear()
        self.fitted = fitted
        for column, width in fitted.items():
            shown = table.columns[column.value]
            shown.label = Text(labels[column])
            shown.label.truncate(width, overflow="ellipsis")
            shown.content_width = width

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
        """Enter: the search is applied as typed; the learner goes on in the table."""
        self.query_one("#browse-cards", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_cancel_search(self) -> None:
        """Escape in the search box: clear what is typed, or leave Browse if nothing is."""
        search = self.query_one("#browse-search", Input)
        if not search.value:
            self.app.pop_screen()
            return
        search.value = ""
        self.query_one("#browse-cards", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the search box has the focus, the table's letter keys are typed: not shown."""
        typing = isinstance(self.focused, SearchBox)
        return not (typing and action in ("sort", "reverse", "search"))

    def on_resize(self, event: Resize) -> None:
        if self.rows:
            self.call_after_refresh(self.refilter)  # once the table has its new width

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
        self.app.pop_screen()

    @on(DataTable.RowSelected, "#browse-cards")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)  # the card's reference, as text
        row = next((r for r in self.rows if str(r.ref) == key), None)
        if row is not None:
            self.app.push_screen(CardScreen(self.session, row, language=self.language))

    def on_screen_resume(self) -> None:
        self.action_reload()  # shown, or back from a card whose state may have changed
