"""The README starts with the two set-up commands; CI runs the second, then the browser check."""

from __future__ import annotations

import re

from conftest import ROOT

FENCE = re.compile(r"```(?:sh|bash|console)\n(.*?)```", re.DOTALL)


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in FENCE.findall(text)[:2]]


def test_readme_starts_with_launch_and_test_commands():
    launch, test = setup_commands()
    assert launch.endswith("&& torch-quiz")
    assert "pip install torch==2.13.0" in launch
    assert test.endswith("&& pytest")
    assert "'.[test]'" in test


def test_ci_runs_the_readme_test_command():
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _, test = setup_commands()
    assert test in ci_script.splitlines()


def test_ci_then_answers_a_card_in_a_browser():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    _, test = setup_commands()
    check = "python tests/browser/answer_one_card.py"
    assert check in lines and lines.index(check) > lines.index(test)
    assert (ROOT / "tests" / "browser" / "answer_one_card.py").is_file()
    assert check in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_command():
    import typer

    from quiz.cli import app

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
        assert f"torch-quiz {name}" in text
