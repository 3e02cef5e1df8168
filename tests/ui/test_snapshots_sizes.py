"""Every screen at 100x32 and at 80x24, with Chinese text, wide output and long verdicts.

``test_snapshots.py``, ``test_app.py`` and the Browse / Stats / Author tests hold the
other snapshots; this file adds the sizes and screens they lack. Record with
``--snapshot-update``, then look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .pilots import launched

SIZES = [(100, 32), (80, 24)]

WIDE = """\
deck: wide
title: {en: Wide text and long outputs, zh: 宽字符与长输出}
cards:
  - id: long-grid
    kind: output
    prompt:
      en: What does this give?
      zh: 这个表达式的结果是什么?(注意形状与数值)
    expr: torch.arange(120).reshape(12, 10)
    explain:
      en: arange counts from 0 and reshape fills row by row.
      zh: >-
        arange 从 0 开始计数,reshape 按行填充:第一行是 0 到 9,
        第二行是 10 到 19,依此类推,一共十二行。
  - id: rsqrt-flash
    kind: flash
    front: {en: What does `x.rsqrt()` compute?, zh: "`x.rsqrt()` 计算什么?"}
    back: {en: "1 / sqrt(x), element-wise.", zh: 逐元素计算 1 / sqrt(x)。}
    demo: torch.tensor([4., 16.]).rsqrt()
"""


async def _settle(pilot) -> None:

    await launched(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.fixture
def wide_app(app_factory, deck_folder: Path):
    (deck_folder / "wide.yaml").write_text(WIDE, encoding="utf-8")
    return lambda **options: app_factory(review=["wide"], language="zh", **options)


@pytest.mark.parametrize("size", SIZES)
def test_chinese_review_before_answering(wide_app, snap_compare, size):
    assert snap_compare(wide_app(), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES)
def test_chinese_long_verdict_scrolls(wide_app, snap_compare, size):
    async def answer_wrong(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"[[0, 1], [2, 3]]", "enter")
        await _settle(pilot)

    assert snap_compare(wide_app(), terminal_size=size, run_before=answer_wrong)


@pytest.mark.parametrize("size", SIZES)
def test_flash_back(wide_app, snap_compare, size):
    async def flip(pilot) -> None:
        await launched(pilot)
        await _settle(pilot)
        await pilot.press("tab", "b")  # bury the output card: the flash card is next
        await _settle(pilot)
        await pilot.press("space")
        pilot.app.clear_notifications()
        await _settle(pilot)

    assert snap_compare(wide_app(), terminal_size=size, run_before=flip)


def test_review_before_answering_80x24(app_factory, snap_compare):
    app = app_factory(review=["tensor-math"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def test_review_after_a_wrong_answer_80x24(app_factory, snap_compare):
    async def answer_wrong(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"[2, 5, 5]", "enter")
        await _settle(pilot)

    app = app_factory(review=["tensor-math"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=answer_wrong)


def test_summary_80x24(app_factory, snap_compare):
    async def finish(pilot) -> None:
        await launched(pilot)
        await pilot.press(*"tensor([True, False])", "enter")
        await _settle(pilot)
        await pilot.press("4")
        await _settle(pilot)

    app = app_factory(review=["bilingual"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=finish)


LONG_TITLE = """\
deck: long-title
title:
  en: Reductions and norms, with a title long enough to be cut
  zh: 归约与范数:sum、mean、max、argmax、topk、norm 以及它们的 dim 与 keepdim 参数
cards:
  - {id: one, kind: flash, front: Front, back: Back}
"""


@pytest.mark.parametrize("size", SIZES)
def test_practice_dialog(app_factory, deck_folder: Path, snap_compare, size):
    """Chinese titles stay on their option's line (cut, not wrapped); the checkbox says
    "counted: yes" in words; the buttons stay in view at 80x24."""
    (deck_folder / "long-title.yaml").write_text(LONG_TITLE, encoding="utf-8")

    async def open_dialog(pilot) -> None:
        await launched(pilot)
        await pilot.press("p", "c")
        await _settle(pilot)

    app = app_factory(language="zh")
    assert snap_compare(app, terminal_size=size, run_before=open_dialog)


@pytest.mark.parametrize("size", SIZES)
def test_settings(app_factory, snap_compare, size):
    async def open_settings(pilot) -> None:
        await launched(pilot)
        await pilot.press("o")
        await _settle(pilot)
        pilot.app.screen.query_one("#settings-desired_retention").value = "1.5"
        await _settle(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=open_settings)


@pytest.mark.parametrize("size", SIZES)
def test_help(app_factory, snap_compare, size):
    async def open_help(pilot) -> None:
        await launched(pilot)
        await pilot.press("f1")
        await _settle(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=open_help)


@pytest.mark.parametrize("size", SIZES)
def test_chinese_home(wide_app, app_factory, snap_compare, size):
    assert snap_compare(app_factory(language="zh"), terminal_size=size, run_before=_settle)


async def test_pagedown_scrolls_a_long_verdict(wide_app):
    from quiz.ui.verdict import VerdictPanel

    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await launched(pilot)
        await pilot.press(*"[[0, 1], [2, 3]]", "enter")
        await _settle(pilot)
        panel = app.screen.query_one(VerdictPanel)
        assert panel.max_scroll_y > 0  # longer than its room: it scrolls
        await pilot.press("pagedown")
        await pilot.pause()
        assert panel.scroll_y > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert panel.scroll_y == 0


def test_wide_titles_are_cut_by_terminal_cells():
    from rich.cells import cell_len

    from quiz.ui.home import _cut

    cut = _cut("自动求导：requires_grad、backward" * 3, 21)
    assert cell_len(cut) == 21 and cut.endswith("…")
    assert _cut("广播规则", 8) == "广播规则"
