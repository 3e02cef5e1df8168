"""Each table's SQL has one home (docs/architecture.md, "Where the SQL lives").

A query written anywhere else would mean a column change touches one more file, and
a question (cards per deck, answers in a period) asked in two ways; this keeps the
list of modules that hold SQL to the one the map gives.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quiz"

HOMES = {
    "quiz/review/cards.py",  # cards, decks
    "quiz/review/log.py",  # reviews
    "quiz/review/queue.py",  # the daily queue
    "quiz/review/remembered.py",  # remembered_decks: decks opened by path
    "quiz/review/store.py",  # settings, the file itself
    "quiz/review/schema.py",  # the schema and its migrations
    "quiz/progress/stats.py",  # whole-database reads in their own shapes
    "quiz/progress/export.py",
    "quiz/progress/importer.py",
    "quiz/progress/backup.py",
}

SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b"
    r"|CREATE\s+(TABLE|INDEX)\b|DROP\s+(TABLE|INDEX)\b|PRAGMA\s)"
)


def holds_sql(source: str) -> bool:
    """Whether a string in ``source`` (an f-string's text included) is an SQL statement."""
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)
        for node in ast.walk(ast.parse(source))
    )


def test_only_the_homes_hold_sql():
    holding = {
        str(path.relative_to(ROOT))
        for path in sorted(PACKAGE.rglob("*.py"))
        if holds_sql(path.read_text(encoding="utf-8"))
    }
    assert holding - HOMES == set(), "SQL outside its home; see docs/architecture.md"
    assert HOMES - holding == set(), "a home without SQL: update the list and the map"


def test_the_check_sees_a_query_in_an_f_string_and_not_in_prose():
    assert holds_sql('rows = store.query(f"SELECT id FROM cards WHERE deck IN ({marks})")')
    assert holds_sql('db.execute("UPDATE cards SET present = 0 WHERE id = ?", (1,))')
    assert not holds_sql('"""Select the cards, then update the counts."""')
