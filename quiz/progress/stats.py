"""Learning statistics: a pure function of the progress database and the time now.

Why it exists: the ``stats`` command, the HTML report and the TUI's stats screen all
show the same numbers, so they are computed once, here, as frozen values. Nothing is
cached or written; call :func:`collect` again for fresh numbers.

API (stable; the TUI calls it)::

    from quiz.progress.stats import collect
    stats = collect(store, now, tz=None, deck=None, days=30, forecast_days=7, hardest=10)
    stats.overall.cards.new            # CardCounts: new, learning, review, suspended, leech, total
    stats.overall.reviews.today        # Activity: reviews, time_ms (also last_7_days, last_30_days)
    stats.overall.retention.rate       # true retention over ``days`` (None: nothing to measure)
    stats.overall.streak.days          # consecutive study days with a review
    stats.decks[0].streak              # the same per deck (None with deck_streaks=False)
    stats.overall.forecast             # tuple[DueDay] for ``forecast_days`` days, today first
    stats.decks                        # one DeckStats per deck (``deck`` restricts to one)
    stats.per_day                      # tuple[DayActivity], ``days`` days, oldest first
    stats.hardest                      # tuple[HardCard], most Again answers first
    stats.to_dict()                    # the documented ``stats --json`` object (docs/progress.md)

``store`` is an open :class:`quiz.review.store.Store`; ``now`` an aware datetime (the
session's clock); ``tz`` the learner's zone (None: the system's). The TUI, which holds
a study session rather than the store, calls :func:`session_stats` and
:func:`session_calendar`, which take all three from the session and read on a
read-only connection of their own (a Textual thread worker calls them, and the
session's connection belongs to the UI thread). SQLite does the counting, grouped by
study day and deck, so a long log never crosses into Python row by row. Days are the
engine's study days (they start at the ``day_start_hour`` setting, local time).
An unknown ``deck`` raises :class:`quiz.errors.UserError`.

Definitions:

- Card counts cover cards still in their deck files. ``new``, ``learning`` (learning
  and relearning) and ``review`` exclude suspended cards; ``suspended`` counts those;
  ``leech`` counts flagged leeches (suspended or not).
- True retention: of each card's *first* answer in a study day, not counting answers
  to new cards, the share rated Hard, Good or Easy (Again is a failure).
- The streak counts study days in a row, ending today, with at least one answer; a
  streak that ended yesterday is still alive until today ends (``studied_today``
  says whether today already counts).
- The forecast counts unsuspended studied cards by the study day they fall due;
  overdue cards count today.
- Hardest cards: cards answered Again at least once since their last reset, by Again
  answers, then FSRS difficulty; their counts start again at a reset, as Browse's do.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from quiz.deck.naming import no_deck_message
from quiz.errors import UserError
from quiz.progress.days import days_ahead, days_back, utc_text
from quiz.review.cards import CardCounts, card_counts, deck_titles
from quiz.review.clock import StudyDay, as_utc, study_day
from quiz.review.reading import read_only
from quiz.review.state import Phase
from quiz.review.store import Store

if TYPE_CHECKING:
    from quiz.review.session import Session

SCHEMA = 1  # the version of the ``to_dict`` layout; bumped only on incompatible change


class _Plain:
    """``to_dict``: dataclass fields as JSON-ready values (dates as ISO text)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    if isinstance(value, _Plain):
        return value.to_dict()
    if isinstance(value, CardCounts):  # the engine's own value, with no to_dict
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True)
class Activity(_Plain):
    reviews: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True)
class ReviewCounts(_Plain):
    today: Activity
    last_7_days: Activity
    last_30_days: Activity


@dataclass(frozen=True, slots=True)
class Retention(_Plain):
    passed: int
    failed: int
    days: int

    @property
    def rate(self) -> float | None:
        total = self.passed + self.failed
        return None if total == 0 else self.passed / total

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "failed": self.failed, "days": self.days, "rate": self.rate}


@dataclass(frozen=True, slots=True)
class Streak(_Plain):
    days: int
    studied_today: bool


@dataclass(frozen=True, slots=True)
class DueDay(_Plain):
    day: date
    due: int


@dataclass(frozen=True, slots=True)
class DeckStats(_Plain):
    deck: str | None  # None: all decks together
    title: str
    cards: CardCounts
    reviews: ReviewCounts
    retention: Retention
    streak: Streak | None  # None: not asked for (``collect``'s ``deck_streaks``)
    forecast: tuple[DueDay, ...]


@dataclass(frozen=True, slots=True)
class DayActivity(_Plain):
    day: date
    reviews: int
    again: int
    new: int  # first answers to new cards
    time_ms: int


@dataclass(frozen=True, slots=True)
class HardCard(_Plain):
    deck: str
    card_id: str
    reviews: int
    again: int
    lapses: int
    difficulty: float | None
    leech: bool


@dataclass(frozen=True, slots=True)
class Stats(_Plain):
    generated_at: datetime
    study_day: date
    deck: str | None
    days: int
    overall: DeckStats
    decks: tuple[DeckStats, ...]
    per_day: tuple[DayActivity, ...]
    hardest: tuple[HardCard, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, **_Plain.to_dict(self)}

    @property
    def empty(self) -> bool:
        return self.overall.cards.total == 0 and self.overall.reviews.last_30_days.reviews == 0


class _Tally:
    """Running counts for one deck (or all) while the review rows stream past."""

    def __init__(self, days: int, forecast_days: int) -> None:
        self.windows = [[0, 0], [0, 0], [0, 0]]  # today, 7 days, 30 days: [reviews, ms]
        self.passed = 0
        self.failed = 0
        self.active_days: set[int] = set()
        self.per_day = [[0, 0, 0, 0] for _ in range(days)]  # reviews, again, new, ms
        self.forecast = [0] * forecast_days

    def activity(self, which: int) -> Activity:
        return Activity(*self.windows[which])


@dataclass(frozen=True, slots=True)
class _Past:
    """The study days read for counting, and how to find older ones."""

    days: list[StudyDay]
    hour: int
    tz: tzinfo | None


def collect(
    store: Store,
    now: datetime,
    *,
    tz: tzinfo | None = None,
    deck: str | None = None,
    days: int = 30,
    forecast_days: int = 7,
    hardest: int = 10,
    deck_streaks: bool = True,
) -> Stats:
    """Every statistic, for all decks or for ``deck`` only (see the module docstring).

    ``deck_streaks`` False leaves each deck's streak out (None): a long streak is counted
    back through the whole log, which only the overall streak can do from the time index.
    """
    if days < 1 or forecast_days < 1 or hardest < 0:
        raise UserError("days and forecast days must be at least 1, hardest at least 0")
    now = as_utc(now)
    hour = store.settings.day_start_hour
    today = study_day(now, hour, tz)
    titles = _deck_titles(store, deck)
    span = max(days, 30)
    past = _Past(days_back(today, span, hour, tz), hour, tz)
    ahead = days_ahead(today, forecast_days, hour, tz)
    tallies = {slug: _Tally(days, forecast_days) for slug in titles}
    overall = _Tally(days, forecast_days)
    _tally_reviews(store, past.days, days, deck, tallies, overall)
    _tally_forecast(store, ahead, deck, tallies, overall)
    counts = card_counts(store, deck)
    keyed: dict[str | None, _Tally] = {**tallies} if deck_streaks else {}
    streaks = _streaks(store, past, {**keyed, None: overall}, deck)

    def summary(slug: str | None, title: str, cards: CardCounts, tally: _Tally) -> DeckStats:
        return DeckStats(
            deck=slug,
            title=title,
            cards=cards,
            reviews=ReviewCounts(tally.activity(0), tally.activity(1), tally.activity(2)),
            retention=Retention(tally.passed, tally.failed, days),
            streak=streaks.get(None if tally is overall else slug),
            forecast=tuple(DueDay(d.day, n) for d, n in zip(ahead, tally.forecast, strict=True)),
        )

    decks = tuple(
        summary(slug, title, counts.get(slug, CardCounts()), tallies[slug])
        for slug, title in titles.items()
    )
    total = CardCounts(
        *(sum(getattr(c, f.name) for c in counts.values()) for f in fields(CardCounts))
    )
    everything = summary(deck, titles[deck] if deck else "All decks", total, overall)
    first = span - days
    per_day = tuple(DayActivity(past.days[first + i].day, *overall.per_day[i]) for i in range(days))
    return Stats(
        now, today.day, deck, days, everything, decks, per_day, _hardest(store, deck, hardest)
    )


def retention_by_deck(
    store: Store, now: datetime, *, tz: tzinfo | None = None, days: int = 30
) -> dict[str, Retention]:
    """True retention per deck over ``days``, as ``collect`` counts it, and nothing else.

    Home shows this on every visit: reading only the window's reviews keeps it fast on
    a large log, where ``collect`` also walks the whole history for streaks.
    """
    now = as_utc(now)
    hour = store.settings.day_start_hour
    today = study_day(now, hour, tz)
    past = days_back(today, max(days, 30), hour, tz)
    tallies = {slug: _Tally(days, 1) for slug in _deck_titles(store, None)}
    _tally_reviews(store, past, days, None, tallies, _Tally(days, 1))
    return {slug: Retention(t.passed, t.failed, days) for slug, t in tallies.items()}


@dataclass(frozen=True, slots=True)
class DayCount(_Plain):
    day: date
    reviews: int


def answers_per_day(
    store: Store, now: datetime, *, tz: tzinfo | None = None, days: int = 30
) -> tuple[DayCount, ...]:
    """How many answers each study day over ``days`` holds, oldest first.

    The Stats screen's calendar covers half a year and shows only these counts, which
    the time index answers without reading the reviews themselves.
    """
    if days < 1:
        raise UserError("days must be at least 1")
    hour = store.settings.day_start_hour
    past = days_back(study_day(as_utc(now), hour, tz), days, hour, tz)
    cursor = store.db.conn.execute(
        f"WITH {_DAYS} SELECT (SELECT count(*) FROM reviews "
        "WHERE reviewed_at >= d.start AND reviewed_at < d.stop) FROM d ORDER BY i",
        [_days_json(past)],
    )
    return tuple(DayCount(day.day, count) for day, (count,) in zip(past, cursor, strict=True))


def session_stats(
    session: Session,
    *,
    days: int = 30,
    forecast_days: int = 7,
    hardest: int = 10,
    deck_streaks: bool = True,
) -> Stats:
    """``collect`` for all decks of ``session``'s database, at its clock, in its time zone.

    It reads on a connection of its own that cannot write, so a Textual thread worker
    may call it while the session's connection stays with the UI thread.
    """
    with read_only(session.store.path) as store:
        return collect(
            store,
            session.now(),
            tz=session.tz,
            days=days,
            forecast_days=forecast_days,
            hardest=hardest,
            deck_streaks=deck_streaks,
        )


def session_calendar(session: Session, *, days: int = 30) -> tuple[DayCount, ...]:
    """``answers_per_day`` for ``session``'s database, read as ``session_stats`` reads."""
    with read_only(session.store.path) as store:
        return answers_per_day(store, session.now(), tz=session.tz, days=days)


def _deck_titles(store: Store, deck: str | None) -> dict[str, str]:
    titles = deck_titles(store)
    if deck is None:
        return titles
    if deck not in titles:
        raise UserError(no_deck_message(deck, str(store.path), titles))
    return {deck: titles[deck]}


_DAYS = (
    "d(i, start, stop) AS (SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]') "
    "FROM json_each(?))"
)


def _days_json(days: Sequence[StudyDay], *, overdue: bool = False) -> str:
    """The study days as ``[[start, end), ...]`` for :data:`_DAYS`; ``overdue``: the first
    day reaches back to the beginning of time."""
    return json.dumps(
        [
            ["" if overdue and i == 0 else utc_text(d.start), utc_text(d.end)]
            for i, d in enumerate(days)
        ]
    )


def _day_rows(store: Store, days: Sequence[StudyDay], deck: str | None) -> sqlite3.Cursor:
    """Per study day and deck: (day index, deck, answers, Again, new, ms, passed, failed).

    SQLite counts, so a large log never crosses into Python row by row. Passed and
    failed are true retention's: each card's first answer of the day, new cards aside.
    The inner query groups each card's answers of a day, and its rating and state are
    those of the row holding ``min(reviewed_at)`` (SQLite's rule for bare columns beside
    one ``min``), its first; one grouping of a month of answers, read from the time
    index alone, where a window numbering them took a sort and a second grouping.
    """
    where, params = ("AND r.deck = ?", [deck]) if deck else ("", [])
    return store.db.conn.execute(
        f"WITH {_DAYS} SELECT i, deck, sum(n), sum(again), sum(new), sum(ms), "
        "sum(before_state != 0 AND rating != 1), sum(before_state != 0 AND rating = 1) FROM ("
        "SELECT d.i AS i, r.deck AS deck, count(*) AS n, sum(r.rating = 1) AS again, "
        "sum(r.before_state = 0) AS new, sum(coalesce(r.duration_ms, 0)) AS ms, "
        "min(r.reviewed_at), r.rating AS rating, r.before_state AS before_state "
        "FROM d CROSS JOIN reviews r ON r.reviewed_at >= d.start AND r.reviewed_at < d.stop "
        f"WHERE 1 {where} GROUP BY d.i, r.card, r.deck) GROUP BY i, deck",
        [_days_json(days), *params],
    )


def _tally_reviews(
    store: Store,
    past: Sequence[StudyDay],
    days: int,
    deck: str | None,
    tallies: dict[str, _Tally],
    overall: _Tally,
) -> None:
    span = len(past)
    first_counted = span - days
    for index, slug, reviews, again, new, ms, passed, failed in _day_rows(store, past, deck):
        ago = span - 1 - index
        for tally in (tallies.get(slug), overall):
            if tally is None:  # a review of a deck no longer in the decks table
                continue
            for which, limit in enumerate((1, 7, 30)):
                if ago < limit:
                    tally.windows[which][0] += reviews
                    tally.windows[which][1] += ms
            tally.active_days.add(index)
            if index >= first_counted:
                row = tally.per_day[index - first_counted]
                row[0] += reviews
                row[1] += again
                row[2] += new
                row[3] += ms
                tally.passed += passed
                tally.failed += failed


def _tally_forecast(
    store: Store,
    ahead: Sequence[StudyDay],
    deck: str | None,
    tallies: dict[str, _Tally],
    overall: _Tally,
) -> None:
    """Studied, unsuspended cards by the day they fall due; overdue ones count today."""
    where, params = ("AND c.deck = ?", [deck]) if deck else ("", [])
    cursor = store.db.conn.execute(
        f"WITH {_DAYS} SELECT d.i, c.deck, count(*) FROM d CROSS JOIN cards c "
        "ON c.due >= d.start AND c.due < d.stop WHERE c.present = 1 AND c.suspended = 0 "
        f"AND c.state IN (1, 2, 3) {where} GROUP BY d.i, c.deck",
        [_days_json(ahead, overdue=True), *params],
    )
    for index, slug, due in cursor:
        for tally in (tallies.get(slug), overall):
            if tally is not None:
                tally.forecast[index] += due


def _active_any(store: Store, days: Sequence[StudyDay]) -> set[int]:
    """Which of ``days`` hold an answer of any deck (the time index alone answers this)."""
    cursor = store.db.conn.execute(
        f"WITH {_DAYS} SELECT i FROM d WHERE EXISTS "
        "(SELECT 1 FROM reviews WHERE reviewed_at >= d.start AND reviewed_at < d.stop)",
        [_days_json(days)],
    )
    return {index for (index,) in cursor}


def _active_by_deck(
    store: Store, days: Sequence[StudyDay], decks: Collection[str]
) -> dict[str, set[int]]:
    """Which of ``days`` hold an answer, for each of ``decks``."""
    marks = ", ".join("?" * len(decks))
    cursor = store.db.conn.execute(
        f"WITH {_DAYS} SELECT DISTINCT d.i, r.deck FROM d CROSS JOIN reviews r "
        f"ON r.reviewed_at >= d.start AND r.reviewed_at < d.stop WHERE r.deck IN ({marks})",
        [_days_json(days), *decks],
    )
    active: dict[str, set[int]] = {}
    for index, slug in cursor:
        active.setdefault(slug, set()).add(index)
    return active


def _streaks(
    store: Store, past: _Past, tallies: dict[str | None, _Tally], deck: str | None
) -> dict[str | None, Streak]:
    """Each tally's streak (key None: all of ``deck``, or all decks); long ones go on back,
    in ever longer stretches of older days, one query per stretch."""
    last = len(past.days) - 1
    found: dict[str | None, Streak] = {}
    running: dict[str | None, int] = {}
    for key, tally in tallies.items():
        studied_today = last in tally.active_days
        index = last if studied_today else last - 1
        count = 0
        while index >= 0 and index in tally.active_days:
            count += 1
            index -= 1
        found[key] = Streak(count, studied_today)
        if index < 0 and count:
            running[key] = count
    newest, stretch = past.days[0], 32
    while running:
        older = days_back(newest, stretch + 1, past.hour, past.tz)[:-1]
        slugs = {deck if key is None else key for key in running} - {None}
        by_deck = _active_by_deck(store, older, sorted(slugs)) if slugs else {}  # type: ignore[arg-type]
        anywhere = _active_any(store, older) if None in running and deck is None else set()
        for key in list(running):
            slug = deck if key is None else key
            active = anywhere if slug is None else by_deck.get(slug, set())
            index = len(older) - 1
            while index >= 0 and index in active:
                running[key] += 1
                index -= 1
            if index >= 0:
                found[key] = Streak(running.pop(key), found[key].studied_today)
        newest, stretch = older[0], stretch * 2
    return found


def _hardest(store: Store, deck: str | None, limit: int) -> tuple[HardCard, ...]:
    if limit == 0:
        return ()
    where, params = ("AND c.deck = ?", [deck]) if deck else ("", [])
    rows = store.query(
        "SELECT c.deck, c.card_id, count(*) AS reviews, sum(r.rating = 1) AS again, "
        f"sum(r.rating = 1 AND r.before_state = {int(Phase.REVIEW)}) AS lapses, "
        "c.difficulty, c.leech FROM reviews r JOIN cards c ON c.id = r.card "
        "WHERE c.present = 1 AND r.reviewed_at >= coalesce(c.reset_at, '') "  # as Browse
        f"{where} GROUP BY r.card HAVING again > 0 "
        "ORDER BY again DESC, c.difficulty DESC, c.deck, c.card_id LIMIT ?",
        [*params, limit],
    )
    return tuple(HardCard(**{**row, "leech": bool(row["leech"])}) for row in rows)
