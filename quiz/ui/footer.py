"""Textual's footer, with its keys in the screen's first frame, recomposed only when they change.

``Footer`` composes empty and fills its keys in once the screen announces its bindings,
a refresh or two later, so a learner would see Home's table before its keys
(``bench/run.py``: ``startup_plain_footer_s`` is the launch with Textual's footer, next to
``startup_first_paint_s``). The screen's bindings are already known when the footer is
composed, so this one starts out ready. The flag it sets is private to Textual:
``tests/ui/test_footer.py`` fails if it changes, and pyproject.toml holds Textual to one
minor version.

Textual's footer also recomposes at every change of focus, and each new key is styled
three times over as it mounts; most focus changes (one answer box to the next, a row of
a table to the form) leave the keys as they were. This one recomposes only when the keys
it would show differ from those it shows.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.widgets import Footer

KEYS_IN_FIRST_FRAME = True
"""Set Textual's private flag (the bench turns it off to measure what it is worth)."""

Keys = tuple[object, ...]


class KeysFooter(Footer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: Keys | None = None  # what the last compose drew, if it drew keys
        if not KEYS_IN_FIRST_FRAME:
            return
        # A private reactive of Textual 8's Footer; without it, the keys come a frame later.
        ready = getattr(Footer, "_bindings_ready", None)
        if isinstance(ready, Reactive):
            self.set_reactive(ready, True)

    def _keys(self) -> Keys:
        """Everything ``Footer.compose`` draws the keys from, as one comparable value:
        the bindings it shows and the command palette's, each with its key's display."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            *(
                (key, binding, enabled, tooltip, app.get_key_display(binding))
                for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
        )

    def compose(self) -> ComposeResult:
        # Textual's footer draws no keys until its (private) flag is up: then nothing
        # was shown, and the next recompose must not be skipped.
        self._shown = self._keys() if self._bindings_ready else None
        yield from super().compose()

    async def recompose(self) -> None:
        """Compose again, unless the keys to show are those shown: Textual asks at every
        change of focus, and again for each change a refresh gathered."""
        if self._shown is None or not self.is_attached or self._shown != self._keys():
            await super().recompose()
