"""The client and the worker stay in step (issue 13, findings 2 and 6).

A reply is given only to the request it answers; a request too large to send is not
sent; a worker out of step, or alive but broken, is replaced; a run never takes more
than its total budget, however many givens and draws it has; large replies arrive whole.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from quiz.judge.client import WorkerClient
from quiz.judge.deckcheck import run_cards
from quiz.judge.judge import Judge
from quiz.judge.verdict import Outcome
from quiz.sandbox.protocol import MAX_REQUEST_BYTES, REQUEST_SECONDS, Edge, EdgeKind, Status
from quiz.sandbox.values import Tensor

# Under xdist the module runs in one process, so that its stand-in and tight-budget workers
# start once, not once per process.
pytestmark = pytest.mark.xdist_group("protocol")

# A stand-in worker: the real one, made to misbehave on cue (see sick_worker.py).
SICK_WORKER = [sys.executable, str(Path(__file__).with_name("sick_worker.py"))]
SICK = "'make the worker sick'"
FORGE = "'forge the id'"
GARBLE = "'garble the reply'"
TWICE = "'reply twice'"
REFUSE = "'refuse the request'"
NEST = "'nest the reply'"
# Work no machine finishes: a recurrence of 2**62 steps on one element.
ENDLESS = "torch.special.legendre_polynomial_p(torch.zeros(1), 2 ** 62)"
ENDLESS_YAML = '"' + ENDLESS + '"'
# The budget tests: a time limit per evaluation far above a run budget lowered from
# REQUEST_SECONDS, so that only the budget can end the run.
TIME_LIMIT = 30.0
RUN_SECONDS = 1.0
# A string of 1,990 characters outside the BMP: 12 bytes each once escaped as JSON.
WIDE = "'" + "\U0001f600" * 1990 + "'"

DECK = """\
format: 1
deck: in-step
title: replies in step
cards:
  - id: double
    kind: code
    prompt: Double x.
    given: {x: "torch.tensor([1, 4, 2])"}
    solution: x * 2
  - id: clamp
    kind: output
    given: {x: "torch.tensor([1, 7, 3])"}
    expr: x.clamp(2, 5)
"""


def clamped(client: WorkerClient) -> str:
    run = client.run([("x", "torch.tensor([1, 7, 3])")], ["x.clamp(2, 5)"])
    return run.trials[0].results[0].printed


@pytest.fixture(scope="module")
def stand_in() -> Iterator[WorkerClient]:
    """One client of the stand-in for the module: each test that makes it misbehave
    checks that it was replaced by a well one, which the next test then uses."""
    client = WorkerClient(command=SICK_WORKER)
    client.wait_ready()
    yield client
    client.close()


# ---------------------------------------------------------------- requests too large


def test_a_megabyte_answer_is_told_so_and_later_answers_keep_their_verdicts(judge, make_deck):
    deck = make_deck(DECK)
    double, clamp = deck.card("double"), deck.card("clamp")
    huge = "x * 2" + " + 0" * 300_000
    verdict = judge.judge(deck, double, huge)
    assert verdict.outcome is Outcome.INVALID
    assert verdict.summary == f"your answer is {len(huge):,} characters; the limit is 2,000"
    assert judge.judge(deck, double, "x + 1").outcome is Outcome.WRONG
    assert judge.judge(deck, double, "x * 2").outcome is Outcome.RIGHT
    assert judge.judge(deck, clamp, "[2, 8, 4]").outcome is Outcome.WRONG
    assert judge.judge(deck, clamp, "[2, 5, 3]").outcome is Outcome.RIGHT


def test_a_request_with_many_long_givens_is_not_sent_and_shifts_nothing(sandbox):
    restarts = sandbox.restarts
    givens = [(f"g{i}", WIDE) for i in range(45)]
    result = sandbox.run(givens, ["g0"]).trials[0].results[0]
    assert result.status is Status.LIMIT and result.limit == "request"
    described = result.describe()
    assert described.startswith("makes a request the sandbox cannot take (it is ")
    assert described.endswith(f" bytes; the limit is {MAX_REQUEST_BYTES:,})")
    assert sandbox.restarts == restarts
    assert clamped(sandbox) == "tensor([2, 5, 3])"
    double = sandbox.run([("x", "torch.tensor([1, 4, 2])")], ["x * 2"]).trials[0].results[0]
    assert double.printed == "tensor([2, 8, 4])"


# ---------------------------------------------------------------- replies out of step


@pytest.mark.parametrize("cue", [FORGE, GARBLE, NEST])
def test_a_reply_with_another_id_or_no_reply_restarts_the_worker(stand_in, cue):
    pid, restarts = stand_in.pid, stand_in.restarts
    result = stand_in.run([], [cue]).trials[0].results[0]
    assert result.status is Status.LIMIT and result.limit == "crash"
    assert stand_in.restarts == restarts + 1 and stand_in.pid != pid
    assert clamped(stand_in) == "tensor([2, 5, 3])"


def test_a_stale_reply_is_never_given_to_the_next_request(stand_in):
    restarts = stand_in.restarts
    first = stand_in.run([], [TWICE]).trials[0].results[0]
    assert first.printed == TWICE  # its own reply; a copy of it is still in the pipe
    pid = stand_in.pid
    next_one = stand_in.run([("x", "torch.tensor([1, 7, 3])")], ["x * 2"]).trials[0].results[0]
    assert next_one.printed != TWICE
    assert next_one.status is Status.LIMIT and next_one.limit == "crash"
    assert stand_in.restarts == restarts + 1 and stand_in.pid != pid
    assert clamped(stand_in) == "tensor([2, 5, 3])"


def test_a_first_part_sent_twice_is_never_taken_for_the_rest_of_the_run(stand_in):
    """One request asks for a run's first draw and its rest; a copy of the first part where
    the rest should be is out of step, as a stale reply was when they were two requests."""
    restarts = stand_in.restarts
    run = stand_in.run([("x", "torch.rand(2)")], [TWICE], (0, 1))
    first, rest = run.trials
    assert first.results[0].printed == TWICE
    assert rest.seed == 1 and rest.results[0].limit == "crash"
    assert stand_in.restarts == restarts + 1
    assert clamped(stand_in) == "tensor([2, 5, 3])"


def test_a_request_the_worker_refuses_is_a_limit_of_that_request_only(stand_in):
    """Not "the sandbox is not available": that would stop `check` for every other deck."""
    pid, restarts = stand_in.pid, stand_in.restarts
    result = stand_in.run([], [REFUSE]).trials[0].results[0]
    assert result.status is Status.LIMIT and result.limit == "request"
    assert result.describe() == "makes a request the sandbox cannot take (bad request: on cue)"
    assert stand_in.restarts == restarts and stand_in.pid == pid
    assert clamped(stand_in) == "tensor([2, 5, 3])"


def test_a_worker_alive_but_broken_is_found_out_and_replaced(stand_in):
    pid, restarts = stand_in.pid, stand_in.restarts
    result = stand_in.run([], [SICK]).trials[0].results[0]
    assert result.status is Status.LIMIT and result.limit == "memory"
    assert stand_in.restarts == restarts + 1 and stand_in.pid != pid
    assert clamped(stand_in) == "tensor([2, 5, 3])"


def test_a_worker_that_hit_a_limit_and_is_well_is_kept(stand_in):
    pid, restarts = stand_in.pid, stand_in.restarts
    result = stand_in.run([], ["list(range(10 ** 5))"]).trials[0].results[0]
    assert result.status is Status.LIMIT and result.limit == "size"
    assert stand_in.restarts == restarts and stand_in.pid == pid


# ---------------------------------------------------------------- the run's budget


@pytest.fixture(scope="module")
def tight() -> Iterator[WorkerClient]:
    """A worker whose run budget is lowered from ``REQUEST_SECONDS`` to ``RUN_SECONDS``,
    so that the budget rule is proven in about a second; its time limit per evaluation
    is far above that budget."""
    client = WorkerClient(time_limit=TIME_LIMIT, run_seconds=RUN_SECONDS)
    client.wait_ready()  # loading torch is not part of any run
    yield client
    client.close()


def test_many_givens_and_draws_share_one_budget(tight: WorkerClient):
    """Forty givens, fifty draws and a 30 s time limit: the run ends at the run's budget,
    with one kill, instead of waiting for every evaluation's own limit."""
    restarts = tight.restarts
    givens = [("g0", ENDLESS)] + [(f"g{i}", "torch.rand(2)") for i in range(1, 40)]
    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(tight.run(givens, ["g1"], range(50))))
    thread.start()
    # A guard: with no budget the first given alone would run for its 30 s time limit,
    # and the app's own budget is longer than the lowered one by far.
    thread.join(timeout=REQUEST_SECONDS)
    assert not thread.is_alive(), "the run went on past its budget"
    (run,) = outcome
    (result,) = run.trials[0].results
    assert result.status is Status.LIMIT and result.limit == "budget"
    # the words name the app's budget, whatever a test lowered it to
    assert result.describe() == f"needs more than {REQUEST_SECONDS:g} s in all"
    assert tight.restarts == restarts + 1


def test_check_reports_a_card_over_the_whole_budget(tight: WorkerClient, make_deck):
    """The same run as a deck's card: ``check`` reports the budget at the card's line."""
    givens = [f"      g0: {ENDLESS_YAML}\n"]
    givens += [f'      g{i}: "torch.rand(2)"\n' for i in range(1, 40)]
    deck = make_deck(
        "deck: slow\ntitle: Slow\ncards:\n  - id: slow\n    kind: code\n    prompt: p\n"
        "    trials: 50\n    given:\n" + "".join(givens) + "    solution: g1\n"
    )
    restarts = tight.restarts
    (problem,) = run_cards([deck], Judge(tight))
    slow = f"the solution needs more than {REQUEST_SECONDS:g} s in all (a sandbox limit)"
    assert str(problem) == f"{deck.path}:49:5: error: {slow}"
    assert tight.restarts == restarts + 1


def test_a_worker_killed_in_the_rest_of_a_run_keeps_the_first_draw_and_says_why(
    tight: WorkerClient,
):
    """The first draw's reply stands; the rest, endless on the all-zeros edge draw, ends at
    what is left of the budget with the words it had as a request of its own, and the next
    run gets a fresh worker."""
    restarts = tight.restarts
    expr = f"{ENDLESS} if bool((x == 0).all()) else x.abs()"
    edges = (Edge(EdgeKind.NEGATED), Edge(EdgeKind.ZEROS))
    run = tight.run([("x", "torch.randn(3)")], [expr], (0, 1), edges=edges)
    first, rest = run.trials
    assert first.seed == 0 and first.results[0].status is Status.VALUE
    assert rest.seed == 1 and rest.edge is None
    assert rest.results[0].limit == "budget"
    assert rest.results[0].describe() == f"needs more than {REQUEST_SECONDS:g} s in all"
    assert tight.restarts == restarts + 1
    again = tight.run([("x", "torch.tensor([1, 7, 3])")], ["x.clamp(2, 5)"]).trials[0]
    assert again.results[0].printed == "tensor([2, 5, 3])"


def test_runs_asked_together_give_what_each_gives_alone_even_when_one_is_killed(
    tight: WorkerClient,
):
    """A batch of runs (``run_each``): each run is what it is alone, an in-place change or
    a seed set by one never reaches the next, and a run killed at its budget ends that
    worker only: the runs after it are asked again of a fresh one."""
    jobs = [
        ([("x", "torch.rand(2)")], ["x.add_(100)", "torch.manual_seed(5).initial_seed()"], 3),
        ([("x", "torch.rand(2)")], ["x", "torch.rand(1)"], 3),
        ([("x", "torch.tensor([1, 7, 3])")], [ENDLESS], 0),
        ([("x", "torch.tensor([1, 7, 3])")], ["x.clamp(2, 5)"], 0),
    ]
    restarts = tight.restarts
    together = tight.run_each(jobs)
    assert tight.restarts == restarts + 1
    alone = [tight.run(givens, exprs, (seed,), show_givens=False) for givens, exprs, seed in jobs]
    assert tight.restarts == restarts + 2
    for batched, single in zip(together, alone, strict=True):
        (got,), (want,) = batched.trials, single.trials
        assert [(r.status, r.printed, r.limit) for r in got.results] == [
            (r.status, r.printed, r.limit) for r in want.results
        ]
    assert together[2].trials[0].results[0].limit == "budget"
    assert together[3].trials[0].results[0].printed == "tensor([2, 5, 3])"
    assert together[1].trials[0].results[0].printed == alone[1].trials[0].results[0].printed


# ---------------------------------------------------------------- large replies


@pytest.fixture(scope="module")
def roomy() -> Iterator[WorkerClient]:
    """A worker whose time limit per evaluation is far above what the largest reply takes
    to build on a loaded machine: the test is about the reply arriving whole, and the
    default limit would make it a test of the machine's speed."""
    client = WorkerClient(time_limit=TIME_LIMIT)
    client.wait_ready()
    yield client
    client.close()


def test_a_large_reply_within_the_cap_arrives_whole(roomy: WorkerClient):
    expr = "torch.arange(200000.0, dtype=torch.float64) * (1 + 2j)"
    result = roomy.run([], [expr], show=()).trials[0].results[0]
    assert result.status is Status.VALUE, result
    value = result.value
    assert isinstance(value, Tensor) and value.shape == (200_000,)
    assert value.dtype == "complex128"
    assert [item.value for item in value.flat[:2]] == [0j, complex(1, 2)]
    assert value.flat[-1].value == complex(199_999, 399_998)
    assert clamped(roomy) == "tensor([2, 5, 3])"
