"""The sandbox worker process: torch is imported once here, and requests are evaluated.

The app starts this process in the background and speaks JSON lines to it: one
request per line on stdin, one reply per line on stdout (the real stdout is kept
for the protocol; anything else printing goes to stderr). A line is read whole or
not at all: one over the size cap is discarded up to its newline and answered with
one error, so the rest of it can never pass for another request. Every reply carries
its request's id, and a reply over its own cap becomes a size limit. Each evaluation starts
from a clean slate: global torch state is reset, the random seed is set for the
trial, and the givens are built afresh, so nothing one answer does reaches the next.

Resource limits are set after torch is imported: address space, no file writes,
no core dumps, and a CPU-time budget per request. The app adds a wall-clock kill,
since no signal interrupts a running torch kernel. Then the OS-level wall rises
(``quiz.worker.wall``), and the hello tells the app what rose.
"""

from __future__ import annotations

import collections
import importlib
import json
import math
import os
import resource
import signal
import sys
import time
import warnings
from typing import Any, BinaryIO, TextIO

from quiz.sandbox.docs import DOC_OP
from quiz.sandbox.protocol import (  # the client counts and caps the same
    MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES,
    NO_SUCH_NAME,
    REQUEST_SECONDS,
    Edge,
    EdgeKind,
    request_seconds,
)

MEMORY_LIMIT_ENV = "TORCH_QUIZ_WORKER_MEMORY"
DEFAULT_MEMORY_LIMIT = 3 << 30
MAX_MESSAGE_CHARS = 500


def main() -> None:
    """Load torch, then serve this process's stdin and stdout."""
    protocol = take_stdout()  # before torch loads: whatever it prints goes to stderr
    load_torch()
    become_worker(protocol)


def load_torch() -> None:
    """Import torch and what the first request would load, single-threaded (a zygote
    forks workers after this, see ``quiz.worker.zygote``)."""
    import torch

    from quiz.worker.evaluator import Evaluator

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    Evaluator({}).evaluate("torch.ones(2).sum()")
    for module in ("quiz.worker.edges", "quiz.worker.encode", "quiz.worker.names"):
        importlib.import_module(module)  # what every request loads
    importlib.import_module("quiz.worker.docstrings")  # and a docstring request


def load_rarely_used() -> None:
    """What torch loads on the first call of a few allow-listed functions, seconds on a
    busy machine: ``broadcast_shapes`` brings in sympy. A zygote loads it once it has
    forked its first worker, so that no later worker's first call of it runs out of time."""
    from quiz.worker.evaluator import Evaluator

    Evaluator({}).evaluate("torch.broadcast_shapes((2, 1), (3,))")


def become_worker(protocol: TextIO) -> None:
    """Limits and the wall rise, the hello goes out, requests are served to the end."""
    import torch

    from quiz.worker.wall import raise_wall

    memory = int(os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT))
    _apply_limits(memory)
    wall = raise_wall()  # the second wall: see quiz/worker/wall.py
    hello = {"ready": True, "torch": torch.__version__, "pid": os.getpid()}
    hello["python"] = sys.version.split()[0]
    hello["limits"] = {"memory": memory, "file_size": 0, "core": 0}
    hello["threads"] = torch.get_num_threads()
    hello["wall"] = wall.as_dict()
    hello["env"] = sorted(os.environ)  # names only
    _send(protocol, hello)
    serve(sys.stdin.buffer, protocol)


def serve(requests: BinaryIO, protocol: TextIO) -> None:
    """Answer each request line until the input ends: one reply per line, whatever it holds."""
    while True:
        line = read_request(requests)
        if line is None:
            return
        if isinstance(line, int):
            reply: dict[str, Any] = {
                "id": None,
                "error": f"bad request: it is {line:,} bytes; the limit is {MAX_REQUEST_BYTES:,}",
            }
            _send(protocol, reply)
            continue
        request: Any = None
        try:
            request = json.loads(line)
            if isinstance(request, dict) and request.get("split"):
                _split(request, protocol)
                continue
            if isinstance(request, dict) and request.get("op") == "batch":
                _batch(request, protocol)
                continue
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            _send(protocol, _bad(request, error))
            continue
        _send(protocol, _answer(request))


def _answer(request: Any) -> dict[str, Any]:
    try:
        return handle(request)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return _bad(request, error)


def _bad(request: Any, error: Exception) -> dict[str, Any]:
    ident = request.get("id") if isinstance(request, dict) else None
    return {"id": ident, "error": f"bad request: {error}"[:MAX_MESSAGE_CHARS]}


def _split(request: dict[str, Any], protocol: TextIO) -> None:
    """A run in two parts, one request: the first seed alone, its reply sent at once with
    ``more`` (whether a second reply follows), then the other seeds and the edge draws,
    replied with ``part: 2``. What the client would otherwise ask in a second request,
    decided as the client decides it (``quiz.judge.client.WorkerClient.run``), without the
    round trip: the client still gives each part its own deadline."""
    started = time.monotonic()
    seeds = list(request["seeds"]) or [0]
    edges = list(request.get("edges") or ())
    run_budget = float(request.get("run_budget", REQUEST_SECONDS))
    first = {**request, "seeds": seeds[:1], "edges": []}
    first.pop("show_edges", None)
    first.pop("edge_seed", None)
    del first["split"]
    reply = _answer(first)
    random = bool(reply.get("random"))
    rest_seeds = seeds[1:] if random else []
    rest_edges = [edge for edge in edges if random or _edge(edge).kind is EdgeKind.GIVEN]
    more = (rest_seeds or rest_edges) and not _stopped(reply)
    _send(protocol, _with(reply, "more", bool(more)))
    if not more:
        return
    left = run_budget - (time.monotonic() - started)
    rest = {**request, "seeds": rest_seeds, "edges": rest_edges, "edge_seed": seeds[0]}
    rest["budget"] = max(left, 0.0)
    del rest["split"]
    _send(protocol, _with(_answer(rest), "part", 2))


def _batch(request: dict[str, Any], protocol: TextIO) -> None:
    """Several runs in one request (``runs``, each an ordinary run request), each replied
    on its own line as soon as it is done, with the batch's id and ``part`` (from 1), so
    the client reads each with the deadline it would have had alone. After a run that hit
    a limit the batch stops (the client checks the worker before asking more)."""
    runs = request["runs"]
    if not isinstance(runs, list) or not all(isinstance(run, dict) for run in runs):
        raise ValueError("a batch's runs are run requests")
    for part, run in enumerate(runs, start=1):
        reply = _answer({**run, "id": request.get("id"), "op": "run"})
        _send(protocol, _with(reply, "part", part))
        if _troubled(reply):
            return


def _troubled(reply: dict[str, Any]) -> bool:
    """Any draw of the reply hit a limit (the client then checks the worker)."""
    for trial in reply.get("trials") or ():
        failure = trial.get("given_failure")
        if failure and failure.get("status") == "limit":
            return True
        if any(result.get("status") == "limit" for result in trial.get("results", ())):
            return True
    return False


def _stopped(reply: dict[str, Any]) -> bool:
    """The first draw failed so that further draws are pointless (the client's rule)."""
    trials = reply.get("trials")
    if not trials:
        return True  # an error: the request was not run
    trial = trials[-1]
    return bool(trial.get("given_failure")) or any(
        result.get("limit") for result in trial.get("results", ())
    )


def _with(reply: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``reply`` with one more field, its measured text kept."""
    if isinstance(reply, _Reply) and reply.text:
        text = reply.text[:-1] + f", {json.dumps(key)}: {json.dumps(value)}}}"
        dict.__setitem__(reply, key, value)
        reply.text = text
        return reply
    reply[key] = value
    return reply


def read_request(stream: BinaryIO, limit: int = MAX_REQUEST_BYTES) -> bytes | int | None:
    """The next whole line; for a line over ``limit``, how many bytes were discarded (all of
    it, up to its newline); None at the end of the input."""
    line = stream.readline(limit + 1)
    if not line:
        return None
    if line.endswith(b"\n") or len(line) <= limit:
        return line
    discarded = len(line)
    while not line.endswith(b"\n"):
        line = stream.readline(1 << 16)
        if not line:
            break
        discarded += len(line)
    return discarded


def take_stdout() -> TextIO:
    """Keep the real stdout for replies; point file descriptor 1 and ``print`` at stderr."""
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # A lone surrogate in a value ('\ud800') cannot be encoded: send '?', never die on it.
    return os.fdopen(protocol_fd, "w", encoding="utf-8", errors="replace", buffering=1)


def _send(protocol: TextIO, message: dict[str, Any]) -> None:
    text = message.text if isinstance(message, _Reply) else ""
    text = text or json.dumps(message, ensure_ascii=False)
    if _bytes(text) > MAX_REPLY_BYTES:  # handle() keeps under it; never send more
        text = json.dumps(_too_large(message.get("id"), 0, len(text)))
    protocol.write(text + "\n")
    protocol.flush()


_encoded = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(_, ensure_ascii=False)


def _bytes(text: str) -> int:
    """The size of ``text`` on the pipe (UTF-8, a character that cannot be encoded as '?')."""
    return len(text.encode("utf-8", "replace"))


def _too_large(ident: Any, seed: int, size: int) -> dict[str, Any]:
    message = f"the reply is over {MAX_REPLY_BYTES:,} bytes ({size:,} so far)"
    result = {"status": "limit", "limit": "size", "message": message}
    return {"id": ident, "trials": [{"seed": seed, "results": [result]}], "random": False}


def _apply_limits(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _cpu_budget(seconds: float) -> None:
    """Let this request use ``seconds`` more CPU time; past it SIGXCPU ends the process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def handle(request: dict[str, Any]) -> dict[str, Any]:
    op = request["op"]
    if op == "ping":
        return {"id": request.get("id"), "pong": True}
    if op == DOC_OP:  # a docstring, for drafting cards: quiz.sandbox.docs
        from quiz.worker.docstrings import answer

        _cpu_budget(2 * REQUEST_SECONDS)  # a lookup: no evaluation runs
        return answer(request)
    if op != "run":
        raise ValueError(f"unknown op {op!r}")
    edges = [_edge(item) for item in request.get("edges") or ()]
    seeds = [int(seed) for seed in request["seeds"]] or ([] if edges else [0])
    edge_seed = int(request.get("edge_seed", seeds[0] if seeds else 0))
    givens = [(str(name), str(expr)) for name, expr in request["givens"]]
    exprs = [str(expr) for expr in request["exprs"]]
    time_limit = float(request.get("time_limit", 2.0))
    shown = request.get("show", True)  # True, False or the seeds to print: printing can
    show = set(seeds) if shown is True else set(shown or ())  # cost more than computing
    show_edges = bool(request.get("show_edges", shown is True))
    show_givens = bool(request.get("show_givens", True))  # False: the values only
    seconds = request_seconds(time_limit, len(exprs), len(givens), len(seeds) + len(edges))
    seconds = min(seconds, float(request.get("budget", seconds)))  # what is left of the run
    _cpu_budget(2 * seconds + 1)
    trials: list[dict[str, Any]] = []
    texts: list[str] = []  # each trial as sent: measured once, and sent as it was measured
    random_givens = False
    size = 0
    stopped = False
    for number, seed in enumerate(seeds):
        trial = run_trial(
            seed, givens, exprs, time_limit, show=seed in show, detect_random=number == 0,
            show_givens=show_givens,
        )  # fmt: skip
        if number == 0:
            random_givens = trial.pop("random")
        text = _encoded(trial)
        size += _bytes(text)
        if size > MAX_REPLY_BYTES - (1 << 10):  # room for the id and the brackets
            trials.append(_too_large(None, seed, size)["trials"][0])
            texts.append(json.dumps(trials[-1]))
            stopped = True
            break
        trials.append(trial)
        texts.append(text)
        if trial.get("given_failure") or _hit_limit(trial):
            stopped = True
            break
        if not random_givens:
            break
    made: list[dict[str, Any]] = []  # the givens each edge draw remade, to leave out repeats
    for edge in [] if stopped else edges:
        trial = run_trial(
            edge_seed, givens, exprs, time_limit, show=show_edges, edge=edge, made=made,
            show_givens=show_givens,
        )  # fmt: skip
        if trial is None:
            continue
        trial["edge"] = edge.as_dict()
        text = _encoded(trial)
        size += _bytes(text)
        if size > MAX_REPLY_BYTES - (1 << 10):
            trials.append(_too_large(None, edge_seed, size)["trials"][0])
            texts.append(json.dumps(trials[-1]))
            break
        trials.append(trial)
        texts.append(text)
        if _hit_limit(trial):
            break
    reply = _Reply(id=request.get("id"), trials=trials, random=random_givens)
    reply.text = (
        f'{{"id": {json.dumps(reply["id"])}, "trials": [{", ".join(texts)}], '
        f'"random": {json.dumps(random_givens)}}}'
    )
    return reply


class _Reply(dict[str, Any]):
    """A run's reply, with its text as sent: each trial was encoded once, to measure it.
    Changed afterwards, it is encoded again."""

    text = ""

    def __setitem__(self, key: str, value: Any) -> None:
        self.text = ""
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.text = ""
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self.text = ""
        return super().pop(key, *default)


def _edge(data: Any) -> Edge:
    edge = Edge.from_dict(data)
    if not math.isfinite(edge.factor):
        raise ValueError("an edge's factor must be a finite number")
    return edge


def _hit_limit(trial: dict[str, Any]) -> bool:
    return any(result["status"] == "limit" for result in trial["results"])


def run_trial(
    seed: int,
    givens: list[tuple[str, str]],
    exprs: list[str],
    time_limit: float,
    *,
    show: bool = True,
    detect_random: bool = False,
    edge: Edge | None = None,
    made: list[dict[str, Any]] | None = None,
    show_givens: bool = True,
) -> dict[str, Any] | None:
    """Evaluate each expression on freshly built givens seeded with ``seed``.

    With ``show``, the givens (unless not ``show_givens``: the app has them from another
    run on the same draw) and each value are also printed as torch prints them. An
    ``edge`` draw remakes the givens that drew random numbers (or replaces some, for an
    author's edge case); one that remakes nothing, or the same values as a draw in
    ``made``, is None: it would only repeat a draw.
    """
    from quiz.worker.edges import remake, same

    replaced = dict(edge.givens) if edge is not None else {}
    remade = edge if edge is not None and edge.derived else None
    trial: dict[str, Any] = {"seed": seed, "results": []}
    key = (seed, tuple(givens), edge)
    for index in range(max(1, len(exprs))):
        random_state = _reset(seed)
        first = show and show_givens and index == 0
        kept = _BUILT.get(key)
        if kept is not None and (kept.shown is not None or not first):
            _BUILT.move_to_end(key)
            env = kept.fresh()
            kept.restore_random_state()
            shown, changed, moved = kept.shown or {}, kept.changed, kept.random
        else:
            env = {}
            shown = {}
            changed = {}
            remade_before = 0  # random givens remade so far in this draw
            for name, expr in givens:
                before = _rng_state() if remade is not None else None
                outcome, value = evaluate(
                    replaced.get(name, expr), env, time_limit, want_value=True,
                    show=first and remade is None,
                )  # fmt: skip
                if outcome["status"] != "value":
                    trial["given_failure"] = {"name": name, **outcome}
                    trial.setdefault("random", False)
                    return trial
                if remade is not None and _rng_moved(before):
                    new = remake(value, remade.kind, remade.factor, remade_before)
                    remade_before += 1
                    if new is not None:
                        value = changed[name] = new
                env[name] = value
                if first:
                    shown[name] = outcome.pop("repr") if "repr" in outcome else _printed(value)
            moved = _rng_moved(random_state)
            kept = _Built.keep(env, changed, moved, shown if first else None)
            if kept is not None:
                _BUILT[key] = kept
                while len(_BUILT) > BUILT_KEPT:
                    _BUILT.popitem(last=False)
                changed = kept.changed  # untouched copies: the expression may change env's
        if index == 0:
            if remade is not None and made is not None:
                if not changed or any(same(changed, earlier) for earlier in made):
                    return None
                made.append(changed)
            if first:
                trial["givens"] = shown
            if detect_random:
                trial["random"] = moved
        if exprs:
            outcome, _ = evaluate(exprs[index], env, time_limit, show=show)
            trial["results"].append(outcome)
            if outcome["status"] == "limit":
                break
    return trial


BUILT_KEPT = 512  # draws of givens kept: a card's reference and its answers share seeds
KEPT_ELEMENTS = 100_000  # a tensor larger than this is built again at every draw


class _Built:
    """One draw of the givens (a seed, perhaps an edge), kept untouched so the next
    evaluation on the same draw gets copies instead of evaluating the givens again.

    Kept only when every given is a value an expression cannot reach into through
    another: an immutable Python value, or a plain tensor (no view, no autograd history,
    no storage shared with another given). Each evaluation gets fresh copies, so an
    in-place change still reaches no other evaluation; the random generator is left as
    building the givens left it.
    """

    def __init__(
        self,
        values: dict[str, Any],
        grads: frozenset[str],
        changed: dict[str, Any],
        random: bool,
        shown: dict[str, str] | None,
    ) -> None:
        import torch

        self.values = values
        self.grads = grads
        self.changed = changed
        self.random = random
        self.shown = shown
        self.random_state = torch.default_generator.get_state()

    @classmethod
    def keep(
        cls,
        env: dict[str, Any],
        changed: dict[str, Any],
        random: bool,
        shown: dict[str, str] | None,
    ) -> _Built | None:
        """The draw kept, or None when a given is not a value that can be copied whole."""
        import torch

        values: dict[str, Any] = {}
        storages: set[int] = set()
        for name, value in env.items():
            if isinstance(value, torch.Tensor):
                if not _plain_tensor(value) or value.untyped_storage().data_ptr() in storages:
                    return None
                if value.numel():
                    storages.add(value.untyped_storage().data_ptr())
                values[name] = value.detach().clone()
            elif value is None or type(value) in _immutable():
                values[name] = value
            else:
                return None
        grads = frozenset(name for name, value in env.items() if _requires_grad(value))
        kept = {name: values[name] for name in changed}
        return cls(values, grads, kept, random, None if shown is None else dict(shown))

    def fresh(self) -> dict[str, Any]:
        import torch

        env: dict[str, Any] = {}
        for name, value in self.values.items():
            if isinstance(value, torch.Tensor):
                value = value.clone()
                if name in self.grads:
                    value.requires_grad_(True)
            env[name] = value
        return env

    def restore_random_state(self) -> None:
        import torch

        torch.default_generator.set_state(self.random_state)


def _plain_tensor(value: Any) -> bool:
    """A dense CPU tensor of its own: not a view, not a Parameter, no history."""
    import torch

    return (
        type(value) is torch.Tensor
        and value.layout is torch.strided
        and value.device.type == "cpu"
        and not value.is_quantized
        and not value.is_nested
        and value.grad_fn is None
        and value.grad is None
        and value._base is None
        and value.is_contiguous()
        and value.storage_offset() == 0
        and value.untyped_storage().nbytes() == value.numel() * value.element_size()
        and not value.is_conj()
        and not value.is_neg()
        and not any(getattr(value, "names", None) or ())
        and value.numel() <= KEPT_ELEMENTS
    )


def _requires_grad(value: Any) -> bool:
    import torch

    return isinstance(value, torch.Tensor) and value.requires_grad


def _immutable() -> tuple[type, ...]:
    import torch

    return (bool, int, float, complex, str, torch.dtype, torch.Size, torch.device)


_BUILT: collections.OrderedDict[tuple[Any, ...], _Built] = collections.OrderedDict()


def forget() -> None:
    """Drop the kept draws of givens, parsed expressions and printed texts: the next
    request builds, parses and prints everything afresh (tests that count evaluations)."""
    from quiz.worker.evaluator import forget_parsed

    _BUILT.clear()
    _NAMES.clear()
    _PRINTED.clear()
    forget_parsed()


def _printed(value: Any) -> str:
    """A remade given as torch prints it."""
    try:
        return str(_shown(value, encoded=False, printed=True)["repr"])
    except _Unshowable as error:
        return f"(cannot be shown: {error})"


def _reset(seed: int) -> Any:
    """Undo whatever global state the last evaluation could have touched; seed the trial."""
    import torch

    torch.set_default_dtype(torch.float32)
    torch.set_printoptions(profile="default", sci_mode=None)
    torch.set_grad_enabled(True)
    # Sparse constructors skip their index checks by default; an index out of range then
    # reads and writes outside the tensor's memory. Always check.
    torch.sparse.check_sparse_tensor_invariants.enable()
    torch.default_generator.manual_seed(seed)  # torch.manual_seed also seeds every device
    return torch.default_generator.get_state()


def _rng_state() -> Any:
    import torch

    return torch.default_generator.get_state()


def _rng_moved(state_after_seeding: Any) -> bool:
    import torch

    return not torch.equal(state_after_seeding, torch.default_generator.get_state())


def evaluate(
    source: str,
    env: dict[str, Any],
    time_limit: float,
    *,
    want_value: bool = False,
    show: bool = False,
) -> tuple[dict[str, Any], Any]:
    """One expression's outcome: value, raised, refused, syntax or limit.

    A given (``want_value``) is returned as is; an answer's value is encoded. Either is
    printed only when ``show``, and a value that cannot be printed (an integer past
    Python's digit limit) is a size limit, not an exception it raised.
    """
    from quiz.worker.encode import TooLarge
    from quiz.worker.evaluator import Evaluator, NoSuchName, OutOfTime, Refused

    started = time.perf_counter()
    value: Any = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        names: list[str] = []
        try:
            names = _names(source)
            value = Evaluator(env, deadline=started + time_limit).evaluate(source)
            outcome: dict[str, Any] = {"status": "value"}
            if not want_value or show:
                outcome.update(_shown(value, encoded=not want_value, printed=show))
        except _Unshowable as error:  # it ran; only sending or printing its value failed
            outcome = {"status": "limit", "limit": "size", "message": _message(error)}
        except NoSuchName as error:  # refused, and said as the misspelling it is
            outcome = {"status": "refused", "type": NO_SUCH_NAME, "message": _message(error)}
        except Refused as error:
            outcome = {"status": "refused", "message": _message(error)}
        except OutOfTime:
            outcome = {"status": "limit", "limit": "time", "message": "out of time"}
        except SyntaxError as error:
            outcome = {"status": "syntax", "message": _message(error)}
        except TooLarge as error:
            outcome = {"status": "limit", "limit": "size", "message": _message(error)}
        except (MemoryError, RecursionError) as error:
            outcome = _limit_for(error)
        except Exception as error:
            outcome = _raised(error)
    elapsed = time.perf_counter() - started
    if elapsed > time_limit:
        outcome = {"status": "limit", "limit": "time", "message": f"took {elapsed:.1f} s"}
    outcome["ms"] = round(elapsed * 1000, 3)
    if names:
        outcome["names"] = names
    if caught:
        outcome["warnings"] = sorted({_message(w.message) for w in caught})[:5]
    return outcome, value


_NAMES: dict[str, list[str]] = {}


def _names(source: str) -> list[str]:
    """The names ``source`` uses (``quiz.worker.names``), read once for all its draws."""
    from quiz.worker.evaluator import PARSED_KEPT, parsed
    from quiz.worker.names import names_used

    names = _NAMES.get(source)
    if names is None:
        names = names_used(parsed(source))
        if len(_NAMES) >= PARSED_KEPT:
            _NAMES.clear()
        _NAMES[source] = names
    return names


def _shown(value: Any, *, encoded: bool, printed: bool) -> dict[str, Any]:
    from quiz.worker.encode import TooLarge, encode

    try:
        shown = {"value": encode(value)} if encoded else {}
        if printed:
            shown["repr"] = _print(value)
    except TooLarge as error:
        raise _Unshowable(_message(error)) from None
    except Exception as error:  # a meta or quantized tensor, an integer past the digit limit
        raise _Unshowable(f"the value cannot be shown: {_message(error)}") from None
    return shown


def _print(value: Any) -> str:
    """``value`` as torch prints it (``quiz.worker.encode.printed``).

    torch's printing costs more than most evaluations, and the same tensor is printed
    again and again (a right answer's value is the reference's, on the same draw): a
    plain tensor's text is kept under a key made of everything torch's printing reads
    (``_print_key``), so it is given back only for a tensor torch would print the same.
    """
    from quiz.worker.encode import printed

    key = _print_key(value)
    if key is not None:
        text = _PRINTED.get(key)
        if text is not None:
            _PRINTED.move_to_end(key)
            return text
    text = printed(value)
    if key is not None:
        _PRINTED[key] = text
        while len(_PRINTED) > PRINTED_KEPT:
            _PRINTED.popitem(last=False)
    return text


PRINTED_KEPT = 256  # texts of tensors kept
KEYED_ELEMENTS = 1_000  # torch summarises past its threshold; such values are not kept
_PRINTED: collections.OrderedDict[tuple[Any, ...], str] = collections.OrderedDict()


def _print_key(value: Any) -> tuple[Any, ...] | None:
    """What torch's ``repr`` of a plain CPU tensor depends on: its dtype, shape and the bits
    of its elements, how it requires grad (``grad_fn=<...>``, ``requires_grad=True``), the
    default dtype and device and the print options. None for any other value, and for a
    tensor whose repr reads more (names, a conjugate or negative bit, a tangent, a wrapper)."""
    import torch

    if type(value) is not torch.Tensor:
        return None
    if (
        value.layout is not torch.strided
        or value.device.type != "cpu"
        or value.is_quantized
        or value.is_nested
        or value.is_meta
        or value.is_neg()
        or value.is_conj()
        or value._is_zerotensor()
        or any(getattr(value, "names", None) or ())
        or value.numel() > KEYED_ELEMENTS
        or torch._C._functorch.is_functorch_wrapped_tensor(value)
        or torch._is_functional_tensor(value)
        or torch.autograd.forward_ad.unpack_dual(value).tangent is not None
    ):
        return None
    try:
        grad_fn = value.grad_fn
    except RuntimeError:
        return None  # torch prints "Invalid": not worth keeping
    grad_fn_name = None
    if grad_fn is not None:
        grad_fn_name = type(grad_fn).__name__
        if grad_fn_name == "CppFunction":
            grad_fn_name = grad_fn.name()
    options = torch._tensor_str.PRINT_OPTS
    with torch.no_grad():
        bits = value.detach().reshape(-1).contiguous().view(torch.uint8).numpy().tobytes()
    return (
        value.dtype, tuple(value.shape), value.requires_grad, grad_fn_name,
        torch.get_default_dtype(), str(torch._C._get_default_device()),
        options.precision, options.threshold, options.edgeitems, options.linewidth,
        options.sci_mode, bits,
    )  # fmt: skip


class _Unshowable(Exception):
    """The expression gave a value, but it cannot be encoded or printed: not an exception."""


def _raised(error: Exception) -> dict[str, Any]:
    message = _message(error)
    if "can't allocate memory" in message or "DefaultCPUAllocator" in message:
        return {"status": "limit", "limit": "memory", "message": message}
    bases = [kind.__name__.lstrip("_") for kind in type(error).__mro__]
    bases = [name for name in bases if name not in ("object", "BaseException", "Exception")]
    return {"status": "raised", "type": bases[0], "bases": bases, "message": message}


def _limit_for(error: BaseException) -> dict[str, Any]:
    if isinstance(error, RecursionError):
        return {"status": "limit", "limit": "depth", "message": "nested too deeply"}
    return {"status": "limit", "limit": "memory", "message": "out of memory"}


def _message(error: object) -> str:
    """The first line of a message, with control and format characters shown escaped.

    Messages quote the expression's own strings (``Invalid device string: '...'``), and
    they end up on the learner's terminal: an escape sequence must arrive as text.
    """
    text = str(error).strip()
    first = text.splitlines()[0] if text else ""
    first = "".join(c if c.isprintable() else repr(c)[1:-1] for c in first)
    return first[:MAX_MESSAGE_CHARS]
