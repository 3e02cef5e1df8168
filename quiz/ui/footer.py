"""Textual's footer, with its keys in the screen's first frame.

``Footer`` composes empty and fills its keys in once the screen announces its bindings,
after the next refresh or two: on Home the keys came some 60 ms after the table
(``bench/run.py``, ``startup_first_paint_s``). The screen's bindings are already known
when the footer is composed, so this one starts out ready; later changes of focus or
keymap recompose it as usual.
"""

from __future__ import annotations

from typing import Any

from textual.reactive import Reactive
from textual.widgets import Footer


class KeysFooter(Footer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A private reactive of Textual 8's Footer; without it, the keys come a frame later.
        ready = getattr(Footer, "_bindings_ready", None)
        if isinstance(ready, Reactive):
            self.set_reactive(ready, True)
