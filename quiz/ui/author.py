"""Author: try expressions live in the sandbox, then save them as a new card in a deck file.

A deck author's loop is "what does this give?" then "make it a card". The left half
is a scratchpad: givens and an expression, evaluated (debounced) in a named thread
worker through the judge's sandbox, the value or the error shown as it is typed.
The right half is the card's form (``quiz.ui.author_form``); saving appends the card
to the chosen deck file with ``quiz.deck.append`` (format, rules and then the sandbox
run of ``check``, all before an atomic write that keeps every existing byte). Nothing
typed here can crash the screen: every refusal is shown as its message, after the
label of the field it is about, and that field is marked. Escape with a card half
written asks before it is thrown away (``ConfirmScreen``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from quiz.deck.append import AppendError, commit_append, prepare_append
from quiz.deck.cardform import FormError, FormFields, build_card, parse_givens, scratch_expression
from quiz.deck.model import CardKind, Deck
from quiz.deck.printable import printable
from quiz.errors import UserError
from quiz.judge.client import SandboxUnavailable
from quiz.judge.deckcheck import check_card
from quiz.judge.docdraft import scratchpad
from quiz.judge.judge import Judge
from quiz.sandbox.protocol import Status
from quiz.ui.author_form import CardForm, field_label, form_field
from quiz.ui.confirm import ConfirmScreen
from quiz.ui.footer import KeysFooter

DEBOUNCE_S = 0.4
TALL_ROWS = 32
"""From this height on, the Author screen is -tall (else -short: its rows close up)."""
EXPR_ROLE = {
    CardKind.OUTPUT: "expr: the value to predict",
    CardKind.CODE: "solution: the reference answer",
    CardKind.CLOZE: "template, with the blank ____",
    CardKind.CHOICE: "not saved for a choice card",
    CardKind.FLASH: "demo (optional), shown with the back",
}


class AuthorScreen(Screen[None]):
    """A scratchpad and a card form; ``ctrl+s`` appends the card to the chosen deck file."""

    DEFAULT_CSS = """
        AuthorScreen #author-body {
            height: 1fr;
        }

        AuthorScreen #author-scratch {
            width: 45%;
            padding: 0 1;
            border-right: solid $primary;
        }

        AuthorScreen .author-heading {
            width: 1fr;  /* wraps at a narrow column instead of being cut mid-word */
            color: $text-muted;
            margin-top: 1;
        }

        /* Framed, not compact: a compact box's $boost background is one shade off the
           screen's, which a terminal may not show at all; so is Textual's blurred border. */
        AuthorScreen #author-given, AuthorScreen #author-expr {
            border: tall $foreground 30%;
        }

        AuthorScreen #author-given:focus, AuthorScreen #author-expr:focus {
            border: tall $border;
        }

        AuthorScreen #author-given {
            height: 7;
        }

        AuthorScreen.-short #author-given {
            height: 5;
        }

        AuthorScreen #author-deck-givens {
            height: auto;
        }

        AuthorScreen #author-value-box {
            height: 1fr;
            margin-top: 1;
            border-top: solid $primary-darken-2;
        }

        AuthorScreen #author-form {
            width: 1fr;
            padding: 0 1;
        }

        /* A field the save refused: marked until it is edited. */
        AuthorScreen #author-given.-invalid, AuthorScreen #author-expr.-invalid {
            background: $error 30%;
        }

        /* Short terminals: the rows close up so a code card's form fits without scrolling. */
        AuthorScreen.-short .author-row {
            margin-top: 0;
        }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL_ROWS, "-tall")]  # see DEFAULT_CSS
    BINDINGS = [
        Binding("escape", "back", "Back", id="author.back"),
        Binding("ctrl+s", "save", "Save card", id="author.save", priority=True),
        Binding("ctrl+o", "examples", "Examples from docs", id="author.examples"),
    ]

    class Evaluated(Message):
        """The scratchpad's expression ran (``text`` is the value or what went wrong)."""

        def __init__(self, source: str, text: str, ok: bool) -> None:
            super().__init__()
            self.source = source
            self.text = text
            self.ok = ok

    class Saved(Message):
        """A card was appended to a deck file (the app may reload that deck)."""

        def __init__(self, path: Path, card_id: str, line: int) -> None:
            super().__init__()
            self.path = path
            self.card_id = card_id
            self.line = line

    class ExamplesFound(Message):
        """A function's docstring examples, for the scratchpad (or why there are none)."""

        def __init__(
            self, name: str, givens: list[tuple[str, str]], exprs: list[str], error: str = ""
        ) -> None:
            super().__init__()
            self.name = name
            self.givens = givens
            self.exprs = exprs
            self.error = error

    class SaveFailed(Message):
        """The card was not saved; ``field`` is the form field the reason is about."""

        def __init__(self, reason: str, field: str | None = None) -> None:
            super().__init__()
            self.reason = reason
            self.field = field

    def __init__(
        self,
        judge: Judge,
        decks: Sequence[Deck],
        *,
        language: str = "en",
        on_saved: Callable[[Path], object] | None = None,
        target: Deck | None = None,
    ) -> None:
        """``on_saved(path)`` runs after a card is written (the app reloads that deck);
        ``target`` is the deck chosen at first (None: the learner chooses one)."""
        super().__init__()
        self.judge = judge
        self.on_saved = on_saved
        self.decks = list(decks)
        self.target = target
        self.language = language
        self._debounce: Timer | None = None
        self.kept: dict[str, str] = {}  # the draft as it was at the start or the last save

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The breakpoint class the first resize gives the screen, given before its widgets
        # are styled: given at that resize, it restyles the whole form once more.
        tall = self.app.size.height >= TALL_ROWS
        self.set_class(tall, "-tall", update=False)
        self.set_class(not tall, "-short", update=False)
        yield Header()
        with Horizontal(id="author-body"):
            with Vertical(id="author-scratch"):
                yield Label("Givens, one per line: name = expression", classes="author-heading")
                yield TextArea(
                    id="author-given",
                    show_line_numbers=False,
                    placeholder="x = torch.tensor([1, 7, 3])",
                )
                yield Label("Expression", id="author-expr-label", classes="author-heading")
                yield Input(placeholder="x.clamp(2, 5)", id="author-expr", validate_on=())
                yield Static(id="author-deck-givens")
                with VerticalScroll(id="author-value-box"):
                    yield Static(id="author-value")
            yield CardForm(self.decks, target=self.target, id="author-form")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Author"
        for box in ("#author-value-box", "#author-form"):  # Tab goes field to field
            self.query_one(box).can_focus = False
        self._show_kind(CardKind.OUTPUT)
        self._show_deck_givens()
        # the first box on the left, where a card starts: Tab then follows the screen's
        # order, the scratchpad's two boxes and then the form from the top
        self.query_one("#author-given", TextArea).focus()
        self.kept = self.draft()

    # -- leaving -----------------------------------------------------------------------

    def draft(self) -> dict[str, str]:
        """What the learner has written: every box but the deck and the kind chosen."""
        fields = asdict(self.fields())
        return {name: value for name, value in fields.items() if name != "kind"}

    def action_back(self) -> None:
        """Back to Home; a card written since the start or the last save is not thrown
        away without asking."""
        if self.draft() == self.kept:
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        question = "Discard the card you are writing? What you typed here is not saved."
        self.app.push_screen(ConfirmScreen(question, "Discard"), answered)

    # -- the form ----------------------------------------------------------------------

    @property
    def kind(self) -> CardKind:
        value = self.query_one("#author-kind", Select).value
        return CardKind(value) if isinstance(value, str) else CardKind.OUTPUT

    @property
    def deck(self) -> Deck | None:
        value = self.query_one("#author-deck", Select).value
        return next((deck for deck in self.decks if str(deck.path) == value), None)

    def _show_kind(self, kind: CardKind) -> None:
        self.query_one(CardForm).show_kind(kind)
        self.query_one("#author-expr-label", Label).update(f"Expression: {EXPR_ROLE[kind]}")

    def _show_deck_givens(self) -> None:
        deck = self.deck
        names = ", ".join(g.name for g in deck.given) if deck is not None else ""
        shown = f"deck givens: {names}" if names else ""
        self.query_one("#author-deck-givens", Static).update(Text(shown, style="dim"))

    @on(Select.Changed, "#author-kind")
    def _kind_changed(self) -> None:
        self._show_kind(self.kind)
        self._schedule()

    @on(Select.Changed, "#author-deck")
    def _deck_changed(self) -> None:
        self._show_deck_givens()
        self._schedule()

    def fields(self) -> FormFields:
        values = self.query_one(CardForm).values()
        return FormFields(
            kind=self.kind.value,
            given=self.query_one("#author-given", TextArea).text,
            expr=self.query_one("#author-expr", Input).value,
            **values,
        )

    # -- the scratchpad ----------------------------------------------------------------

    @on(Input.Changed, "#author-expr")
    @on(Input.Changed, "#author-fill")
    @on(TextArea.Changed, "#author-given")
    @on(Select.Changed, "#author-fresh")
    def _schedule(self) -> None:
        """Run the scratchpad once typing pauses for DEBOUNCE_S."""
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, self.run_scratchpad)

    def run_scratchpad(self) -> None:
        fields = self.fields()
        expr = scratch_expression(fields.kind, fields.expr, fields.fill).strip()
        if not expr:
            self._show_value("", ok=True)
            return
        try:
            own = parse_givens(fields.given)
        except FormError as error:
            self._show_value(str(error), ok=False)
            return
        deck = self.deck
        names = {name for name, _ in own}
        inherited = [(g.name, g.expr) for g in deck.given if g.name not in names] if deck else []
        # a fresh card's accept and reject examples are judged on the fixed draw: show it
        fresh = fields.kind == CardKind.OUTPUT and fields.fresh.strip() == "true"
        self.evaluate(inherited + own, expr, [name for name, _ in own] if fresh else [])

    @work(thread=True, exclusive=True, exit_on_error=False, group="author", name="scratchpad")
    def evaluate(self, givens: list[tuple[str, str]], expr: str, shown: Sequence[str] = ()) -> None:
        """Run ``expr`` on the fixed draw (seed 0); ``shown`` givens are printed after it."""
        try:
            run = self.judge.evaluate(givens, expr)
            drawn = [(name, self.judge.evaluate(givens, name)) for name in shown]
        except SandboxUnavailable as error:
            text = f"the torch sandbox is not available: {error}"
            self.post_message(self.Evaluated(expr, text, False))
            return
        trial = run.trials[0]
        time_limit = self.judge.time_limit
        if trial.given_failure is not None:
            name, failure = trial.given_failure
            text = f"given '{name}': {failure.describe(time_limit)}"
            self.post_message(self.Evaluated(expr, text, False))
            return
        result = trial.results[0]
        text = result.describe(time_limit)
        if result.warnings:
            text += "".join(f"\nwarning: {w}" for w in result.warnings)
        if drawn and result.status is Status.VALUE:
            text += "\n\non the fixed draw (seed 0), which accept and reject are judged on:"
            for name, given in drawn:
                text += f"\n{name} = {given.trials[0].results[0].describe(time_limit)}"
        self.post_message(self.Evaluated(expr, text, result.status is Status.VALUE))

    @on(Evaluated)
    def _evaluated(self, message: Evaluated) -> None:
        self._show_value(message.text, ok=message.ok)

    def _show_value(self, text: str, *, ok: bool) -> None:
        shown = Text(printable(text), style="" if ok else "bold red")
        self.query_one("#author-value", Static).update(shown)

    # -- examples from torch's docs ----------------------------------------------------

    def action_examples(self) -> None:
        """The expression box names a function (``torch.clamp``): fill the scratchpad
        with its docstring's examples, read in the sandbox."""
        name = self.query_one("#author-expr", Input).value.strip()
        if not name:
            self._no_examples("type a function's name in Expression (torch.clamp), then ctrl+o")
            return
        self._status(Text(f"reading {name}'s examples …", style="dim"))
        self.read_examples(name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="author-docs", name="examples")
    def read_examples(self, name: str) -> None:
        try:
            canonical, givens, exprs = scratchpad(name, self.judge)
        except UserError as error:  # DraftError, SandboxUnavailable
            self.post_message(self.ExamplesFound(name, [], [], str(error)))
            return
        self.post_message(self.ExamplesFound(canonical, givens, exprs))

    @on(ExamplesFound)
    def _examples_found(self, message: ExamplesFound) -> None:
        if message.error:
            self._no_examples(message.error)
            return
        given = "\n".join(f"{name} = {expr}" for name, expr in message.givens)
        self.query_one("#author-given", TextArea).text = given
        self.query_one("#author-expr", Input).value = message.exprs[0]
        others = "; ".join(message.exprs[1:])
        count = len(message.exprs)
        said = f"{message.name}: {count} example{'s' * (count > 1)}, the first in the box"
        self._status(Text(printable(f"{said}; the others: {others}" if others else said)))

    def _no_examples(self, reason: str) -> None:
        self._status(Text(printable(reason), style="bold red"))
        self.notify(printable(reason), title="no examples", severity="error", timeout=8)

    # -- saving ------------------------------------------------------------------------

    def action_save(self) -> None:
        self._mark(None)
        deck = self.deck
        if deck is None:
            self._refuse("choose a deck file to save the card in")
            return
        try:
            card = build_card(self.fields())
        except FormError as error:
            if error.field is not None:
                self._mark(self.query_one(f"#author-{error.field}"))
                self._refuse(f"{field_label(self.kind, error.field)}: {error}")
            else:
                self._refuse(str(error))
            return
        self._status(Text(f"checking {card['id']} …", style="dim"))
        self.save(deck.path, card)

    @work(thread=True, exclusive=True, exit_on_error=False, group="author-save", name="save")
    def save(self, path: Path, card: dict) -> None:
        try:
            prepared = prepare_append(path, card)
            problems = prepared.relocate(check_card(prepared.deck, prepared.card, self.judge))
            if problems:
                raise AppendError(
                    f"the card would not pass check: {problems[0]}",
                    problems,
                    prepared.key_of(problems[0]),
                )
            commit_append(prepared)
        except AppendError as error:
            self.post_message(self._failed(CardKind(card["kind"]), error))
            return
        except SandboxUnavailable as error:
            self.post_message(self.SaveFailed(f"cannot run the card: {error}"))
            return
        self.post_message(self.Saved(path, prepared.card.id, prepared.line))

    def _failed(self, kind: CardKind, error: AppendError) -> SaveFailed:
        """The refusal, said at its field when it is about one of the new card's."""
        field = form_field(kind, error.key) if error.key and error.diagnostics else None
        if field is None:
            return self.SaveFailed(error.message)
        more = len(error.diagnostics) - 1
        reason = error.diagnostics[0].message + (f" (and {more} more)" if more else "")
        return self.SaveFailed(f"{field_label(kind, field)}: {reason}", field)

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        where = f"{message.path.name}:{message.line}"
        self._status(Text(f"saved {message.card_id} at {where}", style="green"))
        self.notify(f"Saved {message.card_id} to {where}", title="card saved")
        self.query_one("#author-id", Input).value = ""
        self.kept = self.draft()  # saved: what stays in the boxes is the next card's start
        if self.on_saved is not None:
            try:
                self.on_saved(message.path)
            except UserError as error:
                self.notify(str(error), title="the deck was not reloaded", severity="warning")

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        if message.field is not None:
            self._mark(self.query_one(f"#author-{message.field}"))
        self._refuse(message.reason)

    def _mark(self, widget: Widget | None) -> None:
        """Mark ``widget`` as the field the save refused (``None``: clear the marks)."""
        for marked in self.query(".-invalid"):
            marked.remove_class("-invalid")
        if widget is not None:
            widget.add_class("-invalid")
            widget.scroll_visible()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _unmark(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        event.control.remove_class("-invalid")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised anyway: say so instead of leaving the screen silent."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.name == "scratchpad":
            self._show_value(f"cannot run it: {type(error).__name__}: {error}", ok=False)
        elif event.worker.name == "examples":
            self._no_examples(f"cannot read the examples: {type(error).__name__}: {error}")
        elif event.worker.name == "save":
            self._refuse(f"cannot save: {type(error).__name__}: {error}")

    def _refuse(self, reason: str) -> None:
        self._status(Text(reason, style="bold red"))
        self.notify(reason, title="card not saved", severity="error", timeout=8)

    def _status(self, text: Text) -> None:
        self.query_one("#author-status", Static).update(text)
