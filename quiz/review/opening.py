"""Opening a study session for the app and ``torch-quiz review DECK...``.

Loads the bundled decks, the learner's and any deck files named on the command line,
opens the database, and turns the names the learner typed (slugs or paths of deck
files) into deck slugs, so a typo is a one-line error before any screen is drawn.

It comes in two halves so the app can draw its first frame in between: ``load_study``
(the decks, from the cache; no database, no scheduler) and ``open_session`` (the
store, its migrations and the sync), whose imports are deferred to when it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.deck.cache import load_decks_cached
from quiz.deck.check import DeckSet
from quiz.deck.model import DECK_SUFFIXES
from quiz.paths import deck_paths
from quiz.review.clock import Clock, system_clock
from quiz.review.errors import ReviewError

if TYPE_CHECKING:
    from quiz.review.session import AnswerJudge, Session


def _is_path(name: str) -> bool:
    return Path(name).suffix in DECK_SUFFIXES or Path(name).exists()


def deck_slugs(deck_set: DeckSet, names: Sequence[str]) -> tuple[str, ...]:
    """The slugs for ``names`` (slugs or deck file paths); ReviewError for an unknown one."""
    by_path = {deck.path.resolve(): deck.slug for deck in deck_set.decks}
    slugs = [deck.slug for deck in deck_set.decks]
    found: list[str] = []
    for name in names:
        if _is_path(name):
            resolved = Path(name).resolve()
            if resolved not in by_path:
                problems = [d for d in deck_set.errors if Path(d.path).resolve() == resolved]
                detail = str(problems[0]) if problems else f"{name}: no deck loaded from it"
                raise ReviewError(f"cannot review {name}: {detail}")
            found.append(by_path[resolved])
        elif name in slugs:
            found.append(name)
        else:
            raise ReviewError(f"no deck '{name}' (decks: {', '.join(sorted(slugs))})")
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class StudyPlan:
    """The decks to study, before the database is opened."""

    decks: DeckSet
    review: tuple[str, ...] | None  # review these at once (empty: everything due); None: Home


def load_study(
    decks: Sequence[Path] | None = None, review: Sequence[str] | None = None
) -> StudyPlan:
    """``decks`` (default: bundled and the learner's) plus deck files named in ``review``."""
    extra = [Path(name) for name in review or () if _is_path(name)]
    deck_set = load_decks_cached([*(deck_paths() if decks is None else decks), *extra])
    slugs = deck_slugs(deck_set, review) if review is not None else None
    return StudyPlan(deck_set, slugs)


def open_session(
    db_path: Path,
    judge: AnswerJudge | None,
    study: StudyPlan,
    *,
    clock: Clock = system_clock,
    tz: tzinfo | None = None,
) -> Session:
    """Open the database and sync the decks of ``study`` into it."""
    from quiz.review.session import Session
    from quiz.review.store import Store

    store = Store.open(db_path)
    try:
        return Session(store, study.decks.decks, judge, clock=clock, tz=tz)
    except BaseException:
        store.close()
        raise
