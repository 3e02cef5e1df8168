"""The Textual application: screens and keys only; decks come in already loaded."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from quiz.deck.check import DeckSet
from quiz.ui.home import HomeScreen


class TorchQuizApp(App[None]):
    TITLE = "torch-quiz"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False)]

    def __init__(self, decks: DeckSet, db_path: Path, language: str = "en") -> None:
        super().__init__()
        self.decks = decks
        self.db_path = db_path
        self.language = language

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.decks, self.language))
        problems = self.decks.errors
        if problems:
            shown = "\n".join(str(d) for d in problems[:5])
            more = f"\n… and {len(problems) - 5} more" if len(problems) > 5 else ""
            self.notify(
                f"Skipped decks with problems:\n{shown}{more}",
                title="torch-quiz check",
                severity="warning",
                timeout=10,
            )
