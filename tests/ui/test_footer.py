"""KeysFooter: the screen's keys are in the footer from its first frame."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from quiz.ui.footer import KeysFooter


class KeyScreen(Screen[None]):
    BINDINGS = [Binding("r", "noop", "Review due"), Binding("q", "app.quit", "Quit")]

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer
        self.keys_at_mount: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.footer()

    def on_mount(self) -> None:  # before the screen's first refresh
        self.keys_at_mount = [key.description for key in self.query(FooterKey)]


async def keys_at_mount(footer: type[Footer]) -> list[str]:
    screen = KeyScreen(footer)

    class Host(App[None]):
        def get_default_screen(self) -> Screen[None]:
            return screen

    async with Host().run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        assert [key.description for key in screen.query(FooterKey)][:2] == ["Review due", "Quit"]
    return screen.keys_at_mount


async def test_the_keys_are_there_when_the_screen_mounts():
    assert (await keys_at_mount(KeysFooter))[:2] == ["Review due", "Quit"]


async def test_textuals_own_footer_fills_in_later():
    """What KeysFooter is for: if Textual starts composing its keys at once, drop it."""
    assert await keys_at_mount(Footer) == []
