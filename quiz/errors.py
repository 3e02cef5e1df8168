"""The one error type a learner or deck author sees: ``UserError``.

Why it exists: every layer refuses some requests (an unknown deck, a database that is
not ours, a file that cannot be written), and the two boundaries, the command line and
the app, must turn each refusal into one clean line, never a traceback. With one base
type they catch it once each, instead of listing every layer's own error. It sits at
the bottom of the package, below the decks, so any layer may raise it.
"""

from __future__ import annotations


class UserError(Exception):
    """A request that cannot be done, said in one line that names what and where.

    ``str(error)`` is the whole message, shown as is (the CLI prefixes
    ``torch-quiz: error:``; the app shows it in a notification).
    """
