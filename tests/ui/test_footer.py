"""KeysFooter: the screen's keys are in the footer from its first frame, a change of
focus composes them again only when they change, and the palette's key gives way where
the screen's keys need the row.

KeysFooter sets a private reactive of Textual's Footer; these tests are its canaries.
They fail when Textual renames or drops that reactive, when setting it no longer puts
the keys in the first frame, or when Textual's own Footer starts doing so unaided.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from quiz.ui.footer import KeysFooter
from quiz.ui.home import HomeScreen

from .pilots import launched

KEYS = ["Review due", "Quit"]


class KeyScreen(Screen[None]):
    BINDINGS = [Binding("r", "noop", "Review due"), Binding("q", "app.quit", "Quit")]

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer
        self.keys_at_mount: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.footer()

    def on_mount(self) -> None:  # before the screen's first refresh
        self.keys_at_mount = shown_keys(self)


def shown_keys(screen: Screen[None]) -> list[str]:
    return [key.description for key in screen.query_one(Footer).query(FooterKey)][: len(KEYS)]


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 50) -> None:
    """Let the app run until ``condition`` holds (each try waits for it to go idle)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    assert condition(), "the condition never held"


async def keys_at_mount(footer: type[Footer]) -> list[str]:
    screen = KeyScreen(footer)

    class Host(App[None]):
        def get_default_screen(self) -> Screen[None]:
            return screen

    async with Host().run_test(size=(80, 10)) as pilot:
        await wait_for(pilot, lambda: shown_keys(screen) == KEYS)  # both fill in, in the end
    return screen.keys_at_mount


def test_textuals_footer_still_has_the_private_reactive_keysfooter_sets():
    """If this fails, Textual changed Footer: rework or drop quiz/ui/footer.py."""
    assert isinstance(getattr(Footer, "_bindings_ready", None), Reactive)


async def test_the_keys_are_there_when_the_screen_mounts():
    assert await keys_at_mount(KeysFooter) == KEYS


async def test_textuals_own_footer_fills_in_later():
    """What KeysFooter is for: if Textual starts composing its keys at once, drop it."""
    assert await keys_at_mount(Footer) == []


MANY = [  # wider together than 60 columns, with the palette's key
    Binding("enter", "noop", "Study deck", key_display="⏎"),
    Binding("r", "noop_r", "Review due"),
    Binding("p", "noop_p", "Practice"),
    Binding("slash", "noop_s", "Browse"),
    Binding("q", "app.quit", "Quit"),
]


class ManyKeys(Screen[None]):
    BINDINGS = MANY

    def __init__(self, compact: bool) -> None:
        super().__init__()
        self.compact = compact

    def compose(self) -> ComposeResult:
        yield KeysFooter(compact=self.compact)


async def drawn_keys(width: int, compact: bool) -> tuple[list[tuple[str, int, int]], bool]:
    """The keys drawn at ``width`` columns (description, first column, width), and
    whether the palette's key is among them; each key's width as KeysFooter counts it
    is checked against the width drawn."""
    screen = ManyKeys(compact)

    class Host(App[None]):
        def get_default_screen(self) -> Screen[None]:
            return screen

    async with Host().run_test(size=(width, 6)) as pilot:
        footer = screen.query_one(KeysFooter)
        await wait_for(pilot, lambda: len(footer.query(FooterKey)) >= len(MANY))
        keys = list(footer.query(FooterKey))
        for key in keys:
            binding = Binding(key.key, key.action, key.description, key_display=key.key_display)
            counted = footer.key_cells(binding)  # a compact key's margin on its right too
            if not key.has_class("-command-palette"):
                counted -= key.styles.margin.right
            assert counted == key.outer_size.width, key.description
        shown = [(k.description, k.region.x, k.region.width) for k in keys]
        return shown, any(k.has_class("-command-palette") for k in keys)


async def test_the_palette_key_gives_way_when_the_screens_keys_need_the_row():
    for compact in (True, False):
        _, palette = await drawn_keys(120, compact)
        assert palette  # room for all: the palette's key is on the right
        narrow, palette = await drawn_keys(64, compact)
        assert not palette, narrow
        assert [d for d, _, _ in narrow] == [b.description for b in MANY]
        assert all(x + w <= 64 for _, x, w in narrow)  # every key whole


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_homes_footer_shows_the_key_that_studies_the_highlighted_deck(app_factory, size):
    """Enter studies the highlighted deck: the deck table binds Enter too (shown nowhere),
    which hid Home's key from the footer whenever the table had the focus."""
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        await launched(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#decks").has_focus
        footer = app.screen.query_one(KeysFooter)
        keys = {key.description: key for key in footer.query(FooterKey)}
        study = keys.get("Study")
        assert study is not None and study.key_display == "⏎", list(keys)
        assert all(key.region.right <= size[0] for key in keys.values())  # every key whole
        assert ("palette" in keys) is (size[0] >= 100)


class ExplainInput(Input):
    BINDINGS = [Binding("f3", "app.bell", "Explain")]


class FocusScreen(Screen[None]):
    """Two boxes that leave the keys as they are, and one that adds its own. (A box
    takes printable keys, so the screen's key is not one.)"""

    BINDINGS = [Binding("f2", "noop", "Review due")]

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield ExplainInput(id="c")
        yield self.footer()


def counting(footer: type[Footer]) -> type[Footer]:
    class Counting(footer):  # type: ignore[valid-type, misc]
        composed = 0

        def compose(self) -> ComposeResult:
            type(self).composed += 1
            yield from super().compose()

    return Counting


async def composes_along_the_focus(footer: type[Footer]) -> int:
    """How often ``footer`` composes as the focus goes a, b (same keys), c (one more), a."""
    screen = FocusScreen(counting(footer))

    class Host(App[None]):
        def get_default_screen(self) -> Screen[None]:
            return screen

    def shown() -> list[str]:
        return [key.description for key in screen.query_one(Footer).query(FooterKey)]

    async with Host().run_test(size=(80, 10)) as pilot:
        await wait_for(pilot, lambda: "Review due" in shown() and screen.focused is not None)
        keys = shown()
        for box in ("a", "b"):
            screen.query_one(f"#{box}").focus()
            await pilot.pause()
            assert shown() == keys
        screen.query_one("#c").focus()
        await wait_for(pilot, lambda: sorted(shown()) == sorted(["Explain", *keys]))
        screen.query_one("#a").focus()
        await wait_for(pilot, lambda: shown() == keys)
    return screen.footer.composed  # type: ignore[attr-defined]


async def test_the_keys_are_composed_again_only_when_they_change():
    assert await composes_along_the_focus(KeysFooter) == 3  # the first frame, c, a again


async def test_textuals_own_footer_composes_at_every_change_of_focus():
    """What KeysFooter's recompose is for: if Textual's footer stops, drop it."""
    assert await composes_along_the_focus(Footer) > 3
