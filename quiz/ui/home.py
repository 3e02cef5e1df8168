"""Home: the table of decks, and a deck's cards one level down."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quiz.deck.check import DeckSet
from quiz.deck.model import CardKind, Deck, FlashCard


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def kinds_line(deck: Deck) -> str:
    counts = deck.count_by_kind()
    return " · ".join(f"{counts[kind]} {kind.value}" for kind in CardKind if counts[kind])


class HomeScreen(Screen[None]):
    BINDINGS = [Binding("q", "app.quit", "Quit", id="home.quit")]

    def __init__(self, decks: DeckSet, language: str) -> None:
        super().__init__()
        self.decks = decks
        self.language = language

    def compose(self) -> ComposeResult:
        yield Header()
        total = (
            f"{_plural(len(self.decks.decks), 'deck')}, {_plural(self.decks.card_count, 'card')}"
        )
        yield Static(total, id="summary")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="details")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.add_columns("Deck", "Title", "Cards")
        for deck in self.decks.decks:
            table.add_row(
                deck.slug, deck.title.get(self.language), str(len(deck.cards)), key=deck.slug
            )
        table.focus()

    def _deck(self, slug: str | None) -> Deck | None:
        return next((d for d in self.decks.decks if d.slug == slug), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        deck = self._deck(event.row_key.value)
        if deck is None:
            return
        description = deck.description.get(self.language) if deck.description else ""
        details = f"{kinds_line(deck)}\n{description}".strip()
        self.query_one("#details", Static).update(details)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        deck = self._deck(event.row_key.value)
        if deck is not None:
            self.app.push_screen(DeckScreen(deck, self.language))


class DeckScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="deck.back")]

    def __init__(self, deck: Deck, language: str) -> None:
        super().__init__()
        self.deck = deck
        self.language = language

    def compose(self) -> ComposeResult:
        yield Header()
        title = f"{self.deck.title.get(self.language)}  ({self.deck.slug})"
        yield Static(f"{title}\n{kinds_line(self.deck)}", id="summary")
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
