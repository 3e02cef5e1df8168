"""Snapshots of the review screens at 100x32 (record with --snapshot-update, then look)."""

from __future__ import annotations

import pytest

from quiz.ui.answer import AnswerLine

from .pilots import launched, until


async def _settle(pilot) -> None:

    await launched(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def review_app(app_factory):
    return lambda: app_factory(review=["tensor-math"])


def test_review_before_answering(review_app, snap_compare):
    assert snap_compare(review_app(), terminal_size=(100, 32), run_before=_settle)


def test_review_after_a_wrong_answer(review_app, snap_compare):
    async def answer_wrong(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"[2, 5, 5]", "enter")
        await _settle(pilot)

    assert snap_compare(review_app(), terminal_size=(100, 32), run_before=answer_wrong)


def test_review_code_card(review_app, snap_compare):
    async def code_card(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"[2, 5, 3]", "enter")
        await _settle(pilot)
        await pilot.press("3", *"m.sum(", "ctrl+j", *"dim=0)")
        await _settle(pilot)

    assert snap_compare(review_app(), terminal_size=(100, 32), run_before=code_card)


def test_summary(app_factory, snap_compare):
    async def finish(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"tensor([True, False])", "enter")
        await _settle(pilot)
        await pilot.press("4")  # Easy: done for today, so the review ends
        await _settle(pilot)

    app = app_factory(review=["bilingual"])
    assert snap_compare(app, terminal_size=(100, 32), run_before=finish)


SHOWN_DECK = """\
deck: shown
title: Shown
cards:
  - id: pick
    kind: choice
    prompt: Which of these multiply batches of matrices?
    options: [torch.mm, torch.matmul, torch.dot, torch.bmm, none of these]
    answer: [torch.matmul, torch.bmm]
    pin: [none of these]
  - id: clamp
    kind: output
    fresh: true
    prompt: What does `x.clamp(2, 5)` give?
    given: {x: "torch.randint(0, 10, (4,))"}
    expr: x.clamp(2, 5)
"""


@pytest.fixture
def shown_app(app_factory, tmp_path):
    folder = tmp_path / "shown"
    folder.mkdir()
    (folder / "shown.yaml").write_text(SHOWN_DECK, encoding="utf-8")
    return lambda: app_factory(decks=[folder], review=["shown"])


def test_review_shuffled_choice_after_a_wrong_answer(shown_app, snap_compare):
    async def answer_wrong(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"1, 2", "enter")
        await _settle(pilot)

    assert snap_compare(shown_app(), terminal_size=(100, 32), run_before=answer_wrong)


def test_review_fresh_values(shown_app, snap_compare):
    async def fresh_card(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"1, 2", "enter")
        await _settle(pilot)
        await pilot.press("1")
        await _settle(pilot)
        # the answer box opens (enabled, focused) once the fresh values are drawn
        await until(pilot, lambda: isinstance(pilot.app.focused, AnswerLine), "the open box")

    assert snap_compare(shown_app(), terminal_size=(100, 32), run_before=fresh_card)
