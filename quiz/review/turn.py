"""One card's turn on screen, from showing it to rating it.

A scheduled review (``Session``) and a drill (``Practice``) choose their cards
differently, but once a card is shown they answer it alike: a typed answer goes to
the judge, the four outcomes are previewed once, and a rating is refused after an
ungradable verdict or recorded with the answer and the time the card was on screen.
``Turn`` holds that once, so a fix to any of it reaches both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Protocol, runtime_checkable

from quiz.deck.model import AnyCard, CardKind, Deck, FlashCard
from quiz.errors import UserError
from quiz.judge.presentation import PLAIN, Presentation, present, review_rng
from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.review.cards import CardRef, StoredCard
from quiz.review.errors import ReviewError
from quiz.review.log import Answer, Recorded, counts_from_log, record_answer
from quiz.review.queue import Queue
from quiz.review.scheduling import Preview, make_scheduler, preview
from quiz.review.settings import Settings
from quiz.review.store import Store


class AnswerJudge(Protocol):
    """What the session needs from a judge (``quiz.judge.judge.Judge`` provides it)."""

    def judge(
        self,
        deck: Deck,
        card: AnyCard,
        answer: str,
        *,
        used_hint: bool = False,
        elapsed_s: float | None = None,
        presentation: Presentation | None = None,
    ) -> Verdict: ...

    def demo(self, deck: Deck, card: AnyCard) -> str:
        """What a flash card's demo expression gives, as the learner is shown it."""
        ...

    def draw(self, deck: Deck, card: AnyCard, seed: int) -> tuple[tuple[str, str], ...]:
        """A fresh card's givens drawn with ``seed``, as torch prints them."""
        ...


@runtime_checkable
class PreparesDraws(Protocol):
    """A judge that can work out a card's reference values ahead (``Judge.prepare``)."""

    def prepare(self, deck: Deck, card: AnyCard) -> None: ...


@dataclass(frozen=True, slots=True)
class StudyCard:
    """A card to show: the deck model, the card model, its stored schedule and counts,
    and how it is shown this time (a fresh card's draw, a choice card's order)."""

    deck: Deck
    card: AnyCard
    stored: StoredCard
    queue: Queue
    reps: int
    lapses: int
    presentation: Presentation = PLAIN

    @property
    def ref(self) -> CardRef:
        return self.stored.ref

    @property
    def self_graded(self) -> bool:
        return self.card.kind is CardKind.FLASH

    @property
    def edited(self) -> bool:
        """The card's text changed since the learner last answered it."""
        return self.stored.edited_since_review


@dataclass(slots=True, eq=False)
class Turn:
    """The card on screen, when it was shown, the answer kept and the preview computed.

    Mutable on purpose: the answer and the preview accumulate while the card is shown,
    and the owner drops the whole turn when the card goes.
    """

    study: StudyCard  # replaced by a reload of its deck; the rest of the turn is kept
    shown_at: datetime
    answer: Answer = field(default_factory=Answer)
    previewed: Preview | None = None

    @classmethod
    def show(
        cls,
        store: Store,
        deck: Deck,
        card: AnyCard,
        stored: StoredCard,
        queue: Queue,
        now: datetime,
        presentation: Presentation | None = None,
    ) -> Turn:
        """Start showing ``card``, with its repetitions and lapses counted from the log.

        ``presentation`` shows it again as it was (after an undo); else it is shown afresh.
        """
        reps, lapses = counts_from_log(store, stored)
        if presentation is None or not presentation.fits(card):
            presentation = present(card, review_rng(stored.ref, reps, now.isoformat()))
        return cls(StudyCard(deck, card, stored, queue, reps, lapses, presentation), now)

    def draw(self, judge: AnswerJudge | None) -> StudyCard:
        """Draw a fresh card's givens in the sandbox, once (a no-op for other cards, and
        when there is no judge or a given fails: judging then says why)."""
        shown = self.study.presentation
        if judge is not None and shown.awaiting_draw and shown.seed is not None:
            try:
                givens = judge.draw(self.study.deck, self.study.card, shown.seed)
            except UserError:  # the sandbox is not available: judging will say so
                return self.study
            if givens:
                self.study = replace(self.study, presentation=shown.drawn(givens))
        return self.study

    def submit(
        self, judge: AnswerJudge | None, answer: str, *, used_hint: bool, now: datetime
    ) -> Verdict:
        """Judge ``answer`` and keep it, unless the judge could not read it (retype)."""
        study = self.study
        if study.self_graded:
            raise ReviewError(f"{study.ref} is a flash card: rate it yourself, no answer to judge")
        if judge is None:
            raise ReviewError("this session has no judge, so answers cannot be checked")
        study = self.draw(judge)
        verdict = judge.judge(
            study.deck,
            study.card,
            answer,
            used_hint=used_hint,
            elapsed_s=(now - self.shown_at).total_seconds(),
            presentation=study.presentation,
        )
        if study.queue is Queue.LEARNING:
            verdict = while_learning(verdict)
        if verdict.outcome is not Outcome.INVALID:
            self.answer = Answer(answer, verdict)
        return verdict

    def preview(self, settings: Settings, now: datetime, tz: tzinfo | None) -> Preview:
        """The four outcomes, computed at the first call and kept for the rest of the turn
        (study days begin at the settings' hour in ``tz``)."""
        if self.previewed is None:
            scheduler = make_scheduler(settings)
            stored = self.study.stored
            self.previewed = preview(
                scheduler,
                stored.id,
                stored.state,
                now,
                start_hour=settings.day_start_hour,
                tz=tz,
            )
        return self.previewed

    def require_gradable(self, instead: str) -> None:
        """Refuse a rating after an ungradable verdict; ``instead`` says what to do."""
        verdict = self.answer.verdict
        if verdict is not None and not verdict.gradable:
            raise ReviewError(
                f"{self.study.ref} could not be graded ({verdict.summary}); {instead}"
            )

    def record(
        self,
        store: Store,
        settings: Settings,
        rating: Rating,
        *,
        duration_ms: int | None,
        now: datetime,
        tz: tzinfo | None,
    ) -> Recorded:
        """Save ``rating`` with the previewed outcome, exactly, and commit.

        ``duration_ms`` defaults to the time from showing the card to its preview.
        """
        shown = self.preview(settings, now, tz)
        if duration_ms is None:
            duration_ms = max(0, int((shown.now - self.shown_at).total_seconds() * 1000))
        return record_answer(
            store,
            make_scheduler(settings),
            settings,
            self.study.stored.id,
            Rating(rating),
            shown=shown,
            now=now,  # only when the card changed since its preview (another tab answered it)
            tz=tz,
            answer=Answer(
                self.answer.text, self.answer.verdict, duration_ms, self.study.presentation
            ),
        )


def while_learning(verdict: Verdict) -> Verdict:
    """The suggestion for a card on a learning or relearning step: Good at most.

    The judge suggests Easy for a quick right answer. But a card on a step was failed,
    or first seen, minutes ago: a quick answer now shows what the learner remembers
    from a minute ago, not that the card is known. Easy would skip the remaining steps
    and give it days; Good takes the next step, as the learner has shown.
    """
    if verdict.suggested is Rating.EASY:
        return replace(verdict, suggested=Rating.GOOD)
    return verdict


def on_screen(turn: Turn | None) -> Turn:
    """``turn``, or the refusal to act on a card when none is shown."""
    if turn is None:
        raise ReviewError("no card is being shown; call next_card() first")
    return turn


def prepare_draws(judge: AnswerJudge | None, study: StudyCard) -> None:
    """Let the judge compute the card's reference values while the learner reads the
    question (in the background: this returns at once)."""
    if isinstance(judge, PreparesDraws) and not study.self_graded:
        judge.prepare(study.deck, study.card)


def demo_of(judge: AnswerJudge | None, study: StudyCard) -> str | None:
    """What the card's demo gives: None when it has no demo or there is no judge."""
    card = study.card
    if judge is None or not isinstance(card, FlashCard) or not card.demo:
        return None
    return judge.demo(study.deck, card)
