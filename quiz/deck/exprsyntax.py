"""Static checks of expression text: short, printable, and exactly one Python expression.

This only parses; it never runs anything. Running is the sandbox worker's job. The
length cap comes first because CPython's parser can exhaust memory or recursion on
hostile input such as ``"+0" * 200000``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_EXPR_CHARS = 2000


@dataclass(frozen=True, slots=True)
class ExprProblem:
    message: str
    offset: int = 0  # 0-based character offset into the expression, where known


def control_character(text: str, allow_newlines: bool = True) -> int | None:
    """Index of the first control or format character (newlines and tabs may be allowed)."""
    for index, char in enumerate(text):
        if allow_newlines and char in "\n\t\r":
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            return index
    return None


def expression_problem(source: str) -> ExprProblem | None:
    """Why ``source`` is not a single parseable expression, or None when it is one."""
    if len(source) > MAX_EXPR_CHARS:
        return ExprProblem(
            f"expression is {len(source)} characters long; the limit is {MAX_EXPR_CHARS}"
        )
    bad = control_character(source)
    if bad is not None:
        return ExprProblem(f"control character U+{ord(source[bad]):04X} in expression", bad)
    try:
        # compile() (which never runs anything) also catches what the parser lets
        # through, such as a repeated keyword argument.
        compile(source.strip(), "<expression>", "eval", dont_inherit=True)
    except SyntaxError as error:
        return ExprProblem(_syntax_message(source, error), _offset(source, error))
    except (RecursionError, MemoryError):
        return ExprProblem("expression is nested too deeply to parse")
    except ValueError as error:  # e.g. NUL bytes
        return ExprProblem(f"cannot parse expression: {error}")
    return None


def _syntax_message(source: str, error: SyntaxError) -> str:
    try:
        compile(source.strip(), "<expression>", "exec", dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return f"not a valid expression: {error.msg}"
    return "must be a single expression, not a statement (no assignments, imports or ';')"


def _offset(source: str, error: SyntaxError) -> int:
    """Convert the error's (line, column) inside the stripped source to an offset in ``source``."""
    lead = len(source) - len(source.lstrip())
    lines = source.strip().splitlines(keepends=True)
    line = max(1, min(error.lineno or 1, len(lines) or 1))
    before = sum(len(text) for text in lines[: line - 1])
    return lead + before + max(0, (error.offset or 1) - 1)
