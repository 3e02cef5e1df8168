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

On a large database the rows take a while, so they are read in a thread worker
("rows") on a read-only connection of its own, and each search or order is applied in
another ("filter"), both posting their result as a message that is drawn on the UI
thread; typing waits for a pause (``SEARCH_PAUSE_S``) before it searches, while Enter
searches at once. ``settled`` says the table shows the latest search and order.

The table holds only the rows the learner has reached: ``ROWS_AT_ONCE`` at first (and
down to the card the cursor stays on), then more each time the cursor comes near the
last row held. A DataTable measures and keeps every row it is given, so a hundred
thousand cards in it held the screen for seconds, and again at every search; each
row's cells are made as it is added.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker, WorkerState

from quiz.errors import UserError
from quiz.progress.browse import BrowseRow, CardFilter, SortColumn, SortOrder, read_cards
from quiz.ui.card import CardScreen, due_text, plain_cell
from quiz.ui.footer import KeysFooter
from quiz.ui.seams import host

if TYPE_CHECKING:
    from pathlib import Path

    from quiz.deck.model import Deck
    from quiz.review.session import Session

Cells = list[str | Text]  # a row's cells, one per column of COLUMNS
SEARCH_PAUSE_S = 0.15  # typing searches once the keys pause this long
READING = "reading the cards…"  # the count line until the cards come
ROWS_AT_ONCE = 50  # rows added to the table at a time (a tall screen shows 40)
MORE_WITHIN = 30  # the cursor this near the last row held: the next rows are added

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
    if _width(cell) <= width:  # markup only adds cells, so the text fits as well
        return cell
    text = cell.copy() if isinstance(cell, Text) else Text.from_markup(cell)  # see plain_cell
    if text.cell_len <= width:
        return cell
    text.truncate(width, overflow="ellipsis")
    return text


def flag_letters(row: BrowseRow) -> str:
    return "".join(FLAG_LETTERS[name] for name in row.flags())


def _width(cell: str | Text) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def cells_of(row: BrowseRow, now: datetime) -> Cells:
    """A row's cells as the table shows them (plain values: any thread may make them)."""
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

    class RowsRead(Message):
        """The "rows" worker's result: every card and each column's widest cell."""

        def __init__(
            self, asked: int, rows: list[BrowseRow], widths: dict[SortColumn, int], error: str
        ) -> None:
            super().__init__()
            self.asked = asked
            self.rows = rows
            self.widths = widths
            self.error = error

    class Filtered(Message):
        """The "filter" worker's result: the cards that match, in order, at ``now``."""

        def __init__(self, asked: int, shown: list[BrowseRow], now: datetime) -> None:
            super().__init__()
            self.asked = asked
            self.shown = shown
            self.now = now

    def __init__(self, session: Session, *, language: str = "en", search: bool = False) -> None:
        super().__init__()
        self.session = session
        self.language = language
        self.search = search
        self.rows: list[BrowseRow] = []
        self.shown: list[BrowseRow] = []
        self.shown_at: datetime | None = None  # the time the shown cards' cells are made at
        self.held = 0  # how many of the shown cards the table holds (from the first)
        self.asked = 0  # readings and filterings asked for; only the latest is drawn
        self.drawn = -1  # the one the table shows
        self.typing: Timer | None = None  # a search waiting for the keys to pause
        self.fillings = 0  # the table was emptied and filled again this many times
        self.filled = 0  # the filling whose first rows (to the cursor's card) are in the table
        self.order = SortOrder()  # as listed: deck, then file order
        self.widths: dict[SortColumn, int] = {}  # each column's widest cell, of all the cards
        self.fitted: dict[SortColumn, int] = {}  # the columns shown and their widths

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchBox(placeholder=f"search: {SEARCH_HELP}", id="browse-search")
        yield Static(Text(READING, style="dim"), id="browse-count")
        yield DataTable(id="browse-cards", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        # The cards are listed on resume, which also follows the first mount.
        self.query_one("#browse-search" if self.search else "#browse-cards").focus()

    @property
    def settled(self) -> bool:
        """The table shows the latest rows, search and order asked for."""
        return self.drawn == self.asked and self.typing is None and self.filled == self.fillings

    def action_reload(self) -> None:
        """Read every card again, off the UI thread; the search and order are kept."""
        if not self.rows:  # on a large database the first reading takes a while
            self.query_one("#browse-count", Static).update(Text(READING, style="dim"))
        self.asked += 1
        self.read_rows(self.asked, self.session.db_path, tuple(self.session.decks))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="browse-rows",
        name="rows",
        description="Browse's cards",  # else the repr of every deck, on the UI thread
    )
    def read_rows(self, asked: int, path: Path, decks: tuple[Deck, ...]) -> None:
        now = self.session.now()  # the clock only: the session's connection is not used
        try:
            rows = read_cards(path, decks, now, self.language)
        except UserError as error:
            self.post_message(self.RowsRead(asked, [], {}, str(error)))
            return
        cells = [cells_of(row, now) for row in rows]
        widths = {
            column: max((_width(line[i]) for line in cells), default=0)
            for i, column in enumerate(COLUMNS)
        }
        self.post_message(self.RowsRead(asked, rows, widths, ""))

    def on_browse_screen_rows_read(self, message: RowsRead) -> None:
        if message.asked != self.asked:
            return
        if message.error:
            self.notify(message.error, title="cannot list the cards", severity="error")
        self.rows = message.rows
        self.widths = message.widths
        self.refilter()

    def refilter(self) -> None:
        """Apply the search and the order to the cards, off the UI thread."""
        if self.typing is not None:
            self.typing.stop()
            self.typing = None
        self.asked += 1
        query = self.query_one("#browse-search", Input).value
        self.filter_rows(self.asked, query, self.order, self.rows, self.session.now())

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="browse-filter",
        name="filter",
        description="Browse's search",  # else the repr of every row, on the UI thread
    )
    def filter_rows(
        self, asked: int, query: str, order: SortOrder, rows: list[BrowseRow], now: datetime
    ) -> None:
        self.post_message(
            self.Filtered(asked, CardFilter.parse(query).apply(rows, now, order), now)
        )

    def on_browse_screen_filtered(self, message: Filtered) -> None:
        if message.asked != self.asked:
            return
        before = self.shown
        self.shown, self.shown_at = message.shown, message.now
        self.fill(before)
        self.drawn = message.asked

    def fill(self, before: list[BrowseRow] | None = None) -> None:
        """The table from the cards shown; the cursor stays on its card (of ``before``, the
        cards the table showed until now)."""
        table = self.query_one("#browse-cards", DataTable)
        before = self.shown if before is None else before
        cursor = table.cursor_row
        current = before[cursor].ref if 0 <= cursor < len(before) else None
        self._fit_columns(table)
        refs = [row.ref for row in self.shown]
        target = refs.index(current) if current in refs else min(cursor, len(refs) - 1)
        self.fillings += 1
        self.held = 0
        self._add_rows(self.fillings, target)
        legend = "flags: E edited · L leech · S suspended · B buried"
        column = self.order.column
        if column is not None and column not in self.fitted:  # left out at this width
            legend = f"by {COLUMNS[column]} {self._arrow()}   {legend}"
        self.query_one("#browse-count", Static).update(
            f"{len(self.shown)} of {len(self.rows)} cards   {legend}"
        )

    def _add_rows(self, filling: int, target: int) -> None:
        """The next ``ROWS_AT_ONCE`` rows, and more after the next refresh until the row
        ``target`` (the cursor's) is in: the table measures every cell it is given before
        the screen can draw again."""
        if filling != self.fillings:  # a later search or order has emptied the table
            return
        self._hold_more()
        if self.held <= target:
            self.call_after_refresh(self._add_rows, filling, target)
            return
        if target >= 0:
            self.query_one("#browse-cards", DataTable).move_cursor(row=target)
        self.filled = filling

    def _hold_more(self) -> None:
        """Add the next ``ROWS_AT_ONCE`` of the cards shown to the table."""
        table = self.query_one("#browse-cards", DataTable)
        start, end = self.held, min(self.held + ROWS_AT_ONCE, len(self.shown))
        now = self.shown_at or self.session.now()
        for row in self.shown[start:end]:
            cells = dict(zip(COLUMNS, cells_of(row, now), strict=True))
            table.add_row(
                *(cut(cells[column], width) for column, width in self.fitted.items()),
                key=str(row.ref),
            )
        self.held = end

    @on(DataTable.RowHighlighted, "#browse-cards")
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        """The cursor comes near the last row held: the next rows join the table."""
        more = self.held < len(self.shown) and event.cursor_row >= self.held - MORE_WITHIN
        if more and self.filled == self.fillings:
            self._hold_more()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            host(self.app).worker_failed(event.worker)

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

    @on(Input.Changed, "#browse-search")
    def _search_changed(self) -> None:
        """Search once the keys pause: each key would otherwise draw the table again."""
        if self.typing is not None:
            self.typing.stop()
        self.typing = self.set_timer(SEARCH_PAUSE_S, self.refilter)

    @on(Input.Submitted, "#browse-search")
    def _search_done(self) -> None:
        """Enter: the search is applied as typed; the learner goes on in the table."""
        if self.typing is not None:
            self.refilter()
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
        if self.shown:
            self.call_after_refresh(self.fill)  # once the table has its new width

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
