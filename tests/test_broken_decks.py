"""The corpus of broken decks: each file names the problems ``check`` must report.

A file's leading ``# expect: LINE:COL: text`` comments list every error, in order;
the checker must print exactly those (``text`` is a prefix of the message) and exit 1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app

# Under xdist the module runs in one process, so that its check of the whole corpus
# runs once, not once per process.
pytestmark = pytest.mark.xdist_group("broken-corpus")

CORPUS = Path(__file__).parent / "broken_decks"
EXPECT = re.compile(r"# expect: (\d+):(\d+): (.+)")
runner = CliRunner()


def expectations(path: Path) -> list[tuple[int, int, str]]:
    found = []
    for line in path.read_text().splitlines():
        match = EXPECT.fullmatch(line)
        if match:
            found.append((int(match[1]), int(match[2]), match[3]))
    return found


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line]


def test_corpus_is_large_enough():
    assert len(list(CORPUS.glob("*.yaml"))) >= 30


@pytest.fixture(scope="module")
def corpus_check() -> tuple[int, str]:
    """``check`` over the whole corpus, once: one torch worker runs the cards of every
    file that can run (no two files claim one slug, so each file's lines are its own)."""
    result = runner.invoke(app, ["check", str(CORPUS)])
    return result.exit_code, result.output


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_deck_is_reported_at_its_place(path: Path, corpus_check: tuple[int, str]):
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    exit_code, output = corpus_check
    assert exit_code == 1, output
    assert "Traceback" not in output
    errors = [line for line in error_lines(output) if line.startswith(f"{path}:")]
    assert len(errors) == len(expected), "\n".join(errors)
    for (line, col, text), printed in zip(expected, errors, strict=True):
        prefix = f"{path}:{line}:{col}: error: "
        assert printed.startswith(prefix), f"expected {prefix}{text}\n     got {printed}"
        assert printed[len(prefix) :].startswith(text), f"expected {text!r}\n     got {printed}"


def test_two_files_claiming_one_deck(tmp_path: Path, commands_share_the_sandbox):
    body = "title: T\ncards:\n  - {id: a, kind: flash, front: f, back: b}\n"
    (tmp_path / "a.yaml").write_text("deck: same\n" + body)
    (tmp_path / "b.yaml").write_text("# the second\ndeck: same\n" + body)
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert error_lines(result.output) == [
        f"{tmp_path / 'b.yaml'}:2:1: error: deck 'same' is also claimed by "
        f"{tmp_path / 'a.yaml'}:1:1; each deck needs its own slug"
    ]


def test_the_whole_corpus_in_one_run_reports_every_file(corpus_check: tuple[int, str]):
    exit_code, output = corpus_check
    assert exit_code == 1
    reported = {Path(line.split(":", 1)[0]).name for line in error_lines(output)}
    assert reported == {p.name for p in CORPUS.glob("*.yaml")}
    assert (
        output.rstrip()
        .splitlines()[-1]
        .startswith(f"{sum(len(expectations(p)) for p in CORPUS.glob('*.yaml'))} errors in ")
    )


HOSTILE = {
    "binary.yaml": bytes(range(256)) * 4,
    "png-header.yaml": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "empty.yaml": b"",
    "only-comments.yaml": b"# nothing here\n",
    "nul-byte.yaml": b"deck: nul\ntitle: a\x00b\n",
    "control-char.yaml": b"deck: bell\ntitle: ding\x07\n",
    "nested-brackets.yaml": b"deck: deep\ntitle: " + b"[" * 20000 + b"]" * 20000 + b"\n",
    "nested-blocks.yaml": b"deck: deep\ncards:\n" + b"- " * 20000 + b"x\n",
    "nested-mappings.yaml": b"deck: deep\ntitle: " + b"{a: " * 900 + b"1" + b"}" * 900 + b"\n",
    "python-name.yaml": b"deck: !!python/name:os.system\ntitle: t\n",
    "python-module.yaml": b"!!python/module:os\n",
    "huge-expression.yaml": (
        b"deck: huge\ntitle: t\ncards:\n  - id: a\n    kind: output\n    expr: "
        + b"+0" * 200_000
        + b"\n"
    ),
    "deep-expression.yaml": (
        b'deck: deep-expr\ntitle: t\ncards:\n  - id: a\n    kind: output\n    expr: "'
        + b"(" * 1500
        + b"1"
        + b")" * 1500
        + b'"\n'
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gets_a_message_not_a_traceback(tmp_path: Path, name: str, no_sandbox):
    """No card of these files loads, so ``check`` reports them without loading torch."""
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = error_lines(result.output)
    assert errors, result.output
    assert all(re.match(rf"{re.escape(str(path))}:\d+:\d+: error: \S", e) for e in errors)


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path: Path, no_sandbox):
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.write(b"deck: big\ntitle: t\ncards:\n")
        handle.truncate(50 * 1024 * 1024)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert error_lines(result.output) == [
        f"{path}:1:1: error: the file is larger than 1000 kB; a deck should be smaller"
    ]


def test_python_tags_never_run(tmp_path: Path, no_sandbox):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(
        f'deck: evil\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n'
        "cards:\n  - {id: a, kind: flash, front: f, back: b}\n"
    )
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert not marker.exists()


def test_real_process_prints_no_traceback_on_the_whole_corpus():
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "check", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""


def test_special_files_never_block(tmp_path: Path, no_sandbox):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        result = runner.invoke(app, ["check", str(path)])
        assert result.exit_code == 1
        assert error_lines(result.output) == [f"{path}:1:1: error: is not a regular file"]


def test_unreadable_file(tmp_path: Path, no_sandbox):
    path = tmp_path / "secret.yaml"
    path.write_text("deck: s\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make it a dangling link instead
        path.chmod(0o644)
        path.unlink()
        path.symlink_to(tmp_path / "gone.yaml")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert len(error_lines(result.output)) == 1
    assert error_lines(result.output)[0].startswith(f"{path}:1:1: error: ")


def test_a_slug_claimed_twice_is_reported_even_when_a_file_has_other_errors(
    tmp_path: Path, no_sandbox
):
    (tmp_path / "a.yaml").write_text("deck: same\ntitle: T\ncards:\n  - {id: a, kind: flash}\n")
    (tmp_path / "b.yaml").write_text("deck: same\ntitle: T\ncards: []\n")
    errors = error_lines(runner.invoke(app, ["check", str(tmp_path)]).output)
    assert f"{tmp_path / 'b.yaml'}:1:1: error: deck 'same' is also claimed by" in "\n".join(errors)
    assert len(errors) == 4  # a's missing front and back; b's slug and its empty card list


def test_control_character_after_wide_text_is_placed_by_character(tmp_path: Path, no_sandbox):
    path = tmp_path / "cjk.yaml"
    path.write_text("deck: cjk\ntitle: 中文标题\x07\n", encoding="utf-8")
    errors = error_lines(runner.invoke(app, ["check", str(path)]).output)
    assert errors == [f"{path}:2:12: error: control character U+0007 is not allowed in a deck file"]


def test_messages_stay_on_one_line(tmp_path: Path, commands_share_the_sandbox):
    path = tmp_path / "lines.yaml"
    path.write_text(
        'deck: "two\\nlines\\u001b[2J"\ntitle: t\n'
        "cards:\n  - {id: a, kind: flash, front: f, back: b}\n"
    )
    output = runner.invoke(app, ["check", str(path)]).output
    assert "\x1b" not in output
    assert len(error_lines(output)) == 1 and output.count("\n") == 2


@pytest.mark.parametrize("field", ["accept", "reject"])
def test_example_lists_are_capped(tmp_path: Path, no_sandbox, field: str):
    fills = ", ".join(["x"] * 51)
    path = tmp_path / "many.yaml"
    path.write_text(
        "deck: many\ntitle: t\ncards:\n  - id: a\n    kind: cloze\n    prompt: p\n"
        f"    template: torch.____(x)\n    solution: abs\n    {field}: [{fills}]\n"
    )
    errors = error_lines(runner.invoke(app, ["check", "--no-run", str(path)]).output)
    assert errors == [f"{path}:9:5: error: '{field}' may hold at most 50 items; split it up"]
