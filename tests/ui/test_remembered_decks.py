"""A deck opened by path comes back on Home after a restart, and says so when it is gone.

Runs without torch: the judge is a stand-in and the sandbox client is "ready".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable

from quiz.judge.verdict import Outcome, Verdict
from quiz.launch import make_app
from quiz.ui.app import TorchQuizApp
from quiz.ui.home import HomeScreen
from quiz.ui.review import ReviewScreen

from .pilots import ReadyClient, launched

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)

ELSEWHERE_DECK = """format: 1
deck: my-deck
title: "My own deck"
cards:
  - id: rsqrt
    kind: flash
    front: What does `x.rsqrt()` compute?
    back: 1 / sqrt(x), element-wise.
"""


class StandInJudge:
    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        return Verdict(Outcome.RIGHT, "right")


def build(folder: Path, db_path: Path, **options) -> TorchQuizApp:
    return make_app(
        db_path,
        decks=[folder],
        judge=StandInJudge(),
        sandbox=ReadyClient,
        clock=lambda: T0,
        tz=UTC,
        **options,
    )


def home_titles(app: TorchQuizApp) -> list[str]:
    table = app.screen.query_one("#decks", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_a_deck_opened_by_path_is_on_home_after_a_restart(
    deck_folder: Path, db_path: Path, tmp_path: Path
):
    elsewhere = tmp_path / "somewhere" / "my-deck.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(ELSEWHERE_DECK, encoding="utf-8")
    first = build(deck_folder, db_path, review=[str(elsewhere)])  # torch-quiz review PATH
    async with first.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert isinstance(first.screen, ReviewScreen)

    again = build(deck_folder, db_path)  # torch-quiz, with no deck named
    async with again.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert isinstance(again.screen, HomeScreen)
        assert "My own deck" in home_titles(again)

    elsewhere.unlink()  # gone: listed once among the problems Home shows, progress kept
    gone = build(deck_folder, db_path)
    said = [str(problem) for problem in gone.problems if "my-deck" in str(problem)]
    assert len(said) == 1 and "which is gone; its progress is kept" in said[0]
    assert "my-deck" not in {deck.slug for deck in gone.decks}
