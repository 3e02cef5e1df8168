"""Every problem of a deck file in one run (issue 15, section 6).

Loading used to stop early: a duplicate key, a YAML tag or a hidden character ended it
before the schema and the rules looked at anything, and a file with any problem gave
``check`` nothing to run, so a bad option hid the accept and reject problems until it
was fixed. Now every step looks at the whole file, and a file with problems still gives
``check`` the cards that can run (``LoadResult.runnable``) and an entry for every item of
its ``cards`` list to report against (``LoadResult.entries``).
"""

from __future__ import annotations

from pathlib import Path

from quiz.deck.check import load_decks, load_files
from quiz.deck.diagnostics import Diagnostic
from quiz.deck.loader import load_deck


def load(tmp_path: Path, text: str):
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return load_deck(path)


def messages(result) -> list[str]:
    return [f"{d.line}:{d.col}: {d.message}" for d in result.diagnostics]


HEAD = "deck: every\ntitle: Every problem\ncards:\n"


def test_a_duplicate_key_no_longer_hides_the_rest(tmp_path: Path):
    result = load(
        tmp_path,
        HEAD + "  - id: a\n    kind: flash\n    front: f\n    back: b\n    back: c\n"
        "  - id: b\n    kind: output\n    expr: torch.ones(\n    hnit: h\n",
    )
    assert messages(result) == [
        "8:5: duplicate key 'back' (first at line 7); YAML would silently keep only the last one",
        "11:21: not a valid expression: '(' was never closed",
        "12:5: unknown key 'hnit' (did you mean 'hint'?)",
    ]
    assert result.deck is None


def test_a_hidden_character_no_longer_hides_the_rest(tmp_path: Path):
    result = load(
        tmp_path,
        HEAD + '  - id: a\n    kind: flash\n    front: "f\\u200b"\n    back: b\n'
        "  - id: a\n    kind: choice\n    prompt: p\n    options: [x, y]\n    answer: z\n",
    )
    assert messages(result) == [
        "6:12: control character U+200B (ZERO WIDTH SPACE) is not allowed in deck text",
        "8:5: duplicate card id 'a' (also card 1 of this deck); progress is keyed by id, "
        "so ids must be unique",
        "12:5: answer 'z' is not one of the options",
    ]


def test_what_the_yaml_reported_is_not_reported_again(tmp_path: Path):
    result = load(
        tmp_path,
        HEAD + "  - id: a\n    kind: output\n    expr: !!python/name:os.system\n    trials: many\n",
    )
    assert messages(result) == [
        "6:11: the YAML tag !!python/name:os.system is not allowed; decks hold plain data only",
        "7:5: unknown key 'trials' (did you mean 'tags'?)",
    ]  # not also "'expr' must be text, not an empty value"
    assert result.runnable is None


RUNNABLE = (
    HEAD
    + """\
  - id: bad-option
    kind: choice
    prompt: Which?
    options: [a, b, "2"]
    answer: a
    accept: ["1"]
    reject: ["2"]
  - id: typo
    kind: code
    prompt: Double x.
    given: {x: "torch.ones(2)"}
    solution: x * 2
    hnit: a typo
    explain: [not, text]
    accept: ["2 * x", "x *"]
    reject: ["x"]
  - id: broken-expr
    kind: output
    expr: torch.ones(
    accept: ["[1.]"]
  - id: not-a-card
    kind: spell
  - just text
  - id: bad-answer
    kind: choice
    prompt: Which?
    options: [a, b]
    answer: c
  - id: twice
    kind: choice
    prompt: Which?
    options: [a, b, a]
    answer: a
    reject: ["2"]
"""
)


def test_a_file_with_problems_still_gives_the_cards_that_can_run(tmp_path: Path):
    result = load(tmp_path, RUNNABLE)
    assert not result.ok and result.deck is None
    runnable = result.runnable
    assert runnable is not None and runnable.slug == "every"
    assert [card.id for card in runnable.cards] == ["bad-option", "typo"]
    choice, code = runnable.cards
    assert (choice.accept, choice.reject) == (("1",), ("2",))  # an option like a number
    assert code.accept == ("2 * x",)  # the example that does not parse is left out
    assert code.reject == ("x",)
    assert choice.where("reject").line == 10  # cards point at their own lines


def test_every_item_of_the_cards_list_has_an_entry(tmp_path: Path):
    result = load(tmp_path, RUNNABLE)
    entries = [(e.id, e.kind, e.location.line, e.card is not None) for e in result.entries]
    assert entries == [
        ("bad-option", "choice", 4, True),
        ("typo", "code", 11, True),
        ("broken-expr", "output", 20, False),
        ("not-a-card", "spell", 24, False),
        (None, None, 26, False),
        ("bad-answer", "choice", 27, False),
        ("twice", "choice", 32, False),  # the judge cannot tell the two a's apart
    ]
    owners = {str(d): [e.id for e in result.entries if e.holds(d)] for d in result.diagnostics}
    assert all(len(ids) == 1 for ids in owners.values()), owners
    assert [e.id for e in result.entries if not any(map(e.holds, result.diagnostics))] == []
    outside = Diagnostic(result.path, 1, 1, "the deck's own")
    assert not any(e.holds(outside) for e in result.entries)


def test_a_broken_deck_given_runs_nothing(tmp_path: Path):
    result = load(
        tmp_path,
        'deck: every\ntitle: t\ngiven: {x: "torch.ones("}\ncards:\n'
        "  - {id: a, kind: output, expr: x}\n",
    )
    assert result.runnable is None
    assert [e.id for e in result.entries] == ["a"]


def test_a_deck_with_no_problems_runs_as_it_loads(tmp_path: Path):
    result = load(tmp_path, HEAD + "  - {id: a, kind: output, expr: torch.ones(2)}\n")
    assert result.ok and result.runnable is result.deck
    assert [e.card for e in result.entries] == list(result.deck.cards)


def test_a_slug_claimed_twice_keeps_its_first_file_and_runs_both(tmp_path: Path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(HEAD + "  - {id: a, kind: output, expr: x}\n")
    results, _ = load_files([tmp_path])
    assert [r.deck is not None for r in results] == [True, False]
    assert [r.runnable is not None for r in results] == [True, True]
    claims = [d.message.split(" by ")[0] for d in results[1].diagnostics]
    assert claims == ["deck 'every' is also claimed"]
    assert [deck.slug for deck in load_decks([tmp_path]).decks] == ["every"]
