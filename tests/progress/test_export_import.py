"""Export to csv, json and the fsrs log; import json: round trip, merging, bad files."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.errors import UserError
from quiz.judge.presentation import Presentation
from quiz.judge.verdict import Rating
from quiz.progress.export import CSV_COLUMNS, FSRS_COLUMNS, Selection, parse_since
from quiz.progress.importer import ImportFileError, import_file
from quiz.review.store import Store

from .conftest import (
    T0,
    Learner,
    dump,
    empty_store,
    export,
    export_json,
    history,
    open_store,
    write_decks,
)

NOW = T0 + timedelta(hours=2)


def save(tmp_path: Path, text: str, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_round_trip_into_an_empty_database_is_identical(
    tmp_path: Path, store: Store, learner: Learner
):
    history(learner)
    store.db["cards"].update(5, {"suspended": 1})
    original = export_json(store)
    assert len(original["reviews"]) == 9 and len(original["cards"]) == 5
    with empty_store(tmp_path) as restored:
        report = import_file(restored, save(tmp_path, export(store)))
        assert (report.cards_added, report.reviews_added, report.settings_restored) == (5, 9, True)
        assert export_json(restored) == original


def test_importing_twice_changes_nothing(tmp_path: Path, store: Store, learner: Learner):
    history(learner)
    path = save(tmp_path, export(store))
    with empty_store(tmp_path) as other:
        import_file(other, path)
        before = dump(other)
        report = import_file(other, path)
        assert not report.changed and report.reviews_skipped == 9
        assert dump(other) == before
    assert not import_file(store, path).changed  # into the database it came from


def test_merge_newest_state_wins_and_reviews_are_deduplicated(
    tmp_path: Path, decks, store: Store, learner: Learner
):
    history(learner)
    shared = save(tmp_path, export(store), "shared.json")
    with open_store(tmp_path / "laptop.sqlite3", decks) as laptop:
        import_file(laptop, shared)
        # Both machines go on: the laptop answers a1 later than the desktop answers a2.
        Learner(laptop).answer("alpha/a1", Rating.GOOD, T0 + timedelta(days=5))
        learner.answer("alpha/a2", Rating.GOOD, T0 + timedelta(days=3))
        learner.answer("alpha/a1", Rating.AGAIN, T0 + timedelta(days=4))
        report = import_file(laptop, save(tmp_path, export(store), "desktop.json"))
        assert (report.reviews_added, report.reviews_skipped) == (2, 9)
        assert report.cards_updated == 1  # a2 only: the laptop's a1 is newer
        merged = {(c["deck"], c["card_id"]): c for c in export_json(laptop)["cards"]}
        assert merged["alpha", "a1"]["state"]["last_review"].startswith("2025-03-08")
        assert merged["alpha", "a2"]["state"]["last_review"].startswith("2025-03-06")
        reviews = export_json(laptop)["reviews"]
        assert len(reviews) == 12
        assert len({(r["deck"], r["card_id"], r["reviewed_at"]) for r in reviews}) == 12


def test_a_review_twice_in_one_file_is_added_once(tmp_path: Path, store: Store, learner: Learner):
    history(learner)
    data = json.loads(export(store))
    data["reviews"].append(data["reviews"][0])
    with empty_store(tmp_path) as other:
        report = import_file(other, save(tmp_path, json.dumps(data)))
        assert (report.reviews_added, report.reviews_skipped) == (9, 1)


def _mangled(data: dict) -> list[tuple[str, object]]:
    wrong_rating = json.loads(json.dumps(data))
    wrong_rating["reviews"][3]["rating"] = 7
    wrong_type = json.loads(json.dumps(data))
    wrong_type["cards"][0]["present"] = "yes"
    orphan = json.loads(json.dumps(data))
    orphan["reviews"][0]["card_id"] = "nope"
    naive = json.loads(json.dumps(data))
    naive["reviews"][0]["reviewed_at"] = "2025-03-01T12:00:00"
    impossible = json.loads(json.dumps(data))
    impossible["cards"][0]["state"] = {
        "phase": "review", "stability": None, "difficulty": None, "step": None,
        "due": "2025-03-01T00:00:00+00:00", "last_review": "2025-02-01T00:00:00+00:00",
    }  # fmt: skip
    negative_step = json.loads(json.dumps(data))
    negative_step["cards"][0]["state"] = dict(impossible["cards"][0]["state"], phase="learning",
                                              stability=1.0, difficulty=5.0, step=-5)  # fmt: skip
    not_finite = json.loads(json.dumps(data))
    not_finite["cards"][0]["state"] = dict(negative_step["cards"][0]["state"], step=0,
                                           stability=float("nan"))  # fmt: skip
    future = json.loads(json.dumps(data))
    future["cards"][0]["state"] = dict(not_finite["cards"][0]["state"], stability=1.0,
                                       last_review="2999-01-01T00:00:00+00:00")  # fmt: skip
    overflow = json.loads(json.dumps(data))
    overflow["reviews"][0]["reviewed_at"] = "0001-01-01T00:00:00+01:00"
    newer = dict(data, version=99)
    bad_setting = dict(data, settings={"desired_retention": 5})
    return [
        ("rating", wrong_rating),
        ("present", wrong_type),
        ("not in the file", orphan),
        ("zone", naive),
        ("needs stability, difficulty", impossible),
        ("step", negative_step),
        ("finite", not_finite),
        ("in the future", future),
        ("outside the years", overflow),
        ("newer torch-quiz", newer),
        ("desired_retention", bad_setting),
        ("not a torch-quiz progress export", {"cards": []}),
        ("not a torch-quiz progress export", [1, 2, 3]),
        ("cards", {k: v for k, v in data.items() if k != "cards"}),
    ]


def test_bad_files_are_refused_and_change_nothing(tmp_path: Path, store: Store, learner: Learner):
    history(learner)
    text = export(store)
    cases: list[tuple[str, str | bytes]] = [
        ("not valid JSON", text[: len(text) // 2]),  # truncated
        ("not valid JSON", "{nope"),
        ("is a csv export, for spreadsheets; only a json export", export(store, "csv")),
        ("is empty", ""),
        ("not UTF-8", b"\xff\xfe\x00garbage"),
        ("not a torch-quiz progress export", json.dumps({"deck": "x", "cards": []})),
    ]
    cases += [(match, json.dumps(doc)) for match, doc in _mangled(json.loads(text))]
    before = dump(store)
    for index, (match, content) in enumerate(cases):
        path = tmp_path / f"bad{index}.json"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        with pytest.raises(ImportFileError, match=match) as caught:
            import_file(store, path)
        assert "\n" not in str(caught.value) and str(path) in str(caught.value)
        assert dump(store) == before, match


def test_a_missing_file_and_a_folder(tmp_path: Path, store: Store):
    with pytest.raises(ImportFileError, match="cannot read"):
        import_file(store, tmp_path / "missing.json")
    with pytest.raises(ImportFileError, match="folder"):
        import_file(store, tmp_path)


def test_csv_has_a_header_and_one_row_per_review(store: Store, learner: Learner):
    history(learner)
    rows = list(csv.reader(io.StringIO(export(store, "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS == (
        "reviewed_at", "deck", "card", "kind", "answer", "verdict", "rating", "duration_ms",
        "state", "stability", "difficulty", "due", "presentation",
    )  # fmt: skip
    assert len(rows) == 1 + 9
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["reviewed_at"] == "2025-02-28T12:00:00.000000+00:00"
    assert (first["deck"], first["card"], first["kind"]) == ("alpha", "a1", "flash")
    assert (first["answer"], first["verdict"], first["rating"]) == ("[1, 2]", "right", "3")
    assert first["duration_ms"] == "5000" and first["state"] == "learning"
    assert float(first["stability"]) > 0 and first["due"].startswith("2025-02-28T12:10")


def test_csv_carries_each_review_presentation_as_the_json_export_has_it(
    store: Store, learner: Learner
):
    """A fresh draw and an option order come out as JSON text, the json export's object;
    a card shown as its file says has an empty cell."""
    drawn = Presentation(seed=81, givens=(("x", "tensor([[6, 7],\n        [7, 0]])"),))
    learner.answer("alpha/a1", Rating.GOOD, T0, text="[6, 7]", presentation=drawn)
    learner.answer(
        "alpha/a2", Rating.AGAIN, T0, text="2", presentation=Presentation(order=(2, 0, 1))
    )
    learner.answer("beta/b1", Rating.EASY, T0)
    rows = list(csv.DictReader(io.StringIO(export(store, "csv"))))
    cells = [row["presentation"] for row in rows]
    assert [json.loads(cell) if cell else None for cell in cells] == [
        review["presentation"] for review in export_json(store)["reviews"]
    ]
    assert json.loads(cells[0]) == {
        "seed": 81,
        "givens": {"x": "tensor([[6, 7],\n        [7, 0]])"},
    }
    assert Presentation.from_json(cells[1]).order == (2, 0, 1) and cells[2] == ""


def test_fsrs_log_schema(store: Store, learner: Learner):
    history(learner)
    rows = list(csv.DictReader(io.StringIO(export(store, "fsrs"))))
    assert tuple(rows[0]) == FSRS_COLUMNS
    assert len(rows) == 9
    first = rows[0]
    expected_ms = int((T0 - timedelta(days=3)).timestamp() * 1000)
    assert (int(first["review_time"]), first["review_rating"], first["review_state"]) == (
        expected_ms,
        "3",
        "0",
    )
    assert first["review_duration"] == "5000"
    by_card: dict[str, list[int]] = {}
    for row in rows:
        by_card.setdefault(row["card_id"], []).append(int(row["review_time"]))
    assert all(times == sorted(times) for times in by_card.values())


def test_deck_and_since_select(store: Store, learner: Learner):
    history(learner)
    beta = json.loads(export(store, "json", Selection(("beta",))))
    assert {c["deck"] for c in beta["cards"]} == {"beta"} and len(beta["reviews"]) == 2
    assert [d["slug"] for d in beta["decks"]] == ["beta"]
    since = Selection(since=parse_since("2025-03-02"))
    assert len(list(csv.reader(io.StringIO(export(store, "csv", since))))) == 1 + 4
    with pytest.raises(UserError, match="no deck 'gamma'"):
        export(store, "csv", Selection(("gamma",)))
    with pytest.raises(UserError, match="--since"):
        parse_since("last tuesday")
    assert parse_since("2025-03-02T05:00:00+01:00") == datetime(2025, 3, 2, 4, tzinfo=UTC)


def test_an_empty_database_exports_an_empty_log(tmp_path: Path):
    write_decks(tmp_path / "d", {"x": ["x1"]})
    with empty_store(tmp_path) as empty:
        assert export(empty, "csv").count("\n") == 1
        data = json.loads(export(empty))
        assert data["reviews"] == [] and data["cards"] == []
