"""A child process for the crash and concurrency tests: rate cards until told to stop.

Usage: python rater.py DB DECK_FILE COUNT SEED. Prints ``rated <review id>`` after each
rating has returned (so it is committed), and ``done`` at the end. With SEED > 0 it
pauses a little inside each rating's transaction, so a kill often lands mid-write.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from quiz.deck.check import load_decks
from quiz.judge.verdict import Rating
from quiz.review import log
from quiz.review.session import Session
from quiz.review.store import Store


def main() -> None:
    db, deck_file, count, seed = (
        Path(sys.argv[1]),
        Path(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    rng = random.Random(seed)
    if seed > 0:
        original = log.counts_from_log

        def slow_counts(*args, **kwargs):
            time.sleep(rng.random() * 0.004)  # inside the write transaction
            return original(*args, **kwargs)

        log.counts_from_log = slow_counts
    store = Store.open(db)
    session = Session(store, load_decks([deck_file]).decks)
    for _ in range(count):
        if session.next_card() is None:
            break
        rating = rng.choice(list(Rating)) if seed else Rating.GOOD
        recorded = session.rate(rating)
        print(f"rated {recorded.review_id}", flush=True)
    print("done", flush=True)
    session.close()


if __name__ == "__main__":
    main()
