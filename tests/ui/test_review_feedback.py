"""What the review screen shows while the sandbox checks an answer, and the line of
keys under the answer box, whole at 80 columns.

Through the app with a stand-in judge that answers only when the test lets it, so the
moment between Enter and the verdict can be looked at, frame by frame: every frame the
app draws passes through ``App._display`` (Textual's, private; pyproject.toml holds
Textual to one minor version).
"""

from __future__ import annotations

import threading
from datetime import UTC
from pathlib import Path

from rich.cells import cell_len
from textual.screen import Screen

from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.launch import make_app
from quiz.ui.review import KEYS_HELP, ReviewScreen, ReviewStep
from quiz.ui.verdict import VerdictPanel

from .pilots import DEADLINE_S, ReadyClient, launched, until
from .screen_host import DECK, T0


class GatedJudge:
    """Right, once the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.asked = threading.Event()

    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        self.asked.set()
        self.gate.wait(DEADLINE_S)
        return Verdict(Outcome.RIGHT, "right", suggested=Rating.GOOD)


def app_on(tmp_path: Path, judge: object):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tensors.yaml").write_text(DECK, encoding="utf-8")
    return make_app(
        tmp_path / "progress.sqlite3",
        decks=[folder],
        review=["tensors"],
        judge=judge,
        sandbox=ReadyClient,
        clock=lambda: T0,
        tz=UTC,
    )


async def test_checking_shows_in_the_first_frame_while_the_sandbox_grades(tmp_path: Path):
    """Every frame drawn between Enter and the verdict shows "checking…" inside the
    verdict's border, never an empty box."""
    judge = GatedJudge()
    app = app_on(tmp_path, judge)
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        panel = screen.query_one(VerdictPanel)
        frames: list[tuple[int, str]] = []  # rows inside the border, and their text
        display = app._display

        def drawn(shown: Screen, update: object) -> None:
            if shown is screen and screen.phase is ReviewStep.JUDGING and panel.display:
                frames.append((panel.content_region.height, panel.plain.plain))
            display(shown, update)

        app._display = drawn  # type: ignore[method-assign]
        await pilot.press("1", "enter")
        await until(pilot, judge.asked.is_set, "the judge asked")
        await until(pilot, lambda: frames, "a frame drawn while checking")
        judge.gate.set()
        await until(pilot, lambda: screen.phase is ReviewStep.ANSWERED, "the verdict")
        assert frames and all(rows >= 1 and text == "checking…" for rows, text in frames), frames


def test_the_line_of_keys_fits_80_columns():
    for step, text in KEYS_HELP.items():
        assert cell_len(text) <= 80 - 2, step  # the line's padding


async def test_the_line_of_keys_is_whole_on_a_small_terminal(tmp_path: Path):
    judge = GatedJudge()
    judge.gate.set()
    app = app_on(tmp_path, judge)
    async with app.run_test(size=(80, 24)) as pilot:
        await launched(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for step in ("line", "answered"):
            line = screen.query_one("#keys-help")
            shown = str(line.render())
            assert shown == KEYS_HELP[step] and line.content_region.width >= cell_len(shown)
            if step == "line":
                await pilot.press("1", "enter")
                await until(pilot, lambda: screen.phase is ReviewStep.ANSWERED, "the verdict")
