"""Home finds decks written while the app runs: F5, and the return from Author.

No torch: the judge is a real ``Judge`` (Author asks for one) over a stand-in client
that is never asked to run anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable

from quiz.judge.judge import Judge
from quiz.launch import make_app
from quiz.ui.author import AuthorScreen
from quiz.ui.help import section_rows
from quiz.ui.home import HomeScreen

from .pilots import ReadyClient, launched, record_notifications, until
from .screen_host import DECK, OTHER

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
LATER = OTHER.replace("deck: shapes", "deck: later").replace("title: Shapes", "title: Later")


def _slugs(app) -> list[str]:
    table = app.screen.query_one("#decks", DataTable)
    return [str(key.value) for key in table.rows]


async def test_a_deck_written_while_the_app_runs_shows_after_f5_and_after_author(tmp_path: Path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tensors.yaml").write_text(DECK)
    app = make_app(
        tmp_path / "progress.sqlite3",
        decks=[folder],
        judge=Judge(ReadyClient()),  # type: ignore[arg-type]  (never asked to run)
        sandbox=ReadyClient,
        clock=lambda: T0,
        tz=UTC,
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        shown = record_notifications(app)
        assert _slugs(app) == ["tensors"]
        (folder / "shapes.yaml").write_text(OTHER)
        await pilot.press("f5")
        await until(pilot, lambda: "shapes" in _slugs(app), "the new deck on Home")
        assert any(n.title == "decks reloaded" and "new: shapes" in n.message for n in shown)
        assert app.session.deck("shapes").cards[0].id == "view-shape"  # studied, not only shown
        await pilot.press("f5")  # nothing new: said so
        await until(pilot, lambda: any("no deck was added" in n.message for n in shown))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AuthorScreen), "Author")
        (folder / "later.yaml").write_text(LATER)
        await pilot.press("escape")
        await until(pilot, lambda: "later" in _slugs(app), "the deck written meanwhile")
        assert isinstance(app.screen, HomeScreen)
    assert "home.reload" in {row.binding_id for row in section_rows(HomeScreen, {})}
