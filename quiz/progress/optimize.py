"""Fitting FSRS parameters to the learner's own review log, and storing them.

Why it exists: FSRS's default weights describe an average learner; fitted weights
predict this learner's forgetting better, so intervals fit them. The fit is done by
``fsrs-rs-python`` (a small Rust wheel that needs neither torch nor pandas), an
optional dependency imported only inside :func:`fit_and_store`, so the app's start
never pays for it; without it the command says how to install it.

The log becomes FSRS training items the way Anki builds them: each card's answers
since its last reset, in study days; one item per answer that came at least a day
after the card's previous one, holding the history up to it. Fewer than
``MIN_REVIEWS`` such answers are not enough to fit, and the command says how many
more are needed. The new weights are stored (setting ``fsrs_parameters``) only when
they predict the log better (a lower log loss) than the weights in use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from quiz.errors import UserError
from quiz.review.log import answers_since_reset
from quiz.review.state import Phase
from quiz.review.store import Store

MIN_REVIEWS = 400  # as Anki: answers a day or more after the card's previous one
INSTALL_HINT = "pip install 'torch-quiz[optimize]'  (fsrs-rs-python: 585 KB, no torch)"

History = list[tuple[int, int]]  # (rating, days since the previous answer; 0 for the first)


@dataclass(frozen=True, slots=True)
class Fit:
    log_loss: float
    rmse: float  # RMSE over bins, as FSRS reports it

    def __str__(self) -> str:
        return f"log loss {self.log_loss:.4f}, RMSE {self.rmse:.2%}"


@dataclass(frozen=True, slots=True)
class OptimizeResult:
    """What one run of ``torch-quiz optimize`` found, and whether it stored parameters."""

    usable: int  # answers that can train (a day or more after the previous one)
    cards: int
    before: Fit | None = None
    after: Fit | None = None
    parameters: tuple[float, ...] = ()
    stored: bool = False
    dry_run: bool = False

    @property
    def needed(self) -> int:
        return max(0, MIN_REVIEWS - self.usable)

    def summary(self) -> str:
        if self.needed:
            return (
                f"not enough reviews to fit yet: {self.usable} usable answers (answers that "
                f"came a day or more after the card's previous one); {self.needed} more needed "
                f"(at least {MIN_REVIEWS}). The default FSRS parameters stay in use."
            )
        lines = [
            f"fitted on {self.usable} answers from {self.cards} cards",
            f"  before: {self.before}",
            f"  after:  {self.after}",
        ]
        if self.dry_run:
            lines.append("dry run: nothing stored")
        elif self.stored:
            lines.append("stored the new parameters: the next intervals use them")
        else:
            lines.append("kept the parameters in use: the new ones do not predict your log better")
        return "\n".join(lines)


def read_histories(store: Store, tz: tzinfo | None = None) -> dict[int, History]:
    """Each card's answers since its last reset, as (rating, days since the previous)."""
    hour = store.settings.day_start_hour
    shift = timedelta(hours=hour)
    histories: dict[int, History] = {}
    skip: set[int] = set()
    last_day: dict[int, int] = {}
    for card, stamp, rating, before in answers_since_reset(store):
        if card in skip:
            continue
        day = (datetime.fromisoformat(stamp).astimezone(tz) - shift).date().toordinal()
        history = histories.get(card)
        if history is None:
            if before != Phase.NEW:  # its start is not in the log (exported with --since?)
                skip.add(card)
                continue
            history = histories[card] = []
            gap = 0
        else:
            gap = day - last_day[card]
        history.append((rating, gap))
        last_day[card] = day
    return histories


def training_items(histories: dict[int, History]) -> list[History]:
    """One item per answer that came a day or more after the previous: the history to it."""
    items = []
    for history in histories.values():
        for end in range(1, len(history)):
            if history[end][1] > 0:
                items.append(history[: end + 1])
    return items


def fit_and_store(
    store: Store,
    now: datetime,
    *,
    dry_run: bool = False,
    say: Callable[[str], None] = lambda _line: None,
    tz: tzinfo | None = None,
) -> OptimizeResult:
    """Fit, compare with the weights in use, and store the new ones when they are better."""
    del now  # the fit depends on the log only; kept for a uniform command signature
    say("reading the review log...")
    histories = read_histories(store, tz)
    items = training_items(histories)
    result = OptimizeResult(len(items), len(histories), dry_run=dry_run)
    if result.needed:
        return result
    fsrs_rs = _library()
    say(f"{len(items)} usable answers from {len(histories)} cards")
    dataset = [fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(r, d) for r, d in item]) for item in items]
    current = list(store.settings.fsrs_parameters or fsrs_rs.DEFAULT_PARAMETERS)
    say("measuring the parameters in use...")
    before = _evaluate(fsrs_rs, current, dataset)
    say("fitting new parameters (this can take a minute)...")
    fitted = tuple(fsrs_rs.FSRS(current).compute_parameters(dataset))
    say("measuring the new parameters...")
    after = _evaluate(fsrs_rs, list(fitted), dataset)
    better = after.log_loss < before.log_loss
    if better and not dry_run:
        store.save_settings(store.settings.replace(fsrs_parameters=list(fitted)))
    return OptimizeResult(
        len(items), len(histories), before, after, fitted, better and not dry_run, dry_run
    )


def forget_parameters(store: Store) -> str:
    """Back to fsrs's default parameters (``torch-quiz optimize --reset``)."""
    if not store.settings.fsrs_parameters:
        return "already using the default FSRS parameters"
    store.save_settings(store.settings.replace(fsrs_parameters=[]))
    return "forgot the fitted parameters: the default FSRS parameters are in use again"


def _library() -> Any:
    try:
        import fsrs_rs_python
    except ImportError:
        raise UserError(
            f"fitting FSRS parameters needs the optimize extra: {INSTALL_HINT}"
        ) from None
    return fsrs_rs_python


def _evaluate(fsrs_rs: Any, parameters: list[float], dataset: list[Any]) -> Fit:
    result = fsrs_rs.FSRS(parameters).evaluate(dataset)
    return Fit(result.log_loss, result.rmse_bins)
