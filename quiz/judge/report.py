"""Verdicts and sandbox results as text and JSON, for the command line.

Kept apart from the judge so the TUI can render the same verdict its own way.
"""

from __future__ import annotations

from typing import Any

from quiz.judge.verdict import Verdict
from quiz.sandbox.protocol import Result


def verdict_lines(verdict: Verdict, explanation: str | None = None) -> list[str]:
    """A verdict as a terminal shows it: the summary, then expected and yours."""
    head = verdict.summary if verdict.summary.startswith(("right", "wrong")) else None
    lines = [head or f"{verdict.outcome.value}: {verdict.summary}"]
    if verdict.expected is not None:
        lines.append(_labelled("expected:", verdict.expected))
    if verdict.got is not None:
        lines.append(_labelled("yours:   ", verdict.got))
    lines.extend(verdict.details)
    if explanation:
        lines.append(f"why: {explanation}")
    if verdict.gradable:
        lines.append(f"suggested rating: {verdict.suggested.name.lower()}")
    return lines


def _labelled(label: str, text: str) -> str:
    indent = "\n" + " " * (len(label) + 1)
    return f"{label} {indent.join(text.splitlines()) or text}"


def result_dict(result: Result) -> dict[str, Any]:
    """A sandbox result as stable JSON for ``torch-quiz try --json``."""
    data: dict[str, Any] = {"status": result.status.value}
    if result.printed:
        data["value"] = result.printed
    if result.error_type:
        data["exception"] = result.error_type
    if result.message:
        data["message"] = result.message
    if result.limit:
        data["limit"] = result.limit
    if result.warnings:
        data["warnings"] = list(result.warnings)
    data["ms"] = result.ms
    return data
