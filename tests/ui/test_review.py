"""Studying a real deck end to end through the app, with the real sandbox judge."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Label, Markdown

from quiz.review.cards import CardRef, get_card
from quiz.ui.answer import AnswerLine, CodeBox
from quiz.ui.confirm import ConfirmScreen
from quiz.ui.home import HomeScreen
from quiz.ui.review import ReviewScreen, ReviewStep
from quiz.ui.summary import SummaryScreen
from quiz.ui.verdict import RatingBar, VerdictPanel

from .pilots import launched, until


def reviews(app) -> list[dict]:
    return app.session.store.query("SELECT card_id, rating, answer, outcome FROM reviews")


def panel_text(app) -> str:
    return app.screen.query_one(VerdictPanel).plain.plain


async def answer(pilot, text: str) -> None:
    await pilot.press(*text) if text else None
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def current_id(app) -> str:
    assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
    return app.screen.card.ref.card_id


async def test_enter_on_home_studies_the_selected_deck(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == [
            "Comparisons",
            "Tensor arithmetic",
        ]
        await pilot.press("down", "enter")
        assert isinstance(app.screen, ReviewScreen)
        assert app.session.focused == ("tensor-math",)
        assert current_id(app) == "clamp-both"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_a_whole_deck_of_every_kind(app_factory):
    app = app_factory(review=["tensor-math"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        # output, wrong: the verdict, the intervals, Again suggested and accepted with Enter
        assert current_id(app) == "clamp-both"
        await pilot.press("ctrl+t")  # the hint, while the answer box has the focus
        assert "clamp(min, max)" in str(screen.query_one("#hint").content)
        await answer(pilot, "[2, 5, 5]")
        assert screen.phase is ReviewStep.ANSWERED
        assert "✗" in panel_text(app) and "expected: tensor([2, 5, 3])" in panel_text(app)
        bar = screen.query_one(RatingBar).plain.plain
        assert "1 Again 1m" in bar and "3 Good 10m" in bar and "Enter: Again" in bar
        await pilot.press("enter")
        assert reviews(app) == [
            {"card_id": "clamp-both", "rating": 1, "answer": "[2, 5, 5]", "outcome": "wrong"}
        ]
        # code, in the multi-line box: ctrl+j adds a line, Enter submits
        assert current_id(app) == "column-sums"
        box = screen.query_one(CodeBox)
        assert box.display and box.has_focus and not screen.query_one(AnswerLine).display
        await pilot.press(*"m", "ctrl+j", *".sum(dim=0)")
        assert box.text == "m\n.sum(dim=0)"  # lines are read as one expression
        await answer(pilot, "")
        assert "✓" in panel_text(app)
        await pilot.press("3")  # Good, chosen by number
        # cloze: an alias is right too
        assert current_id(app) == "clamp-name"
        await answer(pilot, "clip")
        assert "✓" in panel_text(app)
        await pilot.press("2")
        # choice by number
        assert current_id(app) == "mm-batches"
        assert "2. `torch.matmul`" in screen.query_one("#prompt", Markdown).source
        await answer(pilot, "2")
        assert "✓" in panel_text(app)
        await pilot.press("4")
        # flash: Space shows the back and the live demo value, then 1-4
        assert current_id(app) == "rsqrt"
        assert screen.phase is ReviewStep.FRONT
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "1 / sqrt(x)" in screen.query_one("#back", Markdown).source
        assert "tensor([0.5000, 0.2500])" in str(screen.query_one("#demo").content)
        await pilot.press("3")
        # the first card comes back (learning, after Again) before the summary
        assert [r["rating"] for r in reviews(app)] == [1, 3, 2, 4, 3]


async def test_undo_bury_and_suspend(app_factory):
    app = app_factory(review=["tensor-math"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        await answer(pilot, "[2, 5, 3]")
        await pilot.press("3")
        assert current_id(app) == "column-sums" and len(reviews(app)) == 1
        await pilot.press("tab", "u")  # leave the answer box, then undo
        assert reviews(app) == [] and current_id(app) == "clamp-both"
        assert screen.tally.reviewed == 0
        await pilot.press("tab", "b")
        assert current_id(app) == "column-sums"
        store = app.session.store
        assert get_card(store, CardRef("tensor-math", "clamp-both")).buried_until is not None
        await pilot.press("tab", "s")  # asks first, as Browse's card page does
        assert isinstance(app.screen, ConfirmScreen) and "Suspend tensor-math/column-sums?" in (
            str(app.screen.query_one("#confirm-question", Label).content)
        )
        await pilot.press("escape")  # no: the card stays
        assert app.screen is screen and current_id(app) == "column-sums"
        assert not get_card(store, CardRef("tensor-math", "column-sums")).suspended
        await pilot.press("s", "y")
        assert current_id(app) == "clamp-name"
        assert get_card(store, CardRef("tensor-math", "column-sums")).suspended


async def test_the_summary_ends_the_review(app_factory):
    app = app_factory(review=["bilingual"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await answer(pilot, "tensor([True, False])")
        await pilot.press("enter")  # Easy or Good: the only card is done for today
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen.summary
        assert (summary.reviewed, summary.right) == (1, 1) and summary.next_due is not None
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)


async def test_edit_reloads_the_deck_at_the_cards_line(app_factory, deck_folder: Path):
    app = app_factory(review=["bilingual"])
    opened: list[tuple[Path, int]] = []

    def fake_editor(path: Path, line: int) -> bool:
        opened.append((path, line))
        text = path.read_text(encoding="utf-8").replace("What does `eq` return?", "Edited?")
        path.write_text(text, encoding="utf-8")
        return True

    app.edit_file = fake_editor  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("tab", "e")
        assert opened == [(deck_folder / "bilingual.yaml", 6)]
        assert "Edited?" in app.screen.query_one("#prompt", Markdown).source


async def test_a_card_suspended_in_browse_leaves_the_review(app_factory):
    """Suspending the card being studied from Browse (through the palette) drops it: back
    on the review screen, the next card is shown, not the suspended one."""
    app = app_factory(review=["tensor-math"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        assert current_id(app) == "clamp-both"
        from quiz.ui.browse import BrowseScreen
        from quiz.ui.card import CardScreen

        app.push_screen(BrowseScreen(app.session, language="en"))
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen), "Browse")
        browse = app.screen
        await until(pilot, lambda: browse.settled, "Browse's cards")
        table = browse.query_one("#browse-cards")
        row = next(i for i, r in enumerate(browse.rows) if r.ref.card_id == "clamp-both")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CardScreen), "the card")
        await pilot.press("s", "y")  # suspending asks first
        store = app.session.store
        ref = CardRef("tensor-math", "clamp-both")
        await until(pilot, lambda: get_card(store, ref).suspended, "the suspension")
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is screen, "the review screen")
        assert current_id(app) != "clamp-both"
