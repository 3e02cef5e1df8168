"""The learner's review settings: defaults, validation, and text forms for the CLI.

Settings live in the database's ``settings`` table (one JSON value per key), so they
travel with the progress they shape. Every value is checked here; a bad value, from
the table or from the command line, becomes a one-line :class:`SettingsError` that
names the key and the file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from quiz.review.errors import SettingsError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")


def parse_duration(text: str) -> timedelta:
    """``"90s"``, ``"1m"``, ``"1.5h"``, ``"2d"`` as a timedelta; ValueError otherwise."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30s, 10m, 1h or 1d")
    value = timedelta(seconds=float(match[1]) * _UNITS[match[2]])
    if value <= timedelta(0):
        raise ValueError(f"{text!r} must be longer than zero")
    return value


def format_duration(value: timedelta) -> str:
    seconds = value.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob of scheduling and of the daily queue, with Anki-like defaults."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500  # days
    fuzz: bool = True
    day_start_hour: int = 4  # local time at which "today" begins
    new_per_day: int = 20  # per deck
    reviews_per_day: int = 200  # per deck
    new_per_day_total: int = 20  # over all decks studied together
    reviews_per_day_total: int = 200
    leech_lapses: int = 8
    learn_ahead_minutes: int = 20  # show learning cards this early when nothing else is due
    fsrs_parameters: tuple[float, ...] = ()  # fitted by `torch-quiz optimize`; () = fsrs defaults
    language: str = "en"  # of the decks' localized text in the app: one of LANGUAGES
    theme: str = "textual-dark"  # the app's Textual theme (the app falls back on an unknown one)
    cursor_blink: bool = True  # off for those a blinking cursor distracts

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("learning_steps", "relearning_steps"):
            data[key] = [format_duration(step) for step in data[key]]
        data["fsrs_parameters"] = list(data["fsrs_parameters"])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: Path | str = "settings") -> Settings:
        """Validated settings; unknown keys and bad values raise :class:`SettingsError`."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if key not in known:
                raise SettingsError(
                    path, key, f"unknown setting; known: {', '.join(sorted(known))}"
                )
            try:
                values[key] = _check(key, raw)
            except (TypeError, ValueError) as error:
                raise SettingsError(path, key, f"{_show(raw)} is invalid: {error}") from None
        return cls(**values)

    def with_text(self, key: str, text: str, *, path: Path | str = "settings") -> Settings:
        """A copy with ``key`` set from command-line text (``"1m 10m"``, ``"0.85"``, ``"off"``)."""
        merged = self.to_dict()
        merged[key] = _from_text(key, text)
        return Settings.from_dict(merged, path=path)

    def replace(self, **changes: Any) -> Settings:
        merged = self.to_dict() | {k: _plain(v) for k, v in changes.items()}
        return Settings.from_dict(merged)


LANGUAGES = ("en", "zh")  # the languages decks may be written in (docs/deck-format.md)
_THEME_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

_RANGES: dict[str, tuple[float, float]] = {
    "desired_retention": (0.7, 0.99),
    "maximum_interval": (1, 36500),
    "day_start_hour": (0, 23),
    "new_per_day": (0, 100_000),
    "reviews_per_day": (0, 100_000),
    "new_per_day_total": (0, 100_000),
    "reviews_per_day_total": (0, 100_000),
    "leech_lapses": (1, 1000),
    "learn_ahead_minutes": (0, 1440),
}


def _check(key: str, raw: Any) -> Any:
    if key == "fsrs_parameters":
        return _check_parameters(raw)
    if key in ("learning_steps", "relearning_steps"):
        if not isinstance(raw, list | tuple) or not all(isinstance(s, str) for s in raw):
            raise TypeError("expected a list of durations such as ['1m', '10m']")
        if len(raw) > 20:
            raise ValueError("at most 20 steps")
        steps = tuple(parse_duration(s) for s in raw)
        if any(step > timedelta(days=365) for step in steps):
            raise ValueError("a step longer than a year")
        return steps
    if key in ("fuzz", "cursor_blink"):
        if not isinstance(raw, bool):
            raise TypeError("expected true or false")
        return raw
    if key == "language":
        if raw not in LANGUAGES:
            raise ValueError(f"expected one of {', '.join(LANGUAGES)}")
        return raw
    if key == "theme":
        if not isinstance(raw, str) or not _THEME_NAME.match(raw):
            raise ValueError("expected a theme name such as textual-dark")
        return raw
    if key == "desired_retention":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError("expected a number")
        value: float | int = float(raw)
    else:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError("expected a whole number")
        value = raw
    low, high = _RANGES[key]
    if not low <= value <= high:
        raise ValueError(f"out of range ({low:g} to {high:g})")
    return value


FSRS_PARAMETER_COUNT = 21  # FSRS-6, as fsrs 6.x and fsrs-rs-python 0.9 use


def _check_parameters(raw: Any) -> tuple[float, ...]:
    if not isinstance(raw, list | tuple) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) for w in raw
    ):
        raise TypeError("expected a list of numbers")
    if raw and len(raw) != FSRS_PARAMETER_COUNT:
        raise ValueError(f"expected {FSRS_PARAMETER_COUNT} numbers (or none), got {len(raw)}")
    if not all(math.isfinite(w) for w in raw):
        raise ValueError("every parameter must be a finite number")
    return tuple(float(w) for w in raw)


def _from_text(key: str, text: str) -> Any:
    text = text.strip()
    if key in ("learning_steps", "relearning_steps"):
        return text.replace(",", " ").split()
    if key in ("fuzz", "cursor_blink"):
        words = {"on": True, "true": True, "yes": True, "off": False, "false": False, "no": False}
        return words.get(text.lower(), text)
    try:
        return json.loads(text)
    except ValueError:
        return text


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [format_duration(v) if isinstance(v, timedelta) else v for v in value]
    return value


def _show(raw: Any) -> str:
    shown = json.dumps(raw, ensure_ascii=False) if _jsonable(raw) else repr(raw)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _jsonable(raw: Any) -> bool:
    try:
        json.dumps(raw)
    except (TypeError, ValueError):
        return False
    return True
