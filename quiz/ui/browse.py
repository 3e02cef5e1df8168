"""Browse: every card of the loaded decks in one table, searched and filtered.

The learner finds a card (by words, deck, kind, tag, state or flag) and opens it with
Enter: its schedule, its history and its actions are ``quiz.ui.card``'s. The queries
and the filter are headless (``quiz.review.browse``); this module only lays them out
and formats them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from quiz.deck.model import Deck
from quiz.review.browse import BrowseRow, CardFilter, list_cards
from quiz.review.cards import CardRef
from quiz.review.clock import Clock, system_clock
from quiz.review.errors import ReviewError, StoreError
from quiz.review.store import Store
from quiz.ui.card import CardScreen, ConfirmScreen, due_text
from quiz.ui.footer import KeysFooter

# The card detail and its confirmation live in quiz.ui.card; the help lists them here.
__all__ = ["BrowseScreen", "CardScreen", "ConfirmScreen", "flag_letters"]

FLAG_LETTERS = {"edited": "E", "leech": "L", "suspended": "S", "buried": "B"}
SEARCH_HELP = "words · deck: kind: tag: · is:new|learning|review|due|suspended|leech|edited · -term"


def flag_letters(row: BrowseRow) -> str:
    return "".join(FLAG_LETTERS[name] for name in row.flags())


class BrowseScreen(Screen[None]):
    """All cards of ``decks`` with their state in ``store``; Enter opens one."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="browse.back"),
        Binding("slash", "search", "Search", id="browse.search"),
        Binding("f5", "reload", "Reload", id="browse.reload"),
    ]

    def __init__(
        self,
        store: Store,
        decks: Sequence[Deck],
        *,
        clock: Clock = system_clock,
        tz: tzinfo | None = None,
        language: str = "en",
    ) -> None:
        super().__init__()
        self.store = store
        self.decks = list(decks)
        self.clock = clock
        self.tz = tz
        self.language = language
        self.rows: list[BrowseRow] = []
        self.shown: list[BrowseRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=f"search: {SEARCH_HELP}", id="browse-search")
        yield Static(id="browse-count")
        yield DataTable(id="browse-cards", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        table = self.query_one("#browse-cards", DataTable)
        for label, key in [
            ("Deck", "deck"), ("Card", "card"), ("Kind", "kind"), ("State", "state"),
            ("Due", "due"), ("Stab.", "stability"), ("Lapses", "lapses"), ("Flags", "flags"),
            ("Tags", "tags"),
        ]:  # fmt: skip
            table.add_column(label, key=key)
        table.focus()  # the cards are listed on resume, which also follows the first mount

    def action_reload(self) -> None:
        try:
            self.rows = list_cards(self.store, self.decks, self.clock(), self.language)
        except (ReviewError, StoreError) as error:
            self.notify(str(error), title="cannot list the cards", severity="error")
            self.rows = []
        self.refilter()

    def refilter(self) -> None:
        query = self.query_one("#browse-search", Input).value
        now = self.clock()
        self.shown = CardFilter.parse(query).apply(self.rows, now)
        table = self.query_one("#browse-cards", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in self.shown:
            table.add_row(*self._cells(row, now), key=str(row.ref))
        if self.shown:
            table.move_cursor(row=min(cursor, len(self.shown) - 1))
        legend = "flags: E edited · L leech · S suspended · B buried"
        self.query_one("#browse-count", Static).update(
            f"{len(self.shown)} of {len(self.rows)} cards   {legend}"
        )

    def _cells(self, row: BrowseRow, now: datetime) -> list[str | Text]:
        stability = row.state.stability
        flags = flag_letters(row)
        return [
            row.ref.deck,
            row.ref.card_id,
            row.kind,
            row.phase.name.lower(),
            due_text(row.state, now),
            "—" if stability is None else f"{stability:.1f}d",
            str(row.lapses) if row.lapses else "",
            Text(flags, style="bold red" if "L" in flags else "bold"),
            " ".join(row.tags),
        ]

    @on(Input.Changed, "#browse-search")
    def _search_changed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#browse-search")
    def _search_done(self) -> None:
        self.query_one("#browse-cards", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#browse-search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.app.pop_screen()

    @on(DataTable.RowSelected, "#browse-cards")
    def _open(self, event: DataTable.RowSelected) -> None:
        ref = CardRef.parse(str(event.row_key.value))
        row = next((r for r in self.rows if r.ref == ref), None)
        if row is not None:
            decks = [deck for deck in self.decks if deck.slug == ref.deck]
            detail = CardScreen(
                self.store, row, decks, clock=self.clock, tz=self.tz, language=self.language
            )
            self.app.push_screen(detail)

    def on_screen_resume(self) -> None:
        self.action_reload()  # shown, or back from a card whose state may have changed
