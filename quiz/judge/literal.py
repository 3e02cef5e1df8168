"""Read what a learner typed for an output card as a value, never running it as code.

Accepted: torch's printed forms (``tensor([2, 5, 3])``, multi-line reprs,
``dtype=torch.int32``, ``requires_grad=True``, ``grad_fn=<...>``, ``torch.Size([2, 3])``,
``torch.return_types.topk(values=..., indices=...)``), plain Python literals
(``[2, 5, 3]``, ``2.5``, ``True``, ``(2, 3)``, ``2e-3``, ``1+2j``), ``nan`` and ``inf``,
dtypes (``torch.float32``), and exception class names (``RuntimeError``).

The text is split into tokens by the standard library's tokenizer and read by a
small recursive-descent parser with a depth cap, so hostile input costs linear
time and cannot exhaust the stack. Each float remembers the precision it was
typed with, which the comparison uses (``0.73`` means "to two decimals").
"""

from __future__ import annotations

import io
import math
import re
import tokenize
from dataclasses import dataclass

from quiz.deck.halfwidth import to_halfwidth
from quiz.sandbox.values import (
    DEFAULT_DTYPE,
    Dtype,
    Kind,
    NoneValue,
    Raised,
    Scalar,
    Sequence,
    Size,
    Tensor,
    TextValue,
    Value,
    canonical_dtype,
    number_kind,
)

MAX_ANSWER_CHARS = 20_000
MAX_DEPTH = 32
MAX_ELEMENTS = 100_000
# Numbers a learner may type: integers as large as the worker sends (quiz.worker.encode), and
# float exponents a float can hold.
MAX_INT_BITS = 4_096
MAX_INT_DIGITS = 1_234  # 10 ** 1234 > 2 ** 4096
MAX_FLOAT_EXPONENT = 308
TENSOR_NAMES = {"tensor", "torch.tensor"}
SIZE_NAMES = {"Size", "torch.Size"}
DTYPE_NAMES = {
    "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64",
    "float16", "bfloat16", "float32", "float64", "complex32", "complex64", "complex128",
    "half", "float", "double", "short", "int", "long", "cfloat", "cdouble", "chalf",
}  # fmt: skip
EXCEPTION_NAME = re.compile(r"^([A-Z]\w*)?(Error|Exception)$|^(StopIteration|KeyboardInterrupt)$")
FLOAT_TEXT = re.compile(r"^(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?$")


class LiteralError(ValueError):
    """The answer is not a value the judge can read; the message says what to type."""


@dataclass(slots=True)
class _Token:
    kind: int
    text: str
    col: int


def parse_answer(text: str) -> Value:
    """The value a learner typed, or LiteralError with a message for them. Full-width
    punctuation and digits from an input method are read as ASCII: ``[3，-4]``."""
    source = to_halfwidth(text).strip()
    if not source:
        raise LiteralError("type the value the expression gives")
    if len(source) > MAX_ANSWER_CHARS:
        raise LiteralError(f"the answer is longer than {MAX_ANSWER_CHARS:,} characters")
    tokens = _tokens(source)
    if all(token.kind == tokenize.ENDMARKER for token in tokens):  # only a comment
        raise LiteralError("type the value the expression gives")
    parser = _Parser(tokens)
    value = parser.top()
    return value


def _tokens(source: str) -> list[_Token]:
    skipped = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
    tokens: list[_Token] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in skipped:
                continue
            if token.type == tokenize.ERRORTOKEN and not token.string.isspace():
                raise LiteralError(f"unexpected {token.string!r} at column {token.start[1] + 1}")
            if token.type == tokenize.ERRORTOKEN:
                continue
            if token.type == tokenize.OP and token.string == ";":
                raise LiteralError("type one value")
            tokens.append(_Token(token.type, token.string, token.start[1] + 1))
    except (tokenize.TokenError, SyntaxError) as error:
        message = error.args[0] if error.args else "unreadable"
        if "EOF" in str(message):
            raise LiteralError("a bracket is not closed") from None
        raise LiteralError(f"could not read the answer: {message}") from None
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.elements = 0

    # ---------------------------------------------------------------- helpers

    def peek(self, offset: int = 0) -> _Token:
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else _Token(tokenize.ENDMARKER, "", 0)

    def take(self) -> _Token:
        token = self.peek()
        self.index += 1
        return token

    def at(self, text: str) -> bool:
        return self.peek().text == text and self.peek().kind != tokenize.STRING

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            found = repr(token.text) if token.text else "the end"
            raise LiteralError(f"expected {text!r} but found {found}")

    # ---------------------------------------------------------------- grammar

    def top(self) -> Value:
        items, trailing_comma = self.items(end="")
        if self.peek().kind != tokenize.ENDMARKER:
            raise self.unexpected()
        if len(items) == 1 and not trailing_comma:
            return items[0]
        return Sequence(tuple(items))

    def items(self, end: str) -> tuple[list[Value], bool]:
        items: list[Value] = []
        trailing = False
        while not self.at(end) and self.peek().kind != tokenize.ENDMARKER:
            items.append(self.item())
            trailing = False
            if self.at(","):
                self.take()
                trailing = True
            else:
                break
        return items, trailing

    def item(self) -> Value:
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_DEPTH:
            raise LiteralError("the answer is nested too deeply")
        if self.elements > MAX_ELEMENTS:
            raise LiteralError(f"the answer has more than {MAX_ELEMENTS:,} elements")
        try:
            return self._item()
        finally:
            self.depth -= 1

    def _item(self) -> Value:
        token = self.peek()
        if token.text in ("[", "("):
            return self.bracketed()
        if token.text in ("-", "+") or token.kind == tokenize.NUMBER:
            return self.number()
        if token.kind == tokenize.STRING:
            self.take()
            return TextValue(_string(token.text))
        if token.text == "...":
            raise LiteralError("'...' stands for elements torch did not print: type them all")
        if token.kind == tokenize.NAME:
            return self.named()
        raise self.unexpected()

    def bracketed(self) -> Value:
        opening = self.take().text
        closing = "]" if opening == "[" else ")"
        items, trailing = self.items(end=closing)
        self.expect(closing)
        if opening == "(" and len(items) == 1 and not trailing:
            return items[0]  # parentheses around one value
        return Sequence(tuple(items), is_list=opening == "[")

    def number(self) -> Value:
        sign = 1
        while self.at("-") or self.at("+"):
            if self.take().text == "-":
                sign = -sign
        token = self.take()
        if token.kind == tokenize.NAME and token.text in ("inf", "nan"):
            return Scalar(sign * float(token.text))
        if token.kind != tokenize.NUMBER:
            raise LiteralError(f"expected a number after the sign at column {token.col}")
        scalar = _number(token.text, sign)
        if (self.at("+") or self.at("-")) and _is_imaginary(self.peek(1)):
            op = self.take().text
            imaginary = _number(self.take().text, -1 if op == "-" else 1)
            try:
                real = float(scalar.value.real)  # type: ignore[union-attr]
            except OverflowError:  # an integer past any float
                raise _too_large(token.text) from None
            return Scalar(complex(real, imaginary.value.imag))  # type: ignore[union-attr]
        return scalar

    def named(self) -> Value:
        name = self.dotted()
        if self.at("("):
            return self.call(name)
        following = self.peek()
        if following.kind == tokenize.OP and following.text not in (",", ")", "]"):
            raise LiteralError("that looks like code; type the value it gives instead")
        if name.lower() in ("true", "false"):  # JSON's and C's spelling is the same fact
            return Scalar(name.lower() == "true")
        if name == "None":
            return NoneValue()
        if name in ("nan", "inf", "math.nan", "math.inf", "torch.nan", "torch.inf"):
            return Scalar(float(name.rsplit(".", 1)[-1]))
        bare = name.removeprefix("torch.")
        if bare in DTYPE_NAMES and (
            name.startswith("torch.") or bare not in ("int", "float", "bool")
        ):
            return Dtype(canonical_dtype(bare))
        if name in ("int", "float", "bool"):
            return Dtype(canonical_dtype(name))
        if EXCEPTION_NAME.match(name.rsplit(".", 1)[-1]):
            return Raised(name.rsplit(".", 1)[-1])
        raise LiteralError(
            f"'{name}' is a name, not a value: type what the expression gives, e.g. [1, 2]"
        )

    def dotted(self) -> str:
        parts = [self.take().text]
        while self.at(".") and self.peek(1).kind == tokenize.NAME:
            self.take()
            parts.append(self.take().text)
        return ".".join(parts)

    def call(self, name: str) -> Value:
        if name in TENSOR_NAMES:
            return self.tensor()
        if name in SIZE_NAMES:
            self.expect("(")
            items, _ = self.items(end=")")
            self.expect(")")
            if len(items) > 1:
                raise LiteralError("torch.Size takes one list: torch.Size([2, 3])")
            dims = dims_of(items[0]) if items else ()
            return Size(dims)
        short = name.removeprefix("torch.").removeprefix("return_types.")
        if name.startswith(("torch.return_types.", "return_types.")) and short.isidentifier():
            return self.named_tuple(f"torch.return_types.{short}")
        raise LiteralError(
            f"'{name}(...)' is code; answers are values: type what it gives, "
            "e.g. tensor([2, 5, 3]) or [2, 5, 3]"
        )

    def arguments(self) -> tuple[list[Value], dict[str, Value | str]]:
        self.expect("(")
        positional: list[Value] = []
        named: dict[str, Value | str] = {}
        while not self.at(")"):
            if self.peek().kind == tokenize.NAME and self.peek(1).text == "=":
                key = self.take().text
                self.take()
                if key == "grad_fn" and self.at("<"):
                    named[key] = self.angle()
                else:
                    named[key] = self.item()
            else:
                positional.append(self.item())
            if not self.at(","):
                break
            self.take()
        self.expect(")")
        return positional, named

    def angle(self) -> str:
        self.expect("<")
        parts = []
        while not self.at(">") and self.peek().kind != tokenize.ENDMARKER:
            parts.append(self.take().text)
        self.expect(">")
        return "".join(parts)

    def tensor(self) -> Value:
        positional, named = self.arguments()
        if len(positional) != 1:
            raise LiteralError("tensor(...) holds one value: tensor([1, 2])")
        unknown = set(named) - {"dtype", "requires_grad", "grad_fn", "size", "device"}
        if unknown:
            raise LiteralError(f"tensor(...) has no '{sorted(unknown)[0]}='")
        dtype_value = named.get("dtype")
        dtype: str | None = None
        if dtype_value is not None:
            if not isinstance(dtype_value, Dtype):
                raise LiteralError("dtype= takes a dtype such as torch.int32")
            dtype = dtype_value.name
        data = to_tensor(positional[0], dtype)
        if data is None:
            raise LiteralError("tensor(...) holds numbers, in nested lists of equal lengths")
        size = named.get("size")
        if size is not None and data.shape == (0,):
            dims = dims_of(size) if isinstance(size, Sequence | Size) else None
            if dims is None or 0 not in dims:
                raise LiteralError("size= of an empty tensor is a tuple with a 0: size=(0, 3)")
            data = Tensor(dims, (), data.dtype, data.kind)
        grad = named.get("requires_grad") == Scalar(True) or "grad_fn" in named
        return Tensor(data.shape, data.flat, data.dtype, data.kind, grad)

    def named_tuple(self, name: str) -> Value:
        positional, named = self.arguments()
        values: list[Value] = list(positional)
        fields: list[str] = [""] * len(positional)
        for key, value in named.items():
            if isinstance(value, str):
                raise LiteralError(f"'{key}=' takes a value")
            values.append(value)
            fields.append(key)
        return Sequence(tuple(values), name=name, fields=tuple(fields) if named else ())

    def unexpected(self) -> LiteralError:
        token = self.peek()
        if token.kind == tokenize.ENDMARKER:
            return LiteralError("the answer ends too early")
        if token.text in ("=", ".", "@", "*", "/", "**", "//", "%"):
            return LiteralError("that looks like code; type the value it gives instead")
        return LiteralError(f"unexpected {token.text!r} at column {token.col}")


def to_tensor(value: Value, dtype: str | None = None) -> Tensor | None:
    """A number or rectangular nested list of numbers as a tensor; None if it is not one."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Scalar):
        kind = number_kind(value.value)
        return Tensor((), (value,), dtype, _kind_of(dtype, kind))
    if not isinstance(value, Sequence) or value.name:
        return None
    shape, flat = _rectangular(value)
    if shape is None:
        return None
    kinds = {number_kind(x.value) for x in flat}
    if Kind.COMPLEX in kinds:
        kind = Kind.COMPLEX
    elif Kind.FLOAT in kinds or not kinds:
        kind = Kind.FLOAT
    elif Kind.INTEGER in kinds:
        kind = Kind.INTEGER
    else:
        kind = Kind.BOOL
    return Tensor(shape, tuple(flat), dtype, _kind_of(dtype, kind))


def literal_dtype(tensor: Tensor) -> str:
    """The dtype a learner's literal stands for: the one written, else torch's default."""
    return tensor.dtype or DEFAULT_DTYPE[tensor.kind]


def _kind_of(dtype: str | None, inferred: Kind) -> Kind:
    from quiz.sandbox.values import dtype_kind

    return dtype_kind(dtype) if dtype else inferred


def _rectangular(value: Value) -> tuple[tuple[int, ...] | None, list[Scalar]]:
    if isinstance(value, Scalar):
        return (), [value]
    if isinstance(value, Tensor) and not value.requires_grad:
        return value.shape, list(value.flat)
    if not isinstance(value, Sequence) or value.name:
        return None, []
    parts = [_rectangular(item) for item in value.items]
    shapes = {shape for shape, _ in parts}
    if None in shapes or len(shapes) > 1:
        return None, []
    inner = shapes.pop() if shapes else ()
    assert inner is not None
    flat = [x for _, items in parts for x in items]
    return (len(value.items), *inner), flat


def dims_of(value: Value) -> tuple[int, ...]:
    if isinstance(value, Size):
        return value.dims
    if isinstance(value, Sequence) and not value.name:
        dims = []
        for item in value.items:
            if not (isinstance(item, Scalar) and type(item.value) is int):
                raise LiteralError("a size is a list of whole numbers: torch.Size([2, 3])")
            dims.append(item.value)
        return tuple(dims)
    raise LiteralError("a size is a list of whole numbers: torch.Size([2, 3])")


def _number(text: str, sign: int) -> Scalar:
    clean = text.replace("_", "").lower()
    if clean.endswith("j"):
        imaginary = _typed_float(clean[:-1], sign).value
        return Scalar(complex(0, imaginary))
    based = clean.startswith(("0x", "0o", "0b"))
    if based or not any(c in clean for c in ".e"):
        # Decimal digits past this many cannot fit the bits, and converting them takes
        # quadratic time (CPython refuses past 4,300 digits); other bases convert linearly.
        if not based and len(clean.lstrip("0")) > MAX_INT_DIGITS:
            raise _too_large(text)
        try:
            value = int(clean, 0)
        except ValueError:
            raise LiteralError(f"{_quoted(text)} is not a number") from None
        if value.bit_length() > MAX_INT_BITS:
            raise _too_large(text)
        return Scalar(sign * value)
    return _typed_float(clean, sign)


def _typed_float(text: str, sign: int) -> Scalar:
    """A float with the precision its digits show: '0.73' is ±0.005, '1.0000e-03' ±5e-8."""
    value = sign * float(text)
    if math.isinf(value):
        raise LiteralError(
            f"{_quoted(text)} is beyond the range of floats; type inf if you mean it"
        )
    match = FLOAT_TEXT.match(text)
    if match is None:
        return Scalar(value)
    digits = (match["int"] or "") + (match["frac"] or "")
    significant = len(digits.lstrip("0"))
    if value == 0 and significant:
        raise LiteralError(f"{_quoted(text)} is too small for a float; type 0 if you mean it")
    exponent = _exponent(match["exp"]) - len(match["frac"] or "")
    # Only a zero such as "0e400" gets here with an exponent past a float's (10.0 ** 400
    # overflows; tiny powers just round to 0).
    return Scalar(value, 0.5 * 10.0 ** min(exponent, MAX_FLOAT_EXPONENT), significant)


def _exponent(text: str | None) -> int:
    """The exponent written, without converting thousands of digits: past six it is out of
    any float's range, and the value already said so (or is 0)."""
    if not text:
        return 0
    negative = text.startswith("-")
    digits = text.lstrip("+-").lstrip("0") or "0"
    magnitude = int(digits) if len(digits) <= 6 else 10**6
    return -magnitude if negative else magnitude


def _too_large(text: str) -> LiteralError:
    return LiteralError(f"the number {_quoted(text)} is too large to compare")


def _quoted(text: str) -> str:
    """A number as typed, cut short when it is long: '99999…9999' (5,000 characters)."""
    if len(text) <= 24:
        return repr(text)
    return f"'{text[:10]}…{text[-4:]}' ({len(text):,} characters)"


def _is_imaginary(token: _Token) -> bool:
    return token.kind == tokenize.NUMBER and token.text.lower().endswith("j")


def _string(token: str) -> str:
    body = token
    while body and body[0] in "rRbBuUfF":
        body = body[1:]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    return body[len(quote) : len(body) - len(quote)]
