"""Each screen and widget of quiz/ui carries its own CSS (``DEFAULT_CSS``, scoped by its type).

A rule in an app-wide stylesheet (the app's ``CSS``, ``CSS_PATH`` or a ``.tcss`` file
beside it) matches every screen, so one screen's ``#summary`` or ``DataTable`` rule
would style another's; such a stylesheet may only hold theme rules that name no part
of quiz/ui. And no property is set twice for one selector, where the cascade would
silently keep one of the two.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections import Counter
from functools import cache
from pathlib import Path

from textual.app import App
from textual.css.model import RuleSet, SelectorType
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode

import quiz.ui
from quiz.ui.app import TorchQuizApp

UI = Path(quiz.ui.__file__).parent


@cache
def _widget_classes() -> tuple[type[DOMNode], ...]:
    """The screens and widgets defined in quiz/ui (the app itself excluded)."""
    found = []
    for path in sorted(UI.glob("*.py")):
        module = importlib.import_module(f"quiz.ui.{path.stem}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            defined_here = cls.__module__ == module.__name__
            if defined_here and issubclass(cls, DOMNode) and not issubclass(cls, App):
                found.append(cls)
    return tuple(found)


def _parse(css: str, where: str, scope: str = "") -> list[RuleSet]:
    sheet = Stylesheet(variables=App().get_css_variables())
    sheet.add_source(css, read_from=(where, ""), scope=scope)
    sheet.parse()
    return sheet.rules


def _default_rules(*, as_written: bool = False) -> dict[str, list[RuleSet]]:
    """Each quiz/ui class's own DEFAULT_CSS, parsed as Textual parses it (scoped by the
    class's name), or ``as_written``, without the scope Textual would add."""
    return {
        cls.__name__: _parse(
            cls.DEFAULT_CSS, f"{cls.__name__}.DEFAULT_CSS", "" if as_written else cls.__name__
        )
        for cls in _widget_classes()
        if "DEFAULT_CSS" in vars(cls)
    }


def _app_rules() -> dict[str, list[RuleSet]]:
    """The app-wide stylesheets: the app's CSS, its CSS_PATH files and any .tcss in quiz/ui."""
    sources = {"TorchQuizApp.CSS": TorchQuizApp.CSS}
    paths = TorchQuizApp.CSS_PATH or []
    for path in [paths] if isinstance(paths, str | Path) else paths:
        sources[str(path)] = (UI / path).read_text(encoding="utf-8")
    for path in UI.glob("*.tcss"):
        sources[path.name] = path.read_text(encoding="utf-8")
    return {where: _parse(css, where) for where, css in sources.items() if css.strip()}


def _ui_names() -> tuple[set[str], tuple[str, ...]]:
    """The names quiz/ui owns: its widget types, and the ids and classes its code gives.

    Returns the exact names and the prefixes of names built at run time
    (``id=f"settings-{field.key}"`` owns every name starting ``settings-``).
    """
    names = {cls.__name__ for cls in _widget_classes()}
    prefixes = []
    given = re.compile(r"""\b(?:id|classes)=(f?)["']([^"']+)["']""")
    for path in UI.glob("*.py"):
        for is_f, value in given.findall(path.read_text(encoding="utf-8")):
            if is_f and "{" in value:
                prefixes.append(value.split("{", 1)[0])
            else:
                names.update(value.split())
    return names, tuple(prefix for prefix in prefixes if prefix)


def _selector_names(rule: RuleSet) -> list[tuple[str, str]]:
    """(selector text, name) for each type, id or class a rule's selectors name."""
    return [
        (selectors.css, selector.name)
        for selectors in rule.selector_set
        for selector in selectors.selectors
        if selector.type in (SelectorType.TYPE, SelectorType.ID, SelectorType.CLASS)
    ]


def test_app_wide_stylesheets_name_no_screen_or_widget_of_quiz_ui():
    names, prefixes = _ui_names()
    assert {"VerdictPanel", "HomeScreen", "summary", "settings-row"} <= names
    assert "settings-" in prefixes
    owned = [
        f"{where}: {selector}"
        for where, rules in _app_rules().items()
        for rule in rules
        for selector, name in _selector_names(rule)
        if name in names or name.startswith(prefixes)
    ]
    assert not owned, "move these rules to the DEFAULT_CSS of the class they style"


def test_each_default_css_is_scoped_to_its_own_class():
    rules = _default_rules(as_written=True)
    assert {"HomeScreen", "ReviewScreen", "VerdictPanel", "CardForm"} <= set(rules)
    for cls in _widget_classes():
        if cls.__name__ in rules:
            assert cls.SCOPED_CSS, cls
    unscoped = [
        f"{owner}: {selectors.css}"
        for owner, owner_rules in rules.items()
        for rule in owner_rules
        for selectors in rule.selector_set
        # the scope written out, so the rule reads as Textual applies it
        if selectors.selectors[0].name != owner
    ]
    assert not unscoped


def test_no_property_is_set_twice_for_one_selector():
    every = {**_default_rules(), **_app_rules()}
    settings = Counter(
        (selectors.css, name)
        for rules in every.values()
        for rule in rules
        for selectors in rule.selector_set
        for name in rule.styles.get_rules()
    )
    assert [setting for setting, count in settings.items() if count > 1] == []
