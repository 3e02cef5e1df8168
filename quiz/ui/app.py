"""The Textual application: wiring only. It is handed a session and a judge's client.

``make_app`` is the factory the CLI and the tests share: it opens the study session
(``quiz.review.opening``) with a judge on a sandbox worker, or with whatever judge a
test passes. The app warms the worker up in the background so the first frame is
drawn before torch loads, reports errors from every worker in one place, and opens
the screens.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.app import App, SuspendNotSupported
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from quiz.deck.diagnostics import Diagnostic
from quiz.review.clock import Clock, system_clock
from quiz.review.errors import ReviewError, StoreError
from quiz.review.opening import open_study
from quiz.review.session import AnswerJudge, Session
from quiz.ui.home import HomeScreen

if TYPE_CHECKING:
    from quiz.ui.practice import PracticeChoice


class Warmable(Protocol):
    """What the app needs from the sandbox client: start it early, know when it is ready."""

    @property
    def ready(self) -> bool: ...

    def warm_up(self) -> threading.Thread | None: ...

    def close(self) -> None: ...


class TorchQuizApp(App[None]):
    TITLE = "torch-quiz"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False)]

    def __init__(
        self,
        session: Session,
        *,
        client: Warmable | None = None,
        language: str = "en",
        review: Sequence[str] | None = None,
        problems: Sequence[Diagnostic] = (),
    ) -> None:
        super().__init__()
        self.session = session
        self.client = client
        self.language = language
        self.review_on_start = tuple(review) if review is not None else None
        self.problems = tuple(problems)
        self._warming: threading.Thread | None = None

    # -- start-up ----------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.client is not None:
            self._warming = self.client.warm_up()
        self.push_screen(HomeScreen(self.language))
        if self.problems:
            shown = "\n".join(str(d) for d in self.problems[:5])
            more = f"\n… and {len(self.problems) - 5} more" if len(self.problems) > 5 else ""
            self.notify(
                f"Skipped decks with problems:\n{shown}{more}",
                title="torch-quiz check",
                severity="warning",
                timeout=10,
            )
        if self.review_on_start is not None:
            self.start_review(list(self.review_on_start) or None)  # (): everything due

    @property
    def torch_state(self) -> str:
        """``ready``, ``loading`` or ``failed`` (the worker could not start)."""
        if self.client is None or self.client.ready:
            return "ready"
        warming = self._warming
        if warming is not None and not warming.is_alive():
            return "failed"
        return "loading"

    @property
    def torch_ready(self) -> bool:
        return self.torch_state == "ready"

    def on_unmount(self) -> None:
        self.session.close()
        if self.client is not None:
            self.client.close()

    # -- studying ----------------------------------------------------------------------

    # The study screens are imported when first opened: the first frame does not wait.

    def start_review(self, slugs: Sequence[str] | None) -> None:
        """Review the decks ``slugs`` (None: everything due)."""
        from quiz.ui.review import ReviewScreen

        try:
            self.session.focus(slugs)
        except ReviewError as error:
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
        except (ReviewError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        title = f"Practice {drill.name}"
        self.push_screen(ReviewScreen(drill, title=title, language=self.language))

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
        if event.state is WorkerState.ERROR:
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


def make_app(
    db_path: Path,
    *,
    decks: Sequence[Path] | None = None,
    review: Sequence[str] | None = None,
    judge: AnswerJudge | None = None,
    client: Warmable | None = None,
    language: str = "en",
    clock: Clock = system_clock,
    tz: tzinfo | None = None,
) -> TorchQuizApp:
    """The app on ``db_path``: the bundled and the learner's decks (or ``decks``).

    Without a ``judge`` it judges with a sandbox worker, warmed up once the app runs.
    ``review`` names decks (slugs or deck files) to review at once. Raises StoreError
    for an unusable database and ReviewError for an unknown deck name.
    """
    if judge is None:
        from quiz.judge.client import WorkerClient
        from quiz.judge.judge import Judge

        worker = WorkerClient()
        client = worker if client is None else client
        judge = Judge(worker)
    opened = open_study(db_path, judge, decks=decks, review=review, clock=clock, tz=tz)
    return TorchQuizApp(
        opened.session,
        client=client,
        language=language,
        review=opened.review,
        problems=opened.problems,
    )
