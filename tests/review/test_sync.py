"""Deck sync by (deck, card id): added, edited, removed, restored; broken decks skipped."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from quiz.judge.verdict import Rating
from quiz.paths import deck_paths
from quiz.review.cards import CardRef, get_card
from quiz.review.session import Session
from quiz.review.store import Store
from quiz.review.sync import load_and_sync, sync_decks

from .conftest import FakeClock, load, write_deck


def test_first_sync_adds_every_card_in_file_order(store: Store, decks_dir: Path, clock):
    write_deck(decks_dir, "alpha", ["z", "y", "x"])
    report = sync_decks(store, load(decks_dir / "alpha.yaml"), clock.now)
    assert report.added == (CardRef("alpha", "z"), CardRef("alpha", "y"), CardRef("alpha", "x"))
    rows = store.query("SELECT card_id, position, state FROM cards ORDER BY position")
    assert [(r["card_id"], r["position"], r["state"]) for r in rows] == [
        ("z", 0, 0),
        ("y", 1, 0),
        ("x", 2, 0),
    ]
    again = sync_decks(store, load(decks_dir / "alpha.yaml"), clock.now)
    assert not again.changed


def test_an_edited_card_keeps_its_progress_and_is_flagged(
    store: Store, decks_dir: Path, clock: FakeClock
):
    path = write_deck(decks_dir, "alpha", ["a", "b"])
    session = Session(store, load(path), clock=clock, tz=UTC)
    session.next_card()
    reviewed = session.rate(Rating.EASY)
    assert not get_card(store, CardRef("alpha", "a")).edited_since_review
    clock.advance(hours=1)
    write_deck(decks_dir, "alpha", ["a", "b"], version=" (now clearer)")
    session = Session(store, load(path), clock=clock, tz=UTC)
    assert set(session.sync_report.edited) == {CardRef("alpha", "a"), CardRef("alpha", "b")}
    card = get_card(store, CardRef("alpha", "a"))
    assert card.state == reviewed.after
    assert card.edited_since_review and card.edited_at == clock.now
    assert not get_card(store, CardRef("alpha", "b")).edited_since_review  # never studied


def test_a_removed_card_keeps_its_history_and_leaves_the_queue(
    store: Store, decks_dir: Path, clock: FakeClock
):
    path = write_deck(decks_dir, "alpha", ["a", "b"])
    session = Session(store, load(path), clock=clock, tz=UTC)
    session.next_card()
    session.rate(Rating.AGAIN)
    write_deck(decks_dir, "alpha", ["b"])
    session = Session(store, load(path), clock=clock, tz=UTC)
    assert session.sync_report.removed == (CardRef("alpha", "a"),)
    assert store.scalar("SELECT count(*) FROM reviews") == 1
    clock.advance(minutes=5)  # "a" would be a due learning card
    assert session.next_card().ref == CardRef("alpha", "b")
    assert session.counts().learning == 0
    write_deck(decks_dir, "alpha", ["a", "b"])
    session = Session(store, load(path), clock=clock, tz=UTC)
    assert session.sync_report.restored == (CardRef("alpha", "a"),)
    assert session.next_card().ref == CardRef("alpha", "a")
    assert session.current.reps == 1


def test_a_broken_deck_is_reported_and_skipped_while_others_load(
    store: Store, decks_dir: Path, clock: FakeClock
):
    good = write_deck(decks_dir, "alpha", ["a"])
    broken = write_deck(decks_dir, "beta", ["b1", "b2"])
    sync_decks(store, load(good, broken), clock.now)
    broken.write_text("deck: beta\ntitle: Beta\ncards:\n  - id: b1\n    kind: nonsense\n")
    deck_set, report = load_and_sync(store, [decks_dir], clock.now)
    assert [d.slug for d in deck_set.decks] == ["alpha"]
    assert report.decks == ("alpha",)
    assert report.problems and all(p.path == broken for p in report.problems)
    assert not report.removed  # beta's cards are not "removed": its file is just broken
    rows = store.query("SELECT card_id, present FROM cards WHERE deck = 'beta'")
    assert {r["card_id"]: r["present"] for r in rows} == {"b1": 1, "b2": 1}


def test_start_loads_bundled_user_and_extra_decks(tmp_path: Path, clock: FakeClock):
    from quiz.paths import user_decks_dir

    mine = user_decks_dir()
    mine.mkdir(parents=True)
    write_deck(mine, "mine", ["m"])
    extra = write_deck(tmp_path, "extra", ["e"])
    (tmp_path / "bad.yaml").write_text("deck: [\n")
    session = Session.start(
        tmp_path / "p.sqlite3", extra_decks=[extra, tmp_path / "bad.yaml"], clock=clock
    )
    slugs = session.sync_report.decks
    assert "mine" in slugs and "extra" in slugs and "arithmetic" in slugs
    assert [p.path.name for p in session.sync_report.problems] == ["bad.yaml"]
    session.close()


def test_deck_paths_skip_a_missing_user_folder():
    assert len(deck_paths()) == 1


def _replacing_deck(path: Path, cards: dict[str, list[str]]) -> Path:
    """A flash deck whose cards (id -> the ids it replaces) are written in order."""
    lines = ["deck: alpha", "title: Alpha", "cards:"]
    for card_id, replaces in cards.items():
        lines += [f"  - id: {card_id}", "    kind: flash", f"    front: {card_id}", "    back: b"]
        if replaces:
            lines.append(f"    replaces: [{', '.join(replaces)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _reviews(store: Store, card_id: str) -> int:
    return store.scalar("SELECT count(*) FROM reviews WHERE card_id = ?", (card_id,))


def test_a_merged_card_takes_over_the_history_of_the_first_card_it_replaces(
    store: Store, decks_dir: Path, clock: FakeClock
):
    path = _replacing_deck(decks_dir / "alpha.yaml", {"a": [], "b": []})
    session = Session(store, load(path), clock=clock, tz=UTC)
    session.next_card()
    reviewed = session.rate(Rating.GOOD)
    session.next_card()
    session.rate(Rating.AGAIN)
    clock.advance(hours=1)
    _replacing_deck(path, {"ab": ["a", "b"]})
    report = Session(store, load(path), clock=clock, tz=UTC).sync_report
    assert report.carried == ((CardRef("alpha", "a"), CardRef("alpha", "ab")),)
    assert report.added == () and report.removed == (CardRef("alpha", "b"),)
    merged = get_card(store, CardRef("alpha", "ab"))
    assert merged.state == reviewed.after and merged.edited_at == clock.now
    assert (_reviews(store, "ab"), _reviews(store, "a"), _reviews(store, "b")) == (1, 0, 1)
    again = sync_decks(store, load(path), clock.now)
    assert not again.changed  # carried once: the card is now stored under its new id


def test_each_half_of_a_split_card_keeps_its_schedule(
    store: Store, decks_dir: Path, clock: FakeClock
):
    path = _replacing_deck(decks_dir / "alpha.yaml", {"both": []})
    session = Session(store, load(path), clock=clock, tz=UTC)
    session.next_card()
    reviewed = session.rate(Rating.EASY)
    _replacing_deck(path, {"first": ["both"], "second": ["both"], "other": []})
    report = sync_decks(store, load(path), clock.now)
    first, second = CardRef("alpha", "first"), CardRef("alpha", "second")
    assert report.carried == ((CardRef("alpha", "both"), first), (CardRef("alpha", "both"), second))
    assert report.added == (second, CardRef("alpha", "other"))
    assert get_card(store, first).state == reviewed.after
    assert get_card(store, second).state == reviewed.after  # a copy of the schedule
    assert get_card(store, CardRef("alpha", "other")).state.phase.name == "NEW"
    assert (_reviews(store, "first"), _reviews(store, "second")) == (1, 0)  # one log, one card
