"""The command palette runs the keys' actions, the help lists every binding, and
keymap.toml remaps keys (a bad file is a notification, not a crash)."""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from textual.command import CommandList, CommandPalette
from textual.screen import Screen

import quiz.ui
from quiz.judge.verdict import Outcome, Verdict
from quiz.ui.app import TorchQuizApp
from quiz.ui.commands import TorchQuizCommands
from quiz.ui.help import HelpScreen, known_ids, own_bindings, section_rows, sections
from quiz.ui.home import HomeScreen
from quiz.ui.keymap import load_keymap
from quiz.ui.review import ReviewScreen, ReviewStep
from quiz.ui.settings import FIELDS, SettingsScreen

from .pilots import launched, record_notifications, until


class StandInJudge:
    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        return Verdict(Outcome.RIGHT, "right")


async def run_command(pilot, name: str) -> None:
    """Open the palette and type ``name`` as a person does, only until the command is
    offered first, then run it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    found = app.screen.query_one(CommandList)

    def offered() -> bool:
        index = found.highlighted
        return (
            index is not None
            and name.lower() in str(found.get_option_at_index(index).prompt).lower()
        )

    for typed in name:
        await pilot.press(typed)
        if offered():
            break
    await until(pilot, offered, f"the palette to offer {name}")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette to close")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_palette_opens_every_screen(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        for name, screen in [
            ("Stats", "StatsScreen"),
            ("Browse", "BrowseScreen"),
            ("Settings", "SettingsScreen"),
            ("Help", "HelpScreen"),
            ("Author", "AuthorScreen"),
        ]:
            await run_command(pilot, name)
            assert type(app.screen).__name__ == screen, name
            await run_command(pilot, "Home")
            assert isinstance(app.screen, HomeScreen)
        await run_command(pilot, "Review due")
        assert isinstance(app.screen, ReviewScreen)


async def test_the_palette_runs_the_review_actions(app_factory):
    app = app_factory(judge=StandInJudge(), review=["tensor-math"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        first = screen.card.ref
        names = {c.name for c in TorchQuizCommands(screen).commands()}
        assert {"Hint", "Undo", "Bury", "Suspend", "Edit", "Home", "Settings"} <= names
        assert "Good" not in names  # not before answering
        await pilot.press(*"[2, 5, 3]", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.phase is ReviewStep.ANSWERED
        await run_command(pilot, "Good")
        assert screen.card.ref != first
        await run_command(pilot, "Undo")
        assert screen.card.ref == first  # the same action as u
        await run_command(pilot, "Bury")
        assert screen.card.ref != first


def test_every_screen_with_keys_is_in_the_help():
    listed = {owner.__name__ for _, owner in sections(TorchQuizApp)}
    for module in pkgutil.iter_modules(quiz.ui.__path__):
        loaded = importlib.import_module(f"quiz.ui.{module.name}")
        for name, owner in inspect.getmembers(loaded, inspect.isclass):
            if owner.__module__ != loaded.__name__ or not issubclass(owner, Screen):
                continue
            if own_bindings(owner):
                assert name in listed, f"{name} has keys but is not in the help"
            for binding in owner.__dict__.get("BINDINGS", []):
                assert getattr(binding, "id", None), f"{name}: a binding without an id"


async def test_help_lists_the_keys_of_this_screen_first(app_factory):
    app = app_factory(judge=StandInJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_screen = app.screen
        assert help_screen.ordered()[0][0] == "Home"
        table = help_screen.section_table("Home", HomeScreen)
        assert str(table.title) == "Home (this screen)"
        assert len(help_screen.query(".help-section")) == len(sections(TorchQuizApp))
        # The id column starts at the same place in every section (as laid out at 80 columns).
        console = Console(width=76, file=io.StringIO())
        starts = set()
        for title, owner in help_screen.ordered():
            with console.capture() as captured:
                console.print(help_screen.section_table(title, owner))
            lines = [line.rstrip() for line in captured.get().splitlines()]
            for row in section_rows(owner, {}):
                line = next(line for line in lines if line.endswith(" " + row.binding_id))
                starts.add(cell_len(line) - cell_len(row.binding_id))
        assert len(starts) == 1, starts
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


def test_keymap_file_forms(tmp_path: Path):
    path = tmp_path / "keymap.toml"
    path.write_text(
        '"review.undo" = "z"\n"home.browse" = ["slash", "f"]\n"home.stats" = 3\n'
        '[review]\nbury = "B"\n',
        encoding="utf-8",
    )
    loaded = load_keymap(path)
    assert loaded.keys == {"review.undo": "z", "home.browse": "slash,f", "review.bury": "B"}
    assert len(loaded.problems) == 1 and "'home.stats'" in loaded.problems[0]
    assert {"review.undo", "home.browse", "review.bury", "settings.save"} <= known_ids(TorchQuizApp)


async def test_a_keymap_remaps_and_the_help_shows_it(app_factory, db_path: Path):
    (db_path.parent / "keymap.toml").write_text('"home.settings" = "comma"\n', encoding="utf-8")
    app = app_factory(judge=StandInJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, HomeScreen)  # o no longer opens the settings
        await pilot.press("comma")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"


async def test_a_bad_keymap_is_a_notification(app_factory, db_path: Path):
    (db_path.parent / "keymap.toml").write_text('"home.settings" = \n', encoding="utf-8")
    app = app_factory(judge=StandInJudge())
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("not valid TOML" in n.message for n in shown)
        await pilot.press("o")
        assert type(app.screen).__name__ == "SettingsScreen"  # the defaults are kept


async def test_an_unknown_id_is_named(app_factory, db_path: Path):
    (db_path.parent / "keymap.toml").write_text('"review.undoo" = "z"\n', encoding="utf-8")
    app = app_factory(judge=StandInJudge())
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.pause()
        await pilot.pause()
        assert any("review.undoo" in n.message for n in shown)


async def test_every_setting_is_reachable_from_the_palette(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await run_command(pilot, "language")
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        assert app.focused is not None and app.focused.id == "settings-language"
        await run_command(pilot, "day starts")
        assert app.screen is settings  # the same screen, at the field
        assert app.focused is not None and app.focused.id == "settings-day_start_hour"
        commands = {c.name: c for c in TorchQuizCommands(settings).commands()}
        for field in FIELDS:
            commands[field.command].run()
            await pilot.pause()
            assert app.screen is settings
            assert app.focused is not None and app.focused.id == f"settings-{field.key}"
