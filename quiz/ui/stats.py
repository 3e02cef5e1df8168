"""Stats: the learner's progress as terminal charts and a few figures.

Every number comes from ``quiz.progress.stats`` (the same values the ``stats``
command prints), read for the study session; this screen only draws them: reviews
per day and the due forecast as bar charts, true retention per deck as horizontal
bars (textual-plotext), a calendar heatmap of study days, and the streak, review
counts and true retention. textual-plotext is imported only by this screen's worker,
off the UI thread, so it costs nothing until the screen opens and never freezes it.

On a long log the reading takes a while, so it runs in a thread worker ("stats") on
a read-only connection of its own, while the screen shows that it is loading; the
figures come back as a ``Loaded`` message and are drawn on the UI thread. plotext lays
a chart out as it builds its picture, so the pictures are built by another thread worker
("charts", ``quiz.ui.stats_charts``) and come back as a ``ChartsBuilt`` message.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from importlib import import_module
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState

from quiz.deck.printable import printable
from quiz.errors import UserError
from quiz.progress.overview import format_retention
from quiz.progress.stats import DayCount, Stats, session_calendar, session_stats
from quiz.ui.footer import KeysFooter
from quiz.ui.seams import host

if TYPE_CHECKING:
    from rich.console import RenderableType

    from quiz.review.session import Session
    from quiz.ui.stats_charts import BuiltPlot, PictureFit

DAYS = 30  # reviews per day, retention, and the forecast cover this many days
HEATMAP_WEEKS = 20
HEAT_STYLES = ("grey23", "dark_green", "green4", "green3", "bright_green")
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
NO_RETENTION = "No second answers yet: retention needs a card seen again."  # as the report


def figures_text(stats: Stats) -> Text:
    """The headline figures: streak, reviews (today, 7 and 30 days), true retention, cards."""
    overall = stats.overall
    reviews, retention, cards = overall.reviews, overall.retention, overall.cards
    streak = overall.streak
    text = Text()
    text.append("Streak ", style="dim")
    text.append(f"{streak.days} day{'s' * (streak.days != 1)}", style="bold")
    text.append(" (studied today)" if streak.studied_today else " (not yet today)", style="dim")
    text.append("   Reviews ", style="dim")
    text.append(f"{reviews.today.reviews}", style="bold")
    text.append(" today · ", style="dim")
    text.append(f"{reviews.last_7_days.reviews}", style="bold")
    text.append(" in 7 days · ", style="dim")
    text.append(f"{reviews.last_30_days.reviews}", style="bold")
    text.append(" in 30 days", style="dim")
    text.append("   True retention ", style="dim")
    text.append(format_retention(retention.rate), style="bold")
    judged = retention.passed + retention.failed
    text.append(f" ({retention.passed} of {judged})\n" if judged else "\n", style="dim")
    text.append("Cards ", style="dim")
    text.append(
        f"{cards.total} · {cards.new} new · {cards.learning} learning · {cards.review} review"
        f" · {cards.suspended} suspended · {cards.leech} leech"
    )
    return text


def heatmap_text(days: tuple[DayCount, ...], today: date, weeks: int = HEATMAP_WEEKS) -> Text:
    """A calendar: one column per week (oldest left), one row per weekday, shaded by reviews."""
    by_day = {activity.day: activity.reviews for activity in days}
    most = max(by_day.values(), default=0)
    first_monday = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    text = Text()
    months = "    "
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        label = monday.strftime("%b") if monday.day <= 7 else ""
        months += label[:2].ljust(2) if label else "  "
    text.append(months.rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]:<4}", style="dim")
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day > today:
                text.append("  ")
                continue
            count = by_day.get(day, 0)
            level = 0 if count == 0 or most == 0 else 1 + min(3, (4 * count - 1) // most)
            text.append("■ ", style=HEAT_STYLES[level])
        text.append("\n")
    text.append("    less ", style="dim")
    for style in HEAT_STYLES:
        text.append("■", style=style)
    text.append(" more", style="dim")
    return text


class StatsScreen(Screen[None]):
    """Charts and figures for all decks of the session's database, at its clock's time."""

    DEFAULT_CSS = """
        StatsScreen #stats-figures {
            height: auto;
            min-height: 2;
            padding: 0 1;
            border-bottom: solid $primary;
        }

        StatsScreen #stats-grid {
            grid-size: 2 2;
            grid-gutter: 0 1;
            height: 1fr;
        }

        StatsScreen .stats-panel {
            height: 1fr;
        }

        StatsScreen .stats-chart, StatsScreen PlotextPlot {
            height: 1fr;
        }

        StatsScreen .stats-legend {
            height: 1;
            width: 100%;
            content-align: center top;
        }

        StatsScreen #stats-calendar {
            padding: 0 1;
        }

        StatsScreen .stats-title {
            text-style: bold;
            content-align: center top;
            width: 100%;
        }

        StatsScreen #stats-retention-empty {
            display: none;
        }

        StatsScreen #stats-retention-empty {
            height: 1fr;
            padding: 1 2;
            color: $text-muted;
        }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
        Binding("f5", "reload", "Reload", id="stats.reload"),
    ]

    class Loaded(Message):
        """The statistics read by the "stats" worker, or why they could not be read."""

        def __init__(
            self, stats: Stats | None, calendar: tuple[DayCount, ...], error: str = ""
        ) -> None:
            super().__init__()
            self.stats = stats
            self.calendar = calendar
            self.error = error

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.calendar: tuple[DayCount, ...] = ()  # oldest first, today last
        self.drawn = False  # the latest figures are on screen
        self.latest: Stats | None = None  # the figures last read

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("loading the statistics…", style="dim"), id="stats-figures")
        with Grid(id="stats-grid"):
            with Vertical(classes="stats-panel"):
                yield Vertical(id="stats-per-day-box", classes="stats-chart")
                yield Static(self._legend(), classes="stats-legend")
            yield Vertical(id="stats-forecast-box", classes="stats-panel")
            with Vertical(id="stats-retention-panel", classes="stats-panel"):
                yield Static(  # here, not plotext's: plotext drops a title it cannot fit
                    f"True retention per deck, last {DAYS} days",
                    id="stats-retention-title",
                    classes="stats-title",
                )
                yield Vertical(id="stats-retention-box", classes="stats-chart")
                yield Static(NO_RETENTION, id="stats-retention-empty")
            with Vertical(id="stats-calendar", classes="stats-panel"):
                yield Static(id="stats-calendar-title", classes="stats-title")
                yield Static(id="stats-heatmap")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.action_reload()

    def action_reload(self) -> None:
        self.drawn = False
        self.query_one("#stats-grid", Grid).loading = True
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats", name="stats")
    def load(self) -> None:
        """Read the figures off the UI thread; the session's own connection stays there.

        plotext is imported here too: loading it holds the interpreter long enough to
        freeze the screen, so the charts are mounted when the figures come.
        """
        # The calendar and plotext come in threads of their own meanwhile: SQLite lets go
        # of the interpreter while it counts, so they overlap with the statistics.
        with ThreadPoolExecutor(2, thread_name_prefix="stats") as pool:
            plotext = pool.submit(import_module, "quiz.ui.stats_charts")
            days = pool.submit(session_calendar, self.session, days=7 * HEATMAP_WEEKS)
            try:
                stats = session_stats(
                    self.session, days=DAYS, forecast_days=DAYS, hardest=0, deck_streaks=False
                )
                loaded = self.Loaded(stats, days.result())
            except UserError as error:
                loaded = self.Loaded(None, (), str(error))
            plotext.result()
        self.post_message(loaded)

    async def on_stats_screen_loaded(self, message: Loaded) -> None:
        from quiz.ui.stats_charts import BuiltPlot  # imported by the worker already

        if not self.query(BuiltPlot):
            for name in ("per-day", "forecast", "retention"):
                box = self.query_one(f"#stats-{name}-box", Vertical)
                await box.mount(BuiltPlot(id=f"stats-{name}"))
        self.query_one("#stats-grid", Grid).loading = False
        if message.stats is None:
            self.query_one("#stats-figures", Static).update(
                Text("The statistics could not be read (F5 tries again).", style="dim")
            )
            self.notify(message.error, title="cannot read the statistics", severity="error")
            return
        self.query_one("#stats-figures", Static).update(figures_text(message.stats))
        self.calendar = message.calendar
        self.latest = message.stats
        self.call_after_refresh(self._draw, message.stats)  # the charts' sizes, settled

    class ChartsBuilt(Message):
        """The "charts" worker's pictures, each with the fit it was built for."""

        def __init__(
            self, stats: Stats, pictures: list[tuple[BuiltPlot, PictureFit, RenderableType]]
        ) -> None:
            super().__init__()
            self.stats = stats
            self.pictures = pictures

    def _draw(self, stats: Stats) -> None:
        """The charts' figures set here; their pictures built by the "charts" worker."""
        from quiz.ui.stats_charts import BuiltPlot

        plots = list(self.query(BuiltPlot))
        if stats is not self.latest or any(plot.building for plot in plots):
            return  # newer figures are drawn, or will be once the pictures building come
        self._per_day(stats)
        self._forecast(stats)
        self._retention(stats)
        shown = [plot for plot in plots if plot.display and plot.size.area]
        for plot in shown:
            plot.building = True
        self.build_charts(stats, shown)

    @work(thread=True, exclusive=True, exit_on_error=False, group="charts", name="charts")
    def build_charts(self, stats: Stats, plots: list[BuiltPlot]) -> None:
        try:
            pictures = [(plot, *plot.build()) for plot in plots]
        except BaseException:
            for plot in plots:
                plot.building = False
            raise
        self.post_message(self.ChartsBuilt(stats, pictures))

    def on_stats_screen_charts_built(self, message: ChartsBuilt) -> None:
        for plot, fit, picture in message.pictures:
            plot.keep(fit, picture)
        if message.stats is not self.latest:  # figures read again meanwhile: draw those
            if self.latest is not None:
                self._draw(self.latest)
            return
        self._heatmap()
        self.drawn = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.query_one("#stats-grid", Grid).loading = False
            host(self.app).worker_failed(event.worker)

    def on_resize(self) -> None:
        self._heatmap()

    def _heatmap(self) -> None:
        """As many weeks as fit the panel: half the screen, less the weekday labels."""
        if not self.calendar:
            return
        weeks = max(4, min(HEATMAP_WEEKS, (self.app.size.width // 2 - 8) // 2))
        self.query_one("#stats-calendar-title", Static).update(f"Study days, last {weeks} weeks")
        heatmap = heatmap_text(self.calendar, self.calendar[-1].day, weeks)
        self.query_one("#stats-heatmap", Static).update(heatmap)

    @staticmethod
    def _legend() -> Text:
        """The per-day chart's key, under the chart rather than on its bars."""
        return Text.assemble(("■", "green"), " passed  ", ("■", "red"), " again")

    def _plot(self, widget_id: str, title: str) -> BuiltPlot:
        from quiz.ui.stats_charts import BuiltPlot

        widget = self.query_one(widget_id, BuiltPlot)
        plt = widget.plt
        plt.clear_figure()
        plt.title(title)
        widget.figured = True
        return widget

    def _per_day(self, stats: Stats) -> None:
        widget = self._plot("#stats-per-day", f"Reviews per day, last {DAYS} days")
        plt = widget.plt
        xs = list(range(-len(stats.per_day) + 1, 1))
        passed = [day.reviews - day.again for day in stats.per_day]
        again = [day.again for day in stats.per_day]
        plt.stacked_bar(xs, [passed, again], color=["green", "red"])  # key: .stats-legend
        self._day_ticks(plt, xs, [day.day for day in stats.per_day])
        self._count_ticks(
            plt, max((day.reviews for day in stats.per_day), default=0), widget.size.height
        )
        widget.refresh()

    def _forecast(self, stats: Stats) -> None:
        widget = self._plot("#stats-forecast", f"Due in the next {DAYS} days")
        plt = widget.plt
        forecast = stats.overall.forecast
        xs = list(range(len(forecast)))
        plt.bar(xs, [day.due for day in forecast], color="blue")
        self._day_ticks(plt, xs, [day.day for day in forecast])
        self._count_ticks(plt, max((day.due for day in forecast), default=0), widget.size.height)
        widget.refresh()

    def _retention(self, stats: Stats) -> None:
        """Bars when some deck has second answers; otherwise a title and why it is empty."""
        measured = [deck for deck in stats.decks if deck.retention.rate is not None]
        widget = self._plot("#stats-retention", "")
        widget.display = bool(measured)
        self.query_one("#stats-retention-box", Vertical).display = bool(measured)
        self.query_one("#stats-retention-empty", Static).display = not measured
        title = f"True retention per deck, last {DAYS} days"
        fit = max(1, widget.size.height - 4)  # a bar a row, less the frame and the axis
        if len(measured) > fit:  # the weakest decks, which want attention
            title += f" (lowest {fit} of {len(measured)})"
            weakest = sorted(measured, key=lambda deck: deck.retention.rate or 0.0)[:fit]
            measured = [deck for deck in measured if deck in weakest]
        self.query_one("#stats-retention-title", Static).update(title)
        if not measured:
            return
        plt = widget.plt
        rates = [round(100 * (deck.retention.rate or 0.0)) for deck in measured]
        names = [  # deck names may come from an imported file
            f"{printable(deck.deck or '', multiline=False)} {rate}%"
            for deck, rate in zip(measured, rates, strict=True)
        ]
        plt.bar(names, rates, orientation="horizontal", color="cyan", width=0.6)
        plt.xlim(0, 100)
        plt.xlabel("%")
        widget.refresh()

    @staticmethod
    def _count_ticks(plt, most: int, height: int) -> None:
        """Whole numbers on the y axis (plotext would print 0.33 for a day with 1 card),
        each on a row of its own: plotext drops one of two labels that share a row, and
        which one it drops varies from run to run."""
        intervals = max(1, min(4, height - 5, most))  # rows of bars less one
        step = max(1, -(-most // intervals))
        ticks = list(range(0, step * -(-max(most, 1) // step) + 1, step))
        plt.yticks(ticks, [str(tick) for tick in ticks])
        plt.ylim(0, ticks[-1])

    @staticmethod
    def _day_ticks(plt, xs: list[int], days: list[date]) -> None:
        if not xs:
            return
        step = max(1, len(xs) // 5)
        picks = list(range(0, len(xs), step))
        plt.xticks([xs[i] for i in picks], [days[i].strftime("%m-%d") for i in picks])
