"""Bad input never crashes the app: unreadable answers, broken cards, failing judges."""

from __future__ import annotations

from pathlib import Path

from quiz.judge.verdict import Verdict
from quiz.ui.answer import AnswerLine
from quiz.ui.review import ReviewScreen, ReviewStep
from quiz.ui.verdict import VerdictPanel

from .pilots import launched, record_notifications

BROKEN = """\
deck: broken-cards
title: Broken cards
cards:
  - id: bad-given
    kind: output
    given: {x: "torch.ones(2) @ torch.ones(3)"}
    expr: x + 1
  - id: fine
    kind: output
    expr: torch.tensor([1, 2]) + 1
"""


async def submit(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_unreadable_answer_is_explained_and_can_be_retyped(app_factory):
    app = app_factory(review=["tensor-math"])
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        await submit(pilot, "x.clamp(2, 5)")
        assert screen.phase is ReviewStep.ANSWERING
        assert "?" in screen.query_one(VerdictPanel).plain.plain
        box = screen.query_one(AnswerLine)
        assert box.has_focus and not box.disabled
        await pilot.press("1")  # typed into the box, not a rating
        assert app.session.store.scalar("SELECT count(*) FROM reviews") == 0
        box.value = ""
        await submit(pilot, "[2, 5, 3]")
        assert screen.phase is ReviewStep.ANSWERED


async def test_a_broken_card_offers_bury_and_suspend(app_factory, deck_folder: Path):
    (deck_folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    app = app_factory(review=["broken-cards"])
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        await submit(pilot, "[2, 3]")
        assert screen.phase is ReviewStep.UNGRADABLE
        assert "cannot be graded" in screen.query_one(VerdictPanel).plain.plain
        await pilot.press("enter", "3")  # no rating for a card that could not be judged
        assert app.session.store.scalar("SELECT count(*) FROM reviews") == 0
        await pilot.press("b")
        assert screen.card.ref.card_id == "fine"
        assert any("buried" in m for m in [note.message for note in shown])


class ExplodingJudge:
    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        raise RuntimeError("the judge fell over")


async def test_a_failing_judge_is_a_notification_and_the_box_reopens(app_factory):
    app = app_factory(review=["tensor-math"], judge=ExplodingJudge())
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        await submit(pilot, "[1]")
        assert isinstance(app.screen, ReviewScreen)
        assert screen.phase is ReviewStep.ANSWERING
        assert screen.query_one(AnswerLine).has_focus
        assert any("the judge fell over" in m for m in [note.message for note in shown])


async def test_an_empty_answer_is_not_judged(app_factory):
    app = app_factory(review=["tensor-math"])
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("enter")
        assert app.screen.phase is ReviewStep.ANSWERING
        assert any("type an answer first" in m for m in [note.message for note in shown])


async def test_an_editor_that_breaks_the_deck_keeps_the_old_one(app_factory, deck_folder: Path):
    app = app_factory(review=["bilingual"])
    shown = record_notifications(app)

    def breaking_editor(path: Path, line: int) -> bool:
        path.write_text("deck: bilingual\ntitle: [\n", encoding="utf-8")
        return True

    app.edit_file = breaking_editor  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await pilot.press("tab", "e")
        assert any("bilingual.yaml:3:1" in m for m in [note.message for note in shown])
        assert app.screen.card.ref.card_id == "eq-dtype"
