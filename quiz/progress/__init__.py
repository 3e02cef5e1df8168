"""Progress the learner can see and take along: stats, export, import, backup, reports.

Everything here reads (or, for import and optimize, writes) the review engine's
database through :class:`quiz.review.store.Store`. No module imports Textual or
torch; the optional optimizer library is imported only inside ``optimize``.
"""
