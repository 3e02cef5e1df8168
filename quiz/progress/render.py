"""The ``stats`` command's human output: plain-text tables from :mod:`quiz.progress.stats`.

Why it exists: the numbers are computed once (``stats.collect``); this turns them into
aligned columns for a terminal, without rich or Textual, so the output is the same in
a pipe, a log or a test.
"""

from __future__ import annotations

from collections.abc import Sequence

from quiz.progress.stats import DeckStats, Stats


def duration(ms: int) -> str:
    minutes = round(ms / 60000)
    if minutes == 0 and ms > 0:
        return "<1m"
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Left-aligned first column, the rest right-aligned; two spaces between columns."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return lines


def _row(name: str, deck: DeckStats) -> list[object]:
    c, r = deck.cards, deck.reviews
    return [
        name, c.new, c.learning, c.review, c.suspended, c.leech,
        r.today.reviews, r.last_7_days.reviews, r.last_30_days.reviews,
        percent(deck.retention.rate), deck.streak.days, deck.forecast[0].due,
        duration(r.last_30_days.time_ms),
    ]  # fmt: skip


HEADER = (
    "deck", "new", "learn", "review", "susp", "leech", "today", "7d", "30d", "retention",
    "streak", "due", "time 30d",
)  # fmt: skip


def stats_text(stats: Stats) -> str:
    if stats.empty:
        return (
            "No progress yet: no cards studied and no reviews. Start with: torch-quiz\n"
            "(or bring progress from elsewhere: torch-quiz import FILE.json)"
        )
    rows = [
        _row(d.deck or "", d)
        for d in stats.decks
        if d.cards.total or d.reviews.last_30_days.reviews
    ]
    if stats.deck is None:
        rows.append(_row("all decks", stats.overall))
    lines = [
        f"Study day {stats.study_day}; retention over {stats.days} days, first answer of a "
        "card each day (Hard, Good, Easy pass).",
        "",
        *table(HEADER, rows),
        "",
    ]
    o = stats.overall
    lines.append(
        f"Streak: {o.streak.days} day{'s' * (o.streak.days != 1)}"
        + ("" if o.streak.studied_today else " (study today to keep it)")
        + f". Time today {duration(o.reviews.today.time_ms)}, 7 days "
        f"{duration(o.reviews.last_7_days.time_ms)}."
    )
    forecast = ", ".join(f"{d.day:%a} {d.due}" for d in o.forecast)
    lines.append(f"Due: {forecast}.")
    if stats.hardest:
        hard = ", ".join(f"{h.deck}/{h.card_id} ({h.again}x Again)" for h in stats.hardest[:5])
        lines.append(f"Hardest: {hard}.")
    return "\n".join(lines)
