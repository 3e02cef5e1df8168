"""The command palette (ctrl+p): every screen of the app, and this screen's actions.

The palette runs the very actions the keys run: the app's ``open_*`` actions for
the screens (Home, review all due, practice, Browse, Stats, Author, Settings, Help,
quit), one for each setting (Settings opened at its field, so "language" finds it),
and, for the screen it was opened from, each of its bindings that has an id and is
enabled now (on the review screen: hint, undo, bury, suspend, edit, the ratings...).
Each command shows its key, as the learner's keymap has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.actions import ActionError, parse
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from quiz.ui.help import key_text, own_bindings
from quiz.ui.seams import host
from quiz.ui.settings import FIELDS


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], object]


# (name, what it does, the app's action, the id of the key that does it too)
APP_COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("Home", "Back to the list of decks", "open_home", ""),
    ("Review due", "Review every deck's due cards together", "review_all", "home.review_all"),
    ("Practice", "Drill a deck or a tag off the schedule", "practice", "home.practice"),
    ("Browse", "Search every card; suspend, unsuspend, reset", "browse", "home.browse"),
    ("Stats", "Charts and figures of your progress", "stats", "home.stats"),
    ("Author", "A scratchpad, and a form that saves new cards", "author", "home.author"),
    ("Settings", "Language, retention, limits, day start, theme", "settings", "home.settings"),
    ("Help", "Every key of every screen", "help", "help"),
    ("Quit", "Quit torch-quiz", "quit", "quit"),
)


class TorchQuizCommands(Provider):
    """Commands for the app's screens and the current screen's bindings."""

    def commands(self) -> list[Command]:
        app = self.app
        keymap = host(app).keymap
        screen = self.screen
        found: list[Command] = []
        for binding in own_bindings(type(screen)):
            try:
                namespace, name, parameters = parse(binding.action)
            except ActionError:
                continue
            target: DOMNode = app if namespace == "app" else screen
            if target.check_action(name, parameters) is False:
                continue  # not now (e.g. rating before answering)
            assert binding.id is not None
            keys = tuple(keymap.get(binding.id, binding.key).split(","))
            label = binding.description or name.replace("_", " ")
            run = partial(screen.run_action, binding.action)
            found.append(Command(label, f"{key_text(app, keys)} · {binding.id}", run))
        here = {command.name for command in found} | {b.id for b in own_bindings(type(screen))}
        defaults = {b.id: b.key for owner in _app_owners(app) for b in own_bindings(owner) if b.id}
        for name, does, action, binding_id in APP_COMMANDS:
            if name in here or binding_id in here:
                continue  # this screen's own key does it
            keys = keymap.get(binding_id, defaults.get(binding_id, ""))
            shown = f"{key_text(app, tuple(keys.split(',')))} · {does}" if keys else does
            found.append(Command(name, shown, partial(app.run_action, action)))
        for field in FIELDS:  # every setting, so "language" finds its field as "theme" does
            run = partial(host(app).open_settings, field.key)
            found.append(Command(field.command, f"Settings · {field.key}", run))
        return found

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)


def _app_owners(app: object) -> Iterator[type]:
    """The classes whose default keys the app commands show: the app's and Home's."""
    from quiz.ui.home import HomeScreen

    yield type(app)
    yield HomeScreen
