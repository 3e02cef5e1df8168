"""Home: the decks with what is left today, and the ways into studying them.

Enter studies the selected deck, ``r`` reviews everything due, ``p`` opens a
practice drill, F5 finds decks added or changed since the launch (and so does the
return from Author). The figures come from ``quiz.progress.overview``; this screen only
lays them out. They are read in a thread worker ("figures") on a read-only connection
of its own, at every return to Home: the rows are drawn at once, with "…" for figures
not read yet (or the last ones read), and again when the worker's ``FiguresRead`` comes.
Other screens add their keys to ``BINDINGS`` (``/``, ``t`` and ``a`` are kept for
browse, stats and author).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from threading import Event
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState

from quiz.deck.model import CardKind, Deck
from quiz.deck.printable import printable
from quiz.errors import UserError
from quiz.ui.footer import KeysFooter
from quiz.ui.seams import FollowsLanguage, LanguageChanged, ProgressOpened, host
from quiz.ui.status import TorchStatus

if TYPE_CHECKING:
    from quiz.deck.check import DeckSet
    from quiz.progress.overview import DeckRow, Overview, OverviewSource


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def kinds_line(deck: Deck) -> str:
    counts = deck.count_by_kind()
    return " · ".join(f"{counts[kind]} {kind.value}" for kind in CardKind if counts[kind])


COLUMNS = ("Deck", "New", "Learning", "Due", "Total", "Retention 30d")
HELD = "*"  # after a New figure: the all-decks limit holds back new cards of the deck
TITLE_WIDTH = (16, 48)  # the Deck column's narrowest and widest; the figures take ~52 columns


class HomeScreen(FollowsLanguage, Screen[None]):
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
        # priority: the table under the cursor binds Enter too (hidden), which would hide this
        Binding("enter", "study", "Study", id="home.study", priority=True),
        Binding("r", "review_all", "Review due", id="home.review_all"),
        Binding("p", "practice", "Practice", id="home.practice"),
        Binding("slash", "browse", "Browse", id="home.browse"),
        Binding("t", "stats", "Stats", id="home.stats"),
        Binding("a", "author", "Author", id="home.author"),
        Binding("o", "settings", "Settings", id="home.settings"),
        Binding("f5,ctrl+r", "reload", "Reload decks", id="home.reload", show=False),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    class DecksFound(Message):
        """The decks were loaded again (``asked``: by the key, which is always answered)."""

        def __init__(self, found: DeckSet, asked: bool) -> None:
            super().__init__()
            self.found = found
            self.asked = asked

    class FiguresRead(Message):
        """The "figures" worker's result: Home's figures, or why they could not be read."""

        def __init__(self, asked: int, overview: Overview | None, error: str = "") -> None:
            super().__init__()
            self.asked = asked  # which reading this answers (a later one supersedes it)
            self.overview = overview
            self.error = error

    def __init__(self, language: str = "en") -> None:
        super().__init__()
        self.language = language
        self.figures: dict[str, DeckRow] = {}  # by slug, once progress is open
        self.overview: Overview | None = None  # the figures last read
        self.readings = 0  # figures asked for so far; the latest answer is the one drawn
        self.fresh = False  # the figures on screen are the latest asked for
        self.stop = Event()  # set: the reading under way is no longer wanted
        self.title_width = TITLE_WIDTH[1]
        self.reload_on_return = False  # Author may have written a deck

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="details")
        yield TorchStatus()
        yield KeysFooter(compact=True)  # every key fits 80 columns

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        self.title_width = self._title_width()
        for label in COLUMNS:
            table.add_column(label, key=label, width=self.title_width if label == "Deck" else None)
        table.focus()

    def _title_width(self) -> int:
        low, high = TITLE_WIDTH
        return max(low, min(high, self.app.size.width - 52))

    def fit_titles(self) -> bool:
        """After a resize of the terminal, the Deck column as a launch at this width lays it
        out, so the figures stay on screen. Whether its width changed."""
        width = self._title_width()
        if width == self.title_width:
            return False
        self.title_width = width
        self.query_one("#decks", DataTable).columns["Deck"].width = width
        return True

    def on_resize(self) -> None:
        if self.fit_titles():
            self.draw_decks()

    def on_screen_resume(self) -> None:  # also follows the first mount
        self.fit_titles()  # the terminal may have been resized on another screen
        self.refresh_decks()
        if self.reload_on_return:
            self.reload_on_return = False
            self.reload_decks(asked=False)

    # -- finding decks added since the launch ------------------------------------------

    def action_reload(self) -> None:
        if host(self.app).session_ready():
            self.reload_decks(asked=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-reload", name="reload")
    def reload_decks(self, asked: bool) -> None:
        """Load the decks again off the UI thread; the session takes the new ones on it."""
        self.post_message(self.DecksFound(host(self.app).find_decks(), asked))

    def on_home_screen_decks_found(self, message: DecksFound) -> None:
        session = host(self.app).session
        if session is None:
            return
        known = {deck.slug: deck for deck in session.decks}
        added, changed = [], []
        for deck in message.found.decks:
            old = known.get(deck.slug)
            if old == deck:  # the same file, read as before
                continue
            try:
                session.add_deck(deck)
            except UserError as error:
                self.notify(str(error), title=f"{deck.slug} was not loaded", severity="error")
                continue
            (added if old is None else changed).append(deck.slug)
        self.refresh_decks()
        problems = message.found.errors
        if problems:
            shown = "\n".join(str(d) for d in problems[:3])
            more = f"\n… and {len(problems) - 3} more" if len(problems) > 3 else ""
            self.notify(f"{shown}{more}", title="skipped decks with problems", severity="warning")
        if added or changed or message.asked:
            said = [f"new: {', '.join(added)}"] if added else []
            said += [f"changed: {', '.join(changed)}"] if changed else []
            self.notify("; ".join(said) or "no deck was added or changed", title="decks reloaded")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            host(self.app).worker_failed(event.worker)

    def on_progress_opened(self, message: ProgressOpened) -> None:
        self.language = message.language
        self.refresh_decks()

    def on_language_changed(self, message: LanguageChanged) -> None:
        super().on_language_changed(message)
        self.refresh_decks()

    def refresh_decks(self) -> None:
        """Draw every deck's row now, and read the figures again off the UI thread.

        Before progress is open the rows come from the decks alone, with "…" for the
        figures; once it is, the figures are read again at every return to Home.
        """
        self.draw_decks()
        session = host(self.app).session
        if session is None:
            return
        from quiz.progress.overview import OverviewSource

        self.stop_reading()
        self.readings += 1
        self.fresh = False
        self.stop = Event()
        self.read_figures(self.readings, OverviewSource.of(session), self.stop)

    def stop_reading(self) -> None:
        """Stop a reading under way: its figures would not be drawn."""
        self.stop.set()
        self.readings += 1

    def on_screen_suspend(self) -> None:  # read again on the return
        self.stop_reading()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="home-figures",
        name="figures",
        description="Home's figures",  # else the repr of every argument, on the UI thread
    )
    def read_figures(self, asked: int, source: OverviewSource, stop: Event) -> None:
        """Read the figures on a connection of their own: the session's stays on the UI thread."""
        try:
            overview = source.read(stop)
        except UserError as error:
            self.post_message(self.FiguresRead(asked, None, str(error)))
            return
        self.post_message(self.FiguresRead(asked, overview))

    def on_home_screen_figures_read(self, message: FiguresRead) -> None:
        if message.asked != self.readings:  # a later reading is on its way
            return
        self.fresh = True
        if message.overview is None:
            self.notify(message.error, severity="error")
            return
        self.overview = message.overview
        self.figures = {row.slug: row for row in message.overview.rows}
        self.draw_decks()

    def draw_decks(self) -> None:
        """Every deck's row, with the figures read so far; the cursor stays on its deck."""
        decks = self._decks()
        table = self.query_one("#decks", DataTable)
        selected = self.selected_slug()
        table.clear()
        for deck in decks:
            row = self.figures.get(deck.slug)
            title = Text(_cut(deck.title.get(self.language), self.title_width))
            if row is None:
                waiting = [Text("…", style="dim", justify="right") for _ in range(3)]
                total = Text(str(len(deck.cards)), justify="right")
                table.add_row(title, *waiting, total, Text("…", justify="right"), key=deck.slug)
                continue
            table.add_row(title, *_figures(row), key=deck.slug)
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        self.query_one("#summary", Static).update(self._summary(decks))

    def _summary(self, decks: Sequence[Deck]) -> str:
        session = host(self.app).session
        cards = sum(row.total for row in self.figures.values()) if self.figures else None
        if cards is None:
            cards = sum(len(deck.cards) for deck in decks)
        size = f"{_plural(len(decks), 'deck')}, {_plural(cards, 'card')}"
        if session is None:
            return f"{size} · opening your progress…"
        if self.overview is None:
            return f"{size} · reading today's figures…"
        if not self.figures:
            return size
        from quiz.progress.overview import new_overall

        left = self.overview.left
        today = (
            f"{size} · today, all decks: "
            f"{left.new} new, {left.learning} learning, {left.review} due (r)"
        )
        rows = list(self.figures.values())
        if not any(row.new.held_by_all_decks for row in rows):
            return today
        overall = new_overall(rows, session.settings.new_per_day_total)
        reached = ", limit reached" if overall.reached else ""
        return (
            f"{today}\nnew today: {overall.studied} of {overall.limit} (all decks){reached}"
            f" · {HELD} new cards wait (o)"
        )

    def selected_slug(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _decks(self) -> Sequence[Deck]:
        """The session's decks once progress is open; the decks loaded at launch before."""
        app = host(self.app)
        return app.session.decks if app.session is not None else app.decks

    def _deck(self, slug: str | None) -> Deck | None:
        return next((deck for deck in self._decks() if deck.slug == slug), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        deck = self._deck(event.row_key.value)
        if deck is None:
            return
        description = deck.description.get(self.language) if deck.description else ""
        details = f"{deck.slug} · {kinds_line(deck)}"
        source = host(self.app).deck_source(deck)
        if source is not None:  # a pack's name and version, or "opened by path"
            details = f"{details}\n{printable(source, multiline=False)}"
        details = f"{details}\n{description}".strip()
        limited = self._limit_line(deck.slug)
        if limited:
            details = f"{details}\n{HELD} {limited}"
        self.query_one("#details", Static).update(details)

    def _limit_line(self, slug: str) -> str | None:
        """Which daily limit holds the deck's new cards back, if one does."""
        row = self.figures.get(slug)
        session = host(self.app).session
        if row is None or session is None:
            return None
        from quiz.progress.overview import limit_note

        settings = session.settings
        return limit_note(row.new, settings.new_per_day, settings.new_per_day_total)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study()

    def action_study(self) -> None:
        slug = self.selected_slug()
        if slug is not None:
            host(self.app).start_review([slug])

    def action_review_all(self) -> None:
        host(self.app).start_review(None)

    def action_practice(self) -> None:
        host(self.app).choose_practice(self.selected_slug())

    # Browse, stats and author are imported when opened: textual-plotext costs nothing before.

    def action_browse(self) -> None:
        from quiz.ui.browse import BrowseScreen

        app = host(self.app)
        if not app.session_ready() or app.session is None:
            return
        session = app.session
        self.app.push_screen(BrowseScreen(session, language=self.language, search=True))

    def action_stats(self) -> None:
        from quiz.ui.stats import StatsScreen

        app = host(self.app)
        if not app.session_ready() or app.session is None:
            return
        session = app.session
        self.app.push_screen(StatsScreen(session))

    def action_settings(self) -> None:
        host(self.app).open_settings()

    def action_author(self) -> None:
        from quiz.judge.judge import Judge
        from quiz.ui.author import AuthorScreen

        app = host(self.app)
        if not app.session_ready() or app.session is None:
            return
        session = app.session
        if not isinstance(session.judge, Judge):  # the author runs expressions in the sandbox
            self.notify("no sandbox to run expressions in", severity="error")
            return
        screen = AuthorScreen(
            session.judge,
            session.decks,
            language=self.language,
            on_saved=session.reload_deck,
            target=own_deck(session.decks, app.learners_own),
        )
        self.reload_on_return = True
        self.app.push_screen(screen)


def own_deck(decks: Sequence[Deck], learners_own: Callable[[Deck], bool]) -> Deck | None:
    """The deck Author saves to at first: the learner's latest own deck (their decks
    folder, or a file opened by path), never a bundled deck or a pack's. None: the
    learner has none, and chooses."""
    return next((deck for deck in reversed(decks) if learners_own(deck)), None)


def _cut(title: str, width: int) -> str:
    """At most ``width`` terminal cells: a Chinese character takes two."""
    title = printable(title, multiline=False)
    return title if cell_len(title) <= width else set_cell_size(title, width - 1) + "…"


def _figures(row: DeckRow) -> list[Text]:
    """A deck's figures as table cells (Text, not strings: a table reads a string as markup)."""
    from quiz.progress.overview import format_retention

    new = _figure(row.left.new, "cyan")
    if row.new.held_by_all_decks:  # the all-decks limit holds some back: the header says so
        new = Text.assemble(new, (HELD, "yellow"), justify="right")
    return [
        new,
        _figure(row.left.learning, "red"),
        _figure(row.left.review, "green"),
        Text(str(row.total), justify="right"),
        Text(format_retention(row.retention), justify="right"),
    ]


def _figure(count: int, colour: str) -> Text:
    return Text(str(count), style=colour if count else "dim", justify="right")
