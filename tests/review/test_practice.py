"""Focus on some decks, and practice drills."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from quiz.judge.verdict import Rating
from quiz.review.cards import get_card
from quiz.review.errors import ReviewError
from quiz.review.practice import Practice, tags
from quiz.review.session import Session

from .conftest import FakeClock, FakeJudge, load, write_deck


def reviews(session: Session) -> int:
    return session.store.scalar("SELECT count(*) FROM reviews")


def test_focus_studies_only_the_chosen_decks(session: Session):
    session.focus(["beta"])
    assert session.focused == ("beta",)
    card = session.next_card()
    assert card is not None and card.ref.deck == "beta"
    assert session.counts().new == 20
    session.focus(None)
    assert session.focused == ("alpha", "beta")
    with pytest.raises(ReviewError, match="no deck 'gamma'"):
        session.focus(["gamma"])


def test_focus_away_from_the_card_on_screen_drops_it(session: Session):
    assert session.next_card().ref.deck == "alpha"
    session.focus(["beta"])
    assert session.current is None
    assert session.next_card().ref.deck == "beta"


def test_reload_deck_picks_up_an_edit_and_keeps_progress(session: Session, decks_dir: Path):
    card = session.next_card()
    session.rate(Rating.GOOD)
    write_deck(decks_dir, "alpha", [f"a{i}" for i in range(30)], version=" (edited)")
    session.next_card()
    report = session.reload_deck(decks_dir / "alpha.yaml")
    assert card.ref in report.edited
    assert "(edited)" in str(session.current.card.front)
    assert reviews(session) == 1


def test_reload_of_a_broken_file_keeps_the_old_deck(session: Session, decks_dir: Path):
    session.next_card()
    (decks_dir / "alpha.yaml").write_text("deck: alpha\ntitle: [\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"alpha\.yaml:3:1"):
        session.reload_deck(decks_dir / "alpha.yaml")
    assert session.current is not None and session.deck("alpha").cards


def test_practice_leaves_the_schedule_alone(session: Session):
    drill = Practice.of_deck(session, "beta")
    seen = []
    while (card := drill.next_card()) is not None:
        seen.append(card.ref.card_id)
        drill.rate(Rating.AGAIN if card.ref.card_id == "b0" and seen.count("b0") == 1 else 3)
    assert seen[:2] == ["b0", "b1"] and seen[-1] == "b0" and len(seen) == 31
    assert reviews(session) == 0


def test_counted_practice_records_and_undoes(session: Session):
    drill = Practice.of_deck(session, "alpha", counted=True)
    drill.next_card()
    recorded = drill.rate(Rating.GOOD)
    assert recorded is not None and reviews(session) == 1
    assert drill.counts().new == 29
    drill.undo()
    assert reviews(session) == 0
    assert drill.current.ref.card_id == "a0"


def test_practice_by_tag_and_skip(tmp_path: Path, store, clock: FakeClock):
    path = tmp_path / "t.yaml"
    path.write_text(
        "deck: t\ntitle: T\ncards:\n"
        "  - {id: x, kind: flash, front: F, back: B, tags: [p22]}\n"
        "  - {id: y, kind: flash, front: F, back: B}\n"
        "  - {id: z, kind: flash, front: F, back: B, tags: [p22]}\n",
        encoding="utf-8",
    )
    session = Session(store, load(path), FakeJudge(), clock=clock, tz=UTC)
    assert tags(session) == ["p22"]
    drill = Practice.of_tag(session, "p22")
    assert drill.next_card().ref.card_id == "x"
    drill.bury()
    assert drill.next_card().ref.card_id == "z"
    assert drill.counts().total == 1
    with pytest.raises(ReviewError, match="no card is tagged 'nope'"):
        Practice.of_tag(session, "nope")


def test_practice_suspends_through_its_session(session: Session):
    """The drill suspends through the session, so a session showing that card drops it."""
    shown = session.next_card()
    assert shown is not None
    drill = Practice.of_deck(session, shown.ref.deck)
    while (card := drill.next_card()) is not None and card.ref != shown.ref:
        drill.bury()  # skipped for this drill only
    drill.suspend()
    assert get_card(session.store, shown.ref).suspended
    assert session.current is None
    assert drill.next_card() is None or drill.current.ref != shown.ref
