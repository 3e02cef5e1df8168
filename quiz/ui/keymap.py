"""The learner's own keys: ``keymap.toml`` beside the progress database.

Every binding of the app has an id (``review.undo``, ``home.browse``...); the file
maps ids to keys and the app hands the result to Textual's ``App.set_keymap``. The
file is TOML, so ids are written quoted or as tables, which mean the same::

    "review.undo" = "z"            # one key
    "home.browse" = ["slash", "f"] # several keys (or "slash,f")

    [review]
    bury = "B"

A file that cannot be read, or an entry that is not a key, becomes one message for a
notification: the app starts anyway with every other key as it was. Which ids exist
is checked by ``unknown_ids`` (it imports every screen, so only once the app is up).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEYMAP_FILENAME = "keymap.toml"
_KEY = re.compile(r"^[A-Za-z0-9_+\-]+$|^.$")  # "ctrl+z", "f5", "question_mark" or one character


def keymap_path(db_path: Path) -> Path:
    """The keymap beside the progress database (so the data folder, by default)."""
    return db_path.parent / KEYMAP_FILENAME


@dataclass
class LoadedKeymap:
    """Binding id -> comma-separated keys, as ``App.set_keymap`` takes them."""

    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_keymap(path: Path) -> LoadedKeymap:
    """Read ``path``; no file is an empty keymap, a bad one an empty keymap and a problem."""
    import tomllib  # only when there is a keymap to read

    loaded = LoadedKeymap()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return loaded
    except (OSError, UnicodeDecodeError) as error:
        loaded.problems.append(f"{path}: cannot be read: {error}")
        return loaded
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        loaded.problems.append(f"{path}: not valid TOML: {error}")
        return loaded
    for binding_id, value in _flatten(data):
        keys = _keys(value)
        if keys is None:
            loaded.problems.append(
                f'{path}: {binding_id!r}: expected a key such as "z" or a list of keys, '
                f"got {value!r}"
            )
            continue
        loaded.keys[binding_id] = ",".join(keys)
    return loaded


def unknown_ids(keymap: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """The ids of ``keymap`` that no binding has (a typo would otherwise do nothing)."""
    known_ids = set(known)
    return sorted(binding_id for binding_id in keymap if binding_id not in known_ids)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


def _keys(value: Any) -> list[str] | None:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not value:
        return None
    keys = [key.strip() if isinstance(key, str) else "" for key in value]
    if not all(key and _KEY.match(key) for key in keys):
        return None
    return keys
