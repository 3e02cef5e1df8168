"""Author: the scratchpad runs expressions live in the sandbox; saving appends a checked card."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.worker import WorkerCancelled
from typer.testing import CliRunner

from quiz.cli import app as cli
from quiz.deck.loader import load_deck
from quiz.deck.model import (
    CardKind,
    ChoiceCard,
    ClozeCard,
    CodeCard,
    DtypePolicy,
    OutputCard,
    Tolerance,
)
from quiz.judge.deckcheck import check_card
from quiz.ui.author import AuthorScreen
from quiz.ui.confirm import ConfirmScreen

from .pilots import record_notifications, until
from .screen_host import HostApp, write_decks


@pytest.fixture
def decks(tmp_path: Path):
    return write_decks(tmp_path / "decks")


def make_app(judge, decks, **options) -> HostApp:
    """The Author screen; the deck preselected is the last one (the learner's own, as
    Home's ``own_deck`` chooses it)."""
    options.setdefault("target", decks[-1])
    return HostApp(lambda: AuthorScreen(judge, decks, **options))


def _value(app: HostApp) -> str:
    return str(app.screen.query_one("#author-value", Static).render())


def _status(app: HostApp) -> str:
    return str(app.screen.query_one("#author-status", Static).render())


async def _run_scratchpad(app: HostApp, pilot) -> None:
    app.screen.run_scratchpad()
    for _ in range(10):
        try:
            await app.workers.wait_for_complete()
            break
        except WorkerCancelled:  # the debounced run of the same fields took over: wait for it
            await pilot.pause()
    await pilot.pause()


async def _save(app: HostApp, pilot) -> None:
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()


def _fill(app: HostApp, **values: str) -> None:
    for name, value in values.items():
        if name == "given":
            app.screen.query_one("#author-given", TextArea).text = value
        elif name in ("kind", "deck", "dtype", "fresh", "shuffle"):
            app.screen.query_one(f"#author-{name}", Select).value = value
        else:
            app.screen.query_one(f"#author-{name}", Input).value = value


def _visual_order(app: HostApp) -> list[str]:
    """The fields as a reader meets them: the scratchpad's column, then the form's rows."""
    fields = [w for w in app.screen.query("TextArea, Input, Select") if _shown(w)]
    form = app.screen.query_one("#author-form").region
    return [
        w.id
        for w in sorted(
            fields, key=lambda w: (form.contains_region(w.region), w.region.y, w.region.x)
        )
    ]


def _contrast(app: HostApp, widget: Widget) -> float:
    """How far the box's frame stands out from the screen behind it (0 to 1)."""
    behind = app.screen.styles.background
    frame = behind + widget.styles.border_top[1]
    return abs(frame.brightness - behind.brightness)


async def test_a_card_starts_in_the_givens_which_show_and_tab_follows_the_screen(judge, decks):
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.focused.id == "author-given"  # a given typed first is not lost
        await pilot.press(*"x = torch.arange(6)", "tab", *"x.view(2, 3).sum(0)")
        await until(pilot, lambda: _value(app) == "tensor([3, 5, 7])", "the value, debounced")
        assert app.screen.query_one("#author-given", TextArea).text == "x = torch.arange(6)"
        order = [app.screen.query_one("#author-given").id]
        app.screen.query_one("#author-given").focus()
        for _ in range(len(_visual_order(app)) - 1):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order == _visual_order(app)
        assert order[:5] == [
            "author-given",
            "author-expr",
            "author-deck",
            "author-kind",
            "author-id",
        ]
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            for box in ("#author-given", "#author-expr"):  # one has the focus, one not
                assert _contrast(app, app.screen.query_one(box)) > 0.15, (theme, box)


async def test_givens_and_bad_input_show_their_message(judge, decks):
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(app, given="x = torch.tensor([1, 7, 3])\n", expr="x.clamp(2, 5)")
        await _run_scratchpad(app, pilot)
        assert _value(app) == "tensor([2, 5, 3])"
        for expr, message in [
            ("x.clamp(2,", "not a Python expression"),
            ("torch.os.getcwd()", "refused"),
            ("x[7]", "IndexError"),
            ("x.__class__", "refused"),
        ]:
            _fill(app, expr=expr)
            await _run_scratchpad(app, pilot)
            assert message in _value(app), (expr, _value(app))
        _fill(app, given="x = torch.ones(", expr="x")
        await _run_scratchpad(app, pilot)
        assert _value(app).startswith("given 'x': not a Python expression")
        _fill(app, given="torch.ones(2)")
        await _run_scratchpad(app, pilot)
        assert "given line 1" in _value(app)


async def test_a_fresh_card_shows_the_fixed_draw_its_examples_are_judged_on(judge, decks):
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(app, given="x = torch.randint(0, 10, (4,))", expr="x.clamp(2, 5)")
        await _run_scratchpad(app, pilot)
        assert _value(app) == "tensor([4, 5, 3, 2])"
        _fill(app, fresh="true")
        await _run_scratchpad(app, pilot)
        assert _value(app) == (
            "tensor([4, 5, 3, 2])\n\n"
            "on the fixed draw (seed 0), which accept and reject are judged on:\n"
            "x = tensor([4, 9, 3, 0])"
        )


async def test_a_cloze_template_runs_with_its_fill(judge, decks):
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(app, kind="cloze", expr="torch.____(torch.tensor([1, 7, 3]), 2, 5)", fill="clamp")
        await _run_scratchpad(app, pilot)
        assert _value(app) == "tensor([2, 5, 3])"
        assert app.screen.query_one("#author-row-fill").display
        assert not app.screen.query_one("#author-row-back").display


async def test_save_appends_a_card_that_passes_check(judge, decks, commands_share_the_sandbox):
    path = decks[-1].path
    old = path.read_bytes()
    reloaded: list[Path] = []
    app = make_app(judge, decks, on_saved=reloaded.append)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(
            app,
            id="clamp-low",
            given="x = torch.tensor([1, 7, 3])",
            expr="x.clamp(min=2)",
            accept="[2, 7, 3]; tensor([2, 7, 3])",
            reject="[1, 7, 3]",
            tags="clamp p22",
            explain="Only the lower bound: 1 becomes 2.",
        )
        await _save(app, pilot)
        assert "saved clamp-low at shapes.yaml:" in _status(app)
        assert app.screen.query_one("#author-id", Input).value == ""
        assert reloaded == [path]
    new = path.read_bytes()
    assert new.startswith(old)  # the deck ends with its last card: the card is appended
    card = load_deck(path).deck.cards[-1]
    assert (card.id, card.expr, card.accept) == (
        "clamp-low",
        "x.clamp(min=2)",
        ("[2, 7, 3]", "tensor([2, 7, 3])"),
    )
    checked = CliRunner().invoke(cli, ["check", str(path)])  # torch-quiz check, on this worker
    assert checked.exit_code == 0, checked.output
    assert "no problems" in checked.output


async def test_save_of_each_kind(judge, decks):
    path = decks[-1].path
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.screen.query_one("#author-deck", Select).value == str(path)
        cards = [
            {"kind": "code", "id": "col-sum", "prompt": "Column sums of `m`.",
             "given": "m = torch.randn(3, 4)", "expr": "m.sum(dim=0)", "accept": "m.sum(0)"},
            {"kind": "cloze", "id": "clamp-fill", "prompt": "Keep in [2, 5].",
             "given": "x = torch.tensor([1, 7, 3])", "expr": "torch.____(x, 2, 5)", "fill": "clamp",
             "accept": "clip"},
            {"kind": "choice", "id": "pick", "prompt": "Which is matrix product?",
             "given": "", "expr": "", "options": "torch.mm; torch.add", "answer": "torch.mm",
             "accept": "1", "reject": "2"},
            {"kind": "flash", "id": "flashy", "prompt": "What is `x.T`?", "back": "The transpose.",
             "given": "", "expr": "torch.ones(2, 3).T.shape"},
        ]  # fmt: skip
        for values in cards:
            _fill(app, **values)
            await _save(app, pilot)
            assert f"saved {values['id']}" in _status(app), _status(app)
    ids = [card.id for card in load_deck(path).deck.cards]
    assert ids[-4:] == ["col-sum", "clamp-fill", "pick", "flashy"]


async def test_a_card_that_fails_check_is_refused_with_the_message(judge, decks):
    path = decks[-1].path
    old = path.read_bytes()
    app = make_app(judge, decks)
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        for values, message in [
            ({"id": "view-shape", "expr": "torch.ones(2)"}, "duplicate card id 'view-shape'"),
            ({"id": "", "expr": "torch.ones(2)"}, "needs an id"),
            ({"id": "raises", "expr": "torch.ones(2)[5]"}, "raises IndexError"),
            ({"id": "wrong-accept", "expr": "torch.ones(2)", "accept": "[2., 2.]"},
             "accept example '[2., 2.]' is judged wrong"),
            ({"id": "refused", "expr": "torch.os.getcwd()"}, "refused"),
        ]:  # fmt: skip
            _fill(app, **{"accept": "", **values})
            await _save(app, pilot)
            assert message in _status(app), (values, _status(app))
            notes = [n for n in shown if n.severity == "error"]
            assert message in notes[-1].message
    assert path.read_bytes() == old


async def test_an_unwritable_deck_file_is_a_notification(judge, decks, monkeypatch):
    path = decks[-1].path
    old = path.read_bytes()
    monkeypatch.setattr("quiz.deck.append.os.access", lambda *_: False)
    app = make_app(judge, decks)
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(app, id="fine", expr="torch.ones(2)")
        await _save(app, pilot)
        assert "read-only" in _status(app)
        assert any("read-only" in n.message for n in shown)
    assert path.read_bytes() == old


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
def test_author_snapshot(judge, decks, snap_compare, size):
    async def typed(pilot) -> None:
        app = pilot.app
        _fill(app, given="x = torch.tensor([1, 7, 3])", expr="x.clamp(2, 5)", id="clamp-both-2")
        app.screen.query_one("#author-expr", Input).focus()
        await _run_scratchpad(app, pilot)

    assert snap_compare(make_app(judge, decks), run_before=typed, terminal_size=size)


# docs/deck-format.md: dtype and tol for output, code and cloze cards; fresh for output
# cards; trials, forbid and require for code cards only; the edge draws' keys for code and
# cloze cards; shuffle and pin for choice cards.
EDGE_KEYS = {"edges", "scale", "skip_edges"}
JUDGING_SHOWN = {
    "output": {"dtype", "atol", "rtol", "fresh"},
    "code": {"dtype", "atol", "rtol", "trials", "forbid", "require", *EDGE_KEYS},
    "cloze": {"dtype", "atol", "rtol", *EDGE_KEYS},
    "choice": {"shuffle", "pin"},
    "flash": set(),
}


def _shown(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


async def test_judging_fields_show_for_the_kinds_that_take_them(judge, decks):
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.screen.query_one("#author-dtype", Select).value == ""  # default: writes nothing
        for kind, expected in JUDGING_SHOWN.items():
            _fill(app, kind=kind)
            await pilot.pause()
            judging = set().union(*JUDGING_SHOWN.values())
            shown = {name for name in judging if _shown(app.screen.query_one(f"#author-{name}"))}
            assert shown == expected, kind
            for name in ("trials", "fresh", "pin", "skip_edges"):
                label = app.screen.query_one(f"#author-label-{name}")
                assert _shown(label) == (name in expected), (kind, name)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)])
async def test_the_form_fits_for_every_kind(judge, decks, size):
    app = make_app(judge, decks)
    async with app.run_test(size=size) as pilot:
        form = app.screen.query_one("#author-form")
        for kind in CardKind:
            _fill(app, kind=kind.value)
            status = "Trials: 'trials' must be a whole number from 1 to 50"
            app.screen.query_one("#author-status", Static).update(status)
            await pilot.pause()
            assert form.max_scroll_y == 0, (kind, form.virtual_size, form.size)
            fields = [w for w in form.query("Input, Select") if _shown(w)]
            assert len(fields) >= 6, kind
            for field in fields:
                assert form.region.contains_region(field.region), (kind, field.id)


async def test_judging_fields_are_saved_and_read_back(judge, decks):
    path = decks[-1].path
    old = path.read_bytes()
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(
            app,
            kind="code",
            id="col-sum-exact",
            prompt="Column sums of `m`.",
            given="m = torch.randn(3, 4)",
            expr="m.sum(dim=0)",
            accept="m.sum(0)",
            dtype="exact",
            atol="1e-4",
            rtol="0",
            trials="7",
            forbid="torch.tensor; torch.einsum",
            require="m",
        )
        await _save(app, pilot)
        assert "saved col-sum-exact" in _status(app), _status(app)
        # trials, forbid and require still hold text, but an output card takes none of them
        _fill(app, kind="output", id="thirds", prompt="", given="", accept="", rtol="")
        _fill(app, expr="torch.ones(2) / 3", dtype="ignore", atol="0.5")
        await _save(app, pilot)
        assert "saved thirds" in _status(app), _status(app)
        _fill(app, id="thirds-default", dtype="", atol=" ")
        await _save(app, pilot)
        assert "saved thirds-default" in _status(app), _status(app)
    new = path.read_bytes()
    assert new.startswith(old)
    code, thirds, default = load_deck(path).deck.cards[-3:]
    assert isinstance(code, CodeCard) and code.id == "col-sum-exact"
    assert (code.trials, code.forbid, code.require) == (7, ("torch.tensor", "torch.einsum"), ("m",))
    assert (code.dtype, code.tol) == (DtypePolicy.EXACT, Tolerance(atol=1e-4, rtol=0))
    assert isinstance(thirds, OutputCard)
    assert (thirds.dtype, thirds.tol) == (DtypePolicy.IGNORE, Tolerance(atol=0.5))
    assert (default.id, default.dtype, default.tol) == (
        "thirds-default",
        DtypePolicy.KIND,
        Tolerance(),
    )
    added = new[len(old) :].decode()
    assert "    trials: 7\n" in added and "    forbid: [torch.tensor, torch.einsum]\n" in added
    assert (added.count("dtype:"), added.count("    tol:\n"), added.count("trials")) == (2, 2, 1)
    last = added[added.index("id: thirds-default") :]
    assert "dtype" not in last and "tol" not in last


async def test_bad_judging_values_are_refused_at_their_field(judge, decks):
    path = decks[-1].path
    old = path.read_bytes()
    app = make_app(judge, decks)
    shown = record_notifications(app)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(app, kind="code", id="col-sum", prompt="P", given="m = torch.randn(3, 4)")
        _fill(app, expr="m.sum(dim=0)")
        for field, value, message in [
            ("trials", "0", "Trials: 'trials' must be a whole number from 1 to 50"),
            ("trials", "1000000", "Trials: 'trials' must be a whole number from 1 to 50"),
            ("atol", "-1", "Tol: 'atol' must be a number, 0 or more"),
            ("rtol", "-0.5", "Tol: 'rtol' must be a number, 0 or more"),
            ("forbid", "torch.tensor; x y", "Forbid: 'x y' is not a name"),
            ("require", "m; import os", "Require: 'import os' is not a name"),
        ]:
            _fill(app, **{field: value})
            await _save(app, pilot)
            assert _status(app).startswith(message), (value, _status(app))
            notes = [n for n in shown if n.severity == "error"]
            assert notes[-1].message.startswith(message)
            assert [w.id for w in app.screen.query(".-invalid")] == [f"author-{field}"]
            marked, plain = (app.screen.query_one(f"#author-{n}") for n in (field, "hint"))
            assert marked.rich_style.bgcolor != plain.rich_style.bgcolor  # the mark shows
            _fill(app, **{field: ""})  # editing the field clears its mark
            await pilot.pause()
            assert not app.screen.query(".-invalid")
        # what the sandbox half of check finds is said at its field too
        _fill(app, forbid="torch.sum", accept="torch.sum(m, 0)")
        await _save(app, pilot)
        assert _status(app).startswith("Accept: accept example 'torch.sum(m, 0)' is judged wrong")
        assert "not to use torch.sum" in _status(app)
        assert [w.id for w in app.screen.query(".-invalid")] == ["author-accept"]
    assert path.read_bytes() == old


async def test_fresh_values_edge_draws_and_option_order_are_saved_and_pass_check(judge, decks):
    path = decks[-1].path
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        cards = [
            {"kind": "output", "id": "clamp-fresh", "given": "x = torch.randint(0, 10, (4,))",
             "expr": "x.clamp(2, 5)", "fresh": "true", "accept": "[4, 5, 3, 2]",
             "reject": "[4, 9, 3, 0]"},  # the fixed draw, seed 0: x = tensor([4, 9, 3, 0])
            {"kind": "code", "id": "relu-grad", "prompt": "ReLU's derivative (0 at 0).",
             "given": "x = torch.randn(8)", "expr": "(x > 0).float()", "fresh": "",
             "edges": "x = torch.tensor([-1., 0., 2.])", "scale": "100",
             "skip_edges": "equal", "accept": "", "reject": "(x >= 0).float()"},
            {"kind": "cloze", "id": "relu-fill", "prompt": "ReLU, functional.",
             "given": "x = torch.randn(6)", "expr": "F.____(x)", "fill": "relu",
             "edges": "x = torch.tensor([-7., -0.5, 0., 0.5, 6., 7.])", "scale": "",
             "skip_edges": "", "reject": "relu6"},
            {"kind": "choice", "id": "first-step", "prompt": "First in a training step?",
             "given": "", "expr": "", "options": "zero the gradients; forward pass; none of these",
             "answer": "zero the gradients", "shuffle": "false", "pin": "none of these",
             "accept": "1", "reject": "2"},
        ]  # fmt: skip
        for values in cards:
            _fill(app, **values)
            await pilot.pause()
            await _save(app, pilot)
            assert f"saved {values['id']}" in _status(app), _status(app)
    deck = load_deck(path).deck
    fresh, code, cloze, choice = deck.cards[-4:]
    assert isinstance(fresh, OutputCard) and fresh.fresh
    assert isinstance(code, CodeCard) and not code.varies
    assert [[(g.name, g.expr) for g in edge.given] for edge in code.edges] == [
        [("x", "torch.tensor([-1., 0., 2.])")]
    ]
    assert (code.scale, code.skip_edges) == ((100.0,), ("equal",))
    assert isinstance(cloze, ClozeCard) and len(cloze.edges) == 1 and cloze.scale == ()
    assert isinstance(choice, ChoiceCard)
    assert (choice.shuffle, choice.pin) == (False, ("none of these",))
    for card in (fresh, code, cloze, choice):  # as `torch-quiz check` checks the file
        assert check_card(deck, card, judge) == [], card.id


BAD_NEW_KEYS = [  # values over the card below, the field marked, the message
    ({"edges": "torch.zeros(8)"}, "edges",
     "Edges: edge case 1: write it as name = expression"),
    ({"edges": "y = torch.zeros(8)"}, "edges",
     "Edges: edge case 1 gives 'y', which is not a given"),
    ({"edges": "x = torch.zeros("}, "edges", "Edges: not a valid expression"),
    ({"expr": "x.exp()", "edges": "x = torch.full((8,), 1000.)"}, "edges",
     "Edges: edge case 1: the solution gives NaN or infinity there"),
    ({"scale": "-1"}, "scale", "Scale: 'scale' must be a list of numbers greater than 0"),
    ({"scale": "big"}, "scale", "Scale: 'scale' must be a list of numbers greater than 0"),
    ({"skip_edges": "zero"}, "skip_edges",
     "Skip: 'skip_edges' must be one of some-zeros, zeros, negated, equal or largest"),
    ({"kind": "output", "fresh": "true", "given": ""}, "fresh",
     "Fresh: fresh: true draws the givens afresh at each review, but this card has none"),
    ({"kind": "output", "fresh": "true", "given": "x = torch.tensor([1, 2])"}, "fresh",
     "Fresh: fresh: true, but the givens are not random"),
    ({"kind": "choice", "options": "a; b; all of these", "answer": "a", "pin": "nope"}, "pin",
     "Pin: pin 'nope' is not one of the options"),
]  # fmt: skip


async def test_bad_values_of_the_new_keys_are_refused_at_their_field(judge, decks):
    """One screen for every bad value: each is typed over the same card, refused, and
    set back as a fresh screen has it (which clears its mark) before the next."""
    path = decks[-1].path
    old = path.read_bytes()
    card = {"kind": "code", "id": "relu-grad", "prompt": "P", "given": "x = torch.randn(8)",
            "expr": "(x > 0).float()"}  # fmt: skip
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        for values, field, message in BAD_NEW_KEYS:
            _fill(app, **card)
            _fill(app, **values)
            await pilot.pause()
            await _save(app, pilot)
            assert _status(app).startswith(message), (values, _status(app))
            assert [w.id for w in app.screen.query(".-invalid")] == [f"author-{field}"], values
            _fill(app, **{name: "" for name in values if name not in card})
            await pilot.pause()
            assert not app.screen.query(".-invalid"), values
    assert path.read_bytes() == old


@pytest.mark.parametrize("kind", ["code", "choice"])
def test_author_new_keys_snapshot(judge, decks, snap_compare, kind):
    """At 80x24: a code card's edge rows, closed up to fit; a choice's order and pin."""

    async def typed(pilot) -> None:
        _fill(pilot.app, kind=kind, id="example")
        await pilot.pause()

    assert snap_compare(make_app(judge, decks), run_before=typed, terminal_size=(80, 24))


async def test_a_function_s_name_and_ctrl_o_fill_the_scratchpad_with_its_examples(judge, decks):
    """issue 19: typing torch.linalg.norm then ctrl+o puts its first docstring example in the
    box (run as any expression is), and names the others; a bad name is one line."""
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(app, expr="torch.linalg.norm")
        app.screen.query_one("#author-expr", Input).focus()
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "examples, the first" in _status(app), "the examples")
        given = app.screen.query_one("#author-given", TextArea).text
        assert {"LA = torch.linalg", "a = torch.arange(9, dtype=torch.float) - 4"} <= set(
            given.splitlines()
        )
        assert (
            app.screen.query_one("#author-expr", Input).value
            == "torch.arange(9, dtype=torch.float) - 4"
        )
        assert "LA.norm(a)" in _status(app)
        await until(pilot, lambda: _value(app).startswith("tensor([-4., -3.,"), "its value")
        _fill(app, expr="os.system")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "is not in torch" in _status(app), "the refusal")
        assert "\n" not in _status(app).strip()


async def test_with_no_deck_of_the_learners_own_none_is_chosen(judge, decks):
    """A new learner has only bundled decks: Author must not pick one of them, whose file
    is the app's own (Home passes no target then); saving asks for a deck first."""
    app = make_app(judge, decks, target=None)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.screen.query_one("#author-deck", Select).value is Select.NULL
        _fill(app, given="x = torch.tensor([1, 7, 3])", expr="x.clamp(2, 5)", id="c1")
        await _save(app, pilot)
        assert "choose a deck file to save the card in" in _status(app)
    assert all("c1" not in deck.path.read_text(encoding="utf-8") for deck in decks)


def test_home_offers_the_learners_latest_own_deck(decks):
    from quiz.ui.home import own_deck

    assert own_deck(decks, lambda deck: True) is decks[-1]
    assert own_deck(decks, lambda deck: deck is not decks[-1]) is decks[0]
    assert own_deck(decks, lambda deck: False) is None


async def test_escape_asks_before_a_half_written_card_is_thrown_away(judge, decks):
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        author = app.screen
        await pilot.press("escape")  # nothing written: straight back
        assert not isinstance(app.screen, AuthorScreen)
        app.push_screen(AuthorScreen(judge, decks, target=decks[-1]))
        await until(pilot, lambda: isinstance(app.screen, AuthorScreen), "Author again")
        author = app.screen
        await pilot.press(*"x = 1")  # into the givens, where a card starts
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard the card you are writing?" in str(
            app.screen.query_one("#confirm-question", Label).content
        )
        await pilot.press("escape")  # no: the draft stays
        assert app.screen is author
        assert author.query_one("#author-given", TextArea).text == "x = 1"
        await pilot.press("escape", "y")  # yes: gone
        assert not isinstance(app.screen, AuthorScreen)


async def test_escape_after_a_save_does_not_ask(judge, decks):
    app = make_app(judge, decks)
    async with app.run_test(size=(100, 32)) as pilot:
        _fill(app, id="clamp-low", given="x = torch.tensor([1, 7, 3])", expr="x.clamp(min=2)")
        await _save(app, pilot)
        assert "saved clamp-low" in _status(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, AuthorScreen | ConfirmScreen)
