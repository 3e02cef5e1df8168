"""Judge a learner's answer to a card: the one place the CLI, the TUI and ``check`` use.

Output answers are read as literals (never run); code answers, cloze fills and the
cards' own references run in the sandbox through a ``Runner``. The reference of a
card is computed once per card and seed and cached, so a warm judgement costs one
round trip at most. Every verdict says why, in words, and suggests a rating.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import replace

from quiz.deck.exprsyntax import LAST_LINE, MAX_EXPR_CHARS, read_lines
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
from quiz.sandbox.protocol import Result, Run, Runner, Status
from quiz.sandbox.values import Raised

CLOZE_TRIALS = 3
MAX_DRAWS_KEPT = 4096  # references kept in all once reviews add their own draws
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


class Judge:
    """Judges answers by running torch through ``runner`` (the sandbox worker client)."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self._references: dict[tuple[object, ...], Run] = {}

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

    def reference(self, deck: Deck, card: AnyCard, seed: int | None = None) -> Run:
        """What the card's own expression gives: expr, solution, filled solution or demo.

        ``seed`` draws a fresh card's givens for one review (None: the card's own seeds)."""
        key = (deck.slug, tuple(deck.given), card.id, card.content_hash, _reference_expr(card))
        if seed is not None:
            key += (seed,)
        cached = self._references.get(key)
        if cached is None:
            seeds = _seeds(card) if seed is None else (seed,)
            cached = self.runner.run(card_givens(deck, card), [_reference_expr(card)], seeds)
            if seed is not None and len(self._references) >= MAX_DRAWS_KEPT:
                self._references.pop(next(iter(self._references)))
            self._references[key] = cached
        return cached

    def draw(self, deck: Deck, card: AnyCard, seed: int) -> tuple[tuple[str, str], ...]:
        """A fresh card's givens drawn with ``seed``, as torch prints them (empty when a
        given fails: judging then says why). Its answer is computed and kept too, so the
        learner's answer is judged without another trip to the sandbox."""
        trial = self.reference(deck, card, seed).trials[0]
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
        seed = shown.seed if card.varies else None
        reference = self.reference(deck, card, seed)
        broken = _broken_reference(reference, card, self.runner.time_limit)
        if broken is not None:
            return broken
        if isinstance(card, OutputCard):
            return self._output(card, reference.trials[0].results[0], answer)
        return self._computed(deck, card, reference, answer)

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

    def _computed(self, deck: Deck, card: JudgedCard, reference: Run, answer: str) -> Verdict:
        """Code and cloze cards: run the answer on every trial the reference ran."""
        expr = _answer_expr(card, answer)
        if isinstance(expr, Verdict):
            return expr
        seeds = [trial.seed for trial in reference.trials]
        givens = card_givens(deck, card)
        run = self.runner.run(givens, [expr], seeds, show={seeds[-1]})
        given_names = [name for name, _ in givens]
        for number, (want, trial) in enumerate(zip(reference.trials, run.trials, strict=False)):
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
            if got.status is not Status.VALUE:
                summary = got.describe(self.runner.time_limit)
                if got.status is Status.RAISED:
                    summary = f"your expression raises {summary}"
                elif got.status is Status.LIMIT:
                    summary = f"your expression {summary}"
                return Verdict(Outcome.WRONG, summary, expected=want.results[0].printed)
            expected = want.results[0]
            assert expected.value is not None and got.value is not None
            difference = compare(expected.value, got.value, _rules(card, typed=False))
            if difference is not None:
                if not got.printed:  # printed only for the last draw: print this one now
                    trial = self.runner.run(givens, [expr], (trial.seed,)).trials[0]
                    got = trial.results[0]
                details = _trial_details(number, len(reference.trials), trial.givens, run.random)
                return Verdict(
                    Outcome.WRONG, difference.message, details, expected.printed, got.printed,
                    difference.index,
                )  # fmt: skip
        last = run.trials[-1].results[0] if run.trials else None
        trials = len(reference.trials)
        summary = "right" if trials == 1 else f"right on all {trials} draws of the givens"
        return Verdict(
            Outcome.RIGHT, summary, expected=reference.trials[-1].results[0].printed,
            got=last.printed if last else None,
        )  # fmt: skip


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


def _seeds(card: AnyCard) -> range:
    if isinstance(card, CodeCard):
        return range(card.trials)
    if isinstance(card, ClozeCard):
        return range(CLOZE_TRIALS)
    return range(1)


def _rules(card: JudgedCard, *, typed: bool) -> Rules:
    """How to compare; integers typed for floats get partial credit unless the card
    declares its ``dtype`` (there the dtype is the lesson)."""
    lenient = typed and not card.dtype_declared
    return Rules(
        policy=card.dtype, typed=typed, atol=card.tol.atol, rtol=card.tol.rtol, lenient=lenient
    )


def _broken_reference(reference: Run, card: AnyCard, time_limit: float) -> Verdict | None:
    """An UNGRADABLE judgement when the card's own expression cannot serve as reference."""
    for trial in reference.trials:
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
        return card.filled(text)
    if not text:
        return Verdict(Outcome.INVALID, "type an expression")
    return read_lines(text)


def _names_rule(card: CodeCard, result: Result, given_names: list[str]) -> str | None:
    names = result.names
    if result.status is Status.REFUSED and not names:
        return None  # the refusal itself is the reason
    for name in card.forbid:
        if _uses(names, name):
            return f"this card asks you not to use {name}"
    for name in card.require:
        if not _uses(names, name):
            return f"this card asks you to use {name}"
    if given_names and not any(name in names for name in given_names):
        listed = ", ".join(given_names)
        return f"compute the result from the given{'s' if len(given_names) > 1 else ''} ({listed})"
    return None


def _uses(names: frozenset[str], name: str) -> bool:
    """``torch.sum`` matches that chain; ``sum`` also matches any ``.sum`` attribute."""
    return name in names or ("." not in name and f".{name}" in names)


def _trial_details(
    number: int, total: int, givens: Mapping[str, str], random: bool
) -> tuple[str, ...]:
    """Which draw of random givens the answer failed on, and their values."""
    if not random or not givens:
        return ()
    shown = "; ".join(f"{name} = {value}" for name, value in givens.items())
    return (f"on draw {number + 1} of {total}, with {shown}",)
