"""Snapshots of the review screens at 100x32 (record with --snapshot-update, then look)."""

from __future__ import annotations

import pytest

from .pilots import launched


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
