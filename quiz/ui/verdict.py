"""The verdict panel and the rating bar the learner sees after answering.

The panel says right or wrong and why, shows expected against yours with the first
differing element highlighted (``Verdict.first_difference`` located in the printed
text), the value of the learner's expression for code cards, and the explanation.
The rating bar shows each rating with the interval it would give, the suggested one
highlighted. Both only display what the façade computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from quiz.deck.model import CardKind
from quiz.deck.printable import printable
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.review.scheduling import format_interval

RATING_NAMES = {
    Rating.AGAIN: "Again",
    Rating.HARD: "Hard",
    Rating.GOOD: "Good",
    Rating.EASY: "Easy",
}


def element_span(printed: str, index: tuple[int, ...]) -> tuple[int, int] | None:
    """Where element ``index`` is in a printed tensor or list (``tensor([[1, 2], [3, 4]])``).

    Returns the (start, end) character span of that element, or None when the text
    does not have it (a shape mismatch, a value that is not a nested list).
    """
    start = printed.find("[")
    if start < 0:
        return _scalar_span(printed) if index == () else None
    counters: list[int] = []
    i = start
    token_start: int | None = None
    opened: dict[int, int] = {}  # depth -> where the open list at that depth began
    while i < len(printed):
        char = printed[i]
        if token_start is not None and (char in ",]" or char.isspace()):
            if tuple(counters) == index:
                return token_start, i
            token_start = None
        if char == "[":
            if tuple(counters) == index:
                opened[len(counters)] = i
            counters.append(0)
        elif char == "]":
            counters.pop()
            if len(counters) in opened:
                return opened[len(counters)], i + 1
            if not counters:
                return None
        elif char == ",":
            if counters:
                counters[-1] += 1
        elif not char.isspace() and token_start is None:
            token_start = i
        i += 1
    return None


def _scalar_span(printed: str) -> tuple[int, int] | None:
    """The number in ``tensor(3.5000)`` or ``3.5``."""
    inner_start = printed.find("(") + 1
    inner_end = printed.find(",", inner_start)
    if inner_end < 0:
        inner_end = printed.rfind(")") if "(" in printed else len(printed)
    if inner_end <= inner_start and inner_start > 0:
        return None
    return inner_start, inner_end


def highlighted(printed: str, index: tuple[int, ...] | None, style: str) -> Text:
    text = Text(printed)
    if index is not None:
        span = element_span(printed, index)
        if span is not None:
            text.stylize(style, *span)
    return text


def _labelled(label: str, body: Text) -> Text:
    indent = " " * len(label)
    out = Text(label, style="bold")
    for n, line in enumerate(body.split("\n")):
        if n:
            out.append("\n" + indent)
        out.append_text(line)
    return out


def verdict_text(verdict: Verdict, kind: CardKind, explanation: str | None, answer: str) -> Text:
    """The verdict as the panel shows it.

    Everything in it comes from the sandbox, the deck or the learner: control and format
    characters are shown escaped, and Rich ``Text`` (never markup) keeps ``[red]`` literal.
    """
    verdict = _shown(verdict)
    explanation = printable(explanation) if explanation else explanation
    answer = printable(answer)
    parts: list[Text] = []
    if verdict.outcome is Outcome.RIGHT:
        head = Text("✓ " + verdict.summary, style="bold green")
    elif verdict.outcome is Outcome.WRONG:
        head = Text("✗ " + verdict.summary, style="bold red")
    elif verdict.outcome is Outcome.INVALID:
        head = Text(f"? {verdict.summary} — edit your answer and press Enter", style="bold yellow")
    else:
        head = Text(
            f"! this card cannot be graded: {verdict.summary}\n"
            "  b buries it until tomorrow, s suspends it, e opens the deck file",
            style="bold magenta",
        )
    parts.append(head)
    mark = "reverse bold"
    computed = kind in (CardKind.CODE, CardKind.CLOZE)
    if verdict.expected is not None:
        expected = highlighted(verdict.expected, verdict.first_difference, mark)
        parts.append(_labelled("expected: ", expected))
    if verdict.got is not None:
        label = "your value: " if computed else "yours:    "
        parts.append(_labelled(label, highlighted(verdict.got, verdict.first_difference, mark)))
    elif verdict.gradable and answer and not computed and not verdict.correct:
        parts.append(_labelled("yours:    ", Text(answer)))
    parts.extend(Text(line, style="dim" if verdict.correct else "") for line in verdict.details)
    if explanation and verdict.gradable:
        parts.append(_labelled("why: ", Text(explanation, style="italic")))
    return Text("\n").join(parts)


def _shown(verdict: Verdict) -> Verdict:
    def safe(text: str | None) -> str | None:
        return None if text is None else printable(text)

    return replace(
        verdict,
        summary=printable(verdict.summary),
        details=tuple(printable(line) for line in verdict.details),
        expected=safe(verdict.expected),
        got=safe(verdict.got),
    )


class VerdictPanel(VerticalScroll, can_focus=False):
    """Right or wrong and why; hidden until an answer is judged.

    A scroll box around the text, so a long verdict (a 12x10 tensor, a long
    explanation) scrolls inside its border (pageup / pagedown on the review screen)
    instead of pushing the question off a small terminal: the review screen sets its
    ``max-height`` to the rows the question leaves it.
    """

    DEFAULT_CSS = """
        VerdictPanel {
            height: auto;
            padding: 0 1;
            margin: 0 1;
            border: round $primary;
            overflow-y: auto;
        }

        VerdictPanel.-right {
            border: round $success;
        }

        VerdictPanel.-wrong {
            border: round $error;
        }

        VerdictPanel.-problem {
            border: round $warning;
        }
    """

    def compose(self) -> ComposeResult:
        yield Static(self.plain, id="verdict-text")

    def update(self, text: Text | str) -> None:
        for shown in self.query("#verdict-text").results(Static):
            shown.update(text)
        self.scroll_home(animate=False)

    def show_verdict(
        self, verdict: Verdict, kind: CardKind, explanation: str | None, answer: str
    ) -> None:
        self.set_class(verdict.outcome is Outcome.RIGHT, "-right")
        self.set_class(verdict.outcome is Outcome.WRONG, "-wrong")
        self.set_class(not verdict.gradable, "-problem")
        self.plain = verdict_text(verdict, kind, explanation, answer)
        self.update(self.plain)
        self.display = True

    plain = Text()

    def show_text(self, text: Text) -> None:
        self.remove_class("-right", "-wrong", "-problem")
        self.plain = text
        self.update(text)
        self.display = True

    def clear(self) -> None:
        self.plain = Text()
        self.update("")
        self.display = False


def rating_text(intervals: Mapping[Rating, timedelta] | None, suggested: Rating | None) -> Text:
    """``1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 4d``, the suggested one highlighted."""
    text = Text()
    for rating in Rating:
        label = f" {int(rating)} {RATING_NAMES[rating]}"
        if intervals is not None:
            label += f" {format_interval(intervals[rating])}"
        label += " "
        style = "reverse bold" if rating is suggested else ""
        text.append(label, style=style)
        text.append("  ")
    if suggested is not None:
        text.append(f"Enter: {RATING_NAMES[suggested]}", style="dim")
    return text


class RatingBar(Static):
    """Again / Hard / Good / Easy with their intervals; hidden until a rating is possible."""

    DEFAULT_CSS = """
        RatingBar {
            height: 1;
            padding: 0 1;
        }
    """

    plain = Text()

    def show_ratings(
        self, intervals: Mapping[Rating, timedelta] | None, suggested: Rating | None
    ) -> None:
        self.plain = rating_text(intervals, suggested)
        self.update(self.plain)
        self.display = True

    def clear(self) -> None:
        self.update("")
        self.display = False
