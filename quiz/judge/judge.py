"""Judge a learner's answer to a card: the one place the CLI, the TUI and ``check`` use.

Output answers are read as literals (never run); code answers, cloze fills and the
cards' own references run in the sandbox through a ``Runner``. Every verdict says why,
in words, and suggests a rating.

Code and cloze answers run on random draws of the givens plus edge draws (zeros, ties,
negated and scaled values, the author's own edge cases: ``quiz.sandbox.protocol.Edge``),
since random normal data hides the answers that are wrong only there. An edge draw on
which the card's own expression raises or gives non-finite values is left out, so an
edge never makes a right answer wrong. Which seeds: the same ones every time (``FIXED``:
``grade``, tests), a fixed and larger set (``CHECK``: ``check`` never flakes), or new
ones at every attempt (``FRESH``: a review, so no answer passes by luck twice). The
reference values of a card's draws are cached; ``prepare`` computes the next attempt's
in the background while the learner reads, so a warm judgement costs the answer's own
round trips only.
"""

from __future__ import annotations

import cmath
import math
import random
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from quiz.deck.exprsyntax import LAST_LINE, MAX_EXPR_CHARS, compile_problem, read_lines
from quiz.deck.fills import fill_problem
from quiz.deck.halfwidth import to_halfwidth
from quiz.deck.model import (
    AnyCard,
    CardKind,
    ChoiceCard,
    ClozeCard,
    CodeCard,
    Deck,
    FlashCard,
    JudgedCard,
    OutputCard,
    card_givens,
)
from quiz.judge.choice import judge_choice
from quiz.judge.client import SandboxUnavailable
from quiz.judge.compare import Rules, compare
from quiz.judge.literal import LiteralError, parse_answer
from quiz.judge.presentation import Presentation
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.sandbox.protocol import (
    AUTOMATIC_EDGES,
    Edge,
    EdgeKind,
    Result,
    Run,
    Runner,
    Status,
    Trial,
)
from quiz.sandbox.values import Kind, Raised, Scalar, Tensor, Value
from quiz.sandbox.values import Sequence as Items

CLOZE_TRIALS = 3
CHECK_DRAWS = 10  # ``check`` draws at least this many random draws for code and cloze cards
CACHED_REFERENCES = 512  # reference runs kept (a review's fresh draws are used once)
EASY_WITHIN_SECONDS = {  # a right answer this fast suggests Easy
    CardKind.OUTPUT: 10.0,
    CardKind.CODE: 25.0,
    CardKind.CLOZE: 8.0,
    CardKind.CHOICE: 5.0,
}


def suggest_rating(
    outcome: Outcome, kind: CardKind, *, used_hint: bool = False, elapsed_s: float | None = None
) -> Rating:
    """Wrong → Again; right → Good, Easy when fast for its kind, Hard after the hint."""
    if outcome is not Outcome.RIGHT:
        return Rating.AGAIN
    if used_hint:
        return Rating.HARD
    if elapsed_s is not None and elapsed_s <= EASY_WITHIN_SECONDS.get(kind, 0.0):
        return Rating.EASY
    return Rating.GOOD


class Seeds(StrEnum):
    """Which random draws a code or cloze card is judged on."""

    FIXED = "fixed"  # seeds 0 to trials - 1, every time
    CHECK = "check"  # a fixed and larger set: at least CHECK_DRAWS
    FRESH = "fresh"  # new seeds at every attempt (a review)


@dataclass(frozen=True, slots=True)
class Draws:
    """The draws one judgement runs on: seeded random draws, then the edge draws."""

    seeds: tuple[int, ...]
    edges: tuple[Edge, ...] = ()


class Judge:
    """Judges answers by running torch through ``runner`` (the sandbox worker client).

    Thread-safe: ``prepare`` computes references in a background thread while answers
    are judged in another; the runner serves one request at a time.
    """

    def __init__(self, runner: Runner, *, seeds: Seeds = Seeds.FIXED) -> None:
        self.runner = runner
        self.seeds = seeds
        self._references: OrderedDict[tuple[object, ...], Run] = OrderedDict()
        self._attempts: dict[tuple[str, str], Draws] = {}  # FRESH: the next attempt's draws
        self._warming: dict[tuple[object, ...], threading.Thread] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- public

    def judge(
        self,
        deck: Deck,
        card: AnyCard,
        answer: str,
        *,
        used_hint: bool = False,
        elapsed_s: float | None = None,
        presentation: Presentation | None = None,
    ) -> Verdict:
        """``presentation`` is how the learner was shown the card: the draw of a fresh
        card's givens, a choice card's order. Without one, the file's order and a fresh
        card's fixed draw (seed 0) are judged, as in deck files and ``check``."""
        try:
            verdict = self._judge(deck, card, answer, presentation or Presentation())
        except SandboxUnavailable as error:
            verdict = Verdict(Outcome.UNGRADABLE, f"the torch sandbox is not available: {error}")
        rating = suggest_rating(
            verdict.outcome, card.kind, used_hint=used_hint, elapsed_s=elapsed_s
        )
        if verdict.partial and verdict.correct:  # right, with partial credit
            rating = Rating.HARD
        return replace(verdict, suggested=rating)

    def checking(self) -> Judge:
        """A judge on the same sandbox with ``check``'s fixed seeds (this one if it has them)."""
        if self.seeds is Seeds.CHECK:
            return self
        judge = Judge(self.runner, seeds=Seeds.CHECK)
        judge._references = self._references  # keyed by draws: safe to share
        judge._lock = self._lock
        return judge

    def draws(self, deck: Deck, card: AnyCard) -> Draws:
        """The draws the card's next judgement runs on (for FRESH, until it is graded)."""
        if not isinstance(card, CodeCard | ClozeCard):
            return Draws((0,))
        count = card.trials if isinstance(card, CodeCard) else CLOZE_TRIALS
        edges = card_edges(card)
        if self.seeds is Seeds.FIXED:
            return Draws(tuple(range(count)), edges)
        if self.seeds is Seeds.CHECK:
            return Draws(tuple(range(max(count, CHECK_DRAWS))), edges)
        with self._lock:
            key = (deck.slug, card.id)
            draws = self._attempts.get(key)
            if draws is None:
                base = random.randrange(1 << 31)  # no secret: only different per attempt
                draws = self._attempts[key] = Draws(tuple(range(base, base + count)), edges)
            return draws

    def reference(self, deck: Deck, card: AnyCard, draws: Draws | None = None) -> Run:
        """What the card's own expression gives on ``draws`` (by default the card's next
        ones): the output card's expr, the solution, the filled solution or the demo."""
        draws = draws or self.draws(deck, card)
        expr = _reference_expr(card)
        key = (deck.slug, tuple(deck.given), card.id, card.content_hash, expr, draws)
        with self._lock:
            warming = self._warming.get(key)
        if warming is not None and warming is not threading.current_thread():
            warming.join()  # the run has its own deadlines
        with self._lock:
            cached = self._references.get(key)
            if cached is not None:
                self._references.move_to_end(key)
                return cached
        givens = card_givens(deck, card)
        shown = {draws.seeds[0]}  # any other draw is printed when it fails
        run = self.runner.run(givens, [expr], draws.seeds, show=shown, edges=draws.edges)
        if _took_too_long(run):  # a first call may import a module of torch's: once more
            run = self.runner.run(givens, [expr], draws.seeds, show=shown, edges=draws.edges)
        with self._lock:
            self._references[key] = run
            while len(self._references) > CACHED_REFERENCES:
                self._references.popitem(last=False)
        return run

    def prepare(self, deck: Deck, card: AnyCard) -> None:
        """Compute the reference values of the card's next judgement in the background,
        while the learner reads the question."""
        if isinstance(card, ChoiceCard) or (isinstance(card, FlashCard) and not card.demo):
            return
        if card.varies:  # its draw is made when the card is shown (``draw``), answer included
            return
        draws = self.draws(deck, card)
        key = (deck.slug, tuple(deck.given), card.id, card.content_hash, _reference_expr(card))
        key = (*key, draws)
        with self._lock:
            if key in self._references or key in self._warming:
                return
            thread = threading.Thread(
                target=self._warm, args=(deck, card, draws, key), daemon=True,
                name="torch-quiz-prepare",
            )  # fmt: skip
            self._warming[key] = thread
        thread.start()

    def _warm(self, deck: Deck, card: AnyCard, draws: Draws, key: tuple[object, ...]) -> None:
        try:
            self.reference(deck, card, draws)
        except SandboxUnavailable:
            pass  # the judgement will say so
        finally:
            with self._lock:
                self._warming.pop(key, None)

    def draw(self, deck: Deck, card: AnyCard, seed: int) -> tuple[tuple[str, str], ...]:
        """A fresh card's givens drawn with ``seed``, as torch prints them (empty when a
        given fails: judging then says why). Its answer is computed and kept too, so the
        learner's answer is judged without another trip to the sandbox."""
        trial = self.reference(deck, card, Draws((seed,))).trials[0]
        return () if trial.given_failure is not None else tuple(trial.givens.items())

    def demo(self, deck: Deck, card: AnyCard) -> str:
        """The live value a flash card's demo gives, as the learner is shown it."""
        return self.reference(deck, card).trials[0].results[0].describe(self.time_limit)

    @property
    def time_limit(self) -> float:
        """Seconds one expression may run in the sandbox."""
        return self.runner.time_limit

    def evaluate(self, givens: Sequence[tuple[str, str]], expr: str) -> Run:
        """One expression on some givens, for ``torch-quiz try`` and the author's scratchpad."""
        return self.runner.run(list(givens), [expr], (0,))

    # ---------------------------------------------------------------- kinds

    def _judge(self, deck: Deck, card: AnyCard, answer: str, shown: Presentation) -> Verdict:
        if isinstance(card, ChoiceCard):
            return judge_choice(card, answer, shown)
        if isinstance(card, FlashCard):
            return Verdict(Outcome.INVALID, "flash cards are graded by the learner")
        # A fresh card is judged on its review's own draw (without one, on the fixed draw
        # as in deck files and ``check``); any other card on the judge's draws.
        fresh = card.varies and shown.seed is not None
        draws = Draws((shown.seed,)) if fresh else self.draws(deck, card)
        reference = self.reference(deck, card, draws)
        broken = _broken_reference(reference, card, self.runner.time_limit)
        if broken is not None:
            return broken
        if isinstance(card, OutputCard):
            return self._output(card, reference.trials[0].results[0], answer)
        verdict = self._computed(deck, card, reference, draws, answer)
        if verdict.outcome in (Outcome.RIGHT, Outcome.WRONG):
            with self._lock:  # graded: the next attempt draws afresh
                self._attempts.pop((deck.slug, card.id), None)
        return verdict

    def _output(self, card: OutputCard, expected: Result, answer: str) -> Verdict:
        try:
            got = parse_answer(answer)
        except LiteralError as error:
            return Verdict(Outcome.INVALID, str(error))
        typed = " ".join(answer.split())
        if expected.status is Status.RAISED:
            shown = expected.describe()
            if isinstance(got, Raised) and got.name in (
                expected.error_bases or (expected.error_type,)
            ):
                return Verdict(Outcome.RIGHT, "right", expected=shown, got=typed)
            if isinstance(got, Raised):
                return Verdict(
                    Outcome.WRONG, f"it raises {expected.error_type}", (shown,), shown, typed
                )
            return Verdict(
                Outcome.WRONG, f"it raises {expected.error_type}, it gives no value", (shown,),
                shown, typed,
            )  # fmt: skip
        assert expected.value is not None
        if isinstance(got, Raised):
            return Verdict(
                Outcome.WRONG, f"it does not raise; it gives {expected.printed}",
                expected=expected.printed, got=typed,
            )  # fmt: skip
        difference = compare(expected.value, got, _rules(card, typed=True), expected.printed)
        if difference is None:
            return Verdict(Outcome.RIGHT, "right", expected=expected.printed, got=typed)
        if difference.partial:
            return Verdict(
                Outcome.RIGHT, f"right, though {difference.message}", expected=expected.printed,
                got=typed, partial=True,
            )  # fmt: skip
        return Verdict(
            Outcome.WRONG, difference.message, expected=expected.printed, got=typed,
            first_difference=difference.index,
        )  # fmt: skip

    def _computed(
        self, deck: Deck, card: JudgedCard, reference: Run, draws: Draws, answer: str
    ) -> Verdict:
        """Code and cloze cards: run the answer on every draw the reference ran, and on
        the edge draws where the reference gave finite values."""
        expr = _answer_expr(card, answer)
        if isinstance(expr, Verdict):
            return expr
        drawn = reference.drawn
        edged = [trial for trial in reference.edged if _usable(trial)]
        seeds = [trial.seed for trial in drawn]
        givens = card_givens(deck, card)
        edges = [trial.edge for trial in edged if trial.edge is not None]
        # The first draw is printed, as the reference's is: a right answer shows it, and a
        # wrong one most often fails there. The givens as printed come from the reference.
        # ``check`` prints nothing of an answer: it reports a verdict's summary alone.
        explain = self.seeds is not Seeds.CHECK
        shown = {seeds[0]} if explain else set()
        if not explain:
            # ``check`` wants throughput: a reject example most often fails on the first
            # draw, and then no other draw is looked at, so that draw is asked alone first.
            # What the first draw decides is decided as it would be in the whole run.
            alone = self.runner.run(givens, [expr], seeds[:1], show=shown, show_givens=False)
            verdict = self._first_wrong(card, expr, alone, reference, draws, givens, 1)
            if verdict is not None:
                return verdict
        run = self.runner.run(givens, [expr], seeds, show=shown, edges=edges, show_givens=False)
        verdict = self._first_wrong(card, expr, run, reference, draws, givens)
        if verdict is not None:
            return verdict
        first = run.drawn[0].results[0] if run.drawn else None
        summary = _right_summary(len(drawn), len(edged))
        return Verdict(
            Outcome.RIGHT, summary, expected=drawn[0].results[0].printed,
            got=first.printed if first else None,
        )  # fmt: skip

    def _first_wrong(
        self,
        card: JudgedCard,
        expr: str,
        run: Run,
        reference: Run,
        draws: Draws,
        givens: list[tuple[str, str]],
        looked_at: int | None = None,
    ) -> Verdict | None:
        """The verdict of the first draw (of the first ``looked_at``) on which the answer's
        ``run`` is wrong, else None."""
        drawn = reference.drawn
        edged = [trial for trial in reference.edged if _usable(trial)]
        explain = self.seeds is not Seeds.CHECK
        answered = {trial.key: trial for trial in run.trials}
        given_names = [name for name, _ in givens]
        for number, want in enumerate((*drawn, *edged)[:looked_at]):
            trial = answered.get(want.key)
            if trial is None:  # the run stopped early: its last trial says why
                trial = run.trials[-1]
            got = trial.results[0]
            if got.status is Status.SYNTAX:
                what = "your fill" if isinstance(card, ClozeCard) else "your answer"
                if got.message == LAST_LINE:  # y = ... alone: not finished
                    return Verdict(Outcome.INVALID, f"in {what}, {got.message}")
                return Verdict(Outcome.INVALID, f"{what} is not a Python expression: {got.message}")
            if number == 0 and isinstance(card, CodeCard) and got.status is not Status.REFUSED:
                rule = _names_rule(card, got, given_names)
                if rule is not None:
                    return Verdict(Outcome.WRONG, rule, got=expr)
            expected = want.results[0]
            if got.status is not Status.VALUE:
                summary = got.describe(self.runner.time_limit)
                if got.status is Status.RAISED:
                    summary = f"your expression raises {summary}"
                elif got.status is Status.LIMIT:
                    summary = f"your expression {summary}"
                if explain and not expected.printed:  # not the answer again: it may be slow
                    want = self._again(givens, [_reference_expr(card)], draws, want) or want
                details = _trial_details(number, len(drawn), want, reference.random)
                if want.edge is None:
                    details = ()
                return Verdict(Outcome.WRONG, summary, details, expected=want.results[0].printed)
            assert expected.value is not None and got.value is not None
            difference = compare(expected.value, got.value, _rules(card, typed=False))
            if difference is not None:
                if explain and not (got.printed and expected.printed):  # first draw only
                    again = self._again(givens, [_reference_expr(card), expr], draws, want)
                    if again is not None and len(again.results) == 2:
                        trial, (expected, got) = again, again.results
                shown = trial if trial.givens else want  # the same draw, printed by the reference
                details = _trial_details(number, len(drawn), shown, reference.random)
                return Verdict(
                    Outcome.WRONG, difference.message, details, expected.printed, got.printed,
                    difference.index,
                )  # fmt: skip
        return None

    def _again(
        self, givens: list[tuple[str, str]], exprs: list[str], draws: Draws, trial: Trial
    ) -> Trial | None:
        """One draw again, printed with its givens: runs print only the first draw, since
        printing a tensor costs more than computing it."""
        if trial.edge is None:
            return self.runner.run(givens, exprs, (trial.seed,)).trials[0]
        run = self.runner.run(givens, exprs, draws.seeds[:1], edges=(trial.edge,))
        return next((again for again in run.edged if again.edge == trial.edge), None)


# ---------------------------------------------------------------- helpers


def _reference_expr(card: AnyCard) -> str:
    if isinstance(card, OutputCard):
        return card.expr
    if isinstance(card, CodeCard):
        return card.solution
    if isinstance(card, ClozeCard):
        return card.filled(card.solution)
    if isinstance(card, FlashCard):
        return card.demo or "None"
    raise TypeError(f"a {card.kind} card has no expression")


def card_edges(card: CodeCard | ClozeCard) -> tuple[Edge, ...]:
    """The edge draws of a card: the automatic ones, its scales, its author's cases."""
    return (
        *(Edge(kind) for kind in AUTOMATIC_EDGES if kind.value not in card.skip_edges),
        *(Edge(EdgeKind.SCALE, factor=factor) for factor in card.scale),
        *(
            Edge(EdgeKind.GIVEN, givens=tuple((g.name, g.expr) for g in case.given), number=n)
            for n, case in enumerate(card.edges, start=1)
        ),
    )


def _took_too_long(run: Run) -> bool:
    """The time limit was hit: by the card's own expression, or by torch loading a module
    on the first call of a function (``torch.broadcast_shapes`` imports sympy)."""
    return any(result.limit == "time" for trial in run.trials for result in trial.results)


def _usable(trial: Trial) -> bool:
    """An edge draw counts only where the card's own expression gives finite values."""
    if trial.given_failure is not None or not trial.results:
        return False
    result = trial.results[0]
    return result.status is Status.VALUE and result.value is not None and finite(result.value)


def finite(value: Value) -> bool:
    """No NaN or infinity anywhere in ``value``."""
    if isinstance(value, Scalar):
        number = value.value
        if isinstance(number, complex):
            return math.isfinite(number.real) and math.isfinite(number.imag)
        return isinstance(number, bool | int) or math.isfinite(number)
    if isinstance(value, Tensor):
        if value.kind in (Kind.BOOL, Kind.INTEGER):
            return True
        return all(map(cmath.isfinite, [item.value for item in value.flat]))
    if isinstance(value, Items):
        return all(finite(item) for item in value.items)
    return True


def _right_summary(draws: int, edges: int) -> str:
    if draws == 1:
        return f"right, on the draw and {edges} edge draw{'s' * (edges != 1)}" if edges else "right"
    summary = f"right on all {draws} draws of the givens"
    return f"{summary} and {edges} edge draw{'s' * (edges != 1)}" if edges else summary


def _rules(card: JudgedCard, *, typed: bool) -> Rules:
    """How to compare; integers typed for floats get partial credit unless the card
    declares its ``dtype`` (there the dtype is the lesson)."""
    lenient = typed and not card.dtype_declared
    return Rules(
        policy=card.dtype, typed=typed, atol=card.tol.atol, rtol=card.tol.rtol, lenient=lenient
    )


def _broken_reference(reference: Run, card: AnyCard, time_limit: float) -> Verdict | None:
    """An UNGRADABLE judgement when the card's own expression cannot serve as reference
    (on its random draws: an edge draw it cannot answer is only left out)."""
    for trial in reference.drawn:
        if trial.given_failure is not None:
            name, result = trial.given_failure
            failure = result.describe(time_limit)
            return Verdict(Outcome.UNGRADABLE, f"this card's given '{name}' fails: {failure}")
        result = trial.results[0]
        ok = result.status is Status.VALUE or (
            result.status is Status.RAISED and isinstance(card, OutputCard)
        )
        if not ok:
            failure = result.describe(time_limit)
            return Verdict(Outcome.UNGRADABLE, f"this card's own expression fails: {failure}")
    return None


def _answer_expr(card: JudgedCard, answer: str) -> str | Verdict:
    """The text to run: full-width punctuation read as ASCII, and the lines of a code
    answer pasted with a common indent set flush, then read as one expression or as a
    short program (``read_lines``)."""
    text = textwrap.dedent(to_halfwidth(answer).replace("\r\n", "\n")).strip()
    if len(text) > MAX_EXPR_CHARS:  # the sandbox would refuse it: do not send it
        what = "fill" if isinstance(card, ClozeCard) else "answer"
        return Verdict(
            Outcome.INVALID,
            f"your {what} is {len(text):,} characters; the limit is {MAX_EXPR_CHARS:,}",
        )
    if isinstance(card, ClozeCard):
        if not text:
            return Verdict(Outcome.INVALID, "type what goes in the blank")
        broken = fill_problem(card.template, text)
        if broken:
            return Verdict(Outcome.INVALID, broken)
        return _compiles(card.filled(text), "your fill")
    if not text:
        return Verdict(Outcome.INVALID, "type an expression")
    return _compiles(read_lines(text), "your answer")


def _compiles(expr: str, what: str) -> str | Verdict:
    """``expr``, or the syntax error Python would give it where the parser lets it through
    (a repeated keyword argument), worded as the sandbox words a syntax error."""
    problem = compile_problem(expr)
    if problem is not None:
        return Verdict(Outcome.INVALID, f"{what} is not a Python expression: {problem}")
    return expr


def _names_rule(card: CodeCard, result: Result, given_names: list[str]) -> str | None:
    names = result.names
    if result.status is Status.REFUSED and not names:
        return None  # the refusal itself is the reason
    for entry in card.forbid:
        used = [name for name in _alternatives(entry) if _uses(names, name)]
        if used:
            return f"this card asks you not to use {used[0]}"
    for entry in card.require:
        choices = _alternatives(entry)
        if not any(_uses(names, name) for name in choices):
            return f"this card asks you to use {_one_of(choices)}"
    if given_names and not any(name in names for name in given_names):
        listed = ", ".join(given_names)
        return f"compute the result from the given{'s' if len(given_names) > 1 else ''} ({listed})"
    return None


def _alternatives(entry: str) -> list[str]:
    """A forbid or require entry: a name, or names separated by ``|``, any of which counts."""
    return [name.strip() for name in entry.split("|")]


def _one_of(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _uses(names: frozenset[str], name: str) -> bool:
    """``torch.sum`` matches that chain; ``sum`` also matches any ``.sum`` attribute. The
    in-place form counts as the name: ``tanh`` matches ``x.tanh_()``, which computes the
    same thing (so a forbidden function cannot come back by its underscore)."""
    return any(
        spelling in names or ("." not in name and f".{spelling}" in names)
        for spelling in (name, f"{name}_")
    )


def _trial_details(number: int, draws: int, trial: Trial, random: bool) -> tuple[str, ...]:
    """Which draw the answer failed on (a random draw, or an edge draw), with its givens."""
    shown = "; ".join(f"{name} = {value}" for name, value in trial.givens.items())
    if trial.edge is not None:
        return (f"on an edge draw ({trial.edge.label}), with {shown}",) if shown else ()
    if not random or not trial.givens:
        return ()
    return (f"on draw {number + 1} of {draws}, with {shown}",)
