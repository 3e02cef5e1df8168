"""Textual's footer, with its keys in the screen's first frame, recomposed only when they change.

``Footer`` composes empty and fills its keys in once the screen announces its bindings,
a refresh or two later, so a learner would see Home's table before its keys
(``bench/run.py``: ``startup_plain_footer_s`` is the launch with Textual's footer, next to
``startup_first_paint_s``). The screen's bindings are already known when the footer is
composed, so this one starts out ready. The flag it sets is private to Textual:
``tests/ui/test_footer.py`` fails if it changes, and pyproject.toml holds Textual to one
minor version.

Textual's footer also recomposes at every change of focus; most focus changes (one
answer box to the next, a row of a table to the form) leave the keys as they were. This
one recomposes only when the keys it would show differ from those it shows. Where the
screen's keys and the palette's key do not fit together, the palette's is left out
(``palette_fits``, by the widths Textual's footer CSS gives keys; the same test file
holds them to the widths drawn).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import Reactive
from textual.widgets import Footer

KEYS_IN_FIRST_FRAME = True
"""Set Textual's private flag (the bench turns it off to measure what it is worth)."""

Keys = tuple[object, ...]


class KeysFooter(Footer):
    """Textual's footer, its keys in the first frame, and the screen's keys before the
    palette's: where both do not fit the terminal's width (Home at 80 columns), the
    ``^p palette`` key on the right is left out rather than drawn over the last keys
    (the palette is still ``ctrl+p``, and the help lists it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: Keys | None = None  # what the last compose drew, if it drew keys
        self.palette_wanted = self.show_command_palette
        if not KEYS_IN_FIRST_FRAME:
            return
        # A private reactive of Textual 8's Footer; without it, the keys come a frame later.
        ready = getattr(Footer, "_bindings_ready", None)
        if isinstance(ready, Reactive):
            self.set_reactive(ready, True)

    def _keys(self) -> Keys:
        """Everything ``Footer.compose`` draws the keys from, as one comparable value:
        whether the palette's key is shown, and the bindings shown, each with its key's
        display."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING
        return (
            self.palette_fits() if self.palette_wanted else self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            *(
                (key, binding, enabled, tooltip, app.get_key_display(binding))
                for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
        )

    def compose(self) -> ComposeResult:
        if self.palette_wanted:
            self.set_reactive(Footer.show_command_palette, self.palette_fits())
        # Textual's footer draws no keys until its (private) flag is up: then nothing
        # was shown, and the next recompose must not be skipped.
        self._shown = self._keys() if self._bindings_ready else None
        yield from super().compose()

    async def recompose(self) -> None:
        """Compose again, unless the keys to show are those shown: Textual asks at every
        change of focus, and again for each change a refresh gathered."""
        if self._shown is None or not self.is_attached or self._shown != self._keys():
            await super().recompose()

    def on_resize(self) -> None:
        if self.palette_wanted and self.palette_fits() != self.show_command_palette:
            self.refresh(recompose=True)

    def palette_fits(self) -> bool:
        """Whether the screen's keys and the palette's fit the terminal's width together."""
        bindings = self.screen.active_bindings
        shown: dict[str, Binding] = {}  # one key per action, as Footer shows them
        for _, binding, _, _ in bindings.values():
            if binding.show:
                shown.setdefault(binding.action, binding)
        keys = sum(self.key_cells(binding) for binding in shown.values())
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is None:
            return True
        # the palette's key is drawn as wide as another key, and a compact one with a margin
        palette_cells = self.key_cells(palette.binding) + (1 if self.compact else 0)
        return keys + palette_cells <= self.app.size.width

    def key_cells(self, binding: Binding) -> int:
        """The columns a key takes in this footer, by Textual 8's footer CSS: compact, the
        key, a space, the description and a margin; else the key padded on both sides and
        the description on its right."""
        key = cell_len(self.app.get_key_display(binding))
        description = cell_len(binding.description)
        if self.compact:
            return key + (1 + description if description else 0) + 1
        return key + 2 + (description + 1 if description else 0)
