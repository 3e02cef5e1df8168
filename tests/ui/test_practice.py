"""Practice from Home: a drill of a deck or a tag that leaves the schedule alone."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Checkbox, OptionList

from quiz.review.practice import Practice
from quiz.ui.home import HomeScreen
from quiz.ui.practice import PracticeDialog
from quiz.ui.review import ReviewScreen
from quiz.ui.summary import SummaryScreen
from quiz.ui.verdict import RatingBar

from .pilots import launched, until

INTERVAL = re.compile(r"<1m|\b\d+(\.\d)?(m|h|d|mo|y)\b")  # as format_interval writes them


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


DRILL = """\
deck: reductions-and-norms
title:
  en: Reductions and norms, with a title long enough to be cut
  zh: 归约与范数:sum、mean、max、argmax、topk、norm 以及它们的 dim 与 keepdim 参数
cards:
  - id: sum-of-a-row-and-what-keepdim-does
    kind: flash
    front: What does `torch.ones(2, 3).sum(dim=1, keepdim=True)` give?
    back: "tensor([[3.], [3.]]): shape (2, 1)."
"""


async def test_an_uncounted_drill_reads_as_such(app_factory, deck_folder):
    """The checkbox says its state in words; an uncounted drill shows no intervals, a
    counted one does (issue 18, 5)."""
    (deck_folder / "drill.yaml").write_text(DRILL, encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await launched(pilot)
        for counted in (False, True):
            await pilot.press("p")
            dialog = app.screen
            box = dialog.query_one(Checkbox)
            assert str(box.label).startswith("counted: no")
            if counted:
                await pilot.press("c")
                assert str(box.label).startswith("counted: yes")
            options = dialog.query_one(OptionList)
            options.highlighted = options.get_option_index("deck:reductions-and-norms")
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            await pilot.press("space")  # flip: the ratings are shown
            ratings = str(screen.query_one(RatingBar).plain)
            assert "3 Good" in ratings
            assert bool(INTERVAL.search(ratings)) is counted, ratings
            await pilot.press("escape")  # nothing rated: straight back to Home
            await until(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_an_uncounted_drill_snapshot(app_factory, deck_folder, snap_compare, size):
    """The header keeps "practice ..., not counted" whole; the ratings have no intervals."""
    (deck_folder / "drill.yaml").write_text(DRILL, encoding="utf-8")

    async def drill(pilot) -> None:
        await launched(pilot)
        await pilot.press("p")
        options = pilot.app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("deck:reductions-and-norms")
        await pilot.press("enter", "space")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app_factory(), terminal_size=size, run_before=drill)
