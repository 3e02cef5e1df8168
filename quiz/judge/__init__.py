"""Judging answers: the app-side half of the sandbox (no torch here; see ``quiz.worker``)."""
