"""The review screen: one card at a time, judged in a worker, rated with one key.

It drives a ``Session`` (or a ``Practice`` drill, which has the same methods) and
holds no scheduling or judging logic: ``submit`` and ``preview`` run in a named
thread worker so the screen never blocks while torch works, and report back through
``Judged``; ratings, undo, bury and suspend are quick database writes made here.
Every refusal of the engine becomes a notification; nothing the learner types can
crash the screen.

The card, the answer box, the verdict and the rating bar sit together in one column at
the top, as Anki keeps a card together, so the eye never jumps across empty rows;
``share_rows`` gives a long question and a long verdict each their part of the column,
and each scrolls in its part. Code in a card wraps at the screen's edge instead of
running past it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from enum import Enum, auto
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Markdown, Static
from textual.worker import Worker, WorkerState

from quiz.deck.model import AnyCard, CardKind, Deck, FlashCard
from quiz.deck.printable import printable
from quiz.deck.usedgivens import used_given_names
from quiz.errors import UserError
from quiz.judge.presentation import PLAIN, Presentation
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.progress.summary import Tally, session_summary
from quiz.review.practice import Practice
from quiz.review.queue import Queue
from quiz.review.session import Session, StudyCard
from quiz.ui.answer import AnswerLine, AnswerSubmitted, CodeBox
from quiz.ui.confirm import ConfirmScreen
from quiz.ui.footer import KeysFooter
from quiz.ui.prompt import answer_placeholder, back_markdown, question_markdown
from quiz.ui.seams import FollowsLanguage, TorchState, host
from quiz.ui.status import TorchStatus
from quiz.ui.verdict import RATING_NAMES, RatingBar, VerdictPanel

Study = Session | Practice

QUESTION_SHARE = 0.6  # of the column's free rows, what a long question keeps beside a verdict
MIN_VERDICT_ROWS = 4  # a border and two lines of text, however small the terminal

KEYS_HELP = {  # what the keys do now, under the answer box (printable keys type there);
    # each fits the one row it has in an 80-column terminal
    "line": "Enter submits · ctrl+t hint · Tab, then: u undo · b bury · s suspend · e edit",
    "code": "Enter submits · ctrl+j new line · ctrl+t hint · Tab leaves the box",
    "answered": "Enter: the suggested rating · 1–4 rate · u undo · b bury · s suspend · e edit",
    "ungradable": "b bury · s suspend · e edit the card · Esc back",
    "front": "Space shows the back · ctrl+t hint",
    "back": "1–4 rate (Enter: Good) · u undo · b bury · s suspend · e edit",
}


def share_rows(free: int, question: int, verdict: int) -> tuple[int, int]:
    """The most rows the question and the verdict may take of ``free`` rows (the column less
    the answer box and the rating bar), each wanting the rows given (0: no verdict shown).

    Both whole when they fit, the question free to grow into the rows the verdict leaves
    (a question is drawn a moment after it is shown). Else the question stays whole if
    that leaves the verdict its share; a longer question keeps ``QUESTION_SHARE`` of the
    rows and scrolls, and the verdict takes the rest and scrolls.
    """
    free = max(free, 0)
    if question + verdict <= free or not verdict:
        return max(free - verdict, 1), verdict
    shown_question = min(question, max(int(free * QUESTION_SHARE), free - verdict))
    shown_verdict = max(min(verdict, free - shown_question), min(verdict, MIN_VERDICT_ROWS))
    return max(free - shown_verdict, 1), shown_verdict


def only_used_givens(deck: Deck, card: AnyCard, shown: Presentation) -> tuple[Deck, Presentation]:
    """``deck`` and ``shown`` with only the givens ``card`` uses (``quiz.deck.usedgivens``),
    for showing the question: the judge still evaluates every given."""
    keep = used_given_names(deck, card)
    deck = replace(deck, given=tuple(given for given in deck.given if given.name in keep))
    drawn = tuple((name, value) for name, value in shown.givens if name in keep)
    if drawn:  # an empty draw would read as one still awaited
        shown = replace(shown, givens=drawn)
    return deck, shown


class ReviewStep(Enum):
    ANSWERING = auto()  # the answer box is open
    JUDGING = auto()  # the worker is judging
    ANSWERED = auto()  # a verdict is shown: rate it
    UNGRADABLE = auto()  # the card is broken: bury, suspend or edit it
    FRONT = auto()  # a flash card's front
    BACK = auto()  # a flash card's back: rate it
    DONE = auto()


class ReviewScreen(FollowsLanguage, Screen[None]):
    """Study the cards of ``study`` until none is left, then show the summary."""

    DEFAULT_CSS = """
        ReviewScreen #counts {
            height: 1;
            padding: 0 1;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            background: $boost;
        }

        ReviewScreen #study {
            height: 1fr;
        }

        ReviewScreen #card {
            height: auto;
            padding: 0 1;
        }

        /* code wraps at the edge: a fence scrolls sideways only with a hidden scrollbar */
        ReviewScreen #card MarkdownFence > Label {
            width: 1fr;
            padding: 0 2;  /* the fence's margin already sets it apart */
        }

        ReviewScreen #card Markdown {
            margin: 0;
            padding: 0;
        }

        ReviewScreen #hint {
            color: $warning;
            padding: 0 1;
        }

        ReviewScreen #back {
            border-top: dashed $primary;
        }

        ReviewScreen #demo {
            padding: 0 1;
        }

        ReviewScreen #keys-help {
            height: 1;
            padding: 0 1;
            color: $text-muted;
        }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="review.back"),
        Binding("ctrl+t", "hint", "Hint", id="review.hint"),
        Binding("space", "flip", "Show back", id="review.flip"),
        Binding("enter", "accept", "Accept", id="review.accept", show=False),
        Binding("1", "rate(1)", "Again", id="review.again", show=False),
        Binding("2", "rate(2)", "Hard", id="review.hard", show=False),
        Binding("3", "rate(3)", "Good", id="review.good", show=False),
        Binding("4", "rate(4)", "Easy", id="review.easy", show=False),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("b", "bury", "Bury", id="review.bury"),
        Binding("s", "suspend", "Suspend", id="review.suspend"),
        Binding("e", "edit", "Edit", id="review.edit"),
        Binding("pageup", "scroll_panel(-1)", "Scroll up", id="review.scroll_up", show=False),
        Binding("pagedown", "scroll_panel(1)", "Scroll down", id="review.scroll_down", show=False),
    ]

    class Judged(Message):
        """The worker judged an answer (``intervals`` is None when it cannot be rated)."""

        def __init__(
            self, verdict: Verdict, intervals: dict[Rating, timedelta] | None, answer: str
        ) -> None:
            super().__init__()
            self.verdict = verdict
            self.intervals = intervals
            self.answer = answer

    class Drawn(Message):
        """A fresh card's givens came back from the sandbox."""

        def __init__(self, study: StudyCard) -> None:
            super().__init__()
            self.study = study

    class DemoShown(Message):
        """The live value of a flash card's demo."""

        def __init__(self, card_id: str, text: str) -> None:
            super().__init__()
            self.card_id = card_id
            self.text = text

    def __init__(self, study: Study, *, title: str = "Review", language: str = "en") -> None:
        super().__init__()
        self.study = study
        self.heading = printable(title, multiline=False)
        self.language = language
        self.tally = Tally(started=study.now())
        self.phase = ReviewStep.ANSWERING
        self.card: StudyCard | None = None
        self.verdict: Verdict | None = None
        self.used_hint = False

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="counts")
        yield TorchStatus()
        with Vertical(id="study"):
            with VerticalScroll(id="card"):
                yield Markdown(id="prompt", open_links=False)  # a deck may dress a URL as a button
                yield Static(id="hint")
                yield Markdown(id="back", open_links=False)
                yield Static(id="demo")
            yield AnswerLine(id="answer-line")
            yield CodeBox(id="answer-code")
            yield VerdictPanel(id="verdict")
            yield RatingBar(id="ratings")
        yield Static(id="keys-help")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.heading
        card = self.query_one("#card", VerticalScroll)
        panel = self.query_one(VerdictPanel)
        # what they hold is laid out after an update returns: share the rows once it is
        self.watch(card, "virtual_size", self.refit, init=False)
        self.watch(panel, "virtual_size", self.refit, init=False)
        self.show_next()

    def on_resize(self) -> None:
        self.refit()

    def refit(self) -> None:
        """Share the column's rows again once what was just shown or hidden is laid out."""
        self.call_after_refresh(self.fit_column)

    def fit_column(self) -> None:
        """Give the question and the verdict their rows of the column (``share_rows``)."""
        with contextlib.suppress(NoMatches):  # the screen was left before this refresh
            self._fit_column()

    def _fit_column(self) -> None:
        column = self.query_one("#study", Vertical)
        card = self.query_one("#card", VerticalScroll)
        panel = self.query_one(VerdictPanel)
        fixed = sum(
            widget.outer_size.height + widget.styles.margin.height
            for widget in (
                self.query_one(AnswerLine),
                self.query_one(CodeBox),
                self.query_one(RatingBar),
            )
            if widget.display
        )
        # a panel hidden, or shown but not laid out yet, is given no limit: what it shows
        # ("checking…" at Enter) is drawn whole at once, and the next fit shares the rows
        laid_out = panel.display and panel.virtual_size.height > 0
        verdict = panel.virtual_size.height + panel.styles.gutter.height if laid_out else 0
        question_rows, verdict_rows = share_rows(
            column.size.height - fixed, card.virtual_size.height, verdict
        )
        card.styles.max_height = max(question_rows, 1)
        panel.styles.max_height = max(verdict_rows, 1) if laid_out else None

    def on_screen_resume(self) -> None:
        """Back from another screen (Browse, say): if the card shown was suspended or
        reset there, the study has dropped it, and the next card is shown instead."""
        shown = self.card
        if shown is None or self.phase is ReviewStep.DONE:
            return
        current = self.study.current
        if current is None or current.ref != shown.ref:
            self.show_next()

    # -- showing a card ----------------------------------------------------------------

    def show_next(self) -> None:
        """Show the study's current or next card, or the summary when none is left."""
        try:
            card = self.study.next_card()
        except UserError as error:
            self.notify(str(error), title="cannot show the next card", severity="error")
            card = None
        if card is None:
            self.finish()
            return
        self.show_card(card)

    def show_card(self, study: StudyCard) -> None:
        self.card = study
        self.verdict = None
        self.used_hint = False
        card = study.card
        self.show_question(study)
        self.query_one("#hint", Static).display = False
        self.query_one("#back", Markdown).display = False
        self.query_one("#demo", Static).display = False
        self.query_one(VerdictPanel).clear()
        self.query_one(RatingBar).clear()
        line = self.query_one(AnswerLine)
        code = self.query_one(CodeBox)
        line.display = card.kind in (CardKind.OUTPUT, CardKind.CLOZE, CardKind.CHOICE)
        code.display = card.kind is CardKind.CODE
        for box in (line, code):
            box.clear_answer()
            box.disabled = False
        if isinstance(card, FlashCard):
            self.phase = ReviewStep.FRONT
            self.set_focus(None)
        else:
            self.phase = ReviewStep.ANSWERING
            box = code if card.kind is CardKind.CODE else line
            box.placeholder = answer_placeholder(card.kind.value, self.language)
            if study.presentation.awaiting_draw:  # nothing to answer until the values show
                box.disabled = True
                self.draw_givens()
            box.focus()
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self.update_counts()
        self.refresh_bindings()
        self.refit()

    def show_question(self, study: StudyCard, *, drawn: bool = False) -> None:
        """The question as this review shows it; once the draw is over (``drawn``), a draw
        that failed shows the givens' expressions, and judging says why they fail."""
        shown = study.presentation
        if drawn and shown.awaiting_draw:
            shown = PLAIN
        deck, shown = only_used_givens(study.deck, study.card, shown)
        self.query_one("#prompt", Markdown).update(
            question_markdown(deck, study.card, self.language, shown)
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="draw", name="draw")
    def draw_givens(self) -> None:
        try:
            study = self.study.draw()
        except UserError:  # the card left the screen meanwhile: nothing to draw for
            return
        self.post_message(self.Drawn(study))

    def on_review_screen_drawn(self, message: Drawn) -> None:
        """Show the drawn values and open the answer box, if the card is still shown."""
        shown = self.card
        if shown is None or shown.ref != message.study.ref:
            return
        if self.phase is not ReviewStep.ANSWERING:
            return
        self.card = message.study
        self.show_question(message.study, drawn=True)
        box = self._answer_box()
        box.disabled = False
        box.focus()

    def refresh_bindings(self) -> None:
        super().refresh_bindings()
        for help_line in self.query("#keys-help").results(Static):
            help_line.update(KEYS_HELP.get(self._help_key(), ""))

    def _help_key(self) -> str:
        if self.phase is ReviewStep.ANSWERING and self.card is not None:
            return "code" if self.card.card.kind is CardKind.CODE else "line"
        return self.phase.name.lower()

    def update_counts(self) -> None:
        try:
            left = self.study.counts()
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        text = Text()
        queue = self.card.queue if self.card else None
        for name, count, which in (
            ("New", left.new, Queue.NEW),
            ("Learning", left.learning, Queue.LEARNING),
            ("Review", left.review, Queue.REVIEW),
        ):
            style = f"bold {'underline' if which is queue else ''}".strip()
            text.append(f"{name} ", style="dim")
            text.append(f"{count}", style=style)
            text.append("   ")
        if isinstance(self.study, Practice):  # before the card: never the part cut off
            counted = "counted" if self.study.counted else "not counted"
            text.append(f"practice {self.study.name}, {counted}", style="italic")
            text.append("   ")
        if self.card is not None:
            study = self.card
            text.append(f"│ {study.ref} · {study.card.kind.value}", style="dim")
            if study.edited:
                text.append("  (edited since your last answer)", style="italic")
        self.query_one("#counts", Static).update(text)

    def _intervals(self) -> dict[Rating, timedelta] | None:
        """The ratings' intervals; None in a drill that is not counted, where no rating
        changes the schedule."""
        if isinstance(self.study, Practice) and not self.study.counted:
            return None
        return self.study.preview().intervals()

    def finish(self) -> None:
        """Nothing left: replace this screen with the summary."""
        from quiz.ui.summary import SummaryScreen

        self.phase = ReviewStep.DONE
        session = self.study.session if isinstance(self.study, Practice) else self.study
        summary = session_summary(self.study, self.tally)
        self.app.switch_screen(SummaryScreen(summary, self.heading, session.tz))

    # -- answering ---------------------------------------------------------------------

    @on(AnswerSubmitted)
    def submit_answer(self, event: AnswerSubmitted) -> None:
        event.stop()
        if self.phase is not ReviewStep.ANSWERING or self.card is None:
            return
        answer = event.value.strip()
        if not answer:
            self.notify("type an answer first (ctrl+t shows the hint)", severity="warning")
            return
        self.phase = ReviewStep.JUDGING
        event.box.disabled = True
        waiting = "checking…" if self._torch_ready() else "checking… (loading torch)"
        self.query_one(VerdictPanel).show_text(Text(waiting, style="dim"))
        self.refresh(layout=True)  # the next frame lays the panel out, with its text
        self.refresh_bindings()
        self.refit()
        self.judge_answer(answer, self.used_hint)

    @work(thread=True, exclusive=True, exit_on_error=False, group="judge", name="judge")
    def judge_answer(self, answer: str, used_hint: bool) -> None:
        verdict = self.study.submit(answer, used_hint=used_hint)
        intervals = self._intervals() if verdict.gradable else None
        self.post_message(self.Judged(verdict, intervals, answer))

    def on_review_screen_judged(self, message: Judged) -> None:
        if self.phase is not ReviewStep.JUDGING or self.card is None:
            return
        card = self.card.card
        verdict = message.verdict
        explain = card.explain.get(self.language) if card.explain else None
        self.query_one(VerdictPanel).show_verdict(verdict, card.kind, explain, message.answer)
        box = self._answer_box()
        if verdict.outcome is Outcome.INVALID:
            self.phase = ReviewStep.ANSWERING
            box.disabled = False
            box.focus()
        elif not verdict.gradable:
            self.phase = ReviewStep.UNGRADABLE
            self.set_focus(None)
        else:
            self.verdict = verdict
            self.phase = ReviewStep.ANSWERED
            self.query_one(RatingBar).show_ratings(message.intervals, verdict.suggested)
            self.set_focus(None)
        self.refresh_bindings()
        self.refit()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app reports a failed worker; a failed judging reopens the answer box."""
        if event.state is not WorkerState.ERROR:
            return
        host(self.app).worker_failed(event.worker)
        if event.worker.name == "draw" and self.phase is ReviewStep.ANSWERING:
            if self.card is not None:
                self.show_question(self.card, drawn=True)
            box = self._answer_box()
            box.disabled = False
            box.focus()
        if event.worker.name == "judge" and self.phase is ReviewStep.JUDGING:
            self.phase = ReviewStep.ANSWERING
            self.query_one(VerdictPanel).clear()
            box = self._answer_box()
            box.disabled = False
            box.focus()
            self.refresh_bindings()
            self.refit()

    # -- flash cards -------------------------------------------------------------------

    def action_flip(self) -> None:
        if self.phase is not ReviewStep.FRONT or self.card is None:
            return
        card = self.card.card
        assert isinstance(card, FlashCard)
        back = self.query_one("#back", Markdown)
        back.update(back_markdown(card, self.language))
        back.display = True
        if card.demo:
            demo = self.query_one("#demo", Static)
            demo.update(Text("running the demo…", style="dim"))
            demo.display = True
            self.run_demo(self.card)
        try:
            intervals = self._intervals()
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.phase = ReviewStep.BACK
        self.query_one(RatingBar).show_ratings(intervals, Rating.GOOD)
        self.refresh_bindings()
        self.refit()

    @work(thread=True, exclusive=True, exit_on_error=False, group="demo", name="demo")
    def run_demo(self, card: StudyCard) -> None:
        text = self.study.demo(card)
        if text is not None:
            self.post_message(self.DemoShown(card.card.id, text))

    def on_review_screen_demo_shown(self, message: DemoShown) -> None:
        if self.card is None or self.card.card.id != message.card_id:
            return
        demo = self.query_one("#demo", Static)
        demo.update(Text.assemble(("live value:\n", "bold"), printable(message.text)))

    # -- rating and card actions -------------------------------------------------------

    def action_accept(self) -> None:
        if self.phase is ReviewStep.ANSWERED and self.verdict is not None:
            self.action_rate(int(self.verdict.suggested))
        elif self.phase is ReviewStep.BACK:
            self.action_rate(int(Rating.GOOD))

    def action_rate(self, rating: int) -> None:
        if self.phase not in (ReviewStep.ANSWERED, ReviewStep.BACK):
            return
        chosen = Rating(rating)
        try:
            recorded = self.study.rate(chosen)
        except UserError as error:
            self.notify(str(error), title="not saved", severity="error")
            return
        self.tally.add(self.verdict, chosen)
        if recorded is not None and recorded.became_leech:
            self.notify(
                f"{recorded.ref} is a leech (lapsed {recorded.lapses} times) and was suspended; "
                "consider rewriting it",
                severity="warning",
                timeout=8,
            )
        self.show_next()

    def action_undo(self) -> None:
        try:
            undone = self.study.undo()
        except UserError as error:
            self.notify(str(error), title="cannot undo", severity="error")
            return
        if undone is None and not isinstance(self.study, Practice):
            self.notify("nothing to undo", severity="warning")
            return
        self.tally.take_back()
        name = RATING_NAMES[undone.rating] if undone else "your last rating"
        self.notify(f"undid {name} on {undone.ref if undone else 'the card'}")
        self.show_next()

    def action_bury(self) -> None:
        done = "skipped for this drill" if isinstance(self.study, Practice) else None
        self._card_action(self.study.bury, done or "buried until tomorrow")

    def action_suspend(self) -> None:
        """Asked first, as Browse's card page asks: a stray ``s`` after Tab must not take
        a card out of study."""
        if self.card is None:
            return
        question = (
            f"Suspend {self.card.ref}? It is not shown in reviews until you unsuspend it "
            "(Browse, then u on its page)."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._card_action(self.study.suspend, "suspended (Browse can unsuspend it)")

        self.app.push_screen(ConfirmScreen(question, "Suspend"), answered)

    def _card_action(self, act: Callable[[], object], done: str) -> None:
        if self.card is None:
            return
        ref = self.card.ref
        try:
            act()
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"{ref}: {done}")
        self.show_next()

    def action_edit(self) -> None:
        if self.card is None:
            return
        location = self.card.card.location
        if not host(self.app).edit_file(location.path, location.line):
            return
        self.reload(location.path)

    def reload(self, path: Path) -> None:
        """After an edit: load the deck file again, and show the card from its new text."""
        try:
            report = self.study.reload_deck(path)
        except UserError as error:
            self.notify(str(error), title="the deck was not reloaded", severity="error", timeout=10)
            return
        changes = len(report.added) + len(report.edited) + len(report.removed)
        self.notify(f"reloaded {path.name}: {changes} card(s) changed")
        self.show_next()

    def action_hint(self) -> None:
        if self.card is None or self.phase not in (ReviewStep.ANSWERING, ReviewStep.FRONT):
            return
        hint = self.card.card.hint
        if hint is None:
            self.notify("this card has no hint", severity="warning")
            return
        self.used_hint = True
        widget = self.query_one("#hint", Static)
        widget.update(Text.assemble(("hint: ", "bold"), printable(hint.get(self.language))))
        widget.display = True

    def action_scroll_panel(self, direction: int) -> None:
        """Page through a long verdict, or the question when the verdict fits (or is hidden)."""
        panel = self.query_one(VerdictPanel)
        card = self.query_one("#card", VerticalScroll)
        target = panel if panel.display and panel.max_scroll_y > 0 else card
        if direction > 0:
            target.scroll_page_down(animate=False)
        else:
            target.scroll_page_up(animate=False)

    def action_back(self) -> None:
        if self.tally.reviewed:
            self.finish()
        else:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        phase = self.phase
        if action in ("rate", "accept"):
            return phase in (ReviewStep.ANSWERED, ReviewStep.BACK)
        if action == "flip":
            return phase is ReviewStep.FRONT
        if action == "hint":
            return phase in (ReviewStep.ANSWERING, ReviewStep.FRONT)
        if action in ("undo", "bury", "suspend", "edit"):
            return phase is not ReviewStep.JUDGING and phase is not ReviewStep.DONE
        return True

    # -- helpers -----------------------------------------------------------------------

    def _answer_box(self) -> AnswerLine | CodeBox:
        if self.card is not None and self.card.card.kind is CardKind.CODE:
            return self.query_one(CodeBox)
        return self.query_one(AnswerLine)

    def _torch_ready(self) -> bool:
        return host(self.app).torch_state is TorchState.READY
