"""Review-engine figures on a large generated database (see ``make_big_db.py``).

``next_card_ms`` is what ``Session.next_card`` asks of the store (pick the next card
within today's limits, read it, count its repetitions and lapses from the log);
``rate_ms`` records one answer and commits it. The floor is one indexed primary-key
read on the same file, so disk and SQLite overheads are set against themselves.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from make_big_db import NOW, generate

from quiz.judge.verdict import Rating
from quiz.review.cards import get_card
from quiz.review.clock import study_day
from quiz.review.log import counts_from_log, record_answer
from quiz.review.queue import pick_next
from quiz.review.scheduling import make_scheduler
from quiz.review.store import Store


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def database_figures(cards: int, reviews: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.sqlite3"
        generate(path, cards=cards, reviews=reviews, decks=max(1, cards // 1000))
        size = path.stat().st_size
        with Store.open(path) as store:
            settings = store.settings
            decks = [row["slug"] for row in store.query("SELECT slug FROM decks ORDER BY slug")]
            day = study_day(NOW, settings.day_start_hour, UTC)
            scheduler = make_scheduler(settings)

            def next_card() -> object:
                picked = pick_next(store, settings, decks, NOW, day)
                assert picked is not None
                return counts_from_log(store, get_card(store, picked[0]))

            def rate() -> object:
                picked = pick_next(store, settings, decks, NOW, day)
                assert picked is not None
                return record_answer(
                    store, scheduler, settings, picked[0], Rating.GOOD, shown=None, now=NOW, tz=UTC
                )

            def floor() -> object:
                return list(store.query("SELECT * FROM cards WHERE id = ?", [cards // 2]))

            return {
                "db_floor_ms": _median_ms(floor, repeat),
                "next_card_ms": _median_ms(next_card, repeat),
                "rate_ms": _median_ms(rate, repeat),
                "db_bytes_per_review": size / max(1, reviews),
            }
