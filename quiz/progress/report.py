"""The progress report: one self-contained HTML page of charts.

Why it exists: some learners would rather look than read a table. The page is a
single file with inline CSS and inline SVG (no scripts to run, no fonts, images or
libraries fetched from anywhere), so it opens offline and can be mailed or archived.
The numbers come from :func:`quiz.progress.stats.collect`, and the same numbers are
embedded as JSON (``<script type="application/json" id="torch-quiz-stats">``) for
anyone who wants to chart them differently.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape as html_escape

from quiz.deck.printable import printable, printable_json
from quiz.progress.render import duration, percent
from quiz.progress.stats import DayActivity, Stats

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.15em; margin-top: 2em; }
.tiles { display: flex; gap: 1em; flex-wrap: wrap; }
.tile { border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; min-width: 8em; }
.tile b { display: block; font-size: 1.5em; }
svg text { font-size: 10px; fill: #555; }
table { border-collapse: collapse; } td, th { padding: .2em .8em; text-align: right; }
td:first-child, th:first-child { text-align: left; } tr:nth-child(even) { background: #f6f6f6; }
.empty { color: #888; font-style: italic; }
"""
_BAR = "#4a7bd0"
_HEAT = ("#ebedf0", "#c6e48b", "#7bc96f", "#239a3b", "#196127")


def render_report(stats: Stats) -> str:
    """The whole page as text."""
    o = stats.overall
    tiles = [
        ("cards studied", o.cards.total - o.cards.new),
        ("reviews, 30 days", o.reviews.last_30_days.reviews),
        ("true retention", percent(o.retention.rate)),
        ("streak", f"{o.streak.days} d"),
        ("time, 30 days", duration(o.reviews.last_30_days.time_ms)),
        ("due today", o.forecast[0].due),
    ]
    recent = stats.per_day[-90:]
    sections = [
        f"<h1>torch-quiz progress</h1><p>Study day {stats.study_day}; "
        f"generated {stats.generated_at:%Y-%m-%d %H:%M} UTC.</p>",
        '<div class="tiles">'
        + "".join(f'<div class="tile"><b>{_escape(str(v))}</b>{_escape(k)}</div>' for k, v in tiles)
        + "</div>",
        f"<h2>Reviews per day (last {len(recent)} days)</h2>",
        _bars(
            [(f"{d.day}: {d.reviews} reviews, {d.again} Again", d.reviews) for d in recent],
            "reviews-per-day",
        ),
        f"<h2>Due forecast (next {len(o.forecast)} days)</h2>",
        _bars([(f"{d.day}: {d.due} due", d.due) for d in o.forecast], "due-forecast"),
        f"<h2>True retention by deck (last {stats.days} days)</h2>",
        _retention(stats),
        f"<h2>Calendar (last {len(stats.per_day)} days)</h2>",
        _heatmap(stats.per_day),
        "<h2>Hardest cards</h2>",
        _hardest(stats),
    ]
    data = printable_json(json.dumps(stats.to_dict(), ensure_ascii=False)).replace("</", "<\\/")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>torch-quiz progress {stats.study_day}</title><style>{_CSS}</style></head>\n"
        "<body>\n" + "\n".join(sections) + "\n"
        f'<script type="application/json" id="torch-quiz-stats">{data}</script>\n'
        "</body></html>\n"
    )


def _escape(text: str) -> str:
    """Text for the page: HTML-escaped, and with control and format characters (which
    names from an imported file may hold) written as visible escapes."""
    return html_escape(printable(text, multiline=False))


def _bars(values: Sequence[tuple[str, int]], name: str, height: int = 120) -> str:
    if not values or not any(v for _, v in values):
        return '<p class="empty">Nothing yet.</p>'
    top = max(v for _, v in values)
    width = 8 if len(values) > 40 else 20
    parts = [
        f'<svg id="{name}" role="img" width="{len(values) * width + 40}" height="{height + 20}">',
        f'<text x="0" y="10">{top}</text><text x="0" y="{height}">0</text>',
    ]
    for i, (label, value) in enumerate(values):
        h = round(value / top * (height - 10)) if top else 0
        x = 30 + i * width
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{width - 2}" height="{h}" fill="{_BAR}">'
            f"<title>{_escape(label)}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _retention(stats: Stats) -> str:
    rows = [d for d in stats.decks if d.retention.rate is not None]
    if not rows:
        return '<p class="empty">No second answers yet: retention needs a card seen again.</p>'
    line = 18
    parts = [f'<svg id="retention-by-deck" role="img" width="560" height="{len(rows) * line + 4}">']
    for i, deck in enumerate(rows):
        rate = deck.retention.rate or 0.0
        y = i * line
        counted = deck.retention.passed + deck.retention.failed
        parts.append(
            f'<text x="0" y="{y + 12}">{_escape(deck.deck or "")}</text>'
            f'<rect x="150" y="{y + 2}" width="{round(rate * 340)}" height="{line - 5}" '
            f'fill="{_BAR}"><title>{_escape(deck.deck or "")}: {percent(rate)} of {counted}'
            f"</title></rect>"
            f'<text x="{150 + round(rate * 340) + 6}" y="{y + 12}">{percent(rate)} '
            f"({counted})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _heatmap(days: Sequence[DayActivity]) -> str:
    if not days:
        return '<p class="empty">Nothing yet.</p>'
    cell = 12
    first = days[0].day
    offset = first.weekday()  # rows are Monday..Sunday
    weeks = (offset + len(days) + 6) // 7
    top = max(d.reviews for d in days) or 1
    parts = [
        f'<svg id="calendar-heatmap" role="img" width="{weeks * cell + 30}" '
        f'height="{7 * cell + 16}">'
    ]
    for label, row in (("Mon", 0), ("Wed", 2), ("Fri", 4)):
        parts.append(f'<text x="0" y="{row * cell + 10}">{label}</text>')
    for i, day in enumerate(days):
        slot = offset + i
        level = 0 if day.reviews == 0 else 1 + min(3, int(day.reviews / top * 4 - 1e-9))
        parts.append(
            f'<rect x="{30 + slot // 7 * cell}" y="{slot % 7 * cell}" width="{cell - 2}" '
            f'height="{cell - 2}" fill="{_HEAT[level]}"><title>{day.day}: {day.reviews} reviews'
            "</title></rect>"
        )
        if day.day.day == 1:
            parts.append(
                f'<text x="{30 + slot // 7 * cell}" y="{7 * cell + 12}">{day.day:%b}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _hardest(stats: Stats) -> str:
    if not stats.hardest:
        return '<p class="empty">No card has been answered Again yet.</p>'
    rows = "".join(
        f"<tr><td>{_escape(h.deck)}/{_escape(h.card_id)}</td><td>{h.again}</td><td>{h.lapses}</td>"
        f"<td>{h.reviews}</td><td>{'' if h.difficulty is None else f'{h.difficulty:.1f}'}</td>"
        f"<td>{'yes' if h.leech else ''}</td></tr>"
        for h in stats.hardest
    )
    return (
        '<table id="hardest-cards"><tr><th>card</th><th>Again</th><th>lapses</th>'
        f"<th>answers</th><th>difficulty</th><th>leech</th></tr>{rows}</table>"
    )
