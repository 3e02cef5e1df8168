"""The answer box says what may be typed for the card's kind, in the decks' language.

Through the app with a stand-in judge (no torch): an output card's one-line box, then a
code card's multi-line box, in Chinese; the help screen says the same in English.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.cells import cell_len

from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.launch import make_app
from quiz.ui.answer import AnswerLine, CodeBox
from quiz.ui.help import NOTES
from quiz.ui.prompt import ANSWER_PLACEHOLDERS
from quiz.ui.review import ReviewScreen, ReviewStep

from .pilots import ReadyClient, launched, until
from .screen_host import DECK

T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


class RightJudge:
    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        return Verdict(Outcome.RIGHT, "right", suggested=Rating.GOOD)


def test_each_kind_says_what_to_type_in_a_line_that_fits_80_columns():
    for language, placeholders in ANSWER_PLACEHOLDERS.items():
        assert set(placeholders) == {"output", "code", "cloze", "choice"}, language
        for kind, text in placeholders.items():
            assert cell_len(text) <= 70, (language, kind)
    english = ANSWER_PLACEHOLDERS["en"]
    assert "tensor([" in english["output"] and "[2, 5, 3]" in english["output"]
    assert "lines ending in" in english["code"] and "ctrl+j" in english["code"]
    assert "1, 3" in english["choice"]
    help_text = NOTES["ReviewScreen"]
    assert all(f" {kind} card" in help_text for kind in ("output", "code", "cloze", "choice"))


async def test_the_review_box_shows_what_to_type_in_the_decks_language(tmp_path: Path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tensors.yaml").write_text(DECK)
    app = make_app(
        tmp_path / "progress.sqlite3",
        decks=[folder],
        judge=RightJudge(),
        sandbox=ReadyClient,
        language="zh",
        clock=lambda: T0,
        tz=UTC,
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("enter")  # study the deck: an output card, then a code card
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review screen")
        line = app.screen.query_one(AnswerLine)
        assert line.placeholder == ANSWER_PLACEHOLDERS["zh"]["output"]
        assert "它的值" in line.placeholder
        await pilot.press("1", "enter")
        await until(pilot, lambda: app.screen.phase is ReviewStep.ANSWERED, "the verdict")
        await pilot.press("3")
        code = app.screen.query_one(CodeBox)
        await until(pilot, lambda: code.display, "the code card")
        assert code.placeholder == ANSWER_PLACEHOLDERS["zh"]["code"]
