"""The progress database's schema, as sqlite-utils migrations applied in order.

Each step runs in its own savepoint and records itself in ``_sqlite_migrations``;
``PRAGMA user_version`` mirrors the number of steps applied, and
``PRAGMA application_id`` marks the file as torch-quiz's, so a foreign SQLite file
is recognised and left alone. Add a step to change the schema: an older database
is migrated on open, never discarded.

Times are fixed-width UTC text (see ``quiz.review.clock``); FSRS states use
``quiz.review.state.Phase`` numbers (0 new, 1 learning, 2 review, 3 relearning).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x5451757A  # "TQuz"
MIGRATION_SET = "torch-quiz"

migrations = Migrations(MIGRATION_SET)

_STATE_COLUMNS = """
    {p}state INTEGER NOT NULL CHECK ({p}state BETWEEN 0 AND 3),
    {p}step INTEGER,
    {p}stability REAL,
    {p}difficulty REAL,
    {p}due TEXT,
    {p}last_review TEXT"""


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    db.execute(
        """CREATE TABLE decks (
            slug TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            path TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            synced_at TEXT NOT NULL
        )"""
    )
    db.execute(
        f"""CREATE TABLE cards (
            id INTEGER PRIMARY KEY,           -- also the fsrs card_id
            deck TEXT NOT NULL REFERENCES decks(slug),
            card_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            position INTEGER NOT NULL,        -- order in its deck file
            content_hash TEXT NOT NULL,
            present INTEGER NOT NULL DEFAULT 1,   -- 0: removed from the deck file
            added_at TEXT NOT NULL,
            edited_at TEXT,                   -- last time its content hash changed
            {_STATE_COLUMNS.format(p="")},
            suspended INTEGER NOT NULL DEFAULT 0,
            buried_until TEXT,
            leech INTEGER NOT NULL DEFAULT 0,
            reset_at TEXT,                    -- lapses are counted from here
            UNIQUE (deck, card_id)
        )"""
    )
    db.execute(
        f"""CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            reviewed_at TEXT NOT NULL,
            card INTEGER NOT NULL REFERENCES cards(id),
            deck TEXT NOT NULL,
            card_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            answer TEXT,                      -- NULL for self-graded flash cards
            outcome TEXT,                     -- the judge's verdict: right / wrong / ungradable
            verdict TEXT,                     -- the whole verdict as JSON
            suggested INTEGER,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            duration_ms INTEGER,
            {_STATE_COLUMNS.format(p="before_")},
            {_STATE_COLUMNS.format(p="after_")},
            leeched INTEGER NOT NULL DEFAULT 0  -- this answer made the card a leech
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")


@migrations(name="0002_queue_indexes")
def _queue_indexes(db: Database) -> None:
    # Picking the next card and counting what is left: learning and review cards by due
    # time, new ones in deck order. Each index also holds the columns that decide whether
    # a card may be shown, so neither picking nor counting reads the table itself.
    shown = "present, suspended, buried_until"
    db.execute(f"CREATE INDEX cards_by_due ON cards (state, due, deck, {shown})")
    db.execute(f"CREATE INDEX cards_by_deck_due ON cards (deck, state, due, {shown})")
    db.execute(f"CREATE INDEX cards_new_in_order ON cards (deck, state, position, {shown})")
    # Today's counts scan only today's reviews; undo and lapse counts go by card.
    db.execute("CREATE INDEX reviews_by_time ON reviews (reviewed_at)")
    db.execute("CREATE INDEX reviews_by_card ON reviews (card, id)")
    db.execute("PRAGMA user_version = 2")


@migrations(name="0003_review_presentation")
def _review_presentation(db: Database) -> None:
    # How the card was shown, as JSON: a fresh card's draw {"seed", "givens"} and a choice
    # card's option order {"order": file indexes as shown}. NULL when nothing varied.
    db.execute("ALTER TABLE reviews ADD COLUMN presentation TEXT")
    db.execute("PRAGMA user_version = 3")


@migrations(name="0004_remembered_decks")
def _remembered_decks(db: Database) -> None:
    # Deck files the learner opened by path (torch-quiz review ~/x/deck.yaml), loaded
    # again on every start while the file exists; forgetting one deletes its row only.
    db.execute(
        """CREATE TABLE remembered_decks (
            slug TEXT PRIMARY KEY,
            path TEXT NOT NULL,               -- absolute
            remembered_at TEXT NOT NULL
        )"""
    )
    db.execute("PRAGMA user_version = 4")


@migrations(name="0005_deck_choices")
def _deck_choices(db: Database) -> None:
    # Which file wins a deck slug that two sources claim (torch-quiz decks --prefer): it
    # is loaded first. The source is what the learner named, for the listing.
    db.execute(
        """CREATE TABLE deck_choices (
            slug TEXT PRIMARY KEY,
            path TEXT NOT NULL,               -- absolute
            source TEXT NOT NULL,
            chosen_at TEXT NOT NULL
        )"""
    )
    db.execute("PRAGMA user_version = 5")


@migrations(name="0006_read_indexes")
def _read_indexes(db: Database) -> None:
    # The heavy reads (Home's figures, Stats) answered from indexes alone. Card counts per
    # deck (new, learning, review, suspended, leech, total) read every present card.
    db.execute("CREATE INDEX cards_counted ON cards (deck, present, state, suspended, leech)")
    # Answers by study day and deck (counts, Again, new, time, each card's first answer of
    # the day) read a month of reviews: the time index takes the columns they count, so
    # the table itself is never visited. It replaces the bare time index, a prefix of it.
    db.execute(
        "CREATE INDEX reviews_by_time_counted "
        "ON reviews (reviewed_at, deck, card, rating, before_state, duration_ms)"
    )
    db.execute("DROP INDEX reviews_by_time")
    db.execute("PRAGMA user_version = 6")


SCHEMA_VERSION = 6  # the number of steps above; tests check they agree
