"""Which decks the learner has, and opening a study session on them.

Every command that turns a deck name into a deck (the app and ``torch-quiz review
DECK...``, ``grade``, ``export --format apkg``, ``decks``) asks :func:`known_decks`:
the bundled decks, the learner's decks folder, the installed deck packs
(``quiz.review.packs``), the deck files remembered in the progress database because
the learner once opened them by path (``quiz.review.remembered``), and any deck files
named now. A slug claimed by two of these sources keeps the first in that order, or
the file the learner chose (``torch-quiz decks --prefer``, loaded first); either way
the collision is one line among the deck set's problems until the learner chooses.
The names themselves are read by ``quiz.deck.naming``, so a slug or a path means the
same deck everywhere and fails with the same line. A remembered file that is gone is
reported, once, as a problem of the deck set; its progress stays in the database.

Opening comes in two halves so the app can draw its first frame in between:
``load_study`` (the decks, from the cache, and the remembered list read without
writing; no scheduler) and ``open_session`` (the store, its migrations, the sync,
and remembering the decks opened by path), whose imports are deferred to when it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.deck.cache import load_decks_cached
from quiz.deck.check import Claim, DeckSet, load_decks
from quiz.deck.diagnostics import Diagnostic
from quiz.deck.model import Deck
from quiz.deck.naming import deck_files, find_decks, is_deck_file
from quiz.errors import UserError
from quiz.paths import DeckSource, deck_folders, is_bundled
from quiz.review.clock import Clock, system_clock
from quiz.review.packs import Pack, find_packs
from quiz.review.remembered import DeckChoice, RememberedDeck, choices_in, remembered_in

if TYPE_CHECKING:
    from quiz.review.session import AnswerJudge, Session


@dataclass(frozen=True, slots=True)
class KnownDecks:
    """The decks a name may mean, where each came from, and the remembered files gone."""

    decks: DeckSet  # missing remembered files are among its problems
    folders: tuple[tuple[DeckSource, Path], ...]  # searched, in order
    remembered: tuple[RememberedDeck, ...] = ()
    missing: tuple[RememberedDeck, ...] = ()
    named: tuple[Path, ...] = field(default=())  # deck files named on this command line
    packs: tuple[Pack, ...] = ()  # their folders are among ``folders``, as DeckSource.PACK
    choices: tuple[DeckChoice, ...] = ()  # the learner's, for slugs claimed twice
    collisions: tuple[Claim, ...] = ()  # slugs claimed by two sources: kept, dropped
    broken: tuple[Diagnostic, ...] = ()  # packs that gave no folder, one line each

    @property
    def searched(self) -> list[Path]:
        """What a "no deck" message names: the folders, then the remembered files."""
        return [folder for _, folder in self.folders] + [deck.path for deck in self.remembered]

    def find(self, names: Sequence[str]) -> list[Deck]:
        """The decks ``names`` (slugs or deck files) mean; ``UserError`` for one that is none."""
        gone = {deck.slug: deck for deck in self.missing}
        for name in names:
            if not is_deck_file(name) and name in gone and name not in self.slugs:
                raise UserError(missing_message(gone[name]))
        return find_decks(self.decks, names, self.searched)

    @property
    def slugs(self) -> set[str]:
        return {deck.slug for deck in self.decks.decks}

    def source(self, deck: Deck) -> DeckSource:
        """Where ``deck`` was found: under a searched folder, else opened by path."""
        return self.where(deck.path)[0]

    @property
    def pack_problems(self) -> list[Diagnostic]:
        """Why packs gave no folder, then the problems of their deck files (a slug claimed
        by two sources aside: ``collisions`` says those)."""
        dropped = {claim.dropped.resolve() for claim in self.collisions}
        files = [
            diagnostic
            for diagnostic in self.decks.diagnostics
            if diagnostic not in self.broken
            and self.where(diagnostic.path)[1] is not None
            and diagnostic.path.resolve() not in dropped
        ]
        return [*self.broken, *files]

    def where(self, path: Path) -> tuple[DeckSource, Pack | None]:
        """The source of the deck file ``path``, and its pack if a pack gave it."""
        path = path.resolve()
        for source, folder in self.folders:
            if path.is_relative_to(folder.resolve()):
                pack = next((p for p in self.packs if p.folder == folder), None)
                return source, pack
        return DeckSource.OPENED, None

    def label(self, path: Path) -> str:
        """The source of the deck file ``path`` as the learner reads it (``pack foo 1.0``)."""
        source, pack = self.where(path)
        return pack.label if pack is not None else source.value

    def phrase(self, path: Path) -> str:
        """The source of ``path`` in a sentence: "deck 'x' of {phrase} is also in ..."."""
        source, pack = self.where(path)
        return pack.label if pack is not None else SOURCE_PHRASES[source]

    def word(self, path: Path) -> str:
        """The source of ``path`` as ``--prefer SOURCE`` names it (a pack: its name; a file
        opened by path: the file)."""
        source, pack = self.where(path)
        if pack is not None:
            return pack.name
        return str(path) if source is DeckSource.OPENED else source.word

    def opened_by_path(self, names: Sequence[str]) -> list[RememberedDeck]:
        """The decks among ``names`` named by a file outside the folders: to remember."""
        by_path = {deck.path.resolve(): deck for deck in self.decks.decks}
        found = (by_path.get(Path(name).resolve()) for name in names if is_deck_file(name))
        return [
            RememberedDeck(deck.slug, deck.path.resolve())
            for deck in found
            if deck is not None and self.source(deck) is DeckSource.OPENED
        ]


def missing_message(deck: RememberedDeck) -> str:
    """The one line for a remembered deck whose file is gone."""
    return (
        f"deck '{deck.slug}' was opened from {deck.path}, which is gone; its progress is "
        f"kept (move the file back, or: torch-quiz decks --forget {deck.slug})"
    )


SOURCE_PHRASES = {
    DeckSource.BUNDLED: "the bundled decks",
    DeckSource.FOLDER: "your decks folder",
    DeckSource.PACK: "a pack",  # a pack is named by its label instead
    DeckSource.OPENED: "a file opened by path",
}


def collision_message(known: KnownDecks, claim: Claim) -> str:
    """The one line for a slug two sources claim, and how to choose the other."""
    dropped, kept = known.phrase(claim.dropped), known.phrase(claim.kept)
    return (
        f"deck '{claim.slug}' of {dropped} is also in {kept} ({claim.kept}), which is used "
        f"(to use this one: torch-quiz decks --prefer {known.word(claim.dropped)} {claim.slug})"
    )


def known_decks(
    db_path: Path | None,
    folders: Sequence[Path] | None = None,
    names: Sequence[str] = (),
    *,
    cached: bool = True,
) -> KnownDecks:
    """Every deck the learner has: in ``folders`` (default: the bundled decks, the
    learner's folder and the installed packs), remembered in the database at ``db_path``
    (None: none), and the deck files among ``names``."""
    packs: list[Pack] = []
    broken: list[Diagnostic] = []
    if folders is None:
        searched = deck_folders()
        packs, problems = find_packs()
        searched += [(DeckSource.PACK, pack.folder) for pack in packs]
        broken = [Diagnostic(problem.where, 1, 1, problem.message) for problem in problems]
    else:
        searched = [(DeckSource.FOLDER, folder) for folder in folders]
    remembered = remembered_in(db_path) if db_path is not None else []
    present = [deck for deck in remembered if deck.path.is_file()]
    missing = [deck for deck in remembered if not deck.path.is_file()]
    named = deck_files(names)
    places = [*(folder for _, folder in searched), *(deck.path for deck in present), *named]
    choices = _choices(db_path, places)
    paths = [*(choice.path for choice in choices), *places]  # the first claim wins
    loaded = (load_decks_cached if cached else load_decks)(paths)
    known = KnownDecks(
        loaded,
        tuple(searched),
        tuple(present),
        tuple(missing),
        tuple(named),
        tuple(packs),
        tuple(choices),
    )
    collisions = [c for c in loaded.claims if known.label(c.kept) != known.label(c.dropped)]
    if not (missing or broken or collisions):
        return known
    chosen = {choice.path.resolve() for choice in choices}
    replaced = {claim.diagnostic: claim for claim in collisions}
    diagnostics = []
    for diagnostic in loaded.diagnostics:  # a new set: the cached one is shared
        claim = replaced.get(diagnostic)
        if claim is None:
            diagnostics.append(diagnostic)
        elif claim.kept.resolve() not in chosen:  # a choice made is a collision settled
            where = claim.diagnostic
            diagnostics.append(
                Diagnostic(where.path, where.line, where.col, collision_message(known, claim))
            )
    diagnostics += broken
    diagnostics += [Diagnostic(deck.path, 1, 1, missing_message(deck)) for deck in missing]
    found = DeckSet(list(loaded.decks), diagnostics, loaded.files, list(loaded.claims))
    return replace(known, decks=found, collisions=tuple(collisions), broken=tuple(broken))


def _choices(db_path: Path | None, places: Sequence[Path]) -> list[DeckChoice]:
    """The learner's choices whose file is among ``places`` (in a searched folder, or
    loaded by path) and still there."""
    if db_path is None:
        return []
    where = [place.resolve() for place in places]
    return [
        choice
        for choice in choices_in(db_path)
        if choice.path.is_file() and any(choice.path.is_relative_to(p) for p in where)
    ]


@dataclass(frozen=True, slots=True)
class StudyPlan:
    """The decks to study, before the database is opened."""

    decks: DeckSet
    review: tuple[str, ...] | None  # review these at once (empty: everything due); None: Home
    remember: tuple[RememberedDeck, ...] = ()  # opened by path: remembered once progress opens
    db_path: Path | None = None
    folders: tuple[Path, ...] | None = None  # the folders searched (None: the usual)
    named: tuple[str, ...] = ()  # deck files named on the command line
    # where each deck came from: the last look (one item, replaced by Home's reload)
    found: list[KnownDecks] = field(default_factory=list, compare=False, repr=False)

    def source_label(self, deck: Deck) -> str | None:
        """Where ``deck`` came from, for Home: ``from pack NAME VERSION``, or ``opened by
        path``; None for the folders searched (bundled, the learner's, those given)."""
        if not self.found:
            return None
        source, pack = self.found[-1].where(deck.path)
        if pack is not None:
            return f"from {pack.label}"
        return source.value if source is DeckSource.OPENED else None

    def learners_own(self, deck: Deck) -> bool:
        """Whether ``deck``'s file is the learner's to add cards to: in their decks folder,
        a folder they named, or a file they opened; not a bundled deck or a pack's, whose
        files belong to torch-quiz or to the pack and go with the next upgrade."""
        if is_bundled(deck.path):
            return False
        if not self.found:
            return True
        source, pack = self.found[-1].where(deck.path)
        return source is not DeckSource.BUNDLED and pack is None

    def find_decks(self) -> DeckSet:
        """The decks in the same places again (a deck added since shows up): Home's reload.

        Reads files (from the deck cache when none changed): call it off the UI thread.
        """
        known = known_decks(self.db_path, self.folders, self.named)
        self.found[:] = [known]  # a pack installed since is named as one
        return known.decks


def load_study(
    decks: Sequence[Path] | None = None,
    review: Sequence[str] | None = None,
    db_path: Path | None = None,
) -> StudyPlan:
    """``decks`` (default: bundled and the learner's), the decks remembered in the
    database at ``db_path``, plus deck files named in ``review``.

    A name in ``review`` that means no deck raises ``UserError`` (see ``quiz.deck.naming``).
    """
    known = known_decks(db_path, decks, review or ())
    folders = None if decks is None else tuple(decks)  # the learner's folder may appear later
    named = tuple(name for name in review or () if is_deck_file(name))
    if review is None:
        return StudyPlan(known.decks, None, (), db_path, folders, named, [known])
    slugs = tuple(deck.slug for deck in known.find(review))
    remember = tuple(known.opened_by_path(review))
    return StudyPlan(known.decks, slugs, remember, db_path, folders, named, [known])


def open_session(
    db_path: Path,
    judge: AnswerJudge | None,
    study: StudyPlan,
    *,
    clock: Clock = system_clock,
    tz: tzinfo | None = None,
    check_same_thread: bool = True,
) -> Session:
    """Open the database, sync the decks of ``study`` into it, and remember those
    opened by path. ``check_same_thread`` False: opened in one thread, handed to
    another, which alone uses it after (see ``Store.open``)."""
    from quiz.review.remembered import remember
    from quiz.review.session import Session
    from quiz.review.store import Store

    store = Store.open(db_path, check_same_thread=check_same_thread)
    try:
        session = Session(store, study.decks.decks, judge, clock=clock, tz=tz)
        remember(store, study.remember, session.now())
        return session
    except BaseException:
        store.close()
        raise
