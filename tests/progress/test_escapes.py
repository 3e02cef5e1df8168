"""Issue 13, finding 4: hostile text in the report and the Anki package arrives escaped;
the data exports keep it exactly, so that they still round-trip through import."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

from quiz.deck.model import CardKind, Deck, FlashCard, Location, OutputCard, Text
from quiz.judge.verdict import Rating
from quiz.progress.apkg import write_apkg
from quiz.progress.export import Selection, export_text
from quiz.progress.importer import import_file
from quiz.progress.report import render_report
from quiz.progress.stats import collect
from quiz.review.store import Store

from .conftest import T0, Learner, history

NOW = T0 + timedelta(hours=2)
HOSTILE = "\x1b[2J\x1b]0;OWNED\x07\x9b31m\u202egnp.exe\u2028\u200b\x7f"
# every control and format character HOSTILE holds; none may reach a page or a note raw
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def export(store: Store, fmt: str) -> str:
    out = io.StringIO()
    export_text(store, fmt, out, Selection(), NOW)
    return out.getvalue()


def test_names_from_an_imported_file_are_escaped_in_the_report(
    tmp_path: Path, store: Store, learner: Learner
):
    """An export edited by someone else: its deck and card names reach the report."""
    history(learner)
    hostile_deck = "alpha" + HOSTILE
    text = export(store, "json").replace('"alpha"', json.dumps(hostile_deck))
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    with Store.open(tmp_path / "other.sqlite3") as other:
        import_file(other, path)
        page = render_report(collect(other, NOW, days=365))
    assert RAW.search(page) is None, RAW.search(page)
    assert "alpha\\x1b[2J\\x1b]0;OWNED\\x07\\x9b31m\\u202egnp.exe" in page  # shown, escaped
    data = re.search(r'id="torch-quiz-stats">(.*?)</script>', page)
    assert data is not None
    decks = {row["deck"] for row in json.loads(data.group(1))["decks"]}
    assert hostile_deck in decks  # the embedded data is the same data once parsed


def test_json_and_csv_exports_keep_the_raw_text_and_round_trip(
    tmp_path: Path, store: Store, learner: Learner
):
    learner.answer("alpha/a1", Rating.AGAIN, T0, text="x" + HOSTILE)
    exported = export(store, "json")
    answers = [review["answer"] for review in json.loads(exported)["reviews"]]
    assert answers == ["x" + HOSTILE]
    rows = list(csv.DictReader(io.StringIO(export(store, "csv"))))
    assert [row["answer"] for row in rows] == ["x" + HOSTILE]
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")
    with Store.open(tmp_path / "restored.sqlite3") as restored:
        import_file(restored, path)
        again = json.loads(export(restored, "json"))
    assert [review["answer"] for review in again["reviews"]] == ["x" + HOSTILE]


def hostile_deck(tmp_path: Path) -> Deck:
    """Decks from files cannot hold these characters any more (the loader refuses them);
    the package escapes them all the same, whatever builds the deck."""
    where = Location(tmp_path / "deck.yaml", 1, 1)
    return Deck(
        slug="hostile",
        title=Text.plain("title" + HOSTILE),
        cards=(
            FlashCard(
                id="f",
                kind=CardKind.FLASH,
                front=Text.plain("front" + HOSTILE),
                back=Text.plain("back <b>" + HOSTILE),
                explain=Text.plain("why" + HOSTILE),
                tags=("tag" + HOSTILE,),
                location=where,
            ),
            OutputCard(
                id="o",
                kind=CardKind.OUTPUT,
                prompt=Text.plain("prompt" + HOSTILE),
                expr="torch.ones(2)",
                accept=("[1, 1]" + HOSTILE,),
                location=where,
            ),
        ),
        location=where,
    )


def test_the_anki_package_escapes_every_field_the_deck_name_and_the_tags(tmp_path: Path):
    path = tmp_path / "hostile.apkg"
    assert write_apkg([hostile_deck(tmp_path)], path) == 2
    with zipfile.ZipFile(path) as archive:
        archive.extract("collection.anki2", tmp_path / "unpacked")
    db = sqlite3.connect(str(tmp_path / "unpacked" / "collection.anki2"))
    try:
        notes = db.execute("SELECT flds, tags FROM notes").fetchall()
        decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    finally:
        db.close()
    names = [deck["name"] for deck in decks.values()]
    shown = [*(fields for fields, _ in notes), *(tags for _, tags in notes), *names]
    for text in shown:
        assert RAW.search(text.replace("\x1f", "")) is None, text  # \x1f: Anki's separator
    fields = "\n".join(fields for fields, _ in notes)
    assert "back &lt;b&gt;\\x1b[2J" in fields and "\\u202egnp.exe" in fields
    assert any(name.startswith("torch-quiz::title\\x1b[2J\\x1b]0;OWNED") for name in names)


def test_stats_and_import_print_hostile_names_escaped(tmp_path: Path, store: Store, learner):
    """The CLI prints names from the database, which an imported file may have set."""
    from typer.testing import CliRunner

    from quiz.cli import app

    history(learner)
    text = export(store, "json").replace('"alpha"', json.dumps("alpha" + HOSTILE))
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    db = str(tmp_path / "cli.sqlite3")
    runner = CliRunner()
    outputs = []
    for args in (["import", str(path)], ["stats"], ["stats", "--json"]):
        result = runner.invoke(app, [*args, "--db", db], color=True)
        assert result.exit_code == 0, result.output
        assert RAW.search(result.output) is None, result.output
        outputs.append(result.output)
    assert "alpha\\x1b[2J" in outputs[1]
    per_deck = {deck["deck"] for deck in json.loads(outputs[2])["decks"]}
    assert "alpha" + HOSTILE in per_deck  # the same data once parsed
