"""The review engine: FSRS scheduling and progress in SQLite, with no UI in it.

``quiz.review.session.Session`` is the façade the TUI and the CLI drive; the other
modules each do one job (storage, schema, settings, deck sync, queue, scheduling,
the review log). Nothing here imports Textual or torch.
"""
