"""Issue 13, finding 4, in the app: what a screen draws never holds a raw control or format
character, and deck text is never read as Rich markup.

Decks cannot carry such characters any more (the loader refuses them), so the texts
come from the sandbox (a value whose repr holds an escape sequence), from a judge that
returns them as they are, and from the learner's own answers in the card's history.
What is checked is the screen as drawn: its text, exported by Textual.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from textual.widgets import DataTable, Markdown

from quiz.judge.verdict import Outcome, Rating, Verdict
from quiz.ui.browse import BrowseScreen
from quiz.ui.card import CardScreen
from quiz.ui.review import ReviewScreen
from quiz.ui.verdict import VerdictPanel

from .pilots import launched, until
from .screen_host import HostApp, studied_session

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MARKUP = "[bold red]x[/] [link=https://example.com]y[/link]"


def screen_text(app) -> str:
    """The text of the screen as drawn, from Textual's own SVG export."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]*>", "", svg)).replace("\xa0", " ")


def assert_no_raw_controls(text: str) -> None:
    found = RAW.search(text)
    assert found is None, f"raw {found.group()!r} drawn"


async def answer(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class HostileJudge:
    """Returns a verdict whose every text holds escape sequences, as a broken or older
    worker might: the panel must not pass them on."""

    def judge(
        self, deck, card, answer, *, used_hint=False, elapsed_s=None, presentation=None
    ) -> Verdict:
        return Verdict(
            Outcome.WRONG,
            "wrong: \x1b[2Jcleared",
            details=("on draw 1, with m = Softmax(dim=\x1b]0;OWNED\x07)",),
            expected="tensor([1, 2])\x9b31m\u202egnp",
            got="Softmax(dim=\x1b[31mRED\u2028)",
            suggested=Rating.AGAIN,
        )


async def test_a_verdict_holding_escape_sequences_is_drawn_escaped(app_factory):
    app = app_factory(review=["tensor-math"], judge=HostileJudge())
    async with app.run_test(size=(100, 32)) as pilot:
        await launched(pilot)
        await answer(pilot, "[1]")
        assert app.screen.query_one(VerdictPanel).display
        drawn = screen_text(app)
        assert_no_raw_controls(drawn)
        for shown in (
            "\\x1b[2Jcleared",
            "Softmax(dim=\\x1b]0;OWNED\\x07)",
            "tensor([1, 2])\\x9b31m\\u202egnp",
            "Softmax(dim=\\x1b[31mRED\\u2028)",
        ):
            assert shown in drawn, shown


HOSTILE_VALUES = f"""\
deck: hostile
title: "{MARKUP}"
cards:
  - id: pair
    kind: code
    prompt: "The module and x, as a list. {MARKUP}"
    given:
      x: torch.rand(2)
      m: "nn.Softmax(dim='\\\\x1b]0;OWNED\\\\x07\\\\x1b[2J')"
    solution: "[m, x]"
    explain: "{MARKUP}"
"""


async def test_sandbox_values_are_drawn_escaped_and_deck_markup_literally(
    app_factory, tmp_path: Path
):
    """The real sandbox: a given's module prints an escape sequence (expected, yours and
    the givens of the draw), and the deck's title, prompt and explanation hold markup."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE_VALUES, encoding="utf-8")
    app = app_factory(decks=[folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await launched(pilot)
        home = screen_text(app)
        assert "[bold red]x[/] [link=https://" in home  # the title, as typed (and cut)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert MARKUP in screen_text(app)  # the prompt
        await answer(pilot, "[m,x+1]")
        drawn = screen_text(app)
        assert_no_raw_controls(drawn)
        assert "Softmax(dim=\\x1b]0;OWNED\\x07\\x1b[2J)" in drawn
        assert f"why: {MARKUP}" in drawn


async def test_a_notification_quoting_markup_is_plain_text(app_factory, deck_folder: Path):
    """A reloaded deck's problem quotes the deck's own text: an unbalanced '[/]' in it
    must neither be read as markup (it would raise) nor drop from the message."""
    app = app_factory(review=["bilingual"])

    def breaking_editor(path: Path, line: int) -> bool:
        path.write_text(
            'deck: bilingual\ntitle: t\n"[/]x[red]": 1\n'
            "cards:\n  - {id: f, kind: flash, front: f, back: b}\n",
            encoding="utf-8",
        )
        return True

    app.edit_file = breaking_editor  # type: ignore[method-assign]
    async with app.run_test(size=(120, 32), notifications=True) as pilot:
        await launched(pilot)
        await pilot.press("tab", "e")
        await until(pilot, lambda: "(allowed:" in screen_text(app), "the reload's notification")
        drawn = screen_text(app)
        # the toast wraps where the deck's path (a temporary folder) leaves it: read its
        # lines as one text, each line break a space
        toast = " ".join(
            line.partition("▌")[2].strip() for line in drawn.splitlines() if "▌" in line
        )
        assert "'[/]x[red]' (allowed:" in toast


async def test_the_card_history_draws_an_answer_as_typed(tmp_path: Path):
    """The learner's answers (or an imported file's) are table cells: never markup, and
    their control characters escaped."""
    session, _ = studied_session(tmp_path, days=1)
    try:
        card = session.next_card()
        assert card is not None and not card.self_graded
        session.submit("x[/]\x1b[2J[b]y")
        session.rate(Rating.GOOD, duration_ms=1000)
        app = HostApp(lambda: BrowseScreen(session))
        async with app.run_test(size=(140, 40)) as pilot:
            await until(pilot, lambda: app.screen.settled, "Browse's cards")
            table = app.screen.query_one("#browse-cards", DataTable)
            rows = [table.get_row_at(i)[:2] for i in range(table.row_count)]
            await pilot.press(*["down"] * rows.index([card.ref.deck, card.ref.card_id]))
            await pilot.press("enter")
            assert isinstance(app.screen, CardScreen)
            drawn = screen_text(app)
            assert_no_raw_controls(drawn)
            assert "x[/]\\x1b[2J[b]y" in drawn
    finally:
        session.close()


LINKS = """\
deck: links
title: Links
cards:
  - id: link
    kind: flash
    front: "[Show the hint](file:///etc/passwd) or [this](https://example.com/x)"
    back: "[again](ssh://example.com)"
"""


async def test_a_link_in_a_deck_prompt_is_never_opened(app_factory, tmp_path: Path):
    """A stranger's deck can dress any URL as a button ("Show the hint"): the prompt and
    the back are Markdown, and a click on a link must not hand it to the system."""
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "links.yaml").write_text(LINKS, encoding="utf-8")
    app = app_factory(decks=[folder])
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await launched(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert "Show the hint" in screen_text(app)
        for widget_id in ("#prompt", "#back"):
            markdown = app.screen.query_one(widget_id, Markdown)
            markdown.post_message(Markdown.LinkClicked(markdown, "file:///etc/passwd"))
            await pilot.pause()
        await pilot.click("#prompt", offset=(2, 0))
        await pilot.pause()
    assert opened == []
