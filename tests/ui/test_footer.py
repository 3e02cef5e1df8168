"""KeysFooter: the screen's keys are in the footer from its first frame.

KeysFooter sets a private reactive of Textual's Footer; these tests are its canaries.
They fail when Textual renames or drops that reactive, when setting it no longer puts
the keys in the first frame, or when Textual's own Footer starts doing so unaided.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from quiz.ui.footer import KeysFooter

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
