"""Generate a large progress database for benchmarks: 100,000 cards, 1,000,000 reviews.

    python bench/make_big_db.py big.sqlite3 [--cards N] [--reviews N] [--decks N]

The file gets the real schema (through ``Store.open``, so migrations and indexes are
the app's own); decks are named ``bench-000``..., cards ``c000000``.... About 80% of
the cards have a review history (each review's "before" state is the previous
review's "after", and the card holds the last "after"); the rest are new. The states
come from a cheap synthetic model, not from fsrs, so that a million reviews take
seconds: they look like fsrs states but are not what fsrs would compute. Everything
is seeded, and "now" is fixed, so the same arguments give the same database.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quiz.review.clock import to_text
from quiz.review.state import CardState, Phase
from quiz.review.store import Store

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BATCH = 50_000
CARD_COLUMNS = (
    "id, deck, card_id, kind, position, content_hash, present, added_at, "
    "state, step, stability, difficulty, due, last_review, suspended, leech"
)
REVIEW_COLUMNS = (
    "reviewed_at, card, deck, card_id, kind, answer, outcome, suggested, rating, duration_ms, "
    "before_state, before_step, before_stability, before_difficulty, before_due, "
    "before_last_review, after_state, after_step, after_stability, after_difficulty, "
    "after_due, after_last_review, leeched"
)
KINDS = ("output", "code", "cloze", "choice", "flash")


def _text(moment: datetime | None) -> str | None:
    # the stored form of quiz.review.clock.to_text, for times already in UTC
    return None if moment is None else moment.isoformat(timespec="microseconds")


def _state_tuple(state: CardState) -> tuple:
    return (
        int(state.phase),
        state.step,
        state.stability,
        state.difficulty,
        _text(state.due),
        _text(state.last_review),
    )


def _next_state(rng: random.Random, before: CardState, rating: int, at: datetime) -> CardState:
    """A plausible, cheap imitation of an fsrs step (not fsrs's numbers)."""
    difficulty = min(10.0, max(1.0, (before.difficulty or 5.0) + (3 - rating) * 0.6))
    if rating == 1:
        stability = max(0.1, (before.stability or 0.5) * 0.3)
        phase = Phase.LEARNING if before.phase in (Phase.NEW, Phase.LEARNING) else Phase.RELEARNING
        return CardState(phase, 0, stability, difficulty, at + timedelta(minutes=10), at)
    if before.phase is Phase.NEW and rating == 2:
        return CardState(Phase.LEARNING, 0, 1.2, difficulty, at + timedelta(minutes=6), at)
    growth = {2: 1.2, 3: 2.5, 4: 3.5}[rating] * rng.uniform(0.8, 1.2)
    stability = min(36500.0, (before.stability or 1.0) * growth)
    due = at + timedelta(days=max(1.0, stability))
    return CardState(Phase.REVIEW, None, stability, difficulty, due, at)


def generate(path: Path, cards: int, reviews: int, decks: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = NOW - timedelta(days=730)
    with Store.open(path) as store:
        conn = store.db.conn
        conn.execute("PRAGMA synchronous = OFF")  # a throwaway file: speed over durability
        # Load first, index after: the app's own index definitions are dropped and replayed.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('cards', 'reviews')"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        stamp = to_text(start)
        with store.write():
            conn.executemany(
                "INSERT INTO decks (slug, title, path, first_seen, synced_at) VALUES (?,?,?,?,?)",
                [
                    (f"bench-{d:03}", f"Bench {d}", f"bench-{d:03}.yaml", stamp, stamp)
                    for d in range(decks)
                ],
            )
        studied = int(cards * 0.8) if reviews else 0
        per_card = [0] * cards
        for _ in range(reviews):
            per_card[rng.randrange(studied)] += 1
        card_rows: list[tuple] = []
        review_rows: list[tuple] = []
        for index in range(cards):
            deck = f"bench-{index % decks:03}"
            card_id = f"c{index:06}"
            kind = KINDS[index % len(KINDS)]
            state = CardState()
            state_row = _state_tuple(state)
            times = sorted(
                start + timedelta(seconds=rng.uniform(0, (NOW - start).total_seconds()))
                for _ in range(per_card[index])
            )
            for at in times:
                rating = rng.choices((1, 2, 3, 4), weights=(10, 15, 65, 10))[0]
                after = _next_state(rng, state, rating, at)
                after_row = _state_tuple(after)
                review_rows.append(
                    (after_row[5], index + 1, deck, card_id, kind, None, None, None, rating,
                     rng.randint(2_000, 40_000), *state_row, *after_row, 0)
                )  # fmt: skip
                state, state_row = after, after_row
            card_rows.append(
                (index + 1, deck, card_id, kind, index // decks, f"{index:016x}", 1, stamp,
                 *state_row, 0, 0)
            )  # fmt: skip
            if len(review_rows) >= BATCH or len(card_rows) >= BATCH:
                _flush(store, card_rows, review_rows)
        _flush(store, card_rows, review_rows)
        with store.write():
            for _, sql in indexes:
                conn.execute(sql)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("ANALYZE")


def _flush(store: Store, card_rows: list[tuple], review_rows: list[tuple]) -> None:
    conn = store.db.conn
    with store.write():
        conn.executemany(
            f"INSERT INTO cards ({CARD_COLUMNS}) VALUES ({_marks(CARD_COLUMNS)})", card_rows
        )
        conn.executemany(
            f"INSERT INTO reviews ({REVIEW_COLUMNS}) VALUES ({_marks(REVIEW_COLUMNS)})", review_rows
        )
    card_rows.clear()
    review_rows.clear()


def _marks(columns: str) -> str:
    return ", ".join("?" * len(columns.split(",")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--decks", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    if args.cards < 1 or args.decks < 1 or args.reviews < 0:
        parser.error("--cards and --decks must be at least 1, --reviews at least 0")
    if args.path.exists():
        if not args.force:
            parser.error(f"{args.path} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.path}{suffix}").unlink(missing_ok=True)
    began = time.perf_counter()
    generate(args.path, args.cards, args.reviews, args.decks, args.seed)
    took = time.perf_counter() - began
    sizes = f"{args.cards} cards, {args.reviews} reviews, {args.decks} decks"
    print(f"{args.path}: {sizes} in {took:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
