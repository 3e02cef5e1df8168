"""The end-of-session summary: reviewed, right, time taken, and when cards fall due next.

When today's new-card limits hold new cards of the studied decks back, it says so, and
offers Settings (``o``) and, for one deck, ``n``: study more of its new cards today
(``Session.study_more_new``, as Anki's "increase today's new card limit")."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from quiz.errors import UserError
from quiz.progress.summary import Summary, format_duration
from quiz.ui.footer import KeysFooter
from quiz.ui.seams import host


def when(moment: datetime | None, tz: tzinfo | None = None) -> str:
    """A due date in the learner's time zone (None: the system's)."""
    if moment is None:
        return "nothing scheduled yet"
    local = moment.astimezone(tz)
    return local.strftime("%a %d %b %Y, %H:%M")


class SummaryScreen(Screen[None]):
    """Shown when a review ends; Enter or Escape goes back to Home."""

    DEFAULT_CSS = """
        SummaryScreen #summary-heading {
            padding: 1 2;
            text-style: bold;
        }

        SummaryScreen #summary-table {
            padding: 0 4;
        }

        SummaryScreen #summary-limit {
            padding: 1 4;
        }
    """

    BINDINGS = [
        Binding("enter", "done", "Home", id="summary.home"),
        Binding("escape", "done", "Back", id="summary.back", show=False),
        Binding("n", "more_new", "More new cards", id="summary.more_new"),
        Binding("o", "settings", "Settings", id="summary.settings"),
    ]

    def __init__(self, summary: Summary, title: str = "Review", tz: tzinfo | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.heading = title
        self.tz = tz

    def compose(self) -> ComposeResult:
        yield Header()
        summary = self.summary
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        share = summary.right_share
        table.add_row("reviewed", str(summary.reviewed))
        table.add_row("right", "—" if share is None else f"{summary.right} ({share:.0%})")
        table.add_row("time", format_duration(summary.elapsed))
        table.add_row("next due", when(summary.next_due, self.tz))
        heading = "Done for now." if summary.reviewed else "Nothing left to review here today."
        yield Static(heading, id="summary-heading")
        yield Static(table, id="summary-table")
        limit = Static(self.limit_text(), id="summary-limit")
        limit.display = self.summary.new_limit is not None
        yield limit
        yield KeysFooter()

    def limit_text(self) -> Text:
        """Why new cards wait, how to raise the limit, and the key that studies them now."""
        summary = self.summary
        if summary.new_limit is None:
            return Text()
        text = Text(f"{summary.new_limit[0].upper()}{summary.new_limit[1:]}.\n")
        text.append("Raise the limits in Settings (o)")
        if summary.more_new is None:
            text.append(", or study one deck from Home to study its new cards now.")
            return text
        count = summary.more_new_count
        text.append(", or press ")
        text.append("n", style="bold")
        text.append(f" to study {count} more new card{'s' * (count != 1)} of this deck now")
        text.append(" (counted as studied today).")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more_new":
            return self.summary.more_new is not None
        if action == "settings":
            return self.summary.new_limit is not None
        return True

    def action_more_new(self) -> None:
        """Raise this deck's new-card limit for today and study it again."""
        slug = self.summary.more_new
        app = host(self.app)
        if slug is None or app.session is None:
            return
        try:
            app.session.study_more_new(slug, self.summary.more_new_count)
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.app.pop_screen()
        app.start_review([slug])

    def action_settings(self) -> None:
        host(self.app).open_settings("new_per_day_total")

    def on_mount(self) -> None:
        self.sub_title = f"{self.heading}: summary"

    def action_done(self) -> None:
        self.app.pop_screen()
