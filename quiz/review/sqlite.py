"""The one place sqlite-utils is imported, without the numpy and pandas it would pull in.

sqlite-utils imports pandas and numpy whenever they are installed, to convert their
types on insert. numpy is always installed here (torch needs it), and importing it
costs about a tenth of a second of every start of the app, which never stores numpy
or pandas values. So they are hidden while sqlite-utils loads; anything imported
later (numpy itself, elsewhere) is unaffected.
"""

from __future__ import annotations

import sys

_HIDDEN = ("numpy", "pandas")
_hidden_now = [name for name in _HIDDEN if name not in sys.modules]
for _name in _hidden_now:
    sys.modules[_name] = None  # type: ignore[assignment]  # makes `import numpy` fail
try:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations
finally:
    for _name in _hidden_now:
        if sys.modules.get(_name) is None:
            del sys.modules[_name]

__all__ = ["Database", "Migrations"]
