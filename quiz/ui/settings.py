"""Settings: the learner's language, retention, daily limits, day start and theme.

The values belong to the review engine (``quiz.review.settings``), which validates
them; this screen only lays the fields out, shows the engine's message next to a
field it refuses, and saves through the study session into its database, so what is
saved here is what this session, ``torch-quiz`` and every later session use. The app
is told what changed (language, theme) through ``on_saved``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from quiz.review.errors import SettingsError, StoreError
from quiz.review.settings import LANGUAGES, Settings
from quiz.ui.footer import KeysFooter

if TYPE_CHECKING:
    from quiz.review.session import Session

LANGUAGE_NAMES = {"en": "English", "zh": "中文 (Chinese)"}


@dataclass(frozen=True)
class Field:
    """One editable setting: its key in ``Settings`` and how the screen labels it."""

    key: str
    label: str
    choice: bool = False  # a Select (language, theme) rather than an Input

    @property
    def command(self) -> str:
        """The field's name in the command palette: its label without the range."""
        return self.label.split(" (")[0]


FIELDS: tuple[Field, ...] = (
    Field("language", "Language of the decks", choice=True),
    Field("desired_retention", "Desired retention (0.7–0.99)"),
    Field("new_per_day", "New cards / deck / day"),
    Field("new_per_day_total", "New cards / day, all decks"),
    Field("reviews_per_day", "Reviews / deck / day"),
    Field("reviews_per_day_total", "Reviews / day, all decks"),
    Field("day_start_hour", "The day starts at (hour)"),
    Field("theme", "Theme", choice=True),
    Field("cursor_blink", "Blinking cursor", choice=True),
)


def problem_of(error: SettingsError) -> str:
    """The engine's message without the file and key (the field already says which)."""
    text = str(error)
    marker = f"setting '{error.key}': "
    return text.split(marker, 1)[1] if marker in text else text


def shown_value(settings: Settings, key: str) -> str:
    value = getattr(settings, key)
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


class SettingsScreen(Screen[None]):
    """Edit the stored settings; ctrl+s (or Enter in a field) saves, Escape leaves unsaved."""

    DEFAULT_CSS = """
        SettingsScreen #settings-form {
            padding: 1 2;
        }

        SettingsScreen .settings-row {
            height: auto;
            min-height: 1;
            margin-bottom: 1;
        }

        SettingsScreen .settings-label {
            width: 30;
            color: $text-muted;
        }

        SettingsScreen .settings-row Input, SettingsScreen .settings-row Select {
            width: 24;
        }

        SettingsScreen .settings-row Input {
            background: $boost;
        }

        SettingsScreen .settings-row Input.-invalid {
            background: $error 30%;
        }

        SettingsScreen .settings-error {
            width: 1fr;
            height: auto;
            padding: 0 0 0 2;
            color: $error;
        }

        SettingsScreen #settings-buttons {
            height: auto;
            margin-top: 1;
        }

        SettingsScreen #settings-status {
            width: 1fr;
            padding: 0 2;
            color: $text-muted;
        }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="settings.back"),
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
    ]

    def __init__(
        self,
        session: Session,
        *,
        themes: Sequence[str] = (),
        on_saved: Callable[[Settings], None] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.themes = tuple(themes)
        self.on_saved = on_saved
        self.first_field = field

    def compose(self) -> ComposeResult:
        try:
            current = self.session.reload_settings()  # another process may have changed them
        except SettingsError:
            current = Settings()
        yield Header()
        with VerticalScroll(id="settings-form"):
            for field in FIELDS:
                with Horizontal(classes="settings-row"):
                    yield Label(field.label, classes="settings-label")
                    yield self._editor(field, current)
                    yield Static("", id=f"settings-error-{field.key}", classes="settings-error")
            with Horizontal(id="settings-buttons"):
                yield Button("Save (ctrl+s)", id="settings-save", variant="primary", compact=True)
                yield Static("", id="settings-status")
        yield KeysFooter()

    def _editor(self, field: Field, current: Settings) -> Input | Select[str]:
        value = shown_value(current, field.key)
        if field.key == "language":
            options = [(LANGUAGE_NAMES.get(code, code), code) for code in LANGUAGES]
        elif field.key == "theme":
            names = sorted({*self.themes, value})
            options = [(name, name) for name in names]
        elif field.key == "cursor_blink":
            options = [("on", "on"), ("off", "off")]
        else:
            return Input(value, id=f"settings-{field.key}", compact=True)
        return Select(
            options, value=value, allow_blank=False, id=f"settings-{field.key}", compact=True
        )

    def on_mount(self) -> None:
        self.sub_title = "Settings"
        self.focus_field(self.first_field)

    def focus_field(self, key: str | None) -> None:
        """Put the focus on the field of setting ``key`` (None or unknown: the first)."""
        keys = [field.key for field in FIELDS]
        widget = self.query_one(f"#settings-{key if key in keys else keys[0]}")
        widget.focus()
        widget.scroll_visible(animate=False)

    # -- reading and checking the fields -----------------------------------------------

    def field_text(self, key: str) -> str:
        widget = self.query_one(f"#settings-{key}")
        if isinstance(widget, Select):
            return str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def check_field(self, key: str, base: Settings) -> tuple[Settings, str | None]:
        """``base`` with this field applied, or ``base`` and the engine's message."""
        try:
            return base.with_text(key, self.field_text(key), path=self.session.db_path), None
        except SettingsError as error:
            return base, problem_of(error)

    def show_problem(self, key: str, problem: str | None) -> None:
        error = self.query_one(f"#settings-error-{key}", Static)
        error.update(problem or "")
        self.query_one(f"#settings-{key}").set_class(problem is not None, "-invalid")

    @on(Input.Changed)
    def recheck(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("settings-")
        if key:
            self.show_problem(key, self.check_field(key, Settings())[1])

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#settings-save")
    def pressed(self) -> None:
        self.action_save()

    # -- saving ------------------------------------------------------------------------

    def action_save(self) -> None:
        status = self.query_one("#settings-status", Static)
        try:
            settings = self.session.reload_settings()
        except SettingsError:
            settings = Settings()
        problems = 0
        for field in FIELDS:
            settings, problem = self.check_field(field.key, settings)
            self.show_problem(field.key, problem)
            problems += problem is not None
        if problems:
            status.update(f"not saved: {problems} value(s) to fix")
            return
        try:
            self.session.save_settings(settings)
        except StoreError as error:
            self.notify(str(error), title="settings not saved", severity="error")
            return
        status.update("saved")
        if self.on_saved is not None:
            self.on_saved(settings)
        self.notify("settings saved")
