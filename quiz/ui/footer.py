"""Textual's footer, with its keys in the screen's first frame.

``Footer`` composes empty and fills its keys in once the screen announces its bindings,
a refresh or two later, so a learner would see Home's table before its keys
(``bench/run.py``: ``startup_plain_footer_s`` is the launch with Textual's footer, next to
``startup_first_paint_s``). The screen's bindings are already known when the footer is
composed, so this one starts out ready; later changes of focus or keymap recompose it as
usual. The flag it sets is private to Textual: ``tests/ui/test_footer.py`` fails if it
changes, and pyproject.toml holds Textual to one minor version.
"""

from __future__ import annotations

from typing import Any

from textual.reactive import Reactive
from textual.widgets import Footer

KEYS_IN_FIRST_FRAME = True
"""Set Textual's private flag (the bench turns it off to measure what it is worth)."""


class KeysFooter(Footer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not KEYS_IN_FIRST_FRAME:
            return
        # A private reactive of Textual 8's Footer; without it, the keys come a frame later.
        ready = getattr(Footer, "_bindings_ready", None)
        if isinstance(ready, Reactive):
            self.set_reactive(ready, True)
