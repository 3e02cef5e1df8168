"""Deck packs: found through their metadata, never imported, listed, checked, chosen between.

The packs are the fixture folders under ``tests/packs``, installed onto a temporary
folder of ``sys.path`` with their metadata (``tests/support/packs.py``); the bundled
decks are stood in for by one small deck, so no test here loads them all. One test
builds and installs ``torch-quiz new-pack``'s output with pip, offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import conftest
import pytest
from support.packs import CLASH, DEMO, install_pack
from typer.testing import CliRunner

import quiz.paths
from quiz.cli import app
from quiz.errors import UserError
from quiz.review.opening import known_decks, load_study
from quiz.review.packs import find_packs

runner = CliRunner()

BASICS = """format: 1
deck: basics
title: Basics
cards:
  - id: rsqrt
    kind: flash
    front: What does `x.rsqrt()` compute?
    back: 1 / sqrt(x), element-wise.
"""


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bundled"
    folder.mkdir()
    (folder / "basics.yaml").write_text(BASICS, encoding="utf-8")
    monkeypatch.setattr(quiz.paths, "bundled_decks_dir", lambda: folder)
    return folder


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on ``sys.path``, as site-packages is, for the packs a test installs."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_a_pack_is_listed_with_its_name_and_version(
    tmp_path: Path, bundled: Path, site: Path, no_sandbox
):
    folder = install_pack(site)
    code, out = cli("decks", "--db", str(tmp_path / "progress.sqlite3"))
    assert code == 0, out
    shapes = next(line for line in out.splitlines() if line.startswith("pack-shapes"))
    assert shapes.split() == [
        "pack-shapes", "pack", "torch-quiz-decks-demo", "1.0", "2", str(folder / "shapes.yaml")
    ]  # fmt: skip
    _, out = cli("decks", "--json", "--db", str(tmp_path / "progress.sqlite3"))
    rows = {row["slug"]: row for row in json.loads(out)["decks"]}
    assert rows["pack-shapes"]["source"] == "pack torch-quiz-decks-demo 1.0"
    assert rows["basics"]["source"] == "bundled"


def test_a_pack_is_found_without_importing_it(site: Path):
    folder = install_pack(site)
    (folder / "__init__.py").write_text("raise SystemExit('a pack was imported')\n")
    packs, problems = find_packs()
    assert [(p.name, p.version, p.folder) for p in packs] == [
        ("torch-quiz-decks-demo", "1.0", folder)
    ]
    assert problems == [] and "torch_quiz_decks_demo" not in sys.modules


def test_a_pack_installed_where_the_tests_run_is_not_one_of_their_decks(
    tmp_path: Path, bundled: Path, monkeypatch: pytest.MonkeyPatch
):
    environment = tmp_path / "environment"  # as a pack pip-installed into the venv is
    install_pack(environment)
    monkeypatch.syspath_prepend(str(environment))
    monkeypatch.setattr(conftest, "ENVIRONMENT", conftest.ENVIRONMENT | {str(environment)})
    assert find_packs() == ([], [])
    assert [deck.slug for deck in known_decks(None).decks.decks] == ["basics"]
    assert [p.folder for p in find_packs([str(environment)])[0]] == [
        environment / "torch_quiz_decks_demo"
    ]  # asked for by name, it is there


def test_without_a_pack_importlib_metadata_is_never_imported(tmp_path: Path):
    # it is a good part of start-up: packs are looked for without it until one may be there
    other = tmp_path / "other"  # a distribution that is no pack: a console script's
    (other / "tool-1.0.dist-info").mkdir(parents=True)
    (other / "tool-1.0.dist-info" / "entry_points.txt").write_text(
        "[console_scripts]\ntool = tool:main\n", encoding="utf-8"
    )
    site = tmp_path / "site"
    install_pack(site)
    said = []
    # the folders are the test's, not the environment's, which may hold a pack
    for path in ([str(other)], [str(other), str(site)]):
        looks = (
            "import sys; from quiz.review.packs import find_packs; "
            f"print(find_packs({path!r}), 'importlib.metadata' in sys.modules)"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        ran = subprocess.run([sys.executable, "-c", looks], env=env, capture_output=True)
        said.append(ran.stdout.decode().split()[-1])
    assert said == ["False", "True"]


def test_an_editable_pack_is_found_where_the_import_system_would_look(site: Path):
    folder = install_pack(site, recorded=False)  # its RECORD names no file of the package
    packs, problems = find_packs()
    assert [p.folder for p in packs] == [folder] and problems == []
    assert "torch_quiz_decks_demo" not in sys.modules


def test_a_pack_cannot_name_another_distributions_package(site: Path):
    install_pack(site, value="support")  # the tests' own package, importable here
    packs, (problem,) = find_packs()
    assert packs == [] and problem.message.endswith("no folder support in the distribution")


def test_a_subfolder_of_the_package_may_hold_the_decks(tmp_path: Path, site: Path):
    decks = tmp_path / "with-sub"
    (decks / "decks").mkdir(parents=True)
    (decks / "decks" / "shapes.yaml").write_text((DEMO / "shapes.yaml").read_text())
    folder = install_pack(site, decks=decks, value="torch_quiz_decks_demo.decks")
    assert [p.folder for p in find_packs()[0]] == [folder / "decks"]


def test_a_broken_pack_is_one_line_and_the_others_load(
    tmp_path: Path, bundled: Path, site: Path, no_sandbox
):
    install_pack(site)
    install_pack(site, "torch-quiz-decks-gone", value="nowhere.decks")
    install_pack(site, "torch-quiz-decks-object", value="torch_quiz_decks_object:decks")
    unreadable = tmp_path / "unreadable"
    unreadable.mkdir()
    (unreadable / "bad.yaml").write_text("format: 1\ndeck: [not, a, slug]\n")
    install_pack(site, "torch-quiz-decks-bad", decks=unreadable)

    known = known_decks(None)
    assert {deck.slug for deck in known.decks.decks} == {"basics", "pack-shapes"}
    said = [str(d) for d in known.decks.diagnostics]
    gone = [line for line in said if "torch-quiz-decks-gone" in line]
    assert gone == [
        f"{site / 'nowhere' / 'decks'}:1:1: error: pack torch-quiz-decks-gone 1.0: entry point "
        "'demo = nowhere.decks' in torch_quiz.decks: no folder nowhere/decks in the distribution"
    ]
    assert [line for line in said if "torch-quiz-decks-object" in line] == [
        f"{site}:1:1: error: pack torch-quiz-decks-object 1.0: entry point "
        "'demo = torch_quiz_decks_object:decks' in torch_quiz.decks: the value must be a "
        "dotted package path such as 'my_pack' or 'my_pack.decks' (no ':object', nothing to "
        "import)"
    ]
    assert any(line.startswith(str(site / "torch_quiz_decks_bad" / "bad.yaml")) for line in said)

    code, out = cli("decks", "--db", str(tmp_path / "progress.sqlite3"))
    assert code == 0 and "pack-shapes" in out
    lines = out.splitlines()
    assert sum("torch-quiz-decks-gone" in line for line in lines) == 1
    assert sum("torch-quiz-decks-object" in line for line in lines) == 1
    assert sum(line.startswith(str(site / "torch_quiz_decks_bad")) for line in lines) == 1


def test_a_pack_whose_entry_points_cannot_be_read_is_one_line(site: Path):
    install_pack(site)
    install_pack(site, "torch-quiz-decks-odd")
    odd = next(site.glob("torch_quiz_decks_odd-*.dist-info")) / "entry_points.txt"
    odd.write_text("[torch_quiz.decks]\nnot an entry point\n", encoding="utf-8")
    packs, problems = find_packs()
    assert [pack.name for pack in packs] == ["torch-quiz-decks-demo"]
    assert [(p.where, p.message.split(" (")[0]) for p in problems] == [
        (site, "pack torch-quiz-decks-odd: its metadata cannot be read")
    ]


def test_a_packs_metadata_is_shown_as_one_plain_line(site: Path, no_sandbox):
    folder = install_pack(site)
    metadata = next(site.glob("*.dist-info")) / "METADATA"
    metadata.write_text(
        "Metadata-Version: 2.1\nName: evil\x1b]0;title\x07pack\n folded\nVersion: 1\x1b[2J\n",
        encoding="utf-8",
    )
    (pack,), _ = find_packs()
    assert pack.folder == folder
    assert pack.label == "pack evil\\x1b]0;title\\x07pack folded 1\\x1b[2J"


def test_two_sources_claiming_a_slug_are_reported_and_the_learner_chooses(
    tmp_path: Path, bundled: Path, site: Path, no_sandbox
):
    db = tmp_path / "progress.sqlite3"
    clash = install_pack(site, decks=CLASH)
    said = [str(d) for d in load_study(db_path=db).decks.diagnostics]
    assert said == [
        f"{clash / 'basics.yaml'}:3:1: error: deck 'basics' of pack torch-quiz-decks-demo 1.0 "
        f"is also in the bundled decks ({bundled / 'basics.yaml'}), which is used "
        "(to use this one: torch-quiz decks --prefer torch-quiz-decks-demo basics)"
    ]
    code, out = cli("decks", "--db", str(db))
    assert out.splitlines()[1].split()[:2] == ["basics", "bundled"]
    assert (
        f"basics: also from pack torch-quiz-decks-demo 1.0 ({clash / 'basics.yaml'}), not used "
        "(the first source wins); to use it: torch-quiz decks --prefer torch-quiz-decks-demo "
        "basics"
    ) in out

    code, out = cli("decks", "--prefer", "torch_quiz_decks_demo", "basics", "--db", str(db))
    assert (code, out) == (
        0,
        f"deck 'basics' now comes from pack torch-quiz-decks-demo 1.0 ({clash / 'basics.yaml'})\n",
    )
    study = load_study(db_path=db)  # the choice settles it: no problem left to report
    assert study.decks.diagnostics == []
    assert [str(deck.title) for deck in study.decks.decks] == ["Basics, as the pack has them"]
    code, out = cli("decks", "--db", str(db))
    assert out.splitlines()[1].split()[:3] == ["basics", "pack", "torch-quiz-decks-demo"]
    assert "not used (your choice); to use it: torch-quiz decks --prefer bundled basics" in out

    code, out = cli("decks", "--prefer", "folder", "basics", "--db", str(db))
    assert code == 1
    assert "deck 'basics' is not in 'folder'; its sources: torch-quiz-decks-demo, bundled" in out
    cli("decks", "--prefer", "bundled", "basics", "--db", str(db))
    assert [str(d.title) for d in load_study(db_path=db).decks.decks] == ["Basics"]


def test_home_is_told_the_source_of_packs_and_decks_opened_by_path(
    tmp_path: Path, bundled: Path, site: Path, no_sandbox
):
    install_pack(site)
    elsewhere = tmp_path / "elsewhere" / "mine.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(BASICS.replace("deck: basics", "deck: mine"), encoding="utf-8")
    study = load_study(review=[str(elsewhere)], db_path=tmp_path / "progress.sqlite3")
    said = {deck.slug: study.source_label(deck) for deck in study.decks.decks}
    assert said == {
        "basics": None,  # bundled: Home says nothing more
        "pack-shapes": "from pack torch-quiz-decks-demo 1.0",
        "mine": "opened by path",
    }


def test_a_pack_installed_after_the_launch_is_named_after_homes_reload(
    tmp_path: Path, bundled: Path, site: Path, no_sandbox
):
    study = load_study(db_path=tmp_path / "progress.sqlite3")
    install_pack(site)
    (shapes,) = [deck for deck in study.find_decks().decks if deck.slug == "pack-shapes"]
    assert study.source_label(shapes) == "from pack torch-quiz-decks-demo 1.0"


def test_a_deck_file_may_be_preferred_to_the_bundled_deck_of_its_slug(
    tmp_path: Path, bundled: Path, no_sandbox
):
    db = tmp_path / "progress.sqlite3"
    mine = tmp_path / "mine" / "basics.yaml"
    mine.parent.mkdir()
    mine.write_text(BASICS.replace("title: Basics", "title: My basics"), encoding="utf-8")
    with pytest.raises(UserError) as refused:  # torch-quiz review PATH
        load_study(review=[str(mine)], db_path=db)
    assert refused.value.args[0].endswith(
        f"deck 'basics' of a file opened by path is also in the bundled decks "
        f"({bundled / 'basics.yaml'}), which is used "
        f"(to use this one: torch-quiz decks --prefer {mine} basics)"
    )
    code, out = cli("decks", "--prefer", str(mine), "basics", "--db", str(db))
    assert (code, out) == (0, f"deck 'basics' now comes from a file opened by path ({mine})\n")
    study = load_study(db_path=db)  # remembered, and chosen: it wins on every start
    assert [str(deck.title) for deck in study.decks.decks] == ["My basics"]
    assert study.decks.diagnostics == []
    assert load_study(review=[str(mine)], db_path=db).review == ("basics",)


def test_check_runs_a_packs_decks(site: Path, commands_share_the_sandbox):
    folder = install_pack(site)
    code, out = cli("check", str(folder))
    assert (code, out) == (0, "1 file checked: 1 deck, 2 cards, no problems\n")


def test_new_pack_writes_a_pack_that_passes_check(tmp_path: Path, commands_share_the_sandbox):
    code, out = cli("new-pack", "torch-quiz-decks-foo", "--dir", str(tmp_path))
    root = tmp_path / "torch-quiz-decks-foo"
    assert code == 0 and f"wrote {root}" in out
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == [
        "README.md",
        "pyproject.toml",
        "tests/test_decks.py",
        "torch_quiz_decks_foo/__init__.py",
        "torch_quiz_decks_foo/foo.yaml",
    ]
    assert 'foo = "torch_quiz_decks_foo"' in (root / "pyproject.toml").read_text()
    code, out = cli("check", str(root / "torch_quiz_decks_foo"))
    assert code == 0, out
    code, out = cli("new-pack", "torch-quiz-decks-foo", "--dir", str(tmp_path))
    assert code == 1 and "already exists" in out
    code, out = cli("new-pack", "Bad Name", "--dir", str(tmp_path))
    assert code == 1 and "a pack name is lowercase letters, digits and dashes" in out


@pytest.mark.slow
def test_new_packs_output_builds_installs_and_is_listed(
    tmp_path: Path, bundled: Path, monkeypatch: pytest.MonkeyPatch, no_sandbox
):
    cli("new-pack", "torch-quiz-decks-foo", "--dir", str(tmp_path))
    target = tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    subprocess.run(  # setuptools (which torch requires) builds it, offline
        [*pip, "--no-build-isolation", "--target", str(target), tmp_path / "torch-quiz-decks-foo"],
        check=True,
        capture_output=True,
    )
    monkeypatch.syspath_prepend(str(target))
    _, out = cli("decks", "--json", "--db", str(tmp_path / "progress.sqlite3"))
    rows = {row["slug"]: row for row in json.loads(out)["decks"]}
    assert rows["foo"]["source"] == "pack torch-quiz-decks-foo 0.1.0"
    assert rows["foo"]["path"] == str(target / "torch_quiz_decks_foo" / "foo.yaml")
    assert rows["foo"]["cards"] == 5


def test_author_is_offered_only_the_learners_own_decks(
    tmp_path: Path, bundled: Path, site: Path, monkeypatch: pytest.MonkeyPatch
):
    """A bundled deck's file and a pack's belong to torch-quiz and to the pack: a card
    written there goes with the next upgrade. The learner's folder and a file they
    opened are theirs."""
    install_pack(site)
    theirs = tmp_path / "data" / "decks"
    theirs.mkdir(parents=True)
    (theirs / "mine.yaml").write_text(BASICS.replace("basics", "mine"), encoding="utf-8")
    opened = tmp_path / "opened.yaml"
    opened.write_text(BASICS.replace("basics", "opened"), encoding="utf-8")
    monkeypatch.setattr(quiz.paths, "user_decks_dir", lambda: theirs)
    study = load_study(review=[str(opened)], db_path=tmp_path / "progress.sqlite3")
    own = {deck.slug: study.learners_own(deck) for deck in study.decks.decks}
    assert own == {"basics": False, "pack-shapes": False, "mine": True, "opened": True}
