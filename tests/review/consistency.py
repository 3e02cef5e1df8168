"""What a crash may never leave behind: the check the crash tests and the benchmark share.

A database is consistent when SQLite finds it intact and each card's state is exactly
the "after" of its latest review, each review starting from the previous one's "after".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quiz.review.state import NEW, CardState


def assert_consistent(db: Path) -> int:
    """Fail unless ``db`` is consistent; return how many reviews it holds."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reviews = [dict(r) for r in conn.execute("SELECT * FROM reviews ORDER BY id")]
        for card in conn.execute("SELECT * FROM cards"):
            mine = [r for r in reviews if r["card"] == card["id"]]
            expected = NEW
            for review in mine:
                assert CardState.from_columns(review, "before_") == expected, review["id"]
                expected = CardState.from_columns(review, "after_")
            assert CardState.from_columns(dict(card)) == expected, card["card_id"]
        return len(reviews)
    finally:
        conn.close()
