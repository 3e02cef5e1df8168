"""The commands that run torch: try, grade, and check running every card."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()

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


def test_try_json_and_exceptions():
    result = runner.invoke(app, ["try", "torch.ones(2, 3) @ torch.ones(2, 3)", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["status"] == "raised" and data["exception"] == "RuntimeError"
    assert "cannot be multiplied" in data["message"]


def test_try_refuses_cleanly():
    result = runner.invoke(app, ["try", "torch.os.system('echo hi')"])
    assert result.exit_code == 1
    assert result.output.startswith("refused: ")
    assert "Traceback" not in result.output


def test_try_rejects_a_malformed_given():
    result = runner.invoke(app, ["try", "x", "--given", "x"])
    assert result.exit_code == 2
    assert "--given takes NAME=EXPR" in result.output


def test_try_reports_a_failing_given():
    result = runner.invoke(app, ["try", "x", "-g", "x=torch.tensor([1])[3]"])
    assert result.exit_code == 1
    assert "given 'x': IndexError" in result.output


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


def test_grade_json(tmp_path: Path):
    deck = str(write(tmp_path, GOOD_DECK))
    result = runner.invoke(app, ["grade", deck, "clamp", "[2., 5., 3.]", "--json"])
    assert result.exit_code == 1
    verdict = json.loads(result.output)
    assert verdict["outcome"] == "wrong" and verdict["suggested_rating"] == "again"
    assert verdict["summary"] == "right values, but the result is integer: tensor([2, 5, 3])"


def test_grade_a_bundled_deck_by_slug():
    # a fresh card: grade judges its fixed draw (seed 0), a = tensor([ 6, -5, -9])
    result = runner.invoke(app, ["grade", "arithmetic", "floordiv-negative", "[3, -3, -5]"])
    assert result.exit_code == 0, result.output


def test_grade_bad_usage(tmp_path: Path):
    deck = str(write(tmp_path, GOOD_DECK))
    assert runner.invoke(app, ["grade", "no-such-deck", "x", "1"]).exit_code == 2
    missing = runner.invoke(app, ["grade", deck, "nope", "1"])
    assert missing.exit_code == 2 and "has no card 'nope'" in missing.output
    assert runner.invoke(app, ["grade", deck]).exit_code == 2


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
  - id: slow
    kind: output
    expr: torch.special.legendre_polynomial_p(torch.zeros(1), 2**62)
"""


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
        f"{path}:35:5: error: the expression took longer than 2 s (a sandbox limit)",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, result.output)
    assert "random-shape-is-fine" not in result.output
    assert lines[-1].startswith("8 errors in 1 file")


def test_check_without_running(tmp_path: Path):
    result = runner.invoke(app, ["check", "--no-run", str(write(tmp_path, BAD_CARDS))])
    assert result.exit_code == 0, result.output


WIDE = "'" + "\U0001f600" * 1990 + "'"  # 12 bytes a character once escaped as JSON
# Work no machine finishes: a recurrence of 2**62 steps on one element.
ENDLESS_GIVEN = '"torch.special.legendre_polynomial_p(torch.zeros(1), 2 ** 62)"'
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


def test_check_reports_a_card_over_the_whole_budget(tmp_path: Path):
    """Forty givens, the first of which never finishes, and fifty draws: one budget for
    the run, not the time limit of every evaluation it could make."""
    givens = [f"      g0: {ENDLESS_GIVEN}\n"]
    givens += [f'      g{i}: "torch.rand(2)"\n' for i in range(1, 40)]
    deck = (
        "deck: slow\ntitle: Slow\ncards:\n  - id: slow\n    kind: code\n    prompt: p\n"
        "    trials: 50\n    given:\n" + "".join(givens) + "    solution: g1\n"
    )
    path = write(tmp_path, deck)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    slow = "the solution needs more than 10 s in all (a sandbox limit)"
    assert lines[0] == f"{path}:49:5: error: {slow}"
    assert lines[1].startswith("1 error in 1 file")
