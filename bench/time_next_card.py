"""Time the review engine's queries on a database made by ``make_big_db.py``.

    python bench/time_next_card.py big.sqlite3 [--repeat N]

"next card" is what ``Session.next_card`` does against the store: pick the next card
(learning, review, new, within today's limits), read its row, and count its
repetitions and lapses from the log. "counts" is ``Session.counts``; "rate" records
one answer (a copy of the file is used, so the original is never changed).
Prints the median and the 95th percentile of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from make_big_db import NOW

from quiz.judge.verdict import Rating
from quiz.review.cards import get_card
from quiz.review.clock import study_day
from quiz.review.log import counts_from_log, record_answer
from quiz.review.queue import counts, pick_next
from quiz.review.scheduling import make_scheduler
from quiz.review.store import Store


def _time(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / args.path.name
        shutil.copyfile(args.path, copy)
        with Store.open(copy) as store:
            settings = store.settings
            decks = [row["slug"] for row in store.query("SELECT slug FROM decks ORDER BY slug")]
            day = study_day(NOW, settings.day_start_hour, UTC)

            def next_card() -> object:
                picked = pick_next(store, settings, decks, NOW, day)
                assert picked is not None
                card = get_card(store, picked[0])
                return counts_from_log(store, card)

            def count() -> object:
                return counts(store, settings, decks, NOW, day)

            scheduler = make_scheduler(settings)

            def rate() -> object:
                picked = pick_next(store, settings, decks, NOW, day)
                assert picked is not None
                return record_answer(
                    store, scheduler, settings, picked[0], Rating.GOOD, shown=None, now=NOW, tz=UTC
                )

            print(f"{args.path}: {len(decks)} decks, {args.repeat} runs each, milliseconds")
            for name, action in (("next card", next_card), ("counts", count), ("rate", rate)):
                median, p95 = _time(action, args.repeat)
                print(f"  {name:<10} median {median:7.3f}   p95 {p95:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
