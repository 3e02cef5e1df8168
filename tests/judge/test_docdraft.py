"""torch-quiz draft: a docstring's examples become cards that pass check, appended as the
Author screen appends a card; bad names are one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.deck.append import render_card
from quiz.deck.loader import load_deck
from quiz.deck.model import CodeCard, DtypePolicy, OutputCard
from quiz.judge.deckcheck import check_card
from quiz.judge.docdraft import draft, read_examples, scratchpad
from quiz.judge.judge import Judge
from quiz.sandbox.docs import Docstring

runner = CliRunner()

DECK = """\
deck: mine   # my own deck, as I write it
title: Mine
cards:
  - id: first
    kind: output
    expr: torch.ones(2)      # a comment that must stay
    accept: ["[1., 1.]"]
"""


def test_a_function_is_drafted_end_to_end_and_appended_byte_for_byte(tmp_path: Path, judge):
    path = tmp_path / "mine.yaml"
    path.write_bytes(DECK.encode())
    lines: list[int | None] = []
    drafted = draft("torch.arange", judge, to=path, on_card=lambda _card, line: lines.append(line))
    assert drafted.name == "torch.arange"
    assert [card["id"] for card in drafted.cards] == ["arange-1", "arange-2", "arange-3"]
    assert drafted.skipped == []
    written = path.read_bytes()
    assert written == DECK.encode() + b"".join(render_card(c).encode() for c in drafted.cards)
    deck = load_deck(path).deck
    assert deck is not None and [c.id for c in deck.cards][1:] == [
        "arange-1",
        "arange-2",
        "arange-3",
    ]
    assert lines == [card.location.line for card in deck.cards[1:]]
    first = deck.card("arange-1")
    assert isinstance(first, OutputCard) and first.expr == "torch.arange(5)"
    assert first.dtype is DtypePolicy.EXACT and "draft" in first.tags
    assert first.accept == ("tensor([ 0,  1,  2,  3,  4])",)
    assert first.reject == ("tensor([ 1,  1,  2,  3,  4])",)
    assert all(check_card(deck, card, judge) == [] for card in deck.cards)


def test_random_givens_make_code_cards_and_a_random_expression_is_skipped(judge):
    drafted = draft("torch.clamp", judge)
    assert [card["kind"] for card in drafted.cards] == ["code", "code"]
    assert drafted.cards[0]["given"] == {"a": "torch.randn(4)"}
    assert [(e.expr, why) for e, why in drafted.skipped] == [
        ("torch.randn(4)", "it draws random numbers itself")
    ]


def test_the_scratchpad_starts_on_an_example_worth_a_card_not_a_random_draw(judge):
    # torch.cumsum's docstring shows its random given (>>> a) before the call itself
    name, givens, exprs = scratchpad("torch.cumsum", judge)
    assert name == "torch.cumsum" and givens == [("a", "torch.randint(1, 20, (10,))")]
    assert exprs == ["torch.cumsum(a, dim=0)", "torch.randint(1, 20, (10,))"]


def test_a_tensor_method_that_points_at_its_function_drafts_the_function_s_examples(judge):
    name, found = read_examples("Tensor.clamp", judge.runner)
    assert name == "torch.Tensor.clamp" and found[1].expr.startswith("torch.clamp(")


def test_an_id_the_deck_has_is_not_taken_again(judge, tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_bytes(DECK.replace("id: first", "id: arange-1").encode())
    drafted = draft("torch.arange", judge, to=path)
    assert drafted.cards[0]["id"] == "arange-2"  # the deck's own id is not taken twice
    deck = load_deck(path).deck
    assert deck is not None and isinstance(deck.cards[0], OutputCard)
    assert not any(isinstance(card, CodeCard) for card in deck.cards)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("torch.no_such_function", "torch.no_such_function is not a function the sandbox offers"),
        ("F.relu", "torch.nn.functional.relu's docstring has no examples"),
        ("torch.load", "torch.load is not a function the sandbox offers"),
    ],
)
@pytest.mark.usefixtures("commands_share_the_sandbox")
def test_a_name_with_nothing_to_draft_is_one_line(name: str, words: str):
    result = runner.invoke(app, ["draft", name])
    assert result.exit_code == 1
    assert result.output.startswith(f"torch-quiz: error: {words}")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["os.system", "torch.__class__.__subclasses__", "clamp"])
@pytest.mark.usefixtures("no_sandbox")
def test_a_name_outside_the_allow_list_needs_no_sandbox(name: str):
    result = runner.invoke(app, ["draft", name])
    assert result.exit_code == 1
    assert result.output.startswith("torch-quiz: error: ") and result.output.count("\n") == 1


@pytest.mark.usefixtures("commands_share_the_sandbox")
def test_the_command_appends_and_lists_what_it_skipped(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_bytes(DECK.encode())
    result = runner.invoke(app, ["draft", "torch.clamp", "--to", str(path)])
    assert result.exit_code == 0, result.output
    assert f"appended clamp-1 at {path}:8" in result.output
    assert "skipped example 2 (a): it draws random numbers itself" in result.output
    assert "torch.clamp: 2 of 3 examples drafted as cards" in result.output
    assert path.read_bytes().startswith(DECK.encode())


@pytest.mark.usefixtures("commands_share_the_sandbox")
def test_a_deck_file_that_does_not_exist_is_written_as_a_new_deck(tmp_path: Path):
    path = tmp_path / "My Clamps.yaml"
    result = runner.invoke(app, ["draft", "torch.clamp", "--to", str(path)])
    assert result.exit_code == 0, result.output
    assert f"wrote the new deck {path} with clamp-1 at {path}:7" in result.output
    assert f"appended clamp-2 at {path}:" in result.output
    assert "drafted as cards into" in result.output and "(a new deck)" in result.output
    loaded = load_deck(path)
    assert loaded.ok and loaded.deck is not None, [str(d) for d in loaded.diagnostics]
    assert loaded.deck.slug == "my-clamps"  # as torch-quiz new names it
    assert [card.id for card in loaded.deck.cards] == ["clamp-1", "clamp-2"]
    again = runner.invoke(app, ["draft", "torch.clamp", "--to", str(path)])
    assert again.exit_code == 0 and f"appended clamp-3 at {path}:" in again.output


def test_a_deck_in_a_folder_that_does_not_exist_is_one_line(tmp_path: Path):
    result = runner.invoke(app, ["draft", "torch.clamp", "--to", str(tmp_path / "no" / "x.yaml")])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"torch-quiz: error: {tmp_path / 'no'}: no such folder")


class ScriptedDocs:
    """The session's sandbox, reading a docstring written here instead of torch's."""

    def __init__(self, sandbox, text: str) -> None:
        self.sandbox = sandbox
        self.text = text
        self.time_limit = sandbox.time_limit

    def run(self, *args, **kwargs):
        return self.sandbox.run(*args, **kwargs)

    def docstring(self, name: str) -> Docstring:
        return Docstring("torch.add", self.text)


def test_the_reference_is_torch_s_and_a_wrong_print_is_left_out_with_check_s_words(sandbox):
    doc = """\
    >>> x = torch.tensor([1, 2])
    >>> x + 1
    tensor([2, 3])
    >>> x * 10
    tensor([10, 99])
    >>> x.float() / 4
    tensor([0.2500, 0.5000])
    """
    drafted = draft("torch.add", Judge(ScriptedDocs(sandbox, doc)))
    assert [card["expr"] for card in drafted.cards] == ["x + 1", "x.float() / 4"]
    assert drafted.cards[1]["reject"] == ["tensor([1.2500, 0.5000])"]
    ((example, why),) = drafted.skipped
    assert example.expr == "x * 10"
    assert why.startswith("fails check: accept example 'tensor([10, 99])' is judged wrong")


def test_a_new_deck_is_never_written_without_a_card(sandbox, tmp_path: Path):
    doc = """\
    >>> x = torch.tensor([1, 2])
    >>> x * 10
    tensor([10, 99])
    """
    path = tmp_path / "new.yaml"
    drafted = draft("torch.add", Judge(ScriptedDocs(sandbox, doc)), to=path)
    assert drafted.cards == [] and len(drafted.skipped) == 1
    assert not path.exists()  # a deck of no cards would not load
