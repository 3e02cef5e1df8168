"""The Settings screen: limits and retention take effect, bad values are refused, the
language switch re-renders Home; all through the store, so they persist."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from quiz.judge.verdict import Outcome, Verdict
from quiz.review.scheduling import make_scheduler
from quiz.review.store import Store
from quiz.ui.home import HomeScreen
from quiz.ui.settings import SettingsScreen

from .pilots import launched, until


class StandInJudge:
    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        return Verdict(Outcome.RIGHT, "right")


def new_column(app) -> list[str]:
    table = app.screen.query_one("#decks", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def titles(app) -> list[str]:
    table = app.screen.query_one("#decks", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def set_field(pilot, key: str, text: str) -> None:
    field = pilot.app.screen.query_one(f"#settings-{key}", Input)
    field.value = text
    await pilot.pause()


async def test_a_limit_and_the_retention_take_effect_and_persist(app_factory, db_path: Path):
    app = app_factory(judge=StandInJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert new_column(app) == ["1", "5"]
        await pilot.press("o")
        assert isinstance(app.screen, SettingsScreen)
        await set_field(pilot, "new_per_day", "2")
        await set_field(pilot, "desired_retention", "0.8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(app.screen.query_one("#settings-status", Static).render()) == "saved"
        assert app.session.settings.new_per_day == 2
        assert make_scheduler(app.session.settings).desired_retention == 0.8
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert new_column(app) == ["1", "2"]  # Home counts with the new limit
    with Store.open(db_path) as store:
        assert store.settings.new_per_day == 2
        assert store.settings.desired_retention == 0.8


async def test_a_bad_value_is_refused_with_its_message(app_factory, db_path: Path):
    app = app_factory(judge=StandInJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("o")
        await set_field(pilot, "desired_retention", "1.5")
        message = app.screen.query_one("#settings-error-desired_retention", Static)
        assert str(message.render()) == "1.5 is invalid: out of range (0.7 to 0.99)"
        await set_field(pilot, "day_start_hour", "noon")
        await pilot.press("ctrl+s")
        await pilot.pause()
        status = app.screen.query_one("#settings-status", Static)
        assert str(status.render()) == "not saved: 2 value(s) to fix"
        hour = app.screen.query_one("#settings-error-day_start_hour", Static)
        assert str(hour.render()) == '"noon" is invalid: expected a whole number'
        await set_field(pilot, "desired_retention", "0.85")
        assert str(message.render()) == ""
    with Store.open(db_path) as store:
        assert store.settings.desired_retention == 0.9  # nothing was saved
        assert store.settings.day_start_hour == 4


async def test_switching_the_language_re_renders_home(app_factory, db_path: Path):
    app = app_factory(judge=StandInJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert titles(app)[0] == "Comparisons"
        await pilot.press("o")
        app.screen.query_one("#settings-language", Select).value = "zh"
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert titles(app)[0] == "比较"
        assert app.language == "zh"
    with Store.open(db_path) as store:
        assert store.settings.language == "zh"
    relaunched = app_factory(judge=StandInJudge())  # the stored language is the default
    async with relaunched.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert titles(relaunched)[0] == "比较"


async def test_the_theme_is_applied_and_kept(app_factory, db_path: Path):
    app = app_factory(judge=StandInJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("o")
        app.screen.query_one("#settings-theme", Select).value = "nord"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.theme == "nord"
    relaunched = app_factory(judge=StandInJudge())
    async with relaunched.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert relaunched.theme == "nord"


async def test_the_cursor_blinks_or_not_as_set(app_factory, db_path: Path):
    """The test database asks for a steady cursor (snapshots do not depend on when they
    are taken); switched on in Settings, the next text box focused blinks."""
    app = app_factory(judge=StandInJudge(), review=["tensor-math"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await until(pilot, lambda: isinstance(app.focused, Input), "the answer box")
        assert app.focused.cursor_blink is False
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen), "Settings")
        app.screen.query_one("#settings-cursor_blink", Select).value = "on"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.session.settings.cursor_blink, "the setting saved")
        await pilot.press("escape", "r")
        await until(pilot, lambda: isinstance(app.focused, Input), "the answer box")
        assert app.focused.cursor_blink is True
    with Store.open(db_path) as store:
        assert store.settings.cursor_blink is True
