"""The Anki export (issue 18, item 14): Markdown rendered to escaped HTML, the learner's
language, only the givens a card uses, and the package imported by Anki's own library."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.deck.check import load_decks
from quiz.deck.model import Deck
from quiz.deck.usedgivens import used_givens
from quiz.progress.anki_html import markdown_html
from quiz.progress.apkg import note_fields, note_html, write_apkg
from quiz.review.settings import Settings
from quiz.review.store import Store

runner = CliRunner()

DECK = """\
deck: md
title: {en: Markdown deck, zh: Markdown 卡组}
given: {t: torch.arange(6), unused: torch.zeros(9), s: t.sum()}
cards:
  - id: out
    kind: output
    prompt:
      en: "What does `t.view(2, 3)` give? It is a *view*:\\n\\n- same storage\\n- **no** copy"
      zh: "`t.view(2, 3)` 得到什么？它是*视图*。"
    given: {m: 't.view(2, 3)'}
    expr: m
    accept: ['tensor([[0, 1, 2], [3, 4, 5]])']
    explain: {en: "`view` shares memory.", zh: "`view` 共享内存。"}
  - id: flash
    kind: flash
    front: "Why `s`?"
    back: "Because:\\n\\n```python\\ns = t.sum()\\n```"
  - id: hostile
    kind: flash
    front: "<script>alert(1)</script> <img src=x onerror=alert(1)> `<b>`"
    back: "![pixel](http://example.com/p.png) [click](javascript:alert(1)) [sound:x.mp3]"
"""


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "md.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


@pytest.fixture
def deck(deck_file: Path) -> Deck:
    deck_set = load_decks([deck_file])
    assert not deck_set.errors, deck_set.errors
    return deck_set.decks[0]


def html_of(deck: Deck, card_id: str, languages: tuple[str, ...] = ("en",)) -> list[str]:
    card = deck.card(card_id)
    assert card is not None
    return note_html(note_fields(deck, card), languages)


def test_markdown_is_rendered_code_emphasis_lists_and_fences(deck: Deck):
    prompt, _, answer, explanation = html_of(deck, "out")
    assert "`" not in prompt + explanation
    assert "<code>t.view(2, 3)</code>" in prompt and "<code>view</code>" in explanation
    assert "<em>view</em>" in prompt and "<strong>no</strong>" in prompt
    assert "<ul>" in prompt and "<li>same storage</li>" in prompt
    _, _, back, _ = html_of(deck, "flash")
    assert '<pre><code class="language-python">s = t.sum()' in back and "`" not in back
    assert answer == "<pre><code>tensor([[0, 1, 2], [3, 4, 5]])</code></pre>"  # code stays code


def test_raw_html_links_images_and_anki_tags_from_a_deck_are_escaped(deck: Deck):
    front, _, back, _ = html_of(deck, "hostile")
    assert "<script" not in front and "<img" not in front
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in front
    assert "&lt;img src=x onerror=alert(1)&gt;" in front and "<code>&lt;b&gt;</code>" in front
    assert "<img" not in back and "<a " not in back and "href" not in back
    assert "[sound:" not in back and "&#91;sound:x.mp3]" in back
    # entities and escapes in the source do not smuggle a tag through either
    rendered = markdown_html("&lt;script> &#60;img onerror=x> \\<b> <!-- c --> [latex]x[/latex]")
    assert not re.search(r"<(?!/?p>)", rendered), rendered
    assert "[latex]" not in rendered


def test_notes_are_in_the_chosen_language_or_both_the_learners_first(deck: Deck):
    english = html_of(deck, "out", ("en",))[0]
    chinese = html_of(deck, "out", ("zh",))[0]
    both = html_of(deck, "out", ("zh", "en"))[0]
    assert "It is a" in english and "视图" not in english
    assert "视图" in chinese and "It is a" not in chinese and '<div lang="zh">' in chinese
    assert both.index("视图") < both.index("It is a")
    # a text written in one language is shown once, whatever is asked
    assert html_of(deck, "flash", ("zh", "en"))[0].count("Why") == 1


def test_a_note_shows_only_the_givens_its_card_uses_with_their_dependencies(deck: Deck):
    out = deck.card("out")
    assert out is not None
    assert [name for name, _ in used_givens(deck, out)] == ["t", "m"]  # m needs t
    fields = note_fields(deck, out)
    assert fields.code == "t = torch.arange(6)\nm = t.view(2, 3)\nm"
    flash = deck.card("flash")
    assert flash is not None  # named only in the prompt's code: s, and t through s
    assert [name for name, _ in used_givens(deck, flash)] == ["t", "s"]


def test_a_blank_glued_to_a_name_still_shows_that_given(tmp_path: Path):
    path = tmp_path / "cloze.yaml"
    path.write_text(
        "deck: cloze\ntitle: Cloze\ngiven: {x: torch.ones(3), w: torch.ones(2), z: torch.ones(1)}\n"
        "cards:\n  - id: c\n    kind: cloze\n    prompt: Broadcast.\n"
        "    template: x[:, None] * w____\n    solution: '[None, :]'\n",
        encoding="utf-8",
    )
    (deck,) = load_decks([path]).decks
    assert [name for name, _ in used_givens(deck, deck.cards[0])] == ["x", "w"]


def _note_fields_in(package: Path, tmp_path: Path) -> list[str]:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path / package.stem)
    db = sqlite3.connect(str(tmp_path / package.stem / "collection.anki2"))
    try:
        return [row[0] for row in db.execute("SELECT flds FROM notes")]
    finally:
        db.close()


def test_the_cli_exports_the_languages_asked_the_settings_one_first(
    tmp_path: Path, deck_file: Path, no_sandbox: None
):
    db = tmp_path / "progress.sqlite3"
    with Store.open(db) as store:
        store.save_settings(Settings(language="zh"))

    def export(name: str, *more: str) -> tuple[int, str, list[str]]:
        out = tmp_path / name
        args = ["export", "-f", "apkg", "-o", str(out), "--deck", str(deck_file), "--db", str(db)]
        result = runner.invoke(app, [*args, *more])
        notes = _note_fields_in(out, tmp_path) if result.exit_code == 0 else []
        return result.exit_code, result.output, notes

    # both languages, the learner's (from Settings) leading: one export tests both
    code, output, notes = export("both.apkg", "--language", "both")
    assert code == 0, output
    (prompt,) = [fields.split("\x1f")[0] for fields in notes if "视图" in fields]
    assert 0 <= prompt.index("视图") < prompt.index("It is a")
    code, output, _ = export("fr.apkg", "--language", "fr")
    assert code == 1 and "en, zh, both" in output
    result = runner.invoke(app, ["export", "-f", "csv", "--db", str(db), "--language", "en"])
    assert result.exit_code == 1 and "apkg only" in result.output


@pytest.mark.slow  # Anki's library takes a second or two to load and open a collection
def test_anki_imports_the_package_once_and_renders_code(tmp_path: Path, deck: Deck):
    from anki.collection import Collection, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageOptions

    package = tmp_path / "md.apkg"
    assert write_apkg([deck], package) == 3
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:

        def import_package() -> int:
            request = ImportAnkiPackageRequest(
                package_path=str(package), options=ImportAnkiPackageOptions()
            )
            return len(collection.import_anki_package(request).log.new)

        assert import_package() == 3
        assert collection.note_count() == 3
        assert import_package() == 0 and collection.note_count() == 3  # nothing added twice
        (card_id,) = collection.find_cards('"Prompt:*view*"')
        card = collection.get_card(card_id)
        question = card.question()
        assert "<code>t.view(2, 3)</code>" in question and "`" not in question
        assert "unused" not in question  # the deck's given this card does not use
        assert "<strong>no</strong>" in question and "<code>view</code>" in card.answer()
    finally:
        collection.close()
