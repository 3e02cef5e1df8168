"""Spaces beside Chinese text: what counts as a slip, and how ``check`` reports it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.deck.check import load_decks
from quiz.deck.cjkspacing import spacing_problem
from quiz.deck.loader import load_deck

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("在 `a` 处的 二阶导数", "between two Chinese characters ('`a` 处的 二阶导数')"),
        ("放宽终点 才能包含 1。", "between two Chinese characters"),
        ("tanh 及其梯度消失问题， tanh 与 sigmoid", "after full-width punctuation"),
        ("结果为 0.2689 （它是对称的）", "before full-width punctuation"),
        ("ですが 違います", "between two Chinese characters"),
    ],
)
def test_a_space_chinese_has_no_place_for_is_a_slip(text: str, what: str):
    problem = spacing_problem(text)
    assert problem is not None
    assert what in problem[1]
    assert text[problem[0]].isspace()


@pytest.mark.parametrize(
    "text",
    [
        "用 gather 取出每个样本的概率，结果形状为 [4]。",  # Chinese beside Latin: style
        "用gather取出",
        "sigmoid(0) = 0.5，sigmoid(x) 的导数",
        "What does `x.sum()` give?",
        "한국어는 띄어쓰기를 합니다",  # Korean spaces its words
        "全角空格\u3000也可以",
        "第一行。\n第二行",  # a literal block (|) keeps its line breaks
    ],
)
def test_spaces_beside_latin_text_are_left_alone(text: str):
    assert spacing_problem(text) is None


def test_every_slip_of_a_text_is_counted_in_one_problem():
    problem = spacing_problem("一 二 三")
    assert problem is not None and "(and 1 more in this text)" in problem[1]


DECK = """\
deck: spaced
title:
  en: Spacing
  zh: 间距 示例
cards:
  - id: fold
    kind: flash
    front:
      en: A front.
      zh: >-
        这一行在短语中间
        折行了。
    back: 正面， 背面
    explain: {en: fine, zh: 没问题}
"""


def test_check_reports_each_slip_and_the_deck_still_loads(tmp_path: Path, no_sandbox):
    path = tmp_path / "spaced.yaml"
    path.write_text(DECK, encoding="utf-8")
    loaded = load_deck(path)
    assert loaded.ok  # a stray space does not keep a learner from the deck
    assert [(d.line, d.col) for d in loaded.spacing] == [(4, 9), (10, 7), (13, 14)]
    assert load_decks([path]).diagnostics == []

    result = runner.invoke(app, ["check", "--no-run", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert lines[0].startswith(f"{path}:4:9: error: a space between two Chinese characters")
    assert "('行在短语中间 折行了。')" in lines[1]
    assert lines[2].startswith(f"{path}:13:14: error: a space after full-width punctuation")
    assert result.output.splitlines()[-1].startswith("3 errors in 1 file")
