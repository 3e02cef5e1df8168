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
    stats.overall.forecast             # tuple[DueDay] for ``forecast_days`` days, today first
    stats.decks                        # one DeckStats per deck (``deck`` restricts to one)
    stats.per_day                      # tuple[DayActivity], ``days`` days, oldest first
    stats.hardest                      # tuple[HardCard], most Again answers first
    stats.to_dict()                    # the documented ``stats --json`` object (docs/progress.md)

``store`` is an open :class:`quiz.review.store.Store`; ``now`` an aware datetime (the
session's clock); ``tz`` the learner's zone (None: the system's). The TUI, which holds
a study session rather than the store, calls :func:`session_stats` and
:func:`session_activity`, which take all three from the session. Days are the
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

from dataclasses import dataclass, fields
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from quiz.deck.naming import no_deck_message
from quiz.errors import UserError
from quiz.progress.days import DayIndex, days_ahead, days_back, utc_text
from quiz.review.cards import CardCounts, card_counts, deck_titles
from quiz.review.clock import StudyDay, as_utc, study_day
from quiz.review.log import answers_by_deck
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
    streak: Streak
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
) -> Stats:
    """Every statistic, for all decks or for ``deck`` only (see the module docstring)."""
    if days < 1 or forecast_days < 1 or hardest < 0:
        raise UserError("days and forecast days must be at least 1, hardest at least 0")
    now = as_utc(now)
    hour = store.settings.day_start_hour
    today = study_day(now, hour, tz)
    titles = _deck_titles(store, deck)
    span = max(days, 30)
    past = _Past(days_back(today, span, hour, tz), hour, tz)
    ahead = DayIndex(days_ahead(today, forecast_days, hour, tz))
    tallies = {slug: _Tally(days, forecast_days) for slug in titles}
    overall = _Tally(days, forecast_days)
    _tally_reviews(store, DayIndex(past.days), days, deck, tallies, overall)
    _tally_forecast(store, ahead, deck, tallies, overall)
    counts = card_counts(store, deck)
    streaks = _streaks(store, past, {**tallies, None: overall}, deck)

    def summary(slug: str | None, title: str, cards: CardCounts, tally: _Tally) -> DeckStats:
        return DeckStats(
            deck=slug,
            title=title,
            cards=cards,
            reviews=ReviewCounts(tally.activity(0), tally.activity(1), tally.activity(2)),
            retention=Retention(tally.passed, tally.failed, days),
            streak=streaks[None if tally is overall else slug],
            forecast=tuple(
                DueDay(d.day, n) for d, n in zip(ahead.days, tally.forecast, strict=True)
            ),
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
    past = DayIndex(days_back(today, max(days, 30), hour, tz))
    tallies = {slug: _Tally(days, 1) for slug in _deck_titles(store, None)}
    _tally_reviews(store, past, days, None, tallies, _Tally(days, 1))
    return {slug: Retention(t.passed, t.failed, days) for slug, t in tallies.items()}


def daily_activity(
    store: Store, now: datetime, *, tz: tzinfo | None = None, days: int = 30
) -> tuple[DayActivity, ...]:
    """Answers per study day over ``days``, oldest first: ``collect``'s ``per_day``, alone.

    The Stats screen's calendar covers half a year; ``collect`` for that span would also
    walk the whole history back for streaks, which the calendar does not show.
    """
    if days < 1:
        raise UserError("days must be at least 1")
    hour = store.settings.day_start_hour
    past = days_back(study_day(as_utc(now), hour, tz), days, hour, tz)
    overall = _Tally(days, 1)
    _tally_reviews(store, DayIndex(past), days, None, {}, overall)
    pairs = zip(past, overall.per_day, strict=True)
    return tuple(DayActivity(day.day, *counts) for day, counts in pairs)


def session_stats(
    session: Session, *, days: int = 30, forecast_days: int = 7, hardest: int = 10
) -> Stats:
    """``collect`` for all decks of ``session``'s database, at its clock, in its time zone."""
    return collect(
        session.store,
        session.now(),
        tz=session.tz,
        days=days,
        forecast_days=forecast_days,
        hardest=hardest,
    )


def session_activity(session: Session, *, days: int = 30) -> tuple[DayActivity, ...]:
    """``daily_activity`` for ``session``'s database, at its clock, in its time zone."""
    return daily_activity(session.store, session.now(), tz=session.tz, days=days)


def _deck_titles(store: Store, deck: str | None) -> dict[str, str]:
    titles = deck_titles(store)
    if deck is None:
        return titles
    if deck not in titles:
        raise UserError(no_deck_message(deck, str(store.path), titles))
    return {deck: titles[deck]}


def _tally_reviews(
    store: Store,
    past: DayIndex,
    days: int,
    deck: str | None,
    tallies: dict[str, _Tally],
    overall: _Tally,
) -> None:
    where, params = ("AND deck = ?", [deck]) if deck else ("", [])
    cursor = store.db.conn.execute(
        "SELECT reviewed_at, card, deck, before_state, rating, coalesce(duration_ms, 0) "
        f"FROM reviews WHERE reviewed_at >= ? {where} ORDER BY reviewed_at, id",
        [past.start_text, *params],
    )
    seen: set[tuple[int, int]] = set()  # (card, day): first answer of the day
    span = len(past.days)
    first_counted = span - days
    for stamp, card, slug, before, rating, ms in cursor:
        index = past.index(stamp)
        if index is None:
            continue
        ago = span - 1 - index
        first = (card, index) not in seen
        seen.add((card, index))
        for tally in (tallies.get(slug), overall):
            if tally is None:  # a review of a deck no longer in the decks table
                continue
            for which, limit in enumerate((1, 7, 30)):
                if ago < limit:
                    tally.windows[which][0] += 1
                    tally.windows[which][1] += ms
            tally.active_days.add(index)
            if index >= first_counted:
                row = tally.per_day[index - first_counted]
                row[0] += 1
                row[1] += rating == 1
                row[2] += before == Phase.NEW
                row[3] += ms
                if first and before != Phase.NEW:
                    if rating == 1:
                        tally.failed += 1
                    else:
                        tally.passed += 1


def _tally_forecast(
    store: Store, ahead: DayIndex, deck: str | None, tallies: dict[str, _Tally], overall: _Tally
) -> None:
    where, params = ("AND deck = ?", [deck]) if deck else ("", [])
    end = utc_text(ahead.days[-1].end)
    cursor = store.db.conn.execute(
        "SELECT deck, due FROM cards WHERE present = 1 AND suspended = 0 AND state != 0 "
        f"AND due < ? {where}",
        [end, *params],
    )
    for slug, due in cursor:
        index = ahead.index(due) if due >= ahead.start_text else 0
        if index is None:
            continue
        for tally in (tallies.get(slug), overall):
            if tally is not None:
                tally.forecast[index] += 1


def _streaks(
    store: Store, past: _Past, tallies: dict[str | None, _Tally], deck: str | None
) -> dict[str | None, Streak]:
    """Each tally's streak (key None: all of ``deck``, or all decks); long ones go on back."""
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
    day = past.days[0]
    while running:  # one query per older day, for every streak still going
        day = days_back(day, 2, past.hour, past.tz)[0]
        active = answers_by_deck(store, day.start, day.end).keys()
        for key in list(running):
            if key is not None:
                alive = key in active
            else:
                alive = deck in active if deck is not None else bool(active)
            if alive:
                running[key] += 1
            else:
                found[key] = Streak(running.pop(key), found[key].studied_today)
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
