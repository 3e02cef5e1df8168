"""What the app asks the sandbox worker and what it gets back, as plain values.

A request runs some expressions on a card's givens for a list of seeds (one per
trial); the worker stops after the first trial when the givens are not random. It may
also ask for edge draws (``Edge``): the first random draw made into zeros, negated,
equal or scaled values, or some givens replaced by an author's expressions. The worker
leaves out an edge draw that is the same as the first draw or an earlier edge draw.
Each expression has one outcome: a value, an exception it raised, a refusal, a
syntax error, or a limit it hit (time, memory, CPU, size). A limit is never an
answer: the judge tells a limit apart from an exception.

The sizes and the time budget of a request are fixed here, for both sides of the pipe:
a request is one line of at most ``MAX_REQUEST_BYTES`` (the client refuses to send a
longer one; the worker discards one whole and says so), a reply at most
``MAX_REPLY_BYTES`` (past it the worker sends a size limit instead), and all the draws
of one run share ``REQUEST_SECONDS`` of wall-clock time however many givens, expressions
and draws it has.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

from quiz.sandbox.values import Value, decode

MAX_REQUEST_BYTES = 1 << 20
MAX_REPLY_BYTES = 32 << 20
REQUEST_SECONDS = 10.0  # the most one run may take in all, every draw of it included


NO_SUCH_NAME = "NoSuchName"  # a refusal's ``type`` when the name exists nowhere (a typo)


class Status(StrEnum):
    VALUE = "value"
    RAISED = "raised"
    REFUSED = "refused"
    SYNTAX = "syntax"
    LIMIT = "limit"


LIMIT_WORDS = {
    "time": "took longer than {seconds:g} s",
    "cpu": "used more than its share of CPU time",
    "memory": "needed more memory than the sandbox allows",
    "size": "made a result too large to compare",
    "depth": "is nested too deeply",
    "crash": "crashed the sandbox",
    "budget": f"needs more than {REQUEST_SECONDS:g} s in all",
    "request": "makes a request the sandbox cannot take",
}


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one expression."""

    status: Status
    value: Value | None = None
    printed: str = ""
    error_type: str = ""
    error_bases: tuple[str, ...] = ()  # the exception's class and the classes it derives from
    message: str = ""
    limit: str = ""
    names: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    ms: float = 0.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        value = data.get("value")
        return cls(
            status=Status(data["status"]),
            value=decode(value) if value is not None else None,
            printed=str(data.get("repr", "")),
            error_type=str(data.get("type", "")),
            error_bases=tuple(data.get("bases", ())),
            message=str(data.get("message", "")),
            limit=str(data.get("limit", "")),
            names=frozenset(data.get("names", ())),
            warnings=tuple(data.get("warnings", ())),
            ms=float(data.get("ms", 0.0)),
        )

    @classmethod
    def limit_hit(cls, limit: str, message: str = "") -> Result:
        return cls(status=Status.LIMIT, limit=limit, message=message)

    def describe(self, time_limit: float = 2.0) -> str:
        """The outcome in words: the value, ``RuntimeError: ...``, ``refused: ...``."""
        if self.status is Status.VALUE:
            return self.printed
        if self.status is Status.RAISED:
            return f"{self.error_type}: {self.message}" if self.message else self.error_type
        if self.status is Status.REFUSED:
            misspelt = self.error_type == NO_SUCH_NAME  # said as a typo, not a refusal
            return self.message if misspelt else f"refused: {self.message}"
        if self.status is Status.SYNTAX:
            return f"not a Python expression: {self.message}"
        words = LIMIT_WORDS.get(self.limit, "hit a sandbox limit").format(seconds=time_limit)
        if self.limit == "request" and self.message:
            words = f"{words} ({self.message})"
        return words


class EdgeKind(StrEnum):
    """How an edge draw is made. All but ``GIVEN`` change the first random draw's givens:
    each given that drew random numbers, if it is a tensor, keeping its shape, dtype and
    ``requires_grad`` (givens computed from it follow)."""

    SOME_ZEROS = "some-zeros"  # every other element set to 0, the next given the others
    ZEROS = "zeros"
    NEGATED = "negated"
    EQUAL = "equal"  # every element equal to the first
    LARGEST = "largest"  # the smallest element replaced by the largest, which is then repeated
    SCALE = "scale"  # floats and complex numbers multiplied by ``factor``
    GIVEN = "given"  # an author's edge case: some givens replaced by the expressions given


AUTOMATIC_EDGES = (
    EdgeKind.SOME_ZEROS,
    EdgeKind.ZEROS,
    EdgeKind.NEGATED,
    EdgeKind.EQUAL,
    EdgeKind.LARGEST,
)
EDGE_WORDS = {
    EdgeKind.SOME_ZEROS: "some elements set to 0",
    EdgeKind.ZEROS: "all zeros",
    EdgeKind.NEGATED: "the values negated",
    EdgeKind.EQUAL: "all elements equal",
    EdgeKind.LARGEST: "the largest value repeated",
}


@dataclass(frozen=True, slots=True)
class Edge:
    """An extra draw on top of the random ones, seeded like the first of them."""

    kind: EdgeKind
    factor: float = 1.0  # SCALE
    givens: tuple[tuple[str, str], ...] = ()  # GIVEN: (name, expression) replacing a given
    number: int = 0  # GIVEN: which of the card's edge cases, from 1

    @property
    def derived(self) -> bool:
        """Made from the first random draw (so nothing to make when no given is random)."""
        return self.kind is not EdgeKind.GIVEN

    @property
    def label(self) -> str:
        """The draw in words, for a verdict: 'all zeros', 'scaled ×100', 'edge case 2'."""
        if self.kind is EdgeKind.SCALE:
            return f"the values scaled ×{self.factor:g}"
        if self.kind is EdgeKind.GIVEN:
            return f"the card's edge case {self.number}"
        return EDGE_WORDS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.kind is EdgeKind.SCALE:
            data["factor"] = self.factor
        if self.kind is EdgeKind.GIVEN:
            data["givens"] = [list(pair) for pair in self.givens]
            data["number"] = self.number
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edge:
        return cls(
            kind=EdgeKind(data["kind"]),
            factor=float(data.get("factor", 1.0)),
            givens=tuple((str(name), str(expr)) for name, expr in data.get("givens", ())),
            number=int(data.get("number", 0)),
        )


@dataclass(frozen=True, slots=True)
class Trial:
    """One draw of the givens and the results of each expression on it."""

    seed: int
    results: tuple[Result, ...]
    givens: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    given_failure: tuple[str, Result] | None = None  # (name, what went wrong)
    edge: Edge | None = None  # an edge draw (made from the draw seeded with ``seed``)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Trial:
        failure = data.get("given_failure")
        edge = data.get("edge")
        return cls(
            seed=int(data["seed"]),
            results=tuple(Result.from_dict(item) for item in data.get("results", ())),
            givens=MappingProxyType(dict(data.get("givens", {}))),
            given_failure=(failure["name"], Result.from_dict(failure)) if failure else None,
            edge=Edge.from_dict(edge) if edge else None,
        )

    @property
    def key(self) -> tuple[int, Edge | None]:
        """Which draw this is: its seed, and its edge when it is an edge draw."""
        return (self.seed, self.edge)


@dataclass(frozen=True, slots=True)
class Run:
    """The reply to one request: its trials, and whether the givens were random."""

    trials: tuple[Trial, ...]
    random: bool = False

    @property
    def drawn(self) -> tuple[Trial, ...]:
        """The trials of the seeded draws, without the edge draws."""
        return tuple(trial for trial in self.trials if trial.edge is None)

    @property
    def edged(self) -> tuple[Trial, ...]:
        """The edge draws (those the worker made: one equal to an earlier draw is left out)."""
        return tuple(trial for trial in self.trials if trial.edge is not None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Run:
        trials = tuple(Trial.from_dict(item) for item in data["trials"])
        return cls(trials=trials, random=bool(data.get("random", False)))


def evaluations(exprs: int, givens: int, seeds: int) -> int:
    """How many evaluations a request can make, each within the time limit: every trial
    builds the givens afresh for each expression (once when there is none)."""
    return max(1, exprs) * (givens + (exprs > 0)) * seeds


def request_seconds(time_limit: float, exprs: int, givens: int, seeds: int) -> float:
    """The wall-clock time a request may take: the time limit for each evaluation it can
    make, but never more than ``REQUEST_SECONDS`` in all. The worker's CPU budget follows."""
    return min(time_limit * evaluations(exprs, givens, seeds), REQUEST_SECONDS)


class Runner(Protocol):
    """Runs expressions in the sandbox; the worker client is the real one."""

    time_limit: float

    def run(
        self,
        givens: Sequence[tuple[str, str]],
        exprs: Sequence[str],
        seeds: Sequence[int] = (0,),
        *,
        show: Collection[int] | None = None,
        edges: Sequence[Edge] = (),
        show_givens: bool = True,
    ) -> Run: ...
