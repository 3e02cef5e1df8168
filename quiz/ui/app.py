"""The Textual application: wiring only. It is handed one opener and one sandbox maker.

``quiz.launch.make_app`` builds it (the factory the command line and the tests share).
The app draws Home from the decks in its first frame, then opens progress (the review
engine's imports, the database's checks and migrations and the deck sync, all in a
thread worker, so the screen never waits for them) and starts the sandbox worker,
whose readiness it keeps in the ``torch_state`` reactive. It opens the screens, which
reach it through ``quiz.ui.seams.QuizHost``, and reports the errors of every Textual
worker in one place.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Iterable, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from textual import events, work
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from quiz.deck.check import DeckSet
from quiz.deck.diagnostics import Diagnostic
from quiz.deck.model import Deck
from quiz.deck.printable import printable
from quiz.errors import UserError
from quiz.paths import is_bundled
from quiz.ui.home import HomeScreen
from quiz.ui.seams import LanguageChanged, ProgressOpened, QuizHost, TorchState

if TYPE_CHECKING:
    from quiz.review.session import Session
    from quiz.review.settings import Settings
    from quiz.ui.practice import PracticeChoice


class Warmable(Protocol):
    """What the app needs from the sandbox client: wait for torch, and stop it."""

    def wait_ready(self) -> None:
        """Block until torch is loaded; raise if the worker cannot start."""
        ...

    def close(self) -> None: ...


class TorchChecked(Message):
    """The sandbox worker has loaded torch, or could not."""

    def __init__(self, state: TorchState) -> None:
        super().__init__()
        self.state = state


class SessionOpened(Message):
    """The "open" worker's result: the study session, or why progress could not open."""

    def __init__(self, session: Session | None, error: str = "") -> None:
        super().__init__()
        self.session = session
        self.error = error


def _commands_provider() -> type[Provider]:
    """The palette's commands, imported when the palette first opens."""
    from quiz.ui.commands import TorchQuizCommands

    return TorchQuizCommands


class TorchQuizApp(App[None]):
    TITLE = "torch-quiz"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
        Binding("ctrl+p", "command_palette", "palette", id="palette", priority=True, show=False),
        Binding("f1,question_mark", "help", "Help (every key)", id="help", show=False),
    ]
    COMMANDS = App.COMMANDS | {_commands_provider}

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification as plain text, whatever a screen asks: messages quote deck
        text, file names, answers and sandbox messages, so neither Rich markup (``[red]``,
        ``[link=...]``, an unbalanced ``[/]`` that would raise) nor a control character in
        them may take effect."""
        super().notify(
            printable(message),
            title=printable(title, multiline=False),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    torch_state: reactive[TorchState] = reactive(TorchState.LOADING, init=False)
    """Where the sandbox worker is: the status line watches it, the review screen reads it."""

    def __init__(
        self,
        opener: Callable[[], Session],
        *,
        decks: Sequence[Deck],
        sandbox: Callable[[], Warmable],
        language: str | None = None,
        review: Sequence[str] | None = None,
        problems: Sequence[Diagnostic] = (),
        keymap_file: Path | None = None,
        find_decks: Callable[[], DeckSet] | None = None,
        deck_source: Callable[[Deck], str | None] | None = None,
        learners_own: Callable[[Deck], bool] | None = None,
    ) -> None:
        """``opener`` opens progress once Home is drawn; ``sandbox`` makes the client of
        the sandbox worker once Home is drawn (torch loads in the background);
        ``review`` (slugs, or () for everything due) opens the review screen at once;
        ``find_decks`` loads the decks again from where they were found (Home's reload);
        ``deck_source`` names a deck's pack, or that it was opened by path (Home);
        ``learners_own`` says whether a deck's file is the learner's to write (Author)."""
        super().__init__()
        self.opener = opener
        self.session: Session | None = None
        self.decks: tuple[Deck, ...] = tuple(decks)
        self.open_error: str | None = None
        self.sandbox = sandbox
        self.client: Warmable | None = None
        self.language_given = language is not None  # else the stored setting, once open
        self.language = language or "en"
        self.review_on_start = tuple(review) if review is not None else None
        self.problems = tuple(problems)
        self.keymap_file = keymap_file
        self.keymap: dict[str, str] = {}
        self._find_decks = find_decks
        self._deck_source = deck_source
        self._learners_own = learners_own

    # -- start-up ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        # Home is the bottom of the stack: composed with the app, it is in the first frame
        # (pushed from on_mount it was laid out and drawn twice before anything was shown).
        return HomeScreen(self.language)

    def on_mount(self) -> None:
        self.load_keymap()
        if self.problems:
            shown = "\n".join(str(d) for d in self.problems[:5])
            more = f"\n… and {len(self.problems) - 5} more" if len(self.problems) > 5 else ""
            self.notify(
                f"Skipped decks with problems:\n{shown}{more}",
                title="torch-quiz check",
                severity="warning",
                timeout=10,
            )
        # Home is drawn first, from the decks; progress and torch come right after.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        self.client = self.sandbox()
        self.load_torch(self.client)
        self.open_session()

    @work(thread=True, exclusive=True, exit_on_error=False, name="torch", group="torch")
    def load_torch(self, client: Warmable) -> None:
        """Wait, off the event loop, for the sandbox worker to load torch."""
        try:
            client.wait_ready()
        except Exception:  # whatever the reason, answers cannot be checked
            self.post_message(TorchChecked(TorchState.FAILED))
        else:
            self.post_message(TorchChecked(TorchState.READY))

    def on_torch_checked(self, message: TorchChecked) -> None:
        self.torch_state = message.state

    @work(thread=True, exclusive=True, exit_on_error=False, name="open", group="open")
    def open_session(self) -> None:
        """Open progress off the event loop: the review engine's imports, the database
        (its checks and migrations) and the deck sync; the session comes back as a
        ``SessionOpened`` message, and from then on only the UI thread uses it."""
        import quiz.judge.judge
        import quiz.review.session  # noqa: F401  (the engine: sqlite-utils, fsrs)

        try:
            opened = SessionOpened(self.opener())
        except UserError as error:
            opened = SessionOpened(None, str(error))
        self.post_message(opened)
        # The screens Home opens next, loaded here: imported at their key, on the event
        # loop, they held it (the review screen's modules for a fifth of a second).
        for screen in ("quiz.ui.review", "quiz.ui.browse", "quiz.ui.stats"):
            import_module(screen)

    def on_session_opened(self, message: SessionOpened) -> None:
        session = message.session
        if session is None:
            self._could_not_open(message.error)
            return
        self.session = session
        if not self.language_given:
            self.language = session.settings.language
        self.apply_theme(session.settings.theme)
        home = self._home()
        if home is not None:
            home.post_message(ProgressOpened(self.language))
        if self.review_on_start is not None:
            self.start_review(list(self.review_on_start) or None)  # (): everything due

    def _could_not_open(self, message: str) -> None:
        self.open_error = message  # printed by the command line once the screen is gone
        self.exit(return_code=2)

    def find_decks(self) -> DeckSet:
        """The decks, loaded again from where they were found (off the UI thread)."""
        if self._find_decks is None:
            return DeckSet(list(self.decks))
        return self._find_decks()

    def deck_source(self, deck: Deck) -> str | None:
        """Where ``deck`` came from when Home should say so (see ``StudyPlan.source_label``)."""
        return None if self._deck_source is None else self._deck_source(deck)

    def learners_own(self, deck: Deck) -> bool:
        """Whether Author may offer ``deck``'s file to write into (see
        ``StudyPlan.learners_own``); without that knowledge, any deck not bundled."""
        if self._learners_own is not None:
            return self._learners_own(deck)
        return not is_bundled(deck.path)

    def session_ready(self) -> bool:
        """Whether progress is open; if not, the learner is told it is still opening."""
        if self.session is None:
            self.notify("opening your progress…", timeout=2)
            return False
        return True

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()
        if self.client is not None:
            self.client.close()

    # -- studying ----------------------------------------------------------------------

    # The study screens are imported when first opened: the first frame does not wait.

    def start_review(self, slugs: Sequence[str] | None) -> None:
        """Review the decks ``slugs`` (None: everything due)."""
        from quiz.ui.review import ReviewScreen

        if not self.session_ready():
            return
        assert self.session is not None
        try:
            self.session.focus(slugs)
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        if slugs is None:
            title = "All decks"
        elif len(slugs) == 1:
            title = self.session.deck(slugs[0]).title.get(self.language)
        else:
            title = ", ".join(slugs)
        self.push_screen(ReviewScreen(self.session, title=title, language=self.language))

    def choose_practice(self, selected: str | None) -> None:
        from quiz.review.practice import tags
        from quiz.ui.practice import PracticeDialog

        if not self.session_ready():
            return
        assert self.session is not None
        decks = [(d.slug, d.title.get(self.language)) for d in self.session.decks]
        dialog = PracticeDialog(decks, tags(self.session), selected)
        self.push_screen(dialog, self.start_practice)

    def start_practice(self, choice: PracticeChoice | None) -> None:
        from quiz.review.practice import Practice
        from quiz.ui.review import ReviewScreen

        if choice is None:
            return
        try:
            if choice.deck is not None:
                drill = Practice.of_deck(self.session, choice.deck, counted=choice.counted)
            else:
                assert choice.tag is not None
                drill = Practice.of_tag(self.session, choice.tag, counted=choice.counted)
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        title = f"Practice {drill.name}"
        self.push_screen(ReviewScreen(drill, title=title, language=self.language))

    # -- settings, help, keys and the palette (screens imported when opened) -----------

    def action_settings(self) -> None:
        self.open_settings()

    def open_settings(self, field: str | None = None) -> None:
        from quiz.ui.settings import SettingsScreen

        if not self.session_ready():
            return
        if isinstance(self.screen, SettingsScreen):  # already open: go to the field
            self.screen.focus_field(field)
            return
        assert self.session is not None
        themes = sorted(self.available_themes)
        self.push_screen(
            SettingsScreen(self.session, themes=themes, on_saved=self.apply_settings, field=field)
        )

    def apply_settings(self, settings: Settings) -> None:
        """Saved settings take effect: the theme now, the language on every open screen."""
        self.apply_theme(settings.theme)
        self._set_cursor(self.focused, settings.cursor_blink)
        if settings.language != self.language:
            self.language = settings.language
            for screen in self.screen_stack:
                screen.post_message(LanguageChanged(settings.language))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A text box takes the cursor the settings ask for as it gains focus."""
        if self.session is not None:
            self._set_cursor(event.widget, self.session.settings.cursor_blink)

    @staticmethod
    def _set_cursor(widget: object, blink: bool) -> None:
        from textual.widgets import Input, TextArea  # loaded by then: the screens use them

        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = blink

    def apply_theme(self, name: str) -> None:
        if name == self.theme:
            return
        if name not in self.available_themes:
            self.notify(f"unknown theme {name!r}: kept {self.theme}", severity="warning")
            return
        self.theme = name

    def action_help(self) -> None:
        from quiz.ui.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.keymap, current=type(self.screen).__name__))

    def load_keymap(self) -> None:
        """Apply ``keymap.toml`` if there is one; a bad file or entry is a notification."""
        if self.keymap_file is None or not self.keymap_file.exists():
            return
        from quiz.ui.keymap import load_keymap

        loaded = load_keymap(self.keymap_file)
        self.keymap = loaded.keys
        self.set_keymap(loaded.keys)
        for problem in loaded.problems:
            self.notify(problem, title="keymap", severity="warning", timeout=10)
        if loaded.keys:
            self.call_after_refresh(self._check_keymap_ids)

    def _check_keymap_ids(self) -> None:
        from quiz.ui.help import known_ids
        from quiz.ui.keymap import unknown_ids

        unknown = unknown_ids(self.keymap, known_ids(type(self)))
        if unknown:
            self.notify(
                f"{self.keymap_file}: no key has the id {', '.join(unknown)} (? lists the ids)",
                title="keymap",
                severity="warning",
                timeout=10,
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands, less Quit (the app's commands have it)."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def _home(self) -> HomeScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)

    async def _home_action(self, action: str) -> None:
        """Run one of Home's actions, whichever screen is on top (the palette's way in)."""
        home = self._home()
        if home is not None:
            await home.run_action(action)

    def action_open_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    async def action_review_all(self) -> None:
        await self._home_action("review_all")

    async def action_practice(self) -> None:
        await self._home_action("practice")

    async def action_browse(self) -> None:
        await self._home_action("browse")

    async def action_stats(self) -> None:
        await self._home_action("stats")

    async def action_author(self) -> None:
        await self._home_action("author")

    # -- the editor --------------------------------------------------------------------

    def edit_file(self, path: Path, line: int) -> bool:
        """Open ``path`` at ``line`` in $VISUAL or $EDITOR; True once the editor has closed."""
        command = editor_command(path, line)
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify("cannot open an editor in this terminal", severity="error")
            return False
        except OSError as error:
            self.notify(f"cannot run {command[0]}: {error.strerror or error}", severity="error")
            return False
        return True

    # -- errors ------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.name == "open":  # the engine could not be imported
            self._could_not_open(f"the review engine could not start: {event.worker.error}")
            return
        self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """Every worker's failure ends here, as one notification (never a traceback).

        Worker state messages do not bubble, so screens pass their failed workers on.
        """
        self.notify(f"{worker.error}", title=f"{worker.name or 'work'} failed", severity="error")


def editor_command(path: Path, line: int, environ: dict[str, str] | None = None) -> list[str]:
    """The command that opens ``path`` at ``line`` in the learner's editor."""
    env = os.environ if environ is None else environ
    editor = shlex.split(env.get("VISUAL") or env.get("EDITOR") or "vi")
    name = Path(editor[0]).name
    if name in ("code", "codium", "code-insiders"):
        return [*editor, "--wait", "--goto", f"{path}:{line}"]
    if name in ("hx", "helix", "subl", "zed"):
        return [*editor, f"{path}:{line}"]
    return [*editor, f"+{line}", str(path)]


def _hosts(app: TorchQuizApp) -> QuizHost:
    return app  # the type checker holds the app to the interface its screens use
