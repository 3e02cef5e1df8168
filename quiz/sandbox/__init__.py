"""What the app and the sandbox worker share: the protocol and the values it carries.

Neutral ground: quiz.worker (the sandbox process, the only torch importer) and quiz.judge
(the app's client) both import it, and it imports neither, so neither side depends on
the other.
"""
