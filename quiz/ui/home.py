"""Home: the decks with what is left today, and the ways into studying them.

Enter studies the selected deck, ``r`` reviews everything due, ``p`` opens a
practice drill. The figures come from ``quiz.progress.overview``; this screen only
lays them out. Other screens add their keys to ``BINDINGS`` (``/``, ``t`` and ``a``
are kept for browse, stats and author).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quiz.deck.model import CardKind, Deck
from quiz.deck.printable import printable
from quiz.errors import UserError
from quiz.ui.footer import KeysFooter
from quiz.ui.status import TorchStatus

if TYPE_CHECKING:
    from quiz.progress.overview import DeckRow


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A deck's row before progress is open: its title and size, figures to come."""

    deck: Deck

    @property
    def slug(self) -> str:
        return self.deck.slug

    @property
    def total(self) -> int:
        return len(self.deck.cards)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def kinds_line(deck: Deck) -> str:
    counts = deck.count_by_kind()
    return " · ".join(f"{counts[kind]} {kind.value}" for kind in CardKind if counts[kind])


COLUMNS = ("Deck", "New", "Learning", "Due", "Total", "Retention 30d")
TITLE_WIDTH = (16, 48)  # the Deck column's narrowest and widest; the figures take ~52 columns


class HomeScreen(Screen[None]):
    DEFAULT_CSS = """
        HomeScreen #summary {
            padding: 0 1;
            color: $text-muted;
        }

        HomeScreen DataTable {
            height: 1fr;
        }

        HomeScreen #details {
            height: auto;
            max-height: 8;
            padding: 0 1;
            border-top: solid $primary;
        }
    """

    BINDINGS = [
        Binding("enter", "study", "Study deck", id="home.study"),
        Binding("r", "review_all", "Review due", id="home.review_all"),
        Binding("p", "practice", "Practice", id="home.practice"),
        Binding("slash", "browse", "Browse", id="home.browse"),
        Binding("t", "stats", "Stats", id="home.stats"),
        Binding("a", "author", "Author", id="home.author"),
        Binding("o", "settings", "Settings", id="home.settings"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def __init__(self, language: str = "en") -> None:
        super().__init__()
        self.language = language
        self.rows: list[DeckRow] | list[_Waiting] = []
        self.title_width = TITLE_WIDTH[1]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="details")
        yield TorchStatus()
        yield KeysFooter(compact=True)  # every key fits 80 columns

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        low, high = TITLE_WIDTH
        self.title_width = max(low, min(high, self.app.size.width - 52))
        for label in COLUMNS:
            table.add_column(label, key=label, width=self.title_width if label == "Deck" else None)
        table.focus()

    def on_screen_resume(self) -> None:  # also follows the first mount
        self.refresh_decks()

    def refresh_decks(self) -> None:
        """Read the figures again (after studying) and keep the cursor on its deck."""
        session = self.app.session  # type: ignore[attr-defined]
        if session is None:  # the first frame: decks from the cache, figures once open
            self._show_waiting()
            return
        from quiz.progress.overview import all_left, deck_rows, format_retention

        try:
            self.rows = deck_rows(session)
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        table = self.query_one("#decks", DataTable)
        selected = self.selected_slug()
        table.clear()
        for row in self.rows:
            table.add_row(
                # Text, not a string: a table reads a string cell as markup
                Text(_cut(row.deck.title.get(self.language), self.title_width)),
                _figure(row.left.new, "cyan"),
                _figure(row.left.learning, "red"),
                _figure(row.left.review, "green"),
                Text(str(row.total), justify="right"),
                Text(format_retention(row.retention), justify="right"),
                key=row.slug,
            )
        if selected is not None:
            index = next((i for i, row in enumerate(self.rows) if row.slug == selected), 0)
            table.move_cursor(row=index)
        left = all_left(session)
        cards = sum(row.total for row in self.rows)
        self.query_one("#summary", Static).update(
            f"{_plural(len(self.rows), 'deck')}, {_plural(cards, 'card')} · today, all decks: "
            f"{left.new} new, {left.learning} learning, {left.review} due (r)"
        )

    def _show_waiting(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.clear()
        self.rows = [_Waiting(deck) for deck in self.app.deck_list]  # type: ignore[attr-defined]
        for row in self.rows:
            title = Text(_cut(row.deck.title.get(self.language), self.title_width))
            dots = [Text("…", style="dim", justify="right") for _ in range(3)]
            total = Text(str(row.total), justify="right")
            table.add_row(title, *dots, total, Text("…", justify="right"), key=row.slug)
        cards = sum(row.total for row in self.rows)
        self.query_one("#summary", Static).update(
            f"{_plural(len(self.rows), 'deck')}, {_plural(cards, 'card')} · opening your progress…"
        )

    def selected_slug(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if not table.row_count:
            return None
        return self.rows[table.cursor_row].slug if table.cursor_row < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = next((r for r in self.rows if r.slug == event.row_key.value), None)
        if row is None:
            return
        deck = row.deck
        description = deck.description.get(self.language) if deck.description else ""
        details = f"{deck.slug} · {kinds_line(deck)}\n{description}".strip()
        self.query_one("#details", Static).update(details)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study()

    def action_study(self) -> None:
        slug = self.selected_slug()
        if slug is not None:
            self.app.start_review([slug])  # type: ignore[attr-defined]

    def action_review_all(self) -> None:
        self.app.start_review(None)  # type: ignore[attr-defined]

    def action_practice(self) -> None:
        self.app.choose_practice(self.selected_slug())  # type: ignore[attr-defined]

    # Browse, stats and author are imported when opened: textual-plotext costs nothing before.

    def action_browse(self) -> None:
        from quiz.ui.browse import BrowseScreen

        if not self.app.session_ready():  # type: ignore[attr-defined]
            return
        session = self.app.session  # type: ignore[attr-defined]
        self.app.push_screen(BrowseScreen(session, language=self.language))

    def action_stats(self) -> None:
        from quiz.ui.stats import StatsScreen

        if not self.app.session_ready():  # type: ignore[attr-defined]
            return
        session = self.app.session  # type: ignore[attr-defined]
        self.app.push_screen(StatsScreen(session))

    def action_settings(self) -> None:
        self.app.action_settings()  # type: ignore[attr-defined]

    def action_author(self) -> None:
        from quiz.ui.author import AuthorScreen

        if not self.app.session_ready():  # type: ignore[attr-defined]
            return
        session = self.app.session  # type: ignore[attr-defined]
        if session.judge is None:
            self.notify("no sandbox to run expressions in", severity="error")
            return
        screen = AuthorScreen(
            session.judge, session.decks, language=self.language, on_saved=session.reload_deck
        )
        self.app.push_screen(screen)


def _cut(title: str, width: int) -> str:
    """At most ``width`` terminal cells: a Chinese character takes two."""
    title = printable(title, multiline=False)
    return title if cell_len(title) <= width else set_cell_size(title, width - 1) + "…"


def _figure(count: int, colour: str) -> Text:
    return Text(str(count), style=colour if count else "dim", justify="right")
