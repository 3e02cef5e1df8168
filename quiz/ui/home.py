"""Home: the table of decks, and a deck's cards one level down."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quiz.deck.check import DeckSet
from quiz.deck.model import CardKind, Deck, FlashCard


class HomeScreen(Screen[None]):
    BINDINGS = [Binding("q", "app.quit", "Quit", id="home.quit")]

    def __init__(self, decks: DeckSet, language: str) -> None:
        super().__init__()
        self.decks = decks
        self.language = language

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.decks.summary(), id="summary")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.add_columns("Deck", "Title", "Cards", *(kind.value for kind in CardKind))
        for deck in self.decks.decks:
            counts = deck.count_by_kind()
            table.add_row(
                deck.slug,
                deck.title.get(self.language),
                str(len(deck.cards)),
                *(str(counts[kind]) for kind in CardKind),
                key=deck.slug,
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        deck = next(d for d in self.decks.decks if d.slug == event.row_key.value)
        self.app.push_screen(DeckScreen(deck, self.language))


class DeckScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="deck.back")]

    def __init__(self, deck: Deck, language: str) -> None:
        super().__init__()
        self.deck = deck
        self.language = language

    def compose(self) -> ComposeResult:
        yield Header()
        description = self.deck.description.get(self.language) if self.deck.description else ""
        yield Static(f"{self.deck.title.get(self.language)}\n{description}", id="summary")
        yield DataTable(id="cards", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#cards", DataTable)
        table.add_columns("Card", "Kind", "Question")
        for card in self.deck.cards:
            text = card.front if isinstance(card, FlashCard) else card.prompt
            first_line = text.get(self.language).strip().splitlines()[0]
            table.add_row(card.id, card.kind.value, first_line, key=card.id)
        table.focus()
