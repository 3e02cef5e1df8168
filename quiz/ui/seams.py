"""The typed seam between the screens and the app that hosts them.

Screens never import ``quiz.ui.app`` (the app imports them), and they never reach the
app by ``getattr`` on a name: they ask ``host(self.app)`` for what ``QuizHost``
declares, so a rename fails in the type checker instead of at a key press. What the
app tells the screens travels downward as messages (``LanguageChanged``); what a
screen asks of the app travels upward through these methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from textual.app import App
from textual.message import Message
from textual.worker import Worker

if TYPE_CHECKING:
    from quiz.deck.check import DeckSet
    from quiz.deck.model import Deck
    from quiz.review.session import Session


class TorchState(StrEnum):
    """Where the sandbox worker is: loading torch, ready to judge, or unable to start."""

    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class QuizHost(Protocol):
    """What a screen may ask of the torch-quiz app."""

    @property
    def session(self) -> Session | None:
        """The study façade, None until progress is open."""
        ...

    @property
    def decks(self) -> Sequence[Deck]:
        """The decks shown on Home, known before progress is open."""
        ...

    @property
    def language(self) -> str: ...

    @property
    def keymap(self) -> Mapping[str, str]:
        """The learner's key remapping (binding id → keys)."""
        ...

    @property
    def torch_state(self) -> TorchState: ...

    def session_ready(self) -> bool:
        """Whether progress is open; if not, the learner is told it is still opening."""
        ...

    def find_decks(self) -> DeckSet:
        """The decks loaded again from where they were found (reads files: off the UI thread)."""
        ...

    def deck_source(self, deck: Deck) -> str | None:
        """Where ``deck`` came from when Home should say so (a pack, a file opened by
        path); None for the folders searched."""
        ...

    def learners_own(self, deck: Deck) -> bool:
        """Whether ``deck``'s file is the learner's to add cards to (not bundled, not a pack's)."""
        ...

    def start_review(self, slugs: Sequence[str] | None) -> None: ...

    def choose_practice(self, selected: str | None) -> None: ...

    def open_settings(self, field: str | None = None) -> None:
        """Open Settings with the focus on ``field`` (a settings key; None: the first)."""
        ...

    def edit_file(self, path: Path, line: int) -> bool:
        """Open ``path`` at ``line`` in the learner's editor; True once it has closed."""
        ...

    def worker_failed(self, worker: Worker[object]) -> None:
        """Report a failed Textual worker as one notification."""
        ...


def host(app: App[object]) -> QuizHost:
    """The app a screen runs in, as the interface screens may use."""
    return cast(QuizHost, app)


class LanguageChanged(Message, bubble=False):
    """Sent to every open screen when the learner switches the decks' language."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language


class FollowsLanguage:
    """A screen that shows deck text: it switches language when the learner does."""

    language: str

    def on_language_changed(self, message: LanguageChanged) -> None:
        self.language = message.language


class ProgressOpened(Message, bubble=False):
    """Sent to Home when progress is open: its figures can be read, in ``language``."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
