"""The commands that run torch: try, grade, and check running every card."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()
# The commands run on the session's worker (see commands_share_the_sandbox), but for
# the first: one command starts and closes a worker of its own.
SHARED = pytest.mark.usefixtures("commands_share_the_sandbox")
TIME_LIMIT = 0.25  # for a card that never ends: the kill comes sooner than at 2 s

GOOD_DECK = """\
deck: cli-deck
title: CLI deck
cards:
  - id: clamp
    kind: output
    given: {x: "torch.tensor([1, 7, 3])"}
    expr: x.clamp(2, 5)
    accept: ["[2, 5, 3]"]
    reject: ["[2, 5, 5]"]
  - id: raises
    kind: output
    expr: torch.ones(2, 3) @ torch.ones(2, 3)
    accept: [RuntimeError]
"""


def write(tmp_path: Path, text: str, name: str = "deck.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_try_prints_the_value_as_torch_does():
    result = runner.invoke(app, ["try", "x.clamp(2, 5)", "--given", "x=torch.tensor([1, 7, 3])"])
    assert result.exit_code == 0
    assert result.output == "tensor([2, 5, 3])\n"


@SHARED
def test_try_json_and_exceptions():
    result = runner.invoke(app, ["try", "torch.ones(2, 3) @ torch.ones(2, 3)", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["status"] == "raised" and data["exception"] == "RuntimeError"
    assert "cannot be multiplied" in data["message"]


@SHARED
def test_try_refuses_cleanly():
    result = runner.invoke(app, ["try", "torch.os.system('echo hi')"])
    assert result.exit_code == 1
    assert result.output.startswith("refused: ")
    assert "Traceback" not in result.output


@SHARED
def test_try_refuses_what_python_would_not_compile():
    """A repeated keyword parses, but Python refuses to compile it: no value is printed
    for whichever keyword came last."""
    result = runner.invoke(app, ["try", "torch.ones(2, 3).sum(dim=0, dim=1)"])
    assert result.exit_code == 1
    assert "keyword argument repeated: dim" in result.output
    assert "tensor(" not in result.output


def test_try_rejects_a_malformed_given():
    result = runner.invoke(app, ["try", "x", "--given", "x"])
    assert result.exit_code == 2
    assert "--given takes NAME=EXPR" in result.output


@SHARED
def test_try_reports_a_failing_given():
    result = runner.invoke(app, ["try", "x", "-g", "x=torch.tensor([1])[3]"])
    assert result.exit_code == 1
    assert "given 'x': IndexError" in result.output


@SHARED
def test_grade_exit_codes(tmp_path: Path):
    deck = str(write(tmp_path, GOOD_DECK))
    right = runner.invoke(app, ["grade", deck, "clamp", "[2, 5, 3]"])
    assert right.exit_code == 0 and right.output.startswith("right")
    assert "expected: tensor([2, 5, 3])" in right.output
    wrong = runner.invoke(app, ["grade", deck, "clamp", "[2, 5, 5]"])
    assert wrong.exit_code == 1
    assert "differs at [2]: expected 3, got 5" in wrong.output
    assert "suggested rating: again" in wrong.output
    unreadable = runner.invoke(app, ["grade", deck, "clamp", "x.clamp(2, 5)"])
    assert unreadable.exit_code == 2 and "is code" in unreadable.output
    assert runner.invoke(app, ["grade", deck, "raises", "RuntimeError"]).exit_code == 0


@SHARED
def test_grade_json(tmp_path: Path):
    deck = str(write(tmp_path, GOOD_DECK))
    result = runner.invoke(app, ["grade", deck, "clamp", "[2., 5., 3.]", "--json"])
    assert result.exit_code == 1
    verdict = json.loads(result.output)
    assert verdict["outcome"] == "wrong" and verdict["suggested_rating"] == "again"
    assert (
        verdict["summary"]
        == "right values, but yours is float32; torch gives int64: tensor([2, 5, 3])"
    )


@SHARED
def test_grade_a_bundled_deck_by_slug():
    # a fresh card: grade judges its fixed draw (seed 0), a = tensor([ 6, -5, -9])
    result = runner.invoke(app, ["grade", "arithmetic", "floordiv-negative", "[3, -3, -4]"])
    assert result.exit_code == 0, result.output


def test_grade_bad_usage(tmp_path: Path):
    deck = str(write(tmp_path, GOOD_DECK))
    assert runner.invoke(app, ["grade", "no-such-deck", "x", "1"]).exit_code == 2
    missing = runner.invoke(app, ["grade", deck, "nope", "1"])
    assert missing.exit_code == 2 and "has no card 'nope'" in missing.output
    assert runner.invoke(app, ["grade", deck]).exit_code == 2


@SHARED
def test_check_runs_cards_and_passes_a_good_deck(tmp_path: Path):
    result = runner.invoke(app, ["check", str(write(tmp_path, GOOD_DECK))])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


BAD_CARDS = """\
deck: bad-cards
title: Bad cards
cards:
  - id: wrong-accept
    kind: output
    expr: torch.tensor([1, 2]) * 2
    accept: ["[2, 4]", "[2, 5]"]
    reject: ["[2, 4.]", "[2, 4]"]
  - id: raises-unexpectedly
    kind: output
    expr: torch.tensor([1, 2])[9]
  - id: refused
    kind: code
    prompt: p
    solution: torch.os
  - id: summarised
    kind: output
    expr: torch.arange(2000)
  - id: random-output
    kind: output
    given: {x: "torch.randn(3)"}
    expr: x.sum()
  - id: random-shape-is-fine
    kind: output
    given: {x: "torch.randn(3, 4)"}
    expr: x.T.shape
    accept: ["torch.Size([4, 3])"]
  - id: bad-demo
    kind: flash
    front: f
    back: b
    demo: torch.zeros(2)[5]
"""


@SHARED
def test_check_reports_each_broken_card_at_its_line(tmp_path: Path):
    path = write(tmp_path, BAD_CARDS)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    expected = [
        f"{path}:7:5: error: accept example '[2, 5]' is judged wrong: differs at [1]",
        f"{path}:8:5: error: reject example '[2, 4]' is judged right",
        f"{path}:11:5: error: the expression raises IndexError: index 9 is out of bounds",
        f"{path}:15:5: error: the solution is refused by the sandbox:",
        f"{path}:18:5: error: torch prints the value in summarised form",
        f"{path}:22:5: error: the value changes with the random givens",
        f"{path}:32:5: error: the demo raises IndexError",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, result.output)
    assert "random-shape-is-fine" not in result.output
    assert lines[-1].startswith("7 errors in 1 file")


SLOW_CARD = """\
deck: slow-card
title: Slow card
cards:
  - id: fine
    kind: output
    expr: torch.tensor([1, 2]) * 2
  - id: slow
    kind: output
    expr: torch.special.legendre_polynomial_p(torch.zeros(1), 2**62)
"""


def test_check_reports_a_card_over_the_time_limit_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """On workers with a small time limit (forks of this process's zygote), so that the
    kill comes sooner than at the default 2 s; the card never ends at any limit."""
    import quiz.judge.client

    monkeypatch.setattr(
        quiz.judge.client,
        "WorkerClient",
        functools.partial(quiz.judge.client.WorkerClient, time_limit=TIME_LIMIT),
    )
    path = write(tmp_path, SLOW_CARD)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    slow, summary = result.output.splitlines()
    assert slow == (
        f"{path}:9:5: error: the expression took longer than {TIME_LIMIT:g} s (a sandbox limit)"
    )
    assert summary.startswith("1 error in 1 file")


def test_check_without_running(tmp_path: Path):
    result = runner.invoke(app, ["check", "--no-run", str(write(tmp_path, BAD_CARDS))])
    assert result.exit_code == 0, result.output


WIDE = "'" + "\U0001f600" * 1990 + "'"  # 12 bytes a character once escaped as JSON
HOSTILE_DECK = (
    "deck: hostile\ntitle: Hostile\ncards:\n"
    "  - id: harmless\n    kind: output\n    expr: torch.tensor([1, 2]) * 2\n"
    "  - id: many-givens\n    kind: output\n    given:\n"
    + "".join(f'      g{i}: "{WIDE}"\n' for i in range(45))
    + "    expr: g0\n"
)
SECOND_DECK = """\
deck: second
title: Second
cards:
  - id: double
    kind: output
    given: {x: "torch.tensor([1, 4, 2])"}
    expr: x * 2
    accept: ["[2, 8, 4]"]
    reject: ["[2, 8, 4]"]
"""


@SHARED
def test_check_goes_on_past_a_hostile_deck(tmp_path: Path):
    """A card whose request is too large to send is reported at its line; the decks on
    either side are checked as if it were not there."""
    first = write(tmp_path, GOOD_DECK, "a.yaml")
    hostile = write(tmp_path, HOSTILE_DECK, "b.yaml")
    second = write(tmp_path, SECOND_DECK, "c.yaml")
    result = runner.invoke(app, ["check", str(first), str(hostile), str(second)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 3, result.output
    request, reject, summary = lines
    assert request.startswith(
        f"{hostile}:55:5: error: the expression makes a request the sandbox cannot take (it is "
    ), request
    assert request.endswith(" bytes; the limit is 1,048,576) (a sandbox limit)")
    assert reject == f"{second}:9:5: error: reject example '[2, 8, 4]' is judged right"
    assert summary.startswith("2 errors in 3 files")


# ---------------------------------------------------------------- check as an author's tool

ROUNDS = """\
deck: rounds
title: Fixed in one round
cards:
  - id: pick
    kind: choice
    prompt: Which reduces over rows?
    options: [dim=0, dim=1, "2"]
    answer: dim=0
    accept: ["1"]
    reject: ["dim=0", "7"]
  - id: double
    kind: output
    given: {x: "torch.tensor([1, 4, 2])"}
    expr: x * 2
    hnit: typo
    accept: ["[2, 8, 4]", "[2, 8, 5]"]
    reject: ["[2, 8, 4]", "[2, 8,"]
  - id: keep-dim
    kind: code
    prompt: Sum the rows, keeping the dimension.
    given: {x: "torch.ones(2, 3)"}
    solution: x.sum(dim=1, keepdim=True)
    accept: ["x.sum(1, True)", "x.sum(dim=1", "x.sum(1)"]
  - id: broken
    kind: kind-of
"""


NUMBER_OPTION = (
    "option '2' reads like the number of option 2; learners may answer with a number, so "
    "write it out (say 'base 2', not '2')"
)


@SHARED
def test_check_reports_every_problem_of_a_file_in_one_run(tmp_path: Path):
    """A bad option, a typo'd key and a card of no kind used to hide every accept and
    reject problem of the file: the author fixed them in rounds."""
    path = write(tmp_path, ROUNDS)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:7:29: error: option '2' reads like the number of option 2; learners may "
        "answer with a number, so write it out (say 'base 2', not '2')",
        f"{path}:10:5: error: reject example 'dim=0' is judged right",
        f"{path}:15:5: error: unknown key 'hnit' (did you mean 'hint'?)",
        f"{path}:16:5: error: accept example '[2, 8, 5]' is judged wrong: differs at [2]: "
        "expected 4, got 5",
        f"{path}:17:5: error: reject example '[2, 8, 4]' is judged right",
        f"{path}:23:5: error: accept example 'x.sum(1)' is judged wrong: shape (2,) vs (2, 1)",
        f"{path}:23:32: error: not a valid expression: '(' was never closed (YAML splits "
        "[a, b] lists at commas: quote an item that has one)",
        f"{path}:25:5: error: unknown card kind 'kind-of' (one of output, code, cloze, choice, "
        "flash)",
        "8 errors in 1 file; fine: 0 decks, 0 cards",
    ]


REJECTS = """\
deck: rejects
title: Rejects that are anything but right
cards:
  - id: output
    kind: output
    given: {x: "torch.tensor([1, 4, 2])"}
    expr: x * 2
    reject: ["[2, 8,", "tensor([2, 8, 4]", "[2, 8, 4]]", "RuntimeError", "[2, 8, 5]", "[2，8"]
  - id: code
    kind: code
    prompt: Sum the rows.
    given: {x: "torch.ones(2, 3)"}
    solution: x.sum(dim=1)
    reject: ["x.sum(dim=1, dim=1)", "x.sum(dim=", "x.sum(dim=1) +", "x.sum(0)", "x.__class__"]
  - id: cloze
    kind: cloze
    prompt: Keep the dimension.
    given: {x: "torch.ones(2, 3)"}
    template: x.sum(dim=1, ____=True)
    solution: keepdim
    reject: ["keepdim=False, keepdim", "dim", "keepdim #", "keepdim=True)[0", "keepdim) + (x"]
  - id: choice
    kind: choice
    prompt: Which keeps the dimension?
    options: [keepdim=True, keepdim=False]
    answer: keepdim=True
    reject: ["2", "3", "keepdim", "1 2 3"]
"""


@SHARED
def test_a_reject_example_is_satisfied_by_anything_but_right(tmp_path: Path):
    """Unreadable, uncompilable once filled, refused or wrong: a learner who types it is
    not told it is right, which is what a reject example is there to show."""
    result = runner.invoke(app, ["check", str(write(tmp_path, REJECTS))])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1 file checked: 1 deck, 4 cards, no problems"]


def records(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


@SHARED
def test_check_json_prints_one_object_per_card(tmp_path: Path):
    path = write(tmp_path, ROUNDS)
    result = runner.invoke(app, ["check", "--json", str(path)])
    assert result.exit_code == 1
    found = records(result.output)
    assert [(r["type"], r["id"], r["kind"], r["line"], r["col"]) for r in found] == [
        ("card", "pick", "choice", 4, 5),
        ("card", "double", "output", 11, 5),
        ("card", "keep-dim", "code", 18, 5),
        ("card", "broken", "kind-of", 24, 5),
    ]
    assert {(r["path"], r["deck"], r["varies"]) for r in found} == {(str(path), "rounds", False)}
    pick = found[0]["problems"]
    assert pick == [
        {"line": 7, "col": 29, "message": NUMBER_OPTION},
        {"line": 10, "col": 5, "message": "reject example 'dim=0' is judged right"},
    ]
    assert [len(r["problems"]) for r in found] == [2, 3, 2, 1]  # type: ignore[arg-type]


@SHARED
def test_check_json_of_good_decks_exits_0(tmp_path: Path):
    result = runner.invoke(app, ["check", "--json", str(write(tmp_path, GOOD_DECK))])
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["kind"], r["problems"]) for r in records(result.output)] == [
        ("clamp", "output", []),
        ("raises", "output", []),
    ]


@SHARED
def test_check_json_reports_what_is_in_no_card_in_a_record_for_its_file(tmp_path: Path):
    unreadable = write(tmp_path, "deck: x\ntitle: [unclosed\n", "unreadable.yaml")
    given = write(
        tmp_path,
        'deck: Bad Slug\ntitle: t\ngiven: {x: "torch.ones("}\ncards:\n'
        "  - {id: a, kind: output, expr: x}\n",
        "given.yaml",
    )
    missing = tmp_path / "missing.yaml"
    result = runner.invoke(app, ["check", "--json", str(unreadable), str(given), str(missing)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    found = records(result.output)
    assert [(r["type"], r["path"], r["deck"]) for r in found] == [
        ("file", str(unreadable), None),
        ("file", str(given), "Bad Slug"),
        ("card", str(given), "Bad Slug"),
        ("file", str(missing), None),
    ]
    assert found[0]["problems"][0]["message"].startswith("invalid YAML: ")  # type: ignore[index]
    assert [p["line"] for p in found[1]["problems"]] == [1, 3]  # type: ignore[union-attr]
    assert found[2]["problems"] == []  # its deck's givens are broken: it was not run
    assert found[3]["problems"] == [{"line": 1, "col": 1, "message": "no such file or folder"}]


def test_check_json_escapes_what_a_deck_holds(tmp_path: Path):
    card = '  - {id: a, kind: flash, front: "\\e[2J"}\n'
    path = write(tmp_path, "deck: esc\ntitle: t\ncards:\n" + card)
    result = runner.invoke(app, ["check", "--json", "--no-run", str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    (card,) = records(result.output)
    assert [p["message"] for p in card["problems"]] == [  # type: ignore[union-attr]
        "missing required key 'back' for a flash card",
        "control character U+001B is not allowed in deck text",
    ]


@SHARED
def test_the_json_example_in_the_docs_is_what_check_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    text = (Path(__file__).parent.parent / "docs" / "deck-format.md").read_text("utf-8")
    json_at = text.index("```json\n")
    deck = re.findall(r"```yaml\n(.*?)```", text[:json_at], re.DOTALL)[-1]
    printed = text[json_at + len("```json\n") : text.index("```", json_at + 3)]
    monkeypatch.chdir(tmp_path)
    write(tmp_path, deck, "one-round.yaml")
    result = runner.invoke(app, ["check", "--json", "one-round.yaml"])
    assert result.exit_code == 1
    assert result.output == printed
