"""``torch-quiz doctor``: the sandbox's versions, limits, environment and second wall."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import quiz.judge.doctor
from quiz.cli import app
from quiz.judge.doctor import Diagnosis
from quiz.judge.sandboxinfo import WorkerInfo

runner = CliRunner()
# doctor asks the session's worker, started as the command would start its own (see
# commands_share_the_sandbox): the same versions, limits, environment and wall.
pytestmark = pytest.mark.usefixtures("commands_share_the_sandbox")

NO_LANDLOCK = "Landlock: not offered by this kernel (ENOSYS (Function not implemented))"


def test_doctor_reports_a_whole_wall_and_exits_0():
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["healthy"] is True
    assert report["wall"]["seccomp"] is True and report["wall"]["no_new_privs"] is True
    assert report["wall"]["landlock_abi"] >= 1 and report["wall"]["missing"] == []
    assert report["versions"]["torch"].startswith("2.")
    assert {"python", "textual", "fsrs", "sqlite"} <= set(report["versions"])
    assert report["limits"]["time_limit_s"] == 2.0
    assert report["limits"]["memory_bytes"] == 3 << 30
    assert report["limits"]["file_size_bytes"] == 0
    assert "HOME" not in report["worker_env"] and "TORCH_QUIZ_DB" not in report["worker_env"]
    assert "PYTHONPATH" in report["worker_env"]


def test_doctor_in_words():
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "seccomp:       on" in result.output
    assert "Landlock:      on (ABI" in result.output
    assert "memory:        3.0 GiB" in result.output
    assert result.output.strip().endswith("all walls are up")


def partial_wall(client) -> Diagnosis:
    """What a kernel without Landlock gives: the worker says so in its hello."""
    hello = {
        "torch": "2.13.0+cpu",
        "python": "3.11.7",
        "pid": 1,
        "limits": {"memory": 1 << 31, "file_size": 0, "core": 0},
        "threads": 1,
        "env": ["PYTHONPATH"],
        "wall": {"landlock_abi": None, "seccomp": True, "no_new_privs": True},
    }
    hello["wall"]["missing"] = [NO_LANDLOCK]
    return Diagnosis(info=WorkerInfo.from_hello(hello), time_limit=client.time_limit)


@pytest.mark.parametrize("as_json", [False, True])
def test_a_missing_part_of_the_wall_exits_1_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, as_json: bool
):
    monkeypatch.setattr(quiz.judge.doctor, "diagnose", partial_wall)
    result = runner.invoke(app, ["doctor", *(["--json"] if as_json else [])])
    assert result.exit_code == 1
    assert result.output.count(NO_LANDLOCK) == 1
    if as_json:
        assert json.loads(result.output)["healthy"] is False
    else:
        assert "Landlock:      off" in result.output
        assert "part of the second wall is missing" in result.output
