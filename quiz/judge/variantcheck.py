"""``check`` for fresh cards: over many draws, the answer follows from the values shown.

A fresh output card (``fresh: true``) shows the learner the values drawn for the review,
as torch prints them, and asks what the expression gives. That is fair only if the
printed values are all there is: the expression must not draw random numbers of its
own, and no digit the print hides (``tensor([0.4963])`` of a longer float) may change
the answer. So each draw is run twice: on the drawn givens, and on the givens typed
back from their printed form (``torch.tensor([6, 7, 7, 0])``); the answers must print
the same. Every value must also be short enough to work out in one's head.

The draws are fixed (``VARIANT_SEEDS``), so a deck that passes today passes tomorrow.
"""

from __future__ import annotations

from quiz.deck.diagnostics import Diagnostic
from quiz.deck.model import Deck, OutputCard, card_givens
from quiz.judge.judge import Judge
from quiz.sandbox.protocol import Run, Status, Trial

VARIANT_SEEDS = range(24)
MAX_SHOWN_CHARS = 80  # a drawn given or an answer, as printed
MAX_SHOWN_LINES = 4


def typed_back(printed: str) -> str:
    """The expression a printed value reads as: ``tensor(...)`` is ``torch.tensor(...)``."""
    return f"torch.{printed}" if printed.startswith("tensor(") else printed


def variant_problems(deck: Deck, card: OutputCard, judge: Judge, reference: Run) -> list[str]:
    """What makes ``card`` unfair to vary; ``reference`` is its fixed draw (seed 0)."""
    if not reference.random:
        return [
            "fresh: true, but the givens are not random, so every review shows the same "
            "values; draw them, say with torch.randint(-5, 6, (4,)) or torch.randperm(6)"
        ]
    givens = card_givens(deck, card)
    run = judge.runner.run(givens, [card.expr], VARIANT_SEEDS)
    trials = enumerate(run.trials, 1)
    shown_problems = [_shown_problem(number, trial, judge) for number, trial in trials]
    fair = next((n for n, problem in enumerate(shown_problems) if problem), len(run.trials))
    # Each draw that shows fair values is run again on its givens typed back, all in one
    # request: the givens typed back need no printing, only the answer's print is compared.
    jobs = [
        ([(name, typed_back(value)) for name, value in trial.givens.items()], [card.expr], seed)
        for trial, seed in ((trial, trial.seed) for trial in run.trials[:fair])
    ]
    agains = _runs_of(judge, jobs)
    for number, trial in enumerate(run.trials, 1):
        if shown_problems[number - 1]:
            return [shown_problems[number - 1]]
        result = trial.results[0]
        drawn = "; ".join(f"{name} = {value}" for name, value in trial.givens.items())
        again = agains[number - 1].trials[0]
        if again.given_failure is not None:
            name, failure = again.given_failure
            return [
                f"on draw {number}, the printed value of '{name}' ({trial.givens[name]}) "
                f"cannot be read back: {failure.describe()}"
            ]
        if again.results[0].printed != result.printed:
            return [
                f"on draw {number} ({drawn}) the answer does not follow from the values shown: "
                f"it is {result.printed} on the draw, {again.results[0].printed} on the printed "
                "values; use integers or few digits, and draw every random value in the givens"
            ]
    return []


def _shown_problem(number: int, trial: Trial, judge: Judge) -> str:
    """What is wrong with a draw as shown (its givens, its answer), or nothing."""
    if trial.given_failure is not None:
        name, result = trial.given_failure
        return f"on draw {number}, given '{name}' fails: {result.describe()}"
    result = trial.results[0]
    drawn = "; ".join(f"{name} = {value}" for name, value in trial.givens.items())
    if result.status is not Status.VALUE:
        failure = result.describe(judge.time_limit)
        if result.status is Status.RAISED:
            failure = f"raises {failure}"
        return f"on draw {number} ({drawn}) the expression {failure}"
    for name, printed in [*trial.givens.items(), ("the answer", result.printed)]:
        what = name if name == "the answer" else f"given '{name}'"
        if "..." in printed:
            return f"on draw {number}, {what} prints in summarised form ('...')"
        if len(printed) > MAX_SHOWN_CHARS or printed.count("\n") >= MAX_SHOWN_LINES:
            return (
                f"on draw {number}, {what} prints as {len(printed)} characters on "
                f"{printed.count(chr(10)) + 1} line(s); keep fresh values short enough to "
                f"work out in one's head (at most {MAX_SHOWN_CHARS} characters, "
                f"{MAX_SHOWN_LINES} lines)"
            )
    return ""


def _runs_of(judge: Judge, jobs: list[tuple[list[tuple[str, str]], list[str], int]]) -> list[Run]:
    """Each job (givens, expressions, seed) run on its own draw, printing no givens: in one
    request where the runner can batch them (``WorkerClient.run_each``)."""
    run_each = getattr(judge.runner, "run_each", None)
    if run_each is not None:
        return list(run_each(jobs))
    return [judge.runner.run(g, e, (seed,), show_givens=False) for g, e, seed in jobs]


def variant_diagnostics(
    deck: Deck, card: OutputCard, judge: Judge, reference: Run
) -> list[Diagnostic]:
    where = card.where("fresh")
    return [
        Diagnostic(where.path, where.line, where.col, message)
        for message in variant_problems(deck, card, judge, reference)
    ]
