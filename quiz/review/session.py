"""The study session: the one object the TUI and the CLI drive.

A session shows one card at a time. ``next_card`` says what to show; ``submit``
judges a typed answer (flash cards skip it: the learner rates them directly);
``preview`` gives the four possible intervals, computed once; ``rate`` saves the
chosen one and commits before returning, so the next card is never shown before
the last answer is on disk. ``undo`` takes answers back one at a time. The judge and
the clock are injected, so tests run with a fake judge at fixed UTC times.

It is also the one door the screens use to change anything else: card actions (bury,
suspend, unsuspend, reset, set due) and the settings go through it, so the card being
studied never outlives a change made from Browse or a card's page. What the screens
read beyond the card on screen (Browse's rows, a card's history, the summary, Home's
figures) is shaped in ``quiz.progress`` by functions that take the session, so no
screen holds the ``Store``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from quiz.deck.check import load_decks
from quiz.deck.model import Deck
from quiz.deck.naming import no_deck_message, not_loaded_message
from quiz.judge.presentation import Presentation, present, review_rng
from quiz.judge.verdict import Rating, Verdict
from quiz.paths import deck_paths
from quiz.review import cards as card_ops
from quiz.review.cards import CardRef, StoredCard, get_card
from quiz.review.clock import Clock, StudyDay, as_utc, day_start, study_day, system_clock
from quiz.review.errors import ReviewError
from quiz.review.log import Recorded, Undone, last_review_id, undo_answer
from quiz.review.queue import (
    Counts,
    NewToday,
    Queue,
    counts,
    new_today,
    pick_next,
    queue_of,
    quota,
)
from quiz.review.scheduling import Preview
from quiz.review.settings import Settings
from quiz.review.store import Store
from quiz.review.sync import SyncReport, sync_decks

# AnswerJudge and StudyCard are part of this module's interface (the UI imports them
# from here); they live in turn.py, which Practice shares.
from quiz.review.turn import AnswerJudge, StudyCard, Turn, demo_of, on_screen, prepare_draws


class Session:
    """Study ``decks`` (in this order) against ``store``. Syncs the decks on creation."""

    def __init__(
        self,
        store: Store,
        decks: Sequence[Deck],
        judge: AnswerJudge | None = None,
        *,
        clock: Clock = system_clock,
        tz: tzinfo | None = None,
    ) -> None:
        self.store = store
        self.judge = judge
        self._clock = clock
        self._tz = tz
        self._decks = {deck.slug: deck for deck in decks}
        self._cards = {deck.slug: {card.id: card for card in deck.cards} for deck in decks}
        self.sync_report: SyncReport = sync_decks(store, decks, self.now())
        self._turn: Turn | None = None
        self._history: list[int] = []  # review ids answered in this session, for undo
        self._opened_at = self.now()  # undo takes back no other session's answer after this
        self._focus: list[str] | None = None  # the decks studied now (None: all of them)
        self._more_new: tuple[date, dict[str, int]] | None = None  # a study day's raised limits

    @classmethod
    def start(
        cls,
        db_path: Path,
        judge: AnswerJudge | None = None,
        *,
        extra_decks: Iterable[Path] = (),
        clock: Clock = system_clock,
        tz: tzinfo | None = None,
    ) -> Session:
        """Open the database, load and sync the bundled, the learner's and ``extra_decks``.

        Broken decks are skipped and listed in ``sync_report.problems``.
        """
        store = Store.open(db_path)
        try:
            deck_set = load_decks(deck_paths(extra_decks))
            session = cls(store, deck_set.decks, judge, clock=clock, tz=tz)
        except BaseException:
            store.close()
            raise
        session.sync_report = dataclasses.replace(
            session.sync_report, problems=tuple(deck_set.errors)
        )
        return session

    def close(self) -> None:
        self.store.close()

    # -- time --------------------------------------------------------------------------

    def now(self) -> datetime:
        return as_utc(self._clock())

    def today(self) -> StudyDay:
        return study_day(self.now(), self.settings.day_start_hour, self._tz)

    @property
    def tz(self) -> tzinfo | None:
        """The learner's time zone for study days (None: the system's)."""
        return self._tz

    @property
    def settings(self) -> Settings:
        return self.store.settings

    @property
    def db_path(self) -> Path:
        """The progress database's file (messages about a stored setting name it)."""
        return self.store.path

    def reload_settings(self) -> Settings:
        """The stored settings, read again (another process may have changed them).

        Raises SettingsError when the stored values are no longer valid.
        """
        self.store.reload_settings()
        return self.store.settings

    def save_settings(self, settings: Settings) -> None:
        """Store ``settings`` (checked again first); this session uses them from now on."""
        self.store.save_settings(settings)

    @property
    def decks(self) -> list[Deck]:
        return list(self._decks.values())

    def deck(self, slug: str) -> Deck:
        """The loaded deck ``slug``; ReviewError when this session has no such deck."""
        try:
            return self._decks[slug]
        except KeyError:
            raise ReviewError(no_deck_message(slug, "this session", self._decks)) from None

    def focus(self, slugs: Iterable[str] | None = None) -> None:
        """Study only the decks ``slugs`` (in the session's order); None studies them all."""
        if slugs is None:
            self._focus = None
        else:
            wanted = {self.deck(slug).slug for slug in slugs}
            self._focus = [slug for slug in self._decks if slug in wanted]
        if self.current is not None and self.current.ref.deck not in self._studied():
            self._turn = None

    @property
    def focused(self) -> tuple[str, ...]:
        """The slugs of the decks studied now."""
        return tuple(self._studied())

    def reload_deck(self, path: Path) -> SyncReport:
        """Load the deck file ``path`` again (after an edit) and sync it; keep its progress.

        A file that no longer loads raises ReviewError with its first problem, and the
        session keeps the deck as it was. The card on screen is shown again from the
        new text (or dropped, when it left the file).
        """
        loaded = load_decks([path])
        if loaded.errors or not loaded.decks:
            raise ReviewError(not_loaded_message(str(path), loaded))
        return self.add_deck(loaded.decks[0])

    def add_deck(self, deck: Deck) -> SyncReport:
        """Study ``deck``, loaded elsewhere (Home's reload loads off the UI thread), as
        ``reload_deck`` does: a deck new to the session joins it (studied from the next
        ``focus``), a known one is replaced."""
        known = deck.slug in self._decks
        report = sync_decks(self.store, [deck], self.now())
        self._decks[deck.slug] = deck
        self._cards[deck.slug] = {card.id: card for card in deck.cards}
        if known and self._focus is not None and deck.slug not in self._focus:
            self._focus = [s for s in self._decks if s in {*self._focus, deck.slug}]
        turn = self._turn
        if turn is not None and turn.study.ref.deck == deck.slug:
            card = self._cards[deck.slug].get(turn.study.ref.card_id)
            if card is None:
                self._turn = None
            else:
                stored = get_card(self.store, turn.study.stored.id)
                shown = turn.study.presentation
                if not shown.fits(card):  # its options changed: show them afresh
                    shown = present(card, review_rng(stored.ref, turn.study.reps, self.now()))
                turn.study = dataclasses.replace(
                    turn.study, deck=deck, card=card, stored=stored, presentation=shown
                )
        return report

    # -- the queue ---------------------------------------------------------------------

    def next_card(self) -> StudyCard | None:
        """The card to show now: the one on screen if it is still unanswered, else the next."""
        if self._turn is not None:
            stored = get_card(self.store, self._turn.study.stored.id)
            if stored.present and not stored.suspended and not stored.buried(self.now()):
                return self._turn.study
            self._turn = None
        now = self.now()
        picked = pick_next(
            self.store, self.settings, self._studied(), now, self.today(), self.extra_new
        )
        if picked is None:
            return None
        self._show(get_card(self.store, picked[0]), picked[1])
        return self.current

    def counts(self) -> Counts:
        return counts(
            self.store, self.settings, self._studied(), self.now(), self.today(), self.extra_new
        )

    # -- the daily new-card limits -----------------------------------------------------

    def new_today(self, slugs: Iterable[str] | None = None) -> dict[str, NewToday]:
        """Each deck (default: those studied now) alone: new cards waiting, studied and
        allowed today, and which limit holds the rest back."""
        chosen = self._studied() if slugs is None else [self.deck(s).slug for s in slugs]
        return new_today(
            self.store, self.settings, chosen, self.now(), self.today(), self.extra_new
        )

    @property
    def extra_new(self) -> dict[str, int]:
        """Today's raised new-card limits, by deck (``study_more_new``); empty on a new day."""
        if self._more_new is None or self._more_new[0] != self.today().day:
            return {}
        return dict(self._more_new[1])

    def study_more_new(self, slug: str, count: int | None = None) -> int:
        """Let deck ``slug`` show ``count`` more new cards today (default: its daily limit),
        past both its own limit and the all-decks one, as Anki's custom study "increase
        today's new card limit" does. The cards studied are recorded as any new card is,
        so they count as studied today. The raise lasts for this session's study day.
        Returns how many new cards the deck may now show today.

        Other decks' raises may have taken the day past the all-decks limit; those cards
        are theirs to cover, so the raise adds that excess too and this deck gets its
        ``count`` in full.
        """
        deck = self.deck(slug).slug
        more = self.settings.new_per_day if count is None else count
        if more < 1:
            raise ReviewError(f"raise the limit by at least 1 new card, not {more}")
        raised = self.extra_new
        room = quota(self.store, self.settings, [deck], self.today(), raised)
        excess = max(0, -(room.new_total + raised.get(deck, 0)))
        raised[deck] = raised.get(deck, 0) + more + excess
        self._more_new = (self.today().day, raised)
        return self.new_today([deck])[deck].left

    @property
    def current(self) -> StudyCard | None:
        return None if self._turn is None else self._turn.study

    # -- answering ---------------------------------------------------------------------

    def submit(self, answer: str, *, used_hint: bool = False) -> Verdict:
        """Judge ``answer`` to the current card. An unreadable answer records nothing."""
        turn = on_screen(self._turn)
        return turn.submit(self.judge, answer, used_hint=used_hint, now=self.now())

    def draw(self) -> StudyCard:
        """The current card with its fresh givens drawn (a trip to the sandbox the first
        time: call it off the UI thread). Other cards come back as they are."""
        return on_screen(self._turn).draw(self.judge)

    def demo(self, card: StudyCard) -> str | None:
        """The live value of a flash card's demo (None: it has none, or there is no judge)."""
        return demo_of(self.judge, card)

    def preview(self) -> Preview:
        """The four outcomes for the current card, computed once and kept until it is rated."""
        return on_screen(self._turn).preview(self.settings, self.now(), self.tz)

    def rate(self, rating: Rating, *, duration_ms: int | None = None) -> Recorded:
        """Save ``rating`` for the current card (the previewed outcome, exactly) and commit."""
        turn = on_screen(self._turn)
        turn.require_gradable("bury or suspend it instead")
        recorded = turn.record(
            self.store, self.settings, rating, duration_ms=duration_ms, now=self.now(), tz=self.tz
        )
        self._history.append(recorded.review_id)
        self._turn = None
        return recorded

    def undo(self) -> Undone | None:
        """Take back this session's last answer; with none left, the latest answer given
        before it opened (an earlier sitting's, as after a restart).

        Never one given by another session on the same database (another browser tab)
        while this one was open. The card comes back as the current card with its exact
        prior state, shown as it was (the same draw, the same order). None when there is
        nothing to undo. An answer whose card was answered or reset since (perhaps in
        another tab) is refused with a ReviewError; when it was this session's, the next
        undo goes on to the one before it.
        """
        own = bool(self._history)
        review_id = self._history[-1] if own else last_review_id(self.store, self._opened_at)
        if review_id is None:
            return None
        try:
            undone = undo_answer(self.store, review_id)
        except ReviewError:
            if own:
                self._history.pop()
            raise
        if own:
            self._history.pop()
        self._turn = None
        stored = get_card(self.store, undone.ref)
        if stored.ref.deck in self._decks and stored.present:
            queue = queue_of(stored.state)
            self._show(stored, queue, undone.presentation)
        return undone

    # -- card actions ------------------------------------------------------------------

    def bury(self, ref: CardRef | None = None) -> StoredCard:
        """Hide a card (default: the current one) until the next study day."""
        return self._act(ref, lambda r: card_ops.bury(self.store, r, self.today().end))

    def suspend(self, ref: CardRef | None = None) -> StoredCard:
        return self._act(ref, lambda r: card_ops.suspend(self.store, r))

    def unsuspend(self, ref: CardRef) -> StoredCard:
        return card_ops.unsuspend(self.store, ref)

    def reset(self, ref: CardRef) -> StoredCard:
        return self._act(ref, lambda r: card_ops.reset(self.store, r, self.now()))

    def set_due(self, ref: CardRef, days: int) -> StoredCard:
        """Make a studied card due ``days`` study days from today (0: today), at that
        day's start on the local clock (a daylight-saving change in between included)."""
        day = self.today().day + timedelta(days=days)
        due = day_start(day, self.settings.day_start_hour, self.tz)
        return self._act(ref, lambda r: card_ops.set_due(self.store, r, due))

    def leeches(self) -> list[StoredCard]:
        """Every card flagged as a leech, by deck then file order."""
        return card_ops.leeches(self.store)

    # -- internals ---------------------------------------------------------------------

    def _studied(self) -> list[str]:
        return list(self._decks) if self._focus is None else list(self._focus)

    def _act(self, ref: CardRef | None, action) -> StoredCard:
        if ref is None:
            ref = on_screen(self._turn).study.ref
        result = action(ref)
        if self.current is not None and self.current.ref == ref:
            self._turn = None
        return result

    def _show(
        self, stored: StoredCard, queue: Queue, presentation: Presentation | None = None
    ) -> None:
        card = self._cards.get(stored.ref.deck, {}).get(stored.ref.card_id)
        if card is None:  # the store knows a card this session's decks do not
            raise ReviewError(f"{stored.ref} is in the database but not in the loaded decks")
        deck = self._decks[stored.ref.deck]
        self._turn = Turn.show(self.store, deck, card, stored, queue, self.now(), presentation)
        prepare_draws(self.judge, self._turn.study)
