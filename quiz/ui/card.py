"""Card detail: one card's schedule and every answer it got; suspend, unsuspend, reset.

Suspending and resetting ask first (``ConfirmScreen``); unsuspending, which loses
nothing, does not.

Opened from Browse (``quiz.ui.browse``) with Enter on a card. A fresh card shows new
values and a choice card a new option order at each review, so a past answer means
little without them: the history has a Shown column, and the line under it shows the
highlighted review's values or numbered options in full. Under 100 columns the history
is narrowed to fit (no Shown column, which the line below has anyway; a shorter date,
answer and state), so Next and Note stay on screen. The card's row and its
history are read again after each action, through the study session
(``quiz.progress.browse``); the actions go through the session itself
(``quiz.review.session``), so suspending or resetting the card being studied also
takes it off the session's screen.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from rich.markup import escape as markup_escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quiz.deck.model import AnyCard, ChoiceCard
from quiz.deck.printable import printable
from quiz.errors import UserError
from quiz.judge.verdict import Rating
from quiz.progress.browse import (
    BrowseRow,
    HistoryEntry,
    session_cards,
    session_history,
    shown_as,
)
from quiz.review.clock import as_utc
from quiz.review.state import CardState
from quiz.ui.confirm import ConfirmScreen
from quiz.ui.footer import KeysFooter

if TYPE_CHECKING:
    from quiz.review.session import Session


def span(delta: timedelta) -> str:
    """A duration in one short word: 45s, 12m, 5h, 4d, 3mo, 2y."""
    seconds = abs(delta.total_seconds())
    for size, unit in ((365 * 86400, "y"), (30 * 86400, "mo"), (86400, "d"), (3600, "h")):
        if seconds >= size:
            return f"{seconds // size:.0f}{unit}"
    return f"{seconds // 60:.0f}m" if seconds >= 60 else f"{seconds:.0f}s"


def due_text(state: CardState, now: datetime) -> str:
    """ "—" for a new card; else how long until it is due, or how overdue (``-2d``)."""
    if state.is_new or state.due is None:
        return "—"
    delta = state.due - as_utc(now)
    if abs(delta) < timedelta(minutes=1):
        return "now"
    return span(delta) if delta > timedelta(0) else f"-{span(delta)}"


def moment(when: datetime | None, tz: tzinfo | None, *, short: bool = False) -> str:
    """A time as the learner's clock shows it; ``short`` leaves out the year."""
    if when is None:
        return "—"
    return as_utc(when).astimezone(tz).strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")


WIDE = 100
"""From this many columns the history has its Shown column and its cells in full."""

SHORT_PHASES = {"learning": "learn", "relearning": "relearn"}


def plain_cell(text: str) -> str:
    """A table cell of text from a deck, the database or a learner: one line with control
    characters escaped, and ``[red]`` kept as text (a table reads a string cell as markup)."""
    return markup_escape(printable(text, multiline=False))


class CardScreen(Screen[None]):
    """One card: what and where it is, its schedule, its review history; card actions."""

    DEFAULT_CSS = """
        CardScreen #card-summary {
            height: auto;
            padding: 0 1 1 1;
            border-bottom: solid $primary;
        }

        CardScreen #card-history-title {
            padding: 0 1;
            color: $text-muted;
        }

        CardScreen DataTable {
            height: 1fr;
        }

        CardScreen #card-shown {
            height: auto;
            max-height: 8;
            padding: 0 1;
            border-top: solid $primary;
        }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="card.back"),
        Binding("s", "suspend", "Suspend", id="card.suspend"),
        Binding("u", "unsuspend", "Unsuspend", id="card.unsuspend"),
        Binding("r", "reset", "Reset", id="card.reset"),
    ]

    def __init__(self, session: Session, row: BrowseRow, *, language: str = "en") -> None:
        super().__init__()
        self.session = session
        self.row = row
        self.language = language
        self.card = self._card()
        self.entries: dict[str, HistoryEntry] = {}  # by the history table's row keys
        self._laid_out_narrow = False  # the history's columns as laid out, at mount

    def _card(self) -> AnyCard | None:
        try:
            return self.session.deck(self.row.ref.deck).card(self.row.ref.card_id)
        except UserError:
            return None

    @property
    def varies(self) -> bool:
        """Whether the card is shown differently at each review (the line under the
        history, and a Shown column where the screen is wide)."""
        return isinstance(self.card, ChoiceCard) or (self.card is not None and self.card.varies)

    @property
    def narrow(self) -> bool:
        return self.app.size.width < WIDE

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="card-summary")
        yield Static("History (latest first)", id="card-history-title")
        yield DataTable(id="card-history", cursor_type="row", zebra_stripes=True)
        yield Static(id="card-shown")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = printable(str(self.row.ref), multiline=False)
        table = self.query_one("#card-history", DataTable)
        self._laid_out_narrow = self.narrow
        table.add_columns(*self._columns())
        self.query_one("#card-shown", Static).display = self.varies
        self.refresh_card()
        table.focus()

    def _columns(self) -> list[str]:
        columns = ["When", "Rating", "Outcome", "Answer", "Took", "State", "Next", "Note"]
        if self.varies and not self._laid_out_narrow:
            columns.insert(4, "Shown")
        return columns

    def on_resize(self) -> None:
        if self.is_mounted and self.narrow != self._laid_out_narrow:
            self._laid_out_narrow = self.narrow
            self.query_one("#card-history", DataTable).clear(columns=True).add_columns(
                *self._columns()
            )
            self.refresh_card()

    def refresh_card(self) -> None:
        ref = self.row.ref
        try:
            fresh = [
                r for r in session_cards(self.session, self.language, [ref.deck]) if r.ref == ref
            ]
            history = session_history(self.session, ref)
        except UserError as error:
            self.notify(str(error), title="cannot read the card", severity="error")
            return
        if fresh:
            self.row = fresh[0]
        self.query_one("#card-summary", Static).update(self._summary(len(history)))
        table = self.query_one("#card-history", DataTable)
        table.clear()
        self.entries = {}
        for entry in reversed(history):
            key = str(entry.review_id)
            self.entries[key] = entry
            table.add_row(*self._history_cells(entry), key=key)
        self._show_review(next(iter(self.entries.values()), None))

    @on(DataTable.RowHighlighted, "#card-history")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_review(self.entries.get(event.row_key.value or ""))

    def _show_review(self, entry: HistoryEntry | None) -> None:
        """The line under the history: what the highlighted review showed, in full."""
        if not self.varies:
            return
        text = Text()
        if entry is None:
            text.append("no answers yet", style="dim")
        else:
            shown = shown_as(self.card, entry.presentation)
            when = moment(entry.reviewed_at, self.session.tz)
            text.append(f"{when}, answered ", style="dim")
            text.append(printable(entry.answer or "—", multiline=False), style="bold")
            text.append(" to:\n" if shown.lines else "\n", style="dim")
            for line in shown.lines:
                text.append(printable(line, multiline=False) + "\n")
        text.rstrip()
        self.query_one("#card-shown", Static).update(text)

    def _summary(self, answers: int) -> Text:
        row, now = self.row, self.session.now()
        state = row.state
        text = Text()
        text.append(printable(str(row.ref), multiline=False), style="bold")
        where = f"{row.location.path.name}:{row.location.line}"
        text.append(f"  ·  {row.kind}  ·  {where}\n", style="dim")
        text.append(f"{printable(row.question)}\n")
        due = due_text(state, now)
        schedule = [f"state {state.phase.name.lower()}"]
        if not state.is_new:
            schedule.append(f"due {moment(state.due, self.session.tz)} ({due})")
        if state.stability is not None:
            schedule.append(f"stability {state.stability:.1f}d")
        if state.difficulty is not None:
            schedule.append(f"difficulty {state.difficulty:.1f}")
        lapses = f"{row.lapses} lapse{'s' * (row.lapses != 1)}"
        schedule.append(f"{row.reps} reps, {lapses}")
        text.append(" · ".join(schedule) + "\n")
        flags = ", ".join(row.flags()) or "none"
        text.append(f"flags: {flags}", style="bold red" if row.leech else "")
        text.append(f"   ·   {answers} answer{'s' * (answers != 1)} in the log")
        if row.tags:
            text.append(f"   ·   tags: {printable(' '.join(row.tags))}", style="dim")
        return text

    def _history_cells(self, entry: HistoryEntry) -> list[str | Text]:
        narrow = self._laid_out_narrow
        rating = Rating(entry.rating).name.capitalize()
        took = "" if entry.duration_ms is None else f"{entry.duration_ms / 1000:.0f}s"
        answer = (entry.answer or "").replace("\n", " ")
        most = 14 if narrow else 28
        answer = plain_cell(answer if len(answer) <= most else answer[: most - 1] + "…")
        before, after_phase = (entry.before.phase.name.lower(), entry.after.phase.name.lower())
        if narrow:
            before, after_phase = (
                SHORT_PHASES.get(before, before),
                SHORT_PHASES.get(after_phase, after_phase),
            )
        after = entry.after
        interval = "" if after.due is None else span(after.due - entry.reviewed_at)
        notes = [
            word
            for word, applies in (("leech", entry.leeched), ("before reset", entry.before_reset))
            if applies
        ]
        cells: list[str | Text] = [
            moment(entry.reviewed_at, self.session.tz, short=narrow),
            Text(rating, style="red" if entry.rating is Rating.AGAIN else ""),
            entry.outcome or "self",
            answer,
            took,
            f"{before}→{after_phase}",
            interval,
            ", ".join(notes),
        ]
        if self.varies and not narrow:
            brief = shown_as(self.card, entry.presentation).brief
            cells.insert(4, plain_cell(brief if len(brief) <= 24 else brief[:23] + "…"))
        return cells

    def _act(self, action: str) -> None:
        ref = self.row.ref
        try:
            if action == "suspend":
                self.session.suspend(ref)
            elif action == "unsuspend":
                self.session.unsuspend(ref)
            else:
                self.session.reset(ref)
        except UserError as error:
            self.notify(str(error), title=f"cannot {action} {ref}", severity="error")
            return
        done = {"suspend": "suspended", "unsuspend": "unsuspended", "reset": "reset: new again"}
        self.notify(f"{ref} {done[action]}")
        self.refresh_card()

    def action_suspend(self) -> None:
        """Asked first, as a reset is: a stray ``s`` must not take a card out of study."""
        question = f"Suspend {self.row.ref}? It is not shown in reviews until you unsuspend it (u)."

        def answered(yes: bool | None) -> None:
            if yes:
                self._act("suspend")

        self.app.push_screen(ConfirmScreen(question, "Suspend"), answered)

    def action_unsuspend(self) -> None:
        self._act("unsuspend")

    def action_reset(self) -> None:
        question = (
            f"Reset {self.row.ref}? Its schedule is forgotten and it becomes new again; "
            "its history stays."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._act("reset")

        self.app.push_screen(ConfirmScreen(question, "Reset"), answered)
