"""Numbers too large to compare get one clean line, never a traceback (issue 13, finding 7).

``torch-quiz grade DECK CARD "1e999…9"`` (an exponent of 4,400 digits) printed a
traceback: CPython refuses to convert more than 4,300 digits to an int. Hex integers of
thousands of digits broke the comparison with complex values (no float holds them),
and a deck holding such a literal in an ``accept`` or ``reject`` example crashed
``check``. Every size of literal is tried here through the parser, the comparison,
the judge, ``grade`` and ``check``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.judge.compare import Rules, compare
from quiz.judge.literal import LiteralError, parse_answer
from quiz.judge.verdict import Outcome, Verdict
from quiz.sandbox.values import Kind, Scalar, Tensor

runner = CliRunner()
# In-process commands run on the session's worker (see commands_share_the_sandbox);
# test_a_real_process_prints_no_traceback starts real ones.
SHARED = pytest.mark.usefixtures("commands_share_the_sandbox")

EXPONENT_4400 = "1e" + "9" * 4400  # the issue's example
HEX_1000 = "0x" + "f" * 1000  # 4,000 bits: an integer the judge reads, past any float

# Every way a literal's size could break reading or comparing it.
HUGE = {
    "exponent-4400-digits": EXPONENT_4400,
    "negative-exponent-4400-digits": "1e-" + "9" * 4400,
    "exponent-of-zeros": "1e" + "0" * 4400 + "1",
    "int-5000-digits": "9" * 5000,
    "int-4300-digits": "1" + "0" * 4300,
    "int-just-past-the-bits": str(2**4096),
    "int-past-floats": str(2**1100),
    "negative-int-past-floats": "-" + str(2**1100),
    "hex-5000-digits": "0x" + "f" * 5000,
    "hex-1000-digits": HEX_1000,
    "octal-6000-digits": "0o" + "7" * 6000,
    "binary-5000-digits": "0b" + "1" * 5000,
    "underscored": "1_" + "000_" * 2000 + "0",
    "float-1e999999": "1e999999",
    "float-1e400": "1e400",
    "float-1e-400": "1e-400",
    "zero-with-huge-exponent": "0e99999",
    "zero-with-exponent-399": "0e399",
    "long-mantissa": "1" * 5000 + ".5",
    "long-fraction": "0." + "0" * 5000 + "1",
    "complex-int-real-past-floats": str(2**1100) + "+1j",
    "complex-hex-real": "0x" + "f" * 300 + "-1j",
    "complex-huge-imaginary": "1+" + "9" * 400 + "j",
    "complex-1e999j": "1+1e999j",
    "imaginary-4400-digit-exponent": "1e" + "9" * 4400 + "j",
    "many-minus-signs": "-" * 10000 + "1",
    "nested-deep": "[" * 5000 + "]" * 5000,
    "tensor-of-huge": "tensor([" + "9" * 5000 + "])",
    "list-past-floats": "[" + ", ".join([str(2**1100)] * 5) + "]",
    "tensor-of-hex": f"tensor([{HEX_1000}, 1])",
    "size-huge-dim": "torch.Size([" + "9" * 2000 + "])",
    "size-past-floats": f"torch.Size([{2**1100}])",
    "nan": "nan",
    "inf": "-inf",
    "over-the-answer-cap": "9" * 30000,
}

DECK = """\
deck: huge
title: Huge literals
cards:
  - {id: int-tensor, kind: output, expr: "torch.tensor(5)"}
  - {id: python-int, kind: output, expr: "torch.tensor([2, 3]).sum().item()"}
  - {id: int-max, kind: output, expr: "torch.iinfo(torch.int64).max"}
  - {id: complex-tensor, kind: output, expr: "torch.tensor([1 + 2j])"}
  - {id: python-complex, kind: output, expr: "torch.tensor(1 + 2j).item()"}
  - {id: float-tensor, kind: output, expr: "torch.tensor([2.5, 1e30])"}
  - {id: size, kind: output, expr: "torch.zeros(2, 3).shape"}
  - {id: pair, kind: output, expr: "(torch.tensor(5), 2.5)"}
"""
CARDS = ["int-tensor", "python-int", "int-max", "complex-tensor", "python-complex"]
CARDS += ["float-tensor", "size", "pair"]


def assert_one_short_line(text: str) -> None:
    assert "Traceback" not in text
    assert "\n" not in text and "\r" not in text, repr(text[:200])
    assert len(text) < 300, text[:300]


def assert_clean(verdict: Verdict) -> None:
    for line in (verdict.summary, *verdict.details):
        assert_one_short_line(line)


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("text", HUGE.values(), ids=HUGE.keys())
def test_reading_a_huge_literal_gives_a_value_or_one_short_line(text: str):
    try:
        parse_answer(text)
    except LiteralError as error:
        assert_one_short_line(str(error))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("exponent-4400-digits", "beyond the range of floats"),
        ("negative-exponent-4400-digits", "too small for a float"),
        ("int-5000-digits", "too large to compare"),
        ("int-4300-digits", "too large to compare"),
        ("int-just-past-the-bits", "too large to compare"),
        ("hex-5000-digits", "too large to compare"),
        ("octal-6000-digits", "too large to compare"),
        ("binary-5000-digits", "too large to compare"),
        ("underscored", "too large to compare"),
        ("float-1e-400", "too small for a float"),
        ("long-mantissa", "beyond the range of floats"),
        ("long-fraction", "too small for a float"),
        ("complex-int-real-past-floats", "too large to compare"),
        ("complex-hex-real", "too large to compare"),
        ("complex-huge-imaginary", "beyond the range of floats"),
        ("imaginary-4400-digit-exponent", "beyond the range of floats"),
        ("tensor-of-huge", "too large to compare"),
        ("size-huge-dim", "too large to compare"),
    ],
)
def test_the_message_says_what_is_wrong_with_the_number(name: str, words: str):
    with pytest.raises(LiteralError, match=words):
        parse_answer(HUGE[name])


def test_numbers_at_the_edges_still_read():
    assert parse_answer(HEX_1000) == Scalar(16**1000 - 1)
    assert parse_answer("1e" + "0" * 4400 + "1").value == 10.0  # type: ignore[union-attr]
    assert parse_answer("0e399").value == 0.0  # type: ignore[union-attr]
    assert parse_answer("1e308").value == 1e308  # type: ignore[union-attr]
    assert parse_answer("5e-324").value == 5e-324  # type: ignore[union-attr]
    assert parse_answer(str(2**4096 - 1)) == Scalar(2**4096 - 1)


# ---------------------------------------------------------------- comparing


EXPECTED = {
    "int": Scalar(5),
    "complex": Scalar(1 + 2j),
    "float": Scalar(2.5),
    "nan": Scalar(float("nan")),
    "int-4000-bits": Scalar(2**4000),
    "complex-tensor": Tensor((), (Scalar(1 + 2j),), "complex64", Kind.COMPLEX),
    "int-tensor": Tensor((1,), (Scalar(5),), "int64", Kind.INTEGER),
}


@pytest.mark.parametrize("expected", EXPECTED)
@pytest.mark.parametrize(
    "typed",
    [HEX_1000, str(2**1100), "-" + str(2**1100), "1e308", "nan"],
    ids=["hex-1000", "int-past-floats", "negative", "1e308", "nan"],
)
def test_comparing_with_a_number_past_floats_is_a_difference_in_one_short_line(
    expected: str, typed: str
):
    want = EXPECTED[expected]
    answer = parse_answer(f"[{typed}]" if isinstance(want, Tensor) and want.shape else typed)
    difference = compare(want, answer, Rules())
    if typed == "nan" and expected == "nan":
        assert difference is None  # NaN equals NaN
    else:
        assert difference is not None
        assert_one_short_line(difference.message)


# ---------------------------------------------------------------- the judge


@pytest.fixture(scope="module")
def huge_deck(tmp_path_factory: pytest.TempPathFactory):
    from quiz.deck.loader import load_deck

    path = tmp_path_factory.mktemp("huge") / "huge.yaml"
    path.write_text(DECK, encoding="utf-8")
    loaded = load_deck(path)
    assert loaded.deck is not None, [str(d) for d in loaded.diagnostics]
    return loaded.deck


@pytest.mark.parametrize("card_id", CARDS)
def test_the_judge_gives_every_huge_literal_a_clean_verdict(huge_deck, judge, card_id: str):
    card = huge_deck.card(card_id)
    assert card is not None
    for name, text in HUGE.items():
        verdict = judge.judge(huge_deck, card, text)
        assert verdict.outcome in (Outcome.WRONG, Outcome.INVALID), (name, verdict)
        assert_clean(verdict)


def test_the_issue_examples_through_the_judge(huge_deck, judge):
    verdict = judge.judge(huge_deck, huge_deck.card("int-tensor"), EXPONENT_4400)
    assert verdict.outcome is Outcome.INVALID
    assert "beyond the range of floats" in verdict.summary
    verdict = judge.judge(huge_deck, huge_deck.card("complex-tensor"), f"[{HEX_1000}]")
    assert verdict.outcome is Outcome.WRONG
    digits = str(16**1000 - 1)
    shown = f"{digits[:10]}…{digits[-4:]} ({len(digits):,} digits)"
    assert verdict.summary == f"differs at [0]: expected (1+2j), got {shown}"


# ---------------------------------------------------------------- the command line


@SHARED
def test_grade_prints_one_line_for_the_issue_example(tmp_path: Path):
    deck = tmp_path / "huge.yaml"
    deck.write_text(DECK, encoding="utf-8")
    result = runner.invoke(app, ["grade", str(deck), "int-tensor", EXPONENT_4400])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.startswith("invalid: '1e99999999…9999' (4,402 characters) is beyond")
    assert_one_short_line(result.output.splitlines()[0])


@SHARED
@pytest.mark.parametrize(
    ("card_id", "answer", "code"),
    [
        ("complex-tensor", "0x" + "f" * 3000, 2),  # too large to read
        ("complex-tensor", f"[{HEX_1000}]", 1),  # read, and wrong
        ("python-complex", str(2**1100) + "+1j", 2),
        ("python-int", "9" * 5000, 2),
        ("size", "torch.Size([" + "9" * 2000 + "])", 2),
        ("float-tensor", "[1e999999, 1]", 2),
    ],
    ids=["hex-3000", "hex-1000", "complex-real", "int-5000", "size", "float-1e999999"],
)
def test_grade_json_on_huge_answers(tmp_path: Path, card_id: str, answer: str, code: int):
    deck = tmp_path / "huge.yaml"
    deck.write_text(DECK, encoding="utf-8")
    result = runner.invoke(app, ["grade", str(deck), card_id, answer, "--json"])
    assert result.exit_code == code, result.output
    verdict = json.loads(result.output)
    assert_one_short_line(verdict["summary"])


EXAMPLES_DECK = """\
deck: huge-examples
title: Huge examples
cards:
  - id: int
    kind: output
    expr: "torch.tensor(5)"
    accept: ["5", "{exponent}", "{digits}", "{hex}", "{underscored}"]
    reject: ["6", "{digits}"]
  - id: complex
    kind: output
    expr: "torch.tensor([1 + 2j])"
    accept: ["[1+2j]", "{huge_real}+1j", "1+1e999j"]
    reject: ["[{hex_1000}]", "{huge_real}+1j"]
"""


def examples_deck(tmp_path: Path) -> Path:
    text = EXAMPLES_DECK.format(
        exponent=EXPONENT_4400,
        digits="9" * 5000,
        hex="0x" + "f" * 5000,
        underscored=HUGE["underscored"],
        hex_1000=HEX_1000,
        huge_real=2**1100,
    )
    path = tmp_path / "examples.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@SHARED
def test_check_reports_huge_examples_in_one_short_line_each(tmp_path: Path):
    result = runner.invoke(app, ["check", str(examples_deck(tmp_path))])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    for line in errors:
        assert_one_short_line(line)
    text = "\n".join(errors)
    shown = repr(EXPONENT_4400[:40] + "…")
    assert f"accept example {shown} (4,402 characters) is judged invalid: '1e99999999…9999'" in text
    assert text.count("accept example") == 6
    assert text.count("too large to compare") == 4
    assert "accept example '1+1e999j' is judged invalid" in text
    # Unreadable is not right, so the same numbers as reject examples are fine; the hex
    # of 1,000 digits is read, and rightly wrong.
    assert "reject example" not in text


def test_a_real_process_prints_no_traceback(tmp_path: Path):
    deck = tmp_path / "huge.yaml"
    deck.write_text(DECK, encoding="utf-8")
    for argv in (
        ["grade", str(deck), "int-tensor", EXPONENT_4400],
        ["check", str(examples_deck(tmp_path))],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "quiz", *argv], capture_output=True, text=True, timeout=120
        )
        assert result.returncode in (1, 2), result.stderr[-2000:]
        assert "Traceback" not in result.stdout + result.stderr


# ---------------------------------------------------------------- choice numbers

CHOICE_DECK = """\
deck: huge-choice
title: Huge choice
cards:
  - id: pick
    kind: choice
    prompt: Which?
    options: ["a", "²", "{digits}"]
    answer: ["²"]
"""


def test_a_choice_card_with_a_huge_or_superscript_number_loads_and_judges(
    tmp_path: Path, make_deck, judge
):
    """int() refuses '²' (which isdigit() accepts) and 4,300 digits or more."""
    text = CHOICE_DECK.format(digits="9" * 5000)
    checked = runner.invoke(app, ["check", "--no-run", str(write(tmp_path, text))])
    assert checked.exit_code == 0, checked.output
    deck = make_deck(text)
    card = deck.card("pick")
    assert judge.judge(deck, card, "²").outcome is Outcome.RIGHT
    assert judge.judge(deck, card, "2").outcome is Outcome.RIGHT  # by its number
    for answer in ("9" * 5001, "9" * 30, "²²", "1 ²", "0"):
        verdict = judge.judge(deck, card, answer)
        assert verdict.outcome in (Outcome.WRONG, Outcome.INVALID), (answer, verdict)
        assert_clean(verdict)
    assert judge.judge(deck, card, "9" * 30).summary == "there is no option 999999999…: choose 1–3"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return path
