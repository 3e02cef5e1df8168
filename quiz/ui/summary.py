"""The end-of-session summary: reviewed, right, time taken, and when cards fall due next."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from quiz.progress.summary import Summary, format_duration
from quiz.ui.footer import KeysFooter


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
    """

    BINDINGS = [
        Binding("enter", "done", "Home", id="summary.home"),
        Binding("escape", "done", "Back", id="summary.back", show=False),
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
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = f"{self.heading}: summary"

    def action_done(self) -> None:
        self.app.pop_screen()
