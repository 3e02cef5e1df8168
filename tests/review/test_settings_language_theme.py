"""The app's own settings (language, theme) are stored and validated like the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.review.errors import SettingsError
from quiz.review.settings import LANGUAGES, Settings
from quiz.review.store import Store


def test_defaults_and_languages():
    assert Settings().language == "en"
    assert Settings().theme == "textual-dark"
    assert LANGUAGES == ("en", "zh")


@pytest.mark.parametrize(
    ("key", "text", "problem"),
    [
        ("language", "fr", "expected one of en, zh"),
        ("theme", "Not A Theme", "expected a theme name"),
        ("theme", "1", "expected a theme name"),
    ],
)
def test_bad_values_name_the_key(key: str, text: str, problem: str):
    with pytest.raises(SettingsError, match=problem) as raised:
        Settings().with_text(key, text)
    assert raised.value.key == key


def test_stored_as_rows_without_a_schema_change(tmp_path: Path):
    path = tmp_path / "progress.sqlite3"
    with Store.open(path) as store:
        version = store.scalar("PRAGMA user_version")
        store.set_setting("language", "zh")
        store.set_setting("theme", "nord")
    with Store.open(path) as store:
        assert (store.settings.language, store.settings.theme) == ("zh", "nord")
        assert store.scalar("PRAGMA user_version") == version
        keys = {row["key"] for row in store.query("SELECT key FROM settings")}
        assert keys == {"language", "theme"}
