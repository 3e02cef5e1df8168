"""Run every card of a deck in the sandbox: the second half of ``torch-quiz check``.

A deck can be well-formed and still wrong: a reference that raises, is refused or
hits a limit; an output value too long to type (torch prints it with ``...``) or
that changes with the random givens; an ``accept`` example the judge would not mark
right, or a ``reject`` example it would. Each is reported at the card's
``path:line:col``. One worker serves the whole run, or two on two cores, each taking
the next card.

``check`` is deterministic: code and cloze cards run on a fixed set of seeds, larger
than a review's (``quiz.judge.judge.Seeds.CHECK``), plus their edge draws, so a deck
that passes today passes tomorrow. An author's edge case that fails (its given, or the
card's own expression on it, raises or gives non-finite values) is reported: a review
would leave it out silently.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from quiz.deck.diagnostics import Diagnostic
from quiz.deck.model import (
    AnyCard,
    ChoiceCard,
    Deck,
    FlashCard,
    Location,
    OutputCard,
    card_givens,
)
from quiz.judge.judge import Judge, finite
from quiz.judge.literal import LiteralError, parse_answer
from quiz.judge.variantcheck import variant_diagnostics
from quiz.judge.verdict import Outcome
from quiz.sandbox.protocol import NO_SUCH_NAME, EdgeKind, Result, Run, Status
from quiz.sandbox.values import Other, Raised, Value

REFERENCE_FIELD = {"output": "expr", "code": "solution", "cloze": "template", "flash": "demo"}


def run_cards(
    decks: Iterable[Deck],
    judge: Judge,
    on_card: Callable[[AnyCard], None] | None = None,
    *,
    helpers: Sequence[Judge] = (),
) -> list[Diagnostic]:
    """Every problem found by running the cards of ``decks``, in the order of the cards.

    ``helpers`` are judges on other workers: each takes the next card not yet taken, so
    two workers on two cores check a set of decks in about half the time. What a card is
    found to have does not depend on which worker ran it (each evaluation starts from a
    clean slate), and the problems are put back in the cards' order.
    """
    cards = [(deck, card) for deck in decks for card in deck.cards]
    judges = [judge.checking(), *(helper.checking() for helper in helpers)]
    if len(judges) == 1 or len(cards) < 2:
        problems: list[Diagnostic] = []
        for deck, card in cards:
            problems.extend(check_card(deck, card, judges[0]))
            if on_card is not None:
                on_card(card)
        return problems
    found: list[list[Diagnostic]] = [[] for _ in cards]
    taken = iter(range(len(cards)))
    lock = threading.Lock()
    failures: list[BaseException] = []

    def work(worker: Judge) -> None:
        while True:
            with lock:
                number = next(taken, None) if not failures else None
            if number is None:
                return
            deck, card = cards[number]
            try:
                found[number] = check_card(deck, card, worker)
            except BaseException as error:  # the sandbox is unavailable: reported once
                with lock:
                    failures.append(error)
                return
            if on_card is not None:
                with lock:
                    on_card(card)

    threads = [
        threading.Thread(target=work, args=(worker,), name="torch-quiz-check", daemon=True)
        for worker in judges[1:]
    ]
    for thread in threads:
        thread.start()
    work(judges[0])
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [problem for problems in found for problem in problems]


def check_card(deck: Deck, card: AnyCard, judge: Judge) -> list[Diagnostic]:
    if isinstance(card, FlashCard) and card.demo is None:
        return []
    judge = judge.checking()
    problems: list[Diagnostic] = []
    if not isinstance(card, ChoiceCard):
        reference = judge.reference(deck, card)
        problems.extend(_reference_problems(deck, card, reference, judge))
        if not problems and isinstance(card, OutputCard) and card.varies:
            problems.extend(variant_diagnostics(deck, card, judge, reference))
        if problems or isinstance(card, FlashCard):
            return problems
    for example in card.accept:
        verdict = judge.judge(deck, card, example)
        if not verdict.correct:
            problems.append(
                _at(card.where("accept"), f"accept example {_shown(example)} is judged "
                    f"{verdict.outcome.value}: {verdict.summary}")
            )  # fmt: skip
    for example in card.reject:
        # Anything but right will do: a learner who types an example that does not read
        # or does not compile is asked again, which is what the example is there to show.
        # Ungradable is no judgement of the example (the sandbox could not run it).
        verdict = judge.judge(deck, card, example)
        if verdict.correct or verdict.outcome is Outcome.UNGRADABLE:
            judged = "right" if verdict.correct else f"{verdict.outcome.value}: {verdict.summary}"
            problems.append(
                _at(card.where("reject"), f"reject example {_shown(example)} is judged {judged}")
            )
    return problems


def _reference_problems(
    deck: Deck, card: AnyCard, reference: Run, judge: Judge
) -> list[Diagnostic]:
    field = REFERENCE_FIELD[card.kind.value]
    where = card.where(field)
    seconds = judge.runner.time_limit
    edge_cases = _edge_case_problems(card, reference, seconds)
    if edge_cases:
        return edge_cases
    for trial in reference.drawn:
        if trial.given_failure is not None:
            name, result = trial.given_failure
            own = any(given.name == name for given in card.given)
            place = card.where("given") if own else deck.location
            return [_at(place, f"given '{name}' {_fails(result, seconds)}")]
        result = trial.results[0]
        if result.status is Status.RAISED and isinstance(card, OutputCard):
            if not any(_is_exception(example) for example in card.accept):
                return [
                    _at(where, f"the expression raises {result.describe()}; if that is the "
                        f"answer, list {result.error_type} in accept")
                ]  # fmt: skip
            continue
        if result.status is not Status.VALUE:
            return [_at(where, f"the {_role(card)} {_fails(result, seconds)}")]
    if not isinstance(card, OutputCard):
        return []
    result = reference.trials[0].results[0]
    if result.status is not Status.VALUE:
        return []
    if _untypable(result.value):
        return [_at(where, "the value cannot be typed as an answer (it is not a tensor, number, "
                    "size or tuple of them)")]  # fmt: skip
    if "..." in result.printed:
        return [_at(where, "torch prints the value in summarised form ('...'), so nobody can "
                    "type it; use a smaller example")]  # fmt: skip
    if reference.random and not card.varies:  # a fresh card shows the values it is drawn
        again = judge.runner.run(card_givens(deck, card), [card.expr], (1,)).trials[0]
        if again.results and again.results[0].printed != result.printed:
            return [_at(where, "the value changes with the random givens, so it cannot be "
                        "predicted; use fixed givens")]  # fmt: skip
    return []


def _edge_case_problems(card: AnyCard, reference: Run, time_limit: float) -> list[Diagnostic]:
    """The author's edge cases the card's own expression cannot answer."""
    problems: list[Diagnostic] = []
    for trial in reference.edged:
        edge = trial.edge
        if edge is None or edge.kind is not EdgeKind.GIVEN:
            continue
        where = card.where("edges")
        what = f"edge case {edge.number}"
        if trial.given_failure is not None:
            name, result = trial.given_failure
            problems.append(_at(where, f"{what}: given '{name}' {_fails(result, time_limit)}"))
            continue
        result = trial.results[0] if trial.results else None
        if result is None:
            continue
        if result.status is not Status.VALUE:
            problems.append(_at(where, f"{what}: the {_role(card)} {_fails(result, time_limit)}"))
        elif result.value is not None and not finite(result.value):
            problems.append(
                _at(where, f"{what}: the {_role(card)} gives NaN or infinity there, so a "
                    "review would leave this draw out")
            )  # fmt: skip
    return problems


def _role(card: AnyCard) -> str:
    return {"output": "expression", "code": "solution", "cloze": "template filled with the "
            "solution", "flash": "demo"}[card.kind.value]  # fmt: skip


def _fails(result: Result, time_limit: float) -> str:
    if result.status is Status.RAISED:
        return f"raises {result.describe()}"
    if result.status is Status.REFUSED and result.error_type == NO_SUCH_NAME:
        return f"fails: {result.message}"  # a typo, not a refusal
    if result.status is Status.REFUSED:
        return f"is refused by the sandbox: {result.message}"
    if result.status is Status.SYNTAX:
        return f"is not a Python expression: {result.message}"
    return f"{result.describe(time_limit)} (a sandbox limit)"


def _shown(example: str) -> str:
    """An example as written, cut short when it is long (a number of 5,000 digits)."""
    if len(example) <= 60:
        return repr(example)
    return f"{example[:40] + '…'!r} ({len(example):,} characters)"


def _is_exception(example: str) -> bool:
    try:
        return isinstance(parse_answer(example), Raised)
    except LiteralError:
        return False


def _untypable(value: Value | None) -> bool:
    from quiz.sandbox.values import Sequence

    if isinstance(value, Other):
        return True
    if isinstance(value, Sequence):
        return any(_untypable(item) for item in value.items)
    return False


def _at(location: Location, message: str) -> Diagnostic:
    return Diagnostic(location.path, location.line, location.col, message)
