"""Issue 13, finding 4: no command prints a raw escape sequence, whatever a value, a deck
or a file name holds. Output is captured with colour on: click then leaves escape
sequences in, as it does on a terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("commands_share_the_sandbox")  # one worker for all
# the control and format characters the attacks below use
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def invoke(args: list[str]):
    return runner.invoke(app, args, color=True)


def assert_no_raw_controls(output: str) -> None:
    found = RAW.search(output)
    assert found is None, f"raw {found.group()!r} in {output!r}"


def test_try_prints_a_module_that_holds_an_escape_sequence_escaped():
    result = invoke(["try", "nn.Softmax(dim='\\x1b[2J\\x1b[31mRED')"])
    assert result.exit_code == 0, result.output
    assert_no_raw_controls(result.output)
    assert result.output == "Softmax(dim=\\x1b[2J\\x1b[31mRED)\n"


def test_try_json_is_the_same_data_without_raw_controls():
    result = invoke(["try", "--json", "[nn.ELU(alpha='\\x9b2J\\u202egnp'), nn.ReLU()]"])
    assert result.exit_code == 0, result.output
    assert_no_raw_controls(result.output)
    assert json.loads(result.output)["value"] == "[ELU(alpha=\\x9b2J\\u202egnp), ReLU()]"


GRADE_DECK = """\
deck: hostile-values
title: Values that print escape sequences
cards:
  - id: pair
    kind: code
    prompt: The module and x, as a list.
    given:
      x: torch.rand(2)
      m: "nn.Softmax(dim='\\\\x1b]0;OWNED\\\\x07\\\\x1b[2J')"
    solution: "[m, x]"
"""


def test_grade_escapes_the_expected_value_and_the_givens_of_the_failing_draw(tmp_path: Path):
    deck = tmp_path / "deck.yaml"
    deck.write_text(GRADE_DECK, encoding="utf-8")
    result = invoke(["grade", str(deck), "pair", "[m, x + 1]"])
    assert result.exit_code == 1, result.output
    assert_no_raw_controls(result.output)
    escaped = "Softmax(dim=\\x1b]0;OWNED\\x07\\x1b[2J)"
    lines = result.output.splitlines()
    assert any(line.startswith("expected: [" + escaped) for line in lines), result.output
    assert any(line.startswith("on draw 1 of") and f"m = {escaped}" in line for line in lines)


def test_check_escapes_a_hostile_file_name(tmp_path: Path):
    """A folder of decks from a stranger: a file name is text the CLI prints too."""
    name = "\x1b[2J\x1b]0;OWNED\x07\u202egnp.yaml"
    (tmp_path / name).write_text("deck: x\n", encoding="utf-8")
    result = invoke(["check", "--no-run", str(tmp_path)])
    assert result.exit_code == 1
    assert_no_raw_controls(result.output)
    assert "\\x1b[2J\\x1b]0;OWNED\\x07\\u202egnp.yaml:1:1: error: " in result.output
