"""Static checks of expression text: short, printable, and one expression or a short program.

An expression field (and a learner's code answer) holds one Python expression, or a few
lines of simple statements whose last line is the expression giving the result:

    y = (x ** 3).sum()
    torch.autograd.grad(y, x)[0]

Allowed before the last line: assignments to names, to tuples of names and to tensor
elements (``y = ...``, ``a, b = ...``, ``y[0] = ...``), augmented assignments (``y += ...``),
expressions such as ``loss.backward()``, and blocks of these under one of torch's grad
modes (``with torch.no_grad():``, ``enable_grad()``, ``inference_mode()``), the only
context managers: each restores the grad mode when its block ends. Every other statement
is refused with a message naming what is allowed, and Python's syntax errors lose their
"Maybe you meant '=='" (an assignment is allowed; what is wrong is where it is). The
sandbox worker applies the same rules (``statement_problem``) before it runs anything.

This only parses; it never runs anything. Running is the sandbox worker's job. The
length cap comes first because CPython's parser can exhaust memory or recursion on
hostile input such as ``"+0" * 200000``.
"""

from __future__ import annotations

import ast
import re
import textwrap
import unicodedata
import warnings
from dataclasses import dataclass

MAX_EXPR_CHARS = 2000
MAX_STATEMENTS = 12
ALLOWED_STATEMENTS = (
    "before the last line, which is the expression giving the result, a few lines may "
    "assign (y = ...), update (y += ...) or call (loss.backward())"
)
# The context managers a program may open: torch's grad modes, with no arguments.
GRAD_MODES = ("no_grad", "enable_grad", "inference_mode")
WITH_MESSAGE = (
    "with blocks are allowed only for torch's grad modes (with torch.no_grad():, "
    "torch.enable_grad() or torch.inference_mode(), with no arguments and no 'as')"
)
LAST_LINE = (
    "the last line must be an expression: its value is the result (after y = ..., "
    "end with a line such as y)"
)
ASSIGNABLE = "only names (y = ...) and tensor elements (y[0] = ...) can be assigned"
STATEMENT_WORDS: dict[type, str] = {
    ast.Import: "import statements are",
    ast.ImportFrom: "import statements are",
    ast.Delete: "del statements are",
    ast.Global: "global statements are",
    ast.Nonlocal: "nonlocal statements are",
    ast.With: "with blocks are",
    ast.AsyncWith: "with blocks are",
    ast.Try: "try blocks are",
    ast.TryStar: "try blocks are",
    ast.If: "if statements are",
    ast.For: "for loops are",
    ast.AsyncFor: "for loops are",
    ast.While: "while loops are",
    ast.FunctionDef: "def is",
    ast.AsyncFunctionDef: "def is",
    ast.ClassDef: "class definitions are",
    ast.Return: "return is",
    ast.Raise: "raise is",
    ast.Assert: "assert is",
    ast.Pass: "pass is",
    ast.Break: "break is",
    ast.Continue: "continue is",
    ast.AnnAssign: "annotated assignments (y: int = ...) are",
    ast.Match: "match statements are",
}
STATEMENT_HINTS: dict[type, str] = {  # what to write instead
    ast.If: " (an expression may choose: a if condition else b)",
    ast.For: " (use a comprehension: [f(v) for v in items])",
    ast.AsyncFor: " (use a comprehension: [f(v) for v in items])",
    ast.Return: " (the last line is the result)",
}


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


def program_text(source: str) -> str:
    """The text that is parsed: Windows line ends made plain, lines pasted with a common
    indent set flush, and trimmed. A lone carriage return is left for ``LONE_CR`` to refuse:
    Python would start a new statement there, and a terminal would draw over the line."""
    return textwrap.dedent(source.replace("\r\n", "\n")).strip()


LONE_CR = "\r"
LONE_CR_MESSAGE = "a carriage return (U+000D) is not a line break here: use a new line"


def read_lines(text: str) -> str:
    """A learner's answer of several lines, as it is meant: one expression when its lines,
    joined as if inside brackets, make one (``x @ W.T`` then ``+ b``), else the lines as a
    short program (``y = (x ** 3).sum()`` then ``torch.autograd.grad(y, x)[0]``)."""
    lines = [line for line in text.split("\n") if line.strip()]  # not at \r, \x0b ...
    if len(lines) <= 1:
        return text
    joined = "(" + "\n".join(lines) + "\n)"
    if len(joined) <= MAX_EXPR_CHARS:
        try:
            ast.parse(joined, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        else:
            return joined
    opens_block = lines[0].rstrip().endswith(":")  # with torch.no_grad(): indents its body
    if not lines[0][:1].isspace() and not opens_block:  # a paste whose first line lost its indent
        lines[1:] = textwrap.dedent("\n".join(lines[1:])).splitlines()
    return "\n".join(lines)


def expression_problem(source: str) -> ExprProblem | None:
    """Why ``source`` is not one expression or a short program of allowed statements
    ending with one, or None when it is."""
    if len(source) > MAX_EXPR_CHARS:
        return ExprProblem(
            f"expression is {len(source)} characters long; the limit is {MAX_EXPR_CHARS}"
        )
    bad = control_character(source)
    if bad is not None:
        return ExprProblem(f"control character U+{ord(source[bad]):04X} in expression", bad)
    text = program_text(source)
    lead = len(source) - len(source.lstrip())
    try:
        if LONE_CR in text:
            raise SyntaxError(LONE_CR_MESSAGE)
        tree = ast.parse(text, "<expression>", "exec")
        problem = statement_problem(tree, text)
        if problem is not None:
            return ExprProblem(problem.message, lead + problem.offset)
        # compile() (which never runs anything) also catches what the parser lets
        # through, such as a repeated keyword argument.
        _compile(text)
    except SyntaxError as error:
        message = f"not a valid expression: {syntax_message(error.msg)}"
        return ExprProblem(message, lead + _offset(text, error))
    except (RecursionError, MemoryError):
        return ExprProblem("expression is nested too deeply to parse")
    except ValueError as error:  # e.g. NUL bytes
        return ExprProblem(f"cannot parse expression: {error}")
    return None


def compile_problem(source: str) -> str | None:
    """Python's message when ``source`` parses but Python would still refuse to compile
    it, such as ``f(x, dim=0, dim=1)`` (a repeated keyword argument); else None.

    The sandbox evaluates the parsed tree, which such an error never reaches, so the
    judge asks this first: a learner gets the syntax error Python would give, not the
    value of whichever keyword came last. Errors of the parser itself are the sandbox's
    to report, as they always were. Nothing runs.
    """
    if len(source) > MAX_EXPR_CHARS:
        return None  # refused before it is parsed, wherever it goes
    text = program_text(source)
    try:
        ast.parse(text, "<answer>", "exec")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    return compile_message(text)


def compile_message(text: str) -> str | None:
    """``compile_problem`` of a program's ``text`` that is known to parse (the sandbox has
    just parsed it): the message of the error ``compile`` gives, else None."""
    try:
        _compile(text)
    except SyntaxError as error:
        return error.msg
    except (RecursionError, MemoryError, ValueError):
        return None
    return None


def _compile(text: str) -> None:
    """Compile without running, and without the SyntaxWarnings ("'int' object is not
    callable; perhaps you missed a comma?") Python would print on the terminal. From the
    text: compiling the tree recurses deeper than parsing did."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(text, "<expression>", "exec", dont_inherit=True)


@dataclass(frozen=True, slots=True)
class StatementProblem:
    message: str
    offset: int = 0  # into the parsed text
    last_line: bool = False  # only the last line is not an expression (not a refusal)


def statement_problem(tree: ast.Module, text: str) -> StatementProblem | None:
    """The first statement of ``tree`` (parsed from ``text``) that is not allowed, or a last
    line that is not an expression; None when the program may run."""
    lines = _line_starts(text)
    if count_statements(tree.body) > MAX_STATEMENTS:
        return StatementProblem(
            f"at most {MAX_STATEMENTS} lines of statements are allowed; {ALLOWED_STATEMENTS}"
        )
    pending = list(tree.body)
    while pending:
        statement = pending.pop(0)
        message = _statement_message(statement)
        if message is not None:
            return StatementProblem(message, _node_offset(lines, statement))
        if isinstance(statement, ast.With):
            pending[:0] = statement.body
    if not tree.body:
        return StatementProblem("there is no expression", last_line=True)
    last = tree.body[-1]
    if not isinstance(last, ast.Expr):
        return StatementProblem(LAST_LINE, _node_offset(lines, last), last_line=True)
    return None


def count_statements(body: list[ast.stmt]) -> int:
    """Statements in all, those inside grad-mode blocks included."""
    return sum(1 + (count_statements(s.body) if isinstance(s, ast.With) else 0) for s in body)


def grad_mode(statement: ast.With) -> str | None:
    """The grad mode a ``with`` block opens (``no_grad`` ...), or None when it is anything
    else: one item, ``torch.<mode>()`` without arguments, no ``as``."""
    if len(statement.items) != 1:
        return None
    (item,) = statement.items
    call = item.context_expr
    if item.optional_vars is not None or not isinstance(call, ast.Call):
        return None
    if call.args or call.keywords or not isinstance(call.func, ast.Attribute):
        return None
    owner = call.func.value
    if not (isinstance(owner, ast.Name) and owner.id == "torch"):
        return None
    return call.func.attr if call.func.attr in GRAD_MODES else None


def _statement_message(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Expr):
        return None
    if isinstance(statement, ast.With):
        return None if grad_mode(statement) is not None else f"{WITH_MESSAGE}; {ALLOWED_STATEMENTS}"
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            message = _target_message(target)
            if message is not None:
                return message
        return None
    if isinstance(statement, ast.AugAssign):
        if isinstance(statement.target, ast.Name | ast.Subscript):
            return None
        return _target_message(statement.target) or ASSIGNABLE
    words = STATEMENT_WORDS.get(type(statement), f"{type(statement).__name__} statements are")
    return f"{words} not allowed{STATEMENT_HINTS.get(type(statement), '')}; {ALLOWED_STATEMENTS}"


def _target_message(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name | ast.Subscript):
        return None
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            if isinstance(element, ast.Starred):
                return f"starred assignment (*a, b = ...) is not allowed; {ASSIGNABLE}"
            message = _target_message(element)
            if message is not None:
                return message
        return None
    if isinstance(target, ast.Attribute):
        return (
            f"attributes cannot be assigned (.{target.attr} = ...): {ASSIGNABLE}, "
            "and in-place methods such as requires_grad_() change a tensor"
        )
    return ASSIGNABLE


# Python's hints that an '=' was meant as '==': an assignment is allowed here, so the hint
# misleads; say what can be assigned instead.
_MEANT = re.compile(r"[.,]? *(Maybe|perhaps) you meant .*$", re.IGNORECASE)


def syntax_message(message: str) -> str:
    """Python's syntax error message without its "Maybe you meant '=='", and saying what
    may be assigned where an assignment went wrong."""
    if message.startswith("cannot assign to"):
        return f"{_MEANT.sub('', message).removesuffix(' here')}: {ASSIGNABLE}"
    if message.startswith("expression cannot contain assignment"):
        return "a keyword argument is a name and a value (dim=0); compare with =="
    if "illegal expression for augmented assignment" in message:
        return f"{_MEANT.sub('', message)}: only names (y += ...) and tensor elements can be"
    if _MEANT.search(message):
        return (
            f"{_MEANT.sub('', message)}: '=' assigns only at the start of a line "
            "(y = ...); compare with =="
        )
    return message


def _line_starts(text: str) -> list[tuple[int, str]]:
    starts, position = [], 0
    for line in text.splitlines(keepends=True):
        starts.append((position, line))
        position += len(line)
    return starts


def _node_offset(lines: list[tuple[int, str]], node: ast.AST) -> int:
    """A node's character offset into the text (``col_offset`` counts UTF-8 bytes)."""
    number = getattr(node, "lineno", 1)
    if not 0 < number <= len(lines):
        return 0
    start, line = lines[number - 1]
    column = line.encode()[: getattr(node, "col_offset", 0)].decode(errors="ignore")
    return start + len(column)


def _offset(text: str, error: SyntaxError) -> int:
    """Convert the error's (line, column) inside the parsed text to an offset into it."""
    lines = text.splitlines(keepends=True)
    line = max(1, min(error.lineno or 1, len(lines) or 1))
    before = sum(len(line_text) for line_text in lines[: line - 1])
    return before + max(0, (error.offset or 1) - 1)
