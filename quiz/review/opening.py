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
from quiz.deck.naming import deck_files, find_decks
from quiz.paths import deck_paths
from quiz.review.clock import Clock, system_clock

if TYPE_CHECKING:
    from quiz.review.session import AnswerJudge, Session


@dataclass(frozen=True, slots=True)
class StudyPlan:
    """The decks to study, before the database is opened."""

    decks: DeckSet
    review: tuple[str, ...] | None  # review these at once (empty: everything due); None: Home
    searched: tuple[Path, ...] | None = None  # the folders and files searched (None: the usual)
    named: tuple[Path, ...] = ()  # deck files named on the command line

    def find_decks(self) -> DeckSet:
        """The decks in the same places again (a deck added since shows up): Home's reload.

        Reads files (from the deck cache when none changed): call it off the UI thread.
        """
        searched = deck_paths() if self.searched is None else list(self.searched)
        return load_decks_cached([*searched, *self.named])


def load_study(
    decks: Sequence[Path] | None = None, review: Sequence[str] | None = None
) -> StudyPlan:
    """``decks`` (default: bundled and the learner's) plus deck files named in ``review``.

    A name in ``review`` that means no deck raises ``UserError`` (see ``quiz.deck.naming``).
    """
    searched = deck_paths() if decks is None else list(decks)
    named = tuple(deck_files(review or ()))
    deck_set = load_decks_cached([*searched, *named])
    given = None if decks is None else tuple(searched)  # the learner's folder may appear later
    if review is None:
        return StudyPlan(deck_set, None, given, named)
    slugs = tuple(deck.slug for deck in find_decks(deck_set, review, searched))
    return StudyPlan(deck_set, slugs, given, named)


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
