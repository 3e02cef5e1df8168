"""Import of a file with many reviews: read piece by piece, merged whole or not at all."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.progress.importer import BATCH, ImportFileError, import_file, merge, read_document
from quiz.progress.jsonstream import CHUNK
from quiz.review.clock import to_text
from quiz.review.store import Store

from .conftest import T0, Learner, dump, empty_store, export_json, history

pytestmark = pytest.mark.slow  # thousands of reviews a file

# Enough reviews that the file spans several chunks of the reader and several batches
# of the import (the tests check it); more would prove nothing more.
REVIEWS = 6_000
CARDS = 400
LAST_REVIEW_FILES = 2_500  # the files spoilt at their last review: past one batch


def _time(days: float) -> str:
    text = to_text(T0 + timedelta(days=days))
    assert text is not None
    return text


def _state(at: float, stability: float) -> dict[str, Any]:
    return {"step": None, "stability": stability, "difficulty": 5.5,
            "due": _time(at + stability), "last_review": _time(at), "phase": "review"}  # fmt: skip


def generated(reviews: int = REVIEWS, cards: int = CARDS) -> dict[str, Any]:
    """A valid export of one deck "gen": ``cards`` cards sharing ``reviews`` reviews, by time."""
    start = -300.0
    rows = []
    last: dict[int, float] = {}
    for n in range(reviews):
        card, at = n % cards, start + n / 100
        rows.append({
            "reviewed_at": _time(at), "deck": "gen", "card_id": f"g{card:04d}", "kind": "output",
            "answer": f"[{n}]" if n % 3 else None, "outcome": "right" if n % 3 else None,
            "verdict": {"outcome": "right", "detail": "é"} if n % 3 else None,
            "suggested": 3 if n % 3 else None, "rating": 1 + n % 4,
            "duration_ms": None if n % 7 == 0 else n, "before": _state(last.get(card, at - 1), 1.5),
            "after": _state(at, 2.5), "leeched": n % 1000 == 0,
            "presentation": {"seed": n, "givens": {"x": f"tensor([{n}])"}} if n % 5 == 0 else None,
        })  # fmt: skip
        last[card] = at
    card_rows = [
        {"deck": "gen", "card_id": f"g{i:04d}", "kind": "output", "position": i,
         "content_hash": f"h{i}", "present": True, "added_at": _time(start - 1), "edited_at": None,
         "state": _state(last[i], 2.5) if i in last else {"step": None, "stability": None,
         "difficulty": None, "due": None, "last_review": None, "phase": "new"},
         "suspended": i == 3, "buried_until": None, "leech": False, "reset_at": None}
        for i in range(cards + 5)
    ]  # fmt: skip
    deck = {"slug": "gen", "title": "Generated", "path": "gen.yaml",
            "first_seen": _time(start - 1), "synced_at": _time(start - 1)}  # fmt: skip
    return {"format": "torch-quiz-progress", "version": 2, "exported_at": _time(0),
            "settings": {}, "decks": [deck], "cards": card_rows, "reviews": rows}  # fmt: skip


def write(tmp_path: Path, data: dict[str, Any] | str, name: str = "big.json") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=1)
    path.write_text(text, encoding="utf-8")
    return path


def progress(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in ("decks", "cards", "reviews")}


@pytest.fixture(scope="module")
def big() -> dict[str, Any]:
    return generated()


def test_a_large_file_round_trips(tmp_path: Path, big: dict[str, Any]):
    path = write(tmp_path, big)
    assert path.stat().st_size > 3 * CHUNK and REVIEWS > 2 * BATCH
    with empty_store(tmp_path) as store:
        report = import_file(store, path)
        assert (report.decks_added, report.cards_added, report.reviews_added) == (
            1, CARDS + 5, REVIEWS,
        )  # fmt: skip
        assert progress(export_json(store)) == progress(big)
        again = import_file(store, path)
        assert not again.changed and again.reviews_skipped == REVIEWS


def test_a_version_1_file_without_presentations_imports(tmp_path: Path):
    old = generated(reviews=50, cards=5)
    old["version"] = 1
    for review in old["reviews"]:
        del review["presentation"]
    with empty_store(tmp_path) as store:
        assert import_file(store, write(tmp_path, old)).reviews_added == 50
        assert store.scalar("SELECT count(*) FROM reviews WHERE presentation IS NULL") == 50
        shown = export_json(store)["reviews"][0]["presentation"]
        assert shown is None


def test_reviews_in_any_order_are_stored_in_time_order(tmp_path: Path, big: dict[str, Any]):
    shuffled = dict(big, reviews=random.Random(7).sample(big["reviews"], len(big["reviews"])))
    # reviews first, the other members after them: the file is read in two passes anyway
    reordered = {"reviews": shuffled["reviews"]} | {
        k: v for k, v in shuffled.items() if k != "reviews"
    }
    with empty_store(tmp_path) as store:
        report = import_file(store, write(tmp_path, reordered))
        assert report.reviews_added == REVIEWS
        assert progress(export_json(store)) == progress(big)
        times = [
            at for (at,) in store.db.conn.execute("SELECT reviewed_at FROM reviews ORDER BY id")
        ]
        assert times == sorted(times)  # as the app would have written them


def test_merging_part_of_a_large_file_adds_only_the_rest(tmp_path: Path, big: dict[str, Any]):
    half = dict(big, reviews=big["reviews"][::2])
    with empty_store(tmp_path) as store:
        import_file(store, write(tmp_path, half, "half.json"))
        report = import_file(store, write(tmp_path, big))
        assert (report.reviews_added, report.reviews_skipped) == (REVIEWS // 2, REVIEWS // 2)
        assert progress(export_json(store)) == progress(big)


def _bad_last_review(reviews: int) -> list[tuple[str, dict[str, Any] | str]]:
    """Files good but for their very end, and the message each must give."""
    big = generated(reviews)
    rating, orphan, nested = generated(reviews), generated(reviews), generated(reviews)
    rating["reviews"][-1]["rating"] = 9
    orphan["reviews"][-1]["card_id"] = "nope"
    nested["reviews"][-1]["after"]["due"] = None
    text = json.dumps(big, indent=1)
    cut = text[: text.rindex('"leeched"')]
    extra = dict(big, extra=1)
    return [
        (f"reviews.{reviews - 1}.rating: Input should be less than or equal to 4", rating),
        (f"reviews.{reviews - 1}: card gen/nope is not in the file", orphan),
        (f"reviews.{reviews - 1}.after: Value error, a review card needs due", nested),
        ("is not valid JSON (line", cut),
        ("is not valid JSON (line", text + "\n{}"),
        ("extra: Extra inputs are not permitted", extra),
        ('"reviews" is in the file twice', text[: text.rindex("}")] + ', "reviews": []}'),
    ]


def test_a_problem_in_the_last_review_changes_nothing(
    tmp_path: Path, store: Store, learner: Learner
):
    history(learner)
    before = dump(store)
    for index, (message, content) in enumerate(_bad_last_review(LAST_REVIEW_FILES)):
        path = write(tmp_path, content, f"bad{index}.json")
        assert path.stat().st_size > CHUNK and LAST_REVIEW_FILES > BATCH
        read_document(path)  # everything but the reviews is fine...
        with pytest.raises(ImportFileError) as caught:
            import_file(store, path)  # ...so the decks, cards and reviews written are undone
        assert message in str(caught.value) and str(path) in str(caught.value)
        assert "\n" not in str(caught.value)
        assert dump(store) == before, message
    assert store.scalar("SELECT count(*) FROM reviews") == 9


def test_the_command_refuses_a_bad_last_review(tmp_path: Path, store: Store, learner: Learner):
    history(learner)
    store.close()
    data = generated(reviews=3000)
    data["reviews"][-1]["reviewed_at"] = "2025-03-01T12:00:00"
    bad = write(tmp_path, data)
    db = tmp_path / "progress.sqlite3"
    before = list(Store.open(db).db.conn.iterdump())
    result = CliRunner().invoke(app, ["import", str(bad), "--db", str(db)])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "reviews.2999.reviewed_at: Value error, a time without a zone" in result.output
    assert list(Store.open(db).db.conn.iterdump()) == before


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (lambda text: text.replace('"rating": 3', '"rating": 9'), "reviews.299.rating"),
        (
            lambda text: text.replace('"rating": 3', '"rating": ' + "3" * 5000),
            "is not valid JSON (line",
        ),
    ],
    ids=["bad-rating", "huge-number"],
)
def test_a_refused_import_into_a_new_database_leaves_no_file(tmp_path: Path, spoil, words: str):
    data = generated(reviews=300)
    data["reviews"][-1]["rating"] = 3
    text = json.dumps(data, indent=1)
    last = text.rindex('"rating": 3')
    bad = write(tmp_path, text[:last] + spoil(text[last:]))
    db = tmp_path / "fresh" / "progress.sqlite3"
    db.parent.mkdir()
    result = CliRunner().invoke(app, ["import", str(bad), "--db", str(db)])
    assert result.exit_code == 1 and words in result.output, result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    assert list(db.parent.iterdir()) == []  # no empty database, no -wal or -shm


def test_a_file_changed_after_its_check_is_refused(tmp_path: Path, store: Store):
    path = write(tmp_path, generated(reviews=50, cards=5))
    document = read_document(path)
    before = dump(store)
    write(tmp_path, generated(reviews=60, cards=5))
    with pytest.raises(ImportFileError, match="changed while it was being imported"):
        merge(store, document)
    assert dump(store) == before


def test_reviews_are_read_one_by_one(tmp_path: Path, store: Store, big: dict[str, Any]):
    """A bad review early in a file cut short is named: nothing read the whole file first."""
    data = json.loads(json.dumps(big))
    data["reviews"][100]["rating"] = 0
    text = json.dumps(data, indent=1)
    path = write(tmp_path, text[: len(text) - 1000])
    before = dump(store)
    with pytest.raises(ImportFileError, match=r"reviews\.100\.rating"):
        import_file(store, path)
    assert dump(store) == before
