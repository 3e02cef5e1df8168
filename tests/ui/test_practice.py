"""Practice from Home: a drill of a deck or a tag that leaves the schedule alone."""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList

from quiz.review.practice import Practice
from quiz.ui.practice import PracticeDialog
from quiz.ui.review import ReviewScreen
from quiz.ui.summary import SummaryScreen

from .pilots import launched


def review_count(app) -> int:
    return app.session.store.scalar("SELECT count(*) FROM reviews")


async def test_practice_a_deck_without_touching_the_schedule(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("p")
        assert isinstance(app.screen, PracticeDialog)
        assert app.screen.query_one(OptionList).highlighted == 0  # the deck under the cursor
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and isinstance(screen.study, Practice)
        assert "practice bilingual, not counted" in str(screen.query_one("#counts").content)
        await pilot.press(*"tensor([True, False])", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.reviewed == 1
        assert review_count(app) == 0


async def test_practice_a_tag_counted(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("p")
        dialog = app.screen
        options = dialog.query_one(OptionList)
        tag_index = next(
            i
            for i in range(options.option_count)
            if options.get_option_at_index(i).id == "tag:clamp"
        )
        await pilot.press("c")
        assert dialog.query_one(Checkbox).value
        options.highlighted = tag_index
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen.study, Practice) and screen.study.counted
        assert screen.card.ref.card_id == "clamp-both"
        await pilot.press(*"[2, 5, 3]", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("3")
        assert review_count(app) == 1
