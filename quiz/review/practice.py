"""Practice: drill a deck or a tag on demand, whatever the schedule says.

Like Anki's custom study, a drill shows every chosen card once, in deck order; a card
rated Again comes back at the end of the drill. It leaves the schedule alone: nothing
is written unless the learner chose to count the drill, in which case each rating is
recorded exactly as a scheduled review would be (so it can be undone the same way).
``Practice`` offers the same methods as ``Session`` that the review screen uses, so
the screen does not care which one it drives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quiz.judge.presentation import Presentation
from quiz.judge.verdict import Rating, Verdict
from quiz.review.cards import CardRef, StoredCard, get_card, phases
from quiz.review.errors import ReviewError
from quiz.review.log import Recorded, Undone, undo_answer
from quiz.review.queue import Counts, Queue, queue_of
from quiz.review.scheduling import Preview
from quiz.review.session import Session
from quiz.review.state import Phase
from quiz.review.sync import SyncReport
from quiz.review.turn import (
    AnswerJudge,
    StudyCard,
    Turn,
    demo_of,
    on_screen,
    prepare_draws,
)


@dataclass(frozen=True, slots=True)
class _Step:
    """One rated card, so undo can put it back where it was."""

    ref: CardRef
    repeated: bool  # rated Again: it went back to the end of the drill
    review_id: int | None  # the review recorded, when the drill counts
    presentation: Presentation  # how it was shown: an undo shows it so again


class Practice:
    """A drill over ``refs`` in ``session``'s store; ``counted`` records each rating."""

    def __init__(self, session: Session, refs: Sequence[CardRef], *, counted: bool = False):
        if not refs:
            raise ReviewError("nothing to practise: no cards match")
        self.session = session
        self.counted = counted
        self.name = ""
        self._left: list[CardRef] = list(refs)
        self._repeats: set[CardRef] = set()
        self._done: list[_Step] = []
        self._turn: Turn | None = None
        self._shown_again: tuple[CardRef, Presentation] | None = None  # after an undo

    @classmethod
    def of_deck(cls, session: Session, slug: str, *, counted: bool = False) -> Practice:
        deck = session.deck(slug)
        drill = cls(session, [CardRef(slug, card.id) for card in deck.cards], counted=counted)
        drill.name = slug
        return drill

    @classmethod
    def of_tag(cls, session: Session, tag: str, *, counted: bool = False) -> Practice:
        refs = [
            CardRef(deck.slug, card.id)
            for deck in session.decks
            for card in deck.cards
            if tag in card.tags
        ]
        if not refs:
            raise ReviewError(f"no card is tagged '{tag}' (tags: {', '.join(tags(session)[:12])})")
        drill = cls(session, refs, counted=counted)
        drill.name = f"#{tag}"
        return drill

    # -- what the review screen uses (as on Session) ------------------------------------

    @property
    def judge(self) -> AnswerJudge | None:
        return self.session.judge

    @property
    def current(self) -> StudyCard | None:
        return None if self._turn is None else self._turn.study

    def now(self) -> datetime:
        return self.session.now()

    def next_card(self) -> StudyCard | None:
        if self._turn is not None:
            return self._turn.study
        while self._left:
            ref = self._left[0]
            try:
                stored = get_card(self.session.store, ref)
                card = self.session.deck(ref.deck).card(ref.card_id)
            except ReviewError:
                card = None
            if card is None or not stored.present or stored.suspended:
                self._left.pop(0)  # gone from its file, or suspended since the drill began
                continue
            queue = Queue.LEARNING if ref in self._repeats else queue_of(stored.state)
            deck = self.session.deck(ref.deck)
            again, self._shown_again = self._shown_again, None
            shown = again[1] if again is not None and again[0] == ref else None
            self._turn = Turn.show(self.session.store, deck, card, stored, queue, self.now(), shown)
            prepare_draws(self.session.judge, self._turn.study)
            return self._turn.study
        return None

    def counts(self) -> Counts:
        """Cards left in the drill: never studied as new, repeats as learning, others review."""
        repeats = sum(ref in self._repeats for ref in self._left)
        stored = phases(self.session.store)
        new = sum(ref not in self._repeats and stored.get(ref) is Phase.NEW for ref in self._left)
        return Counts(new=new, learning=repeats, review=len(self._left) - new - repeats)

    def submit(self, answer: str, *, used_hint: bool = False) -> Verdict:
        turn = on_screen(self._turn)
        return turn.submit(self.session.judge, answer, used_hint=used_hint, now=self.now())

    def draw(self) -> StudyCard:
        """The current card with its fresh givens drawn (see ``Session.draw``)."""
        return on_screen(self._turn).draw(self.session.judge)

    def demo(self, card: StudyCard) -> str | None:
        """The live value of a flash card's demo (None: it has none, or there is no judge)."""
        return demo_of(self.session.judge, card)

    def preview(self) -> Preview:
        """What each rating would do to the schedule (applied only when the drill counts)."""
        return on_screen(self._turn).preview(self.session.settings, self.now(), self.session.tz)

    def rate(self, rating: Rating, *, duration_ms: int | None = None) -> Recorded | None:
        """Finish the card (Again: repeat it at the end); record it only if the drill counts."""
        turn = on_screen(self._turn)
        study = turn.study
        turn.require_gradable("skip or suspend it")
        recorded = None
        if self.counted:
            recorded = turn.record(
                self.session.store,
                self.session.settings,
                rating,
                duration_ms=duration_ms,
                now=self.now(),
                tz=self.session.tz,
            )
        repeated = Rating(rating) is Rating.AGAIN
        self._left.pop(0)
        if repeated:
            self._left.append(study.ref)
            self._repeats.add(study.ref)
        self._done.append(
            _Step(study.ref, repeated, recorded.review_id if recorded else None, study.presentation)
        )
        self._turn = None
        return recorded

    def undo(self) -> Undone | None:
        """Take back the drill's last rating (and its review, when the drill counts)."""
        if not self._done:
            return None
        step = self._done[-1]
        undone = undo_answer(self.session.store, step.review_id) if step.review_id else None
        self._done.pop()
        if step.repeated:
            for index in range(len(self._left) - 1, -1, -1):
                if self._left[index] == step.ref:
                    del self._left[index]
                    break
        self._left.insert(0, step.ref)
        self._turn = None
        self._shown_again = (step.ref, step.presentation)
        self.next_card()
        return undone

    def bury(self, ref: CardRef | None = None) -> StoredCard:
        """Skip the card for the rest of the drill; the schedule is left alone."""
        ref = ref or on_screen(self._turn).study.ref
        self._left = [left for left in self._left if left != ref]
        self._turn = None
        return get_card(self.session.store, ref)

    def suspend(self, ref: CardRef | None = None) -> StoredCard:
        """Suspend the card (a deliberate change to the schedule) and drop it from the drill.

        The session does the suspending, so a session showing the same card drops it too.
        """
        ref = ref or on_screen(self._turn).study.ref
        stored = self.session.suspend(ref)
        self._left = [left for left in self._left if left != ref]
        self._turn = None
        return stored

    def reload_deck(self, path: Path) -> SyncReport:
        report = self.session.reload_deck(path)
        self._turn = None
        return report


def tags(session: Session) -> list[str]:
    """Every tag used in the session's decks, sorted."""
    return sorted({tag for deck in session.decks for card in deck.cards for tag in card.tags})
