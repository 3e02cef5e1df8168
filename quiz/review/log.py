"""The review log: recording an answer, and undoing it exactly.

Each answer is one row of ``reviews`` written in the same transaction as the
card's new state, so a crash leaves either both or neither. The row keeps the
card's state before and after, so undo restores the exact prior state (and lifts a
leech suspension the answer caused), and a history can be replayed through fsrs.

Every query on the ``reviews`` table is here, each a named function: recording and
undoing, the counts since a card's last reset (a lapse is an Again given to a card in
the review phase, one definition for the session, Browse and the optimizer), one
card's answers, and the answers per deck in a period. Export, import, backup and the
statistics read the log in their own shapes (see docs/architecture.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

import fsrs

from quiz.judge.presentation import PLAIN, Presentation
from quiz.judge.verdict import Rating, Verdict
from quiz.review.cards import CardRef, StoredCard, get_card, set_state
from quiz.review.clock import from_text, to_text
from quiz.review.errors import ReviewError
from quiz.review.scheduling import Preview, preview
from quiz.review.settings import Settings
from quiz.review.state import CardState, Phase
from quiz.review.store import Store


@dataclass(frozen=True, slots=True)
class Answer:
    """What the learner typed and what the judge said (both None for a flash card), and
    how the card was shown to them."""

    text: str | None = None
    verdict: Verdict | None = None
    duration_ms: int | None = None
    presentation: Presentation = PLAIN


@dataclass(frozen=True, slots=True)
class Recorded:
    review_id: int
    ref: CardRef
    rating: Rating
    reviewed_at: datetime
    before: CardState
    after: CardState
    reps: int  # including this answer
    lapses: int
    became_leech: bool  # this answer made the card a leech; it is now suspended


@dataclass(frozen=True, slots=True)
class Undone:
    review_id: int
    ref: CardRef
    restored: CardState
    rating: Rating
    reviewed_at: datetime
    presentation: Presentation = PLAIN  # the card comes back shown as it was


@dataclass(frozen=True, slots=True)
class LoggedAnswer:
    """One answer as the log keeps it."""

    review_id: int
    reviewed_at: datetime
    rating: Rating
    outcome: str | None  # right / wrong / ungradable; None for a self-graded flash card
    answer: str | None
    duration_ms: int | None
    before: CardState
    after: CardState
    leeched: bool
    presentation: Presentation  # how the card was shown: a fresh draw, an option order


@dataclass(frozen=True, slots=True)
class DeckAnswers:
    """A deck's answers in a period: all of them, and those to new and to review cards."""

    answers: int
    new: int
    review: int


def _lapse(alias: str = "") -> str:
    """A lapse, in SQL over ``reviews``: an Again given to a card in the review phase."""
    return f"{alias}before_state = {int(Phase.REVIEW)} AND {alias}rating = {int(Rating.AGAIN)}"


def is_leech_lapse(lapses: int, threshold: int) -> bool:
    """A leech at ``threshold`` lapses, then again every half threshold (as Anki)."""
    return lapses >= threshold and (lapses - threshold) % max(1, threshold // 2) == 0


def record_answer(
    store: Store,
    scheduler: fsrs.Scheduler,
    settings: Settings,
    card_row: int,
    rating: Rating,
    *,
    shown: Preview | None,
    now: datetime,
    tz: tzinfo | None,
    answer: Answer = Answer(),
) -> Recorded:
    """Save ``rating`` for the card, using the outcome the learner was shown.

    If the card changed since ``shown`` was computed (another process answered it),
    the outcome is computed afresh from the stored state at ``now``, so no answer is
    lost and the log stays in order: this answer is logged after the one it follows.
    """
    rating = Rating(rating)
    with store.write():
        card = get_card(store, card_row)
        chosen = shown
        if chosen is None or chosen.card != card.id or chosen.before != card.state:
            chosen = preview(
                scheduler, card.id, card.state, now, start_hour=settings.day_start_hour, tz=tz
            )
        after = chosen.after(rating)
        reps, lapses = counts_from_log(store, card)
        lapse = card.state.phase is Phase.REVIEW and rating is Rating.AGAIN
        lapses += lapse
        leeched = lapse and is_leech_lapse(lapses, settings.leech_lapses)
        verdict = answer.verdict
        review_id = (
            store.db["reviews"]
            .insert(
                {
                    "reviewed_at": to_text(chosen.now),
                    "card": card.id,
                    "deck": card.ref.deck,
                    "card_id": card.ref.card_id,
                    "kind": card.kind,
                    "answer": answer.text,
                    "outcome": verdict.outcome.value if verdict else None,
                    "verdict": json.dumps(verdict.to_dict()) if verdict else None,
                    "suggested": int(verdict.suggested) if verdict else None,
                    "rating": int(rating),
                    "duration_ms": answer.duration_ms,
                    **card.state.to_columns("before_"),
                    **after.to_columns("after_"),
                    "leeched": int(leeched),
                    "presentation": answer.presentation.to_json(),
                }
            )
            .last_rowid
        )
        if leeched:
            set_state(store, card.id, after, leech=True, suspended=True)
        else:
            set_state(store, card.id, after)
    assert review_id is not None
    return Recorded(
        review_id, card.ref, rating, chosen.now, card.state, after, reps + 1, lapses, leeched
    )


def counts_from_log(store: Store, card: StoredCard) -> tuple[int, int]:
    """(repetitions, lapses) since the card was last reset, counted from the review log."""
    row = store.db.conn.execute(
        f"SELECT count(*), coalesce(sum({_lapse()}), 0) FROM reviews "
        "WHERE card = ? AND reviewed_at >= ?",
        (card.id, to_text(card.reset_at) or ""),
    ).fetchone()
    return row[0], row[1]


def counts_by_card(store: Store, decks: Sequence[str]) -> dict[int, tuple[int, int]]:
    """``counts_from_log`` for every card of ``decks`` still in its file, by row id.

    One query, through ``reviews_by_card`` for each card.
    """
    if not decks:
        return {}
    cursor = store.db.conn.execute(
        "SELECT c.id, "
        "(SELECT count(*) FROM reviews r WHERE r.card = c.id "
        " AND r.reviewed_at >= coalesce(c.reset_at, '')), "
        f"(SELECT coalesce(sum({_lapse('r.')}), 0) FROM reviews r "
        " WHERE r.card = c.id AND r.reviewed_at >= coalesce(c.reset_at, '')) "
        f"FROM cards c WHERE c.present = 1 AND c.deck IN ({', '.join('?' * len(decks))})",
        tuple(decks),
    )
    return {row_id: (reps, lapses) for row_id, reps, lapses in cursor}


def answers_to(store: Store, card: int) -> list[LoggedAnswer]:
    """Every answer to the card with row id ``card``, oldest first."""
    rows = store.query("SELECT * FROM reviews WHERE card = ? ORDER BY reviewed_at, id", (card,))
    answers = []
    for row in rows:
        reviewed_at = from_text(row["reviewed_at"])
        assert reviewed_at is not None
        answers.append(
            LoggedAnswer(
                review_id=row["id"],
                reviewed_at=reviewed_at,
                rating=Rating(row["rating"]),
                outcome=row["outcome"],
                answer=row["answer"],
                duration_ms=row["duration_ms"],
                before=CardState.from_columns(row, "before_"),
                after=CardState.from_columns(row, "after_"),
                leeched=bool(row["leeched"]),
                presentation=Presentation.from_json(row["presentation"]),
            )
        )
    return answers


def answers_since_reset(store: Store) -> Iterator[tuple[int, str, int, int]]:
    """Each card's answers since its last reset, card by card, oldest first: (card row id,
    stored time, rating, phase before), streamed, for a fit over the whole log."""
    return store.db.conn.execute(
        "SELECT r.card, r.reviewed_at, r.rating, r.before_state FROM reviews r "
        "JOIN cards c ON c.id = r.card WHERE r.reviewed_at >= coalesce(c.reset_at, '') "
        "ORDER BY r.card, r.reviewed_at, r.id"
    )


def answers_by_deck(store: Store, start: datetime, end: datetime) -> dict[str, DeckAnswers]:
    """Every deck answered in ``[start, end)``, with its answers in that time."""
    cursor = store.db.conn.execute(
        f"SELECT deck, count(*), coalesce(sum(before_state = {int(Phase.NEW)}), 0), "
        f"coalesce(sum(before_state = {int(Phase.REVIEW)}), 0) "
        "FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ? GROUP BY deck",
        (to_text(start), to_text(end)),
    )
    return {deck: DeckAnswers(answers, new, review) for deck, answers, new, review in cursor}


def _leeched_before(store: Store, card: StoredCard, review_id: int) -> bool:
    """Whether an earlier answer since the card's last reset had made it a leech."""
    return bool(
        store.scalar(
            "SELECT count(*) FROM reviews WHERE card = ? AND id < ? AND leeched = 1 "
            "AND reviewed_at >= ?",
            (card.id, review_id, to_text(card.reset_at) or ""),
        )
    )


def last_review_id(store: Store, given_by: datetime) -> int | None:
    """The latest answer in the log given at or before ``given_by`` (None: there is none).

    By time, not by id: an undone answer's id is taken again by the next answer.
    """
    return store.scalar(
        "SELECT id FROM reviews WHERE reviewed_at <= ? ORDER BY reviewed_at DESC, id DESC LIMIT 1",
        (to_text(given_by),),
    )


def undo_answer(store: Store, review_id: int) -> Undone:
    """Remove review ``review_id`` and restore the card's prior state.

    Only a card's latest answer can be undone, and only while the card still has the
    state that answer gave it.
    """
    with store.write():
        rows = store.query("SELECT * FROM reviews WHERE id = ?", (review_id,))
        if not rows:
            raise ReviewError("nothing to undo")
        row = rows[0]
        card: StoredCard = get_card(store, row["card"])
        latest = store.scalar("SELECT max(id) FROM reviews WHERE card = ?", (card.id,))
        if latest != review_id or card.state != CardState.from_columns(row, "after_"):
            raise ReviewError(
                f"{card.ref} changed after that answer (answered or reset since, perhaps in "
                "another window); it cannot be undone now"
            )
        before = CardState.from_columns(row, "before_")
        if row["leeched"]:  # (a card being answered was not suspended)
            leech = _leeched_before(store, card, review_id)
            set_state(store, card.id, before, leech=leech, suspended=False)
        else:
            set_state(store, card.id, before)
        store.db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
    reviewed_at = from_text(row["reviewed_at"])
    assert reviewed_at is not None
    shown = Presentation.from_json(row["presentation"])
    return Undone(review_id, card.ref, before, Rating(row["rating"]), reviewed_at, shown)
