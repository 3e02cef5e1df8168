"""The deck file format v1 as pydantic models: validation at the edge, nowhere else.

The models check types, required and unknown keys, slugs and enumerations. Their
errors are translated into messages a deck author understands, positioned by the
loader. Rules that need several fields or files at once live in ``quiz.deck.rules``.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
)

from quiz.deck.model import Text

FORMAT_VERSION = 1
SLUG_PATTERN = re.compile(r"[a-z0-9-]+")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)?")
TAG_PATTERN = re.compile(r"[^\s,]+")
MAX_SLUG = 64
MAX_EXAMPLES = 50  # accept / reject / forbid / require items per card
MAX_OPTIONS = 26
MAX_CARDS = 2000
MAX_EDGES = 10  # an author's edge cases per card
MAX_SCALES = 3


def shown(value: object, limit: int = 40) -> str:
    """User text for a message: one line, no control characters, not too long."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


def _slug(value: str) -> str:
    if not SLUG_PATTERN.fullmatch(value):
        raise ValueError(
            f"'{shown(value)}' is not a valid slug: use lowercase letters, digits and '-' only"
        )
    if len(value) > MAX_SLUG:
        raise ValueError(f"a slug may be at most {MAX_SLUG} characters")
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _tag(value: str) -> str:
    if not TAG_PATTERN.fullmatch(value):
        raise ValueError(f"tag '{shown(value)}' must be a single word without spaces or commas")
    return value


def _text(value: Any) -> Text:
    """A string, or a mapping of language code to string such as ``{en: ..., zh: ...}``."""
    if isinstance(value, str):
        return Text.plain(_non_empty(value))
    if isinstance(value, dict) and value:
        variants = []
        for language, text in value.items():
            if not LANGUAGE_PATTERN.fullmatch(language):
                raise ValueError(f"'{shown(language)}' is not a language code such as en or zh")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"the '{language}' text must be non-empty text")
            variants.append((language, text))
        return Text(tuple(variants))
    raise ValueError("must be text, or a mapping of language to text such as {en: ..., zh: ...}")


def _string_list(value: Any) -> tuple[str, ...]:
    """One string or a list of strings."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError("must be one option's text, or a list of them")


Slug = Annotated[str, AfterValidator(_slug)]
Expr = Annotated[str, AfterValidator(_non_empty)]
TextField = Annotated[Text, PlainValidator(_text)]
Tag = Annotated[str, AfterValidator(_tag)]
Examples = Annotated[list[str], Field(max_length=MAX_EXAMPLES)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Factor = Annotated[float, Field(gt=0, allow_inf_nan=False)]
EdgeCases = Annotated[list[dict[str, Expr]], Field(max_length=MAX_EDGES)]
Scales = Annotated[list[Factor], Field(max_length=MAX_SCALES)]
AutomaticEdge = Literal["some-zeros", "zeros", "negated", "equal", "largest"]
DtypeName = Literal["exact", "kind", "ignore"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ToleranceModel(_Strict):
    atol: NonNegative | None = None
    rtol: NonNegative | None = None


class _CardModel(_Strict):
    id: Slug
    replaces: Annotated[list[Slug], Field(max_length=MAX_EXAMPLES)] = []
    given: dict[str, Expr] = {}
    explain: TextField | None = None
    hint: TextField | None = None
    tags: list[Tag] = []


class _JudgedModel(_CardModel):
    prompt: TextField
    dtype: DtypeName = "kind"
    tol: ToleranceModel | None = None
    accept: Examples = []
    reject: Examples = []


class OutputModel(_JudgedModel):
    kind: Literal["output"]
    prompt: TextField = Text((("en", "What does this give?"), ("zh", "结果是什么?")))
    expr: Expr
    fresh: bool = False


class CodeModel(_JudgedModel):
    kind: Literal["code"]
    solution: Expr
    trials: Annotated[int, Field(ge=1, le=50)] = 5
    forbid: Annotated[list[Expr], Field(max_length=MAX_EXAMPLES)] = []
    require: Annotated[list[Expr], Field(max_length=MAX_EXAMPLES)] = []
    edges: EdgeCases = []
    scale: Scales = []
    skip_edges: list[AutomaticEdge] = []


class ClozeModel(_JudgedModel):
    kind: Literal["cloze"]
    template: Expr
    solution: Expr
    edges: EdgeCases = []
    scale: Scales = []
    skip_edges: list[AutomaticEdge] = []


class ChoiceModel(_CardModel):
    kind: Literal["choice"]
    prompt: TextField
    options: Annotated[
        list[Annotated[str, AfterValidator(_non_empty)]],
        Field(min_length=2, max_length=MAX_OPTIONS),
    ]
    answer: Annotated[tuple[str, ...], PlainValidator(_string_list)]
    accept: Examples = []
    reject: Examples = []
    shuffle: bool = True
    pin: Annotated[tuple[str, ...], PlainValidator(_string_list)] = ()


class FlashModel(_CardModel):
    kind: Literal["flash"]
    front: TextField
    back: TextField
    demo: Expr | None = None


CardModel = Annotated[
    OutputModel | CodeModel | ClozeModel | ChoiceModel | FlashModel,
    Field(discriminator="kind"),
]
CARD_MODELS: dict[str, type[_Strict]] = {
    "output": OutputModel,
    "code": CodeModel,
    "cloze": ClozeModel,
    "choice": ChoiceModel,
    "flash": FlashModel,
}


class DeckModel(_Strict):
    format: Literal[1] = 1
    deck: Slug
    title: TextField
    description: TextField | None = None
    given: dict[str, Expr] = {}
    cards: Annotated[list[CardModel], Field(min_length=1, max_length=MAX_CARDS)]


# ---------------------------------------------------------------- error translation

Loc = tuple[str | int, ...]


def validate(data: Any) -> tuple[DeckModel | None, list[tuple[Loc, str]]]:
    """Validate a deck's data; return the model, or the problems as (data path, message)."""
    if not isinstance(data, dict):
        return None, [((), "a deck file must be a mapping with deck, title and cards")]
    try:
        return DeckModel.model_validate(data), []
    except ValidationError as error:
        return None, [_translate(detail, data) for detail in error.errors()]


_CARD = TypeAdapter(CardModel)
_GIVEN = TypeAdapter(dict[str, Expr])


def valid_parts(data: Any) -> tuple[dict[str, str] | None, list[tuple[int, Any]]]:
    """The deck's givens and the cards that can still be checked, when the whole is not
    valid: so cross-field rules still report on them, and ``check`` runs them, in the same
    run. A card whose only problems are in what running it never uses (an unknown key,
    its prompt, explanation, hint or tags, a broken accept or reject list) is checked as
    if those keys were not there; its problems are reported all the same."""
    if not isinstance(data, dict):
        return None, []
    try:
        given = _GIVEN.validate_python(data.get("given") or {}, strict=True)
    except ValidationError:
        given = None
    cards = []
    raw_cards = data.get("cards")
    for index, raw in enumerate(raw_cards[:MAX_CARDS] if isinstance(raw_cards, list) else []):
        card = _checkable_card(raw)
        if card is not None:
            cards.append((index, card))
    return given, cards


# What ``_checkable_card`` may leave out of a card (its problems are reported anyway), and
# the text keys it may stand in for: none of them changes what the card computes or how
# its answers are judged.
LEFT_OUT_FOR_CHECKING = frozenset({"explain", "hint", "tags", "accept", "reject"})
STOOD_IN_FOR_CHECKING = frozenset({"prompt", "front", "back"})


def _checkable_card(raw: Any) -> Any | None:
    try:
        return _CARD.validate_python(raw, strict=True)
    except ValidationError as error:
        if not isinstance(raw, dict):
            return None
        repaired = dict(raw)
        for detail in error.errors():
            loc = detail["loc"]
            key = loc[1] if len(loc) >= 2 else None  # loc[0] is the kind
            if detail["type"] == "extra_forbidden" or key in LEFT_OUT_FOR_CHECKING:
                repaired.pop(key, None)
            elif key in STOOD_IN_FOR_CHECKING:
                repaired[key] = "(not valid)"
            else:
                return None
    try:
        return _CARD.validate_python(repaired, strict=True)
    except ValidationError:
        return None


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _model_at(loc: Loc) -> type[_Strict] | None:
    """The model that validates the mapping at ``loc`` (a loc that still holds union tags)."""
    if loc == ():
        return DeckModel
    if len(loc) >= 3 and loc[0] == "cards" and loc[2] in CARD_MODELS:
        kind_model = CARD_MODELS[str(loc[2])]
        if len(loc) == 3:
            return kind_model
        if loc[3:] == ("tol",):
            return ToleranceModel
    return None


def _strip_tags(loc: Loc) -> Loc:
    if len(loc) >= 3 and loc[0] == "cards" and loc[2] in CARD_MODELS:
        return loc[:2] + loc[3:]
    return loc


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _yaml_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return "a number" if isinstance(value, int | float) else "text"


def _translate(detail: Any, data: Any) -> tuple[Loc, str]:
    raw_loc: Loc = tuple(detail["loc"])
    loc = _strip_tags(raw_loc)
    kind: str = detail["type"]
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "value")
    value = detail.get("input")
    ctx = detail.get("ctx") or {}

    if kind == "missing":
        owner = _model_at(raw_loc[:-1])
        kind_name = str(raw_loc[2]) if owner in CARD_MODELS.values() else ""
        what = f"{_article(kind_name)} {kind_name} card" if kind_name else "the deck"
        return loc[:-1], f"missing required key '{name}' for {what}"
    if kind == "extra_forbidden":
        owner = _model_at(raw_loc[:-1])
        allowed = sorted(owner.model_fields) if owner else []
        hint = did_you_mean(name, allowed)
        if not hint and allowed:
            hint = f" (allowed: {', '.join(allowed)})"
        return loc, f"unknown key '{shown(name)}'{hint}"
    if kind == "union_tag_not_found":
        kinds = ", ".join(CARD_MODELS)
        return loc, f"missing required key 'kind' (one of {kinds})"
    if kind == "union_tag_invalid":
        kinds = ", ".join(CARD_MODELS)
        tag = value.get("kind") if isinstance(value, dict) else None
        if not isinstance(tag, str):
            return (*loc, "kind"), f"'kind' must be one of {kinds}"
        hint = did_you_mean(tag, list(CARD_MODELS)) or f" (one of {kinds})"
        return (*loc, "kind"), f"unknown card kind '{shown(tag)}'{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        what = "a card" if len(loc) == 2 and loc[0] == "cards" else f"'{name}'"
        return loc, f"{what} must be a mapping of key: value, not {_yaml_kind(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return loc, f"'{name}' must be true or false, not '{shown(value)}'"
    if kind in ("string_type", "str_type"):
        return loc, f"'{name}' must be text, not {_yaml_kind(value)}"
    if kind == "list_type":
        return loc, f"'{name}' must be a list such as [a, b], not {_yaml_kind(value)}"
    if name == "trials" and kind in (
        "int_type",
        "int_parsing",
        "int_from_float",
        "greater_than_equal",
        "less_than_equal",
    ):
        return loc, "'trials' must be a whole number from 1 to 50"
    if name == "scale" and kind in (
        "float_type",
        "float_parsing",
        "finite_number",
        "greater_than",
    ):
        return loc, "'scale' must be a list of numbers greater than 0, such as [100]"
    if kind in (
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "int_from_float",
        "finite_number",
        "greater_than_equal",
    ):
        return loc, f"'{name}' must be a number, 0 or more"
    if kind == "too_long":
        most = ctx.get("max_length")
        return loc, f"'{name}' may hold at most {most} items; split it up"
    if kind == "too_short":
        needed = ctx.get("min_length", 1)
        return loc, f"'{name}' needs at least {needed} item{'s' if needed != 1 else ''}"
    if kind == "literal_error" and name == "format":
        return loc, f"this deck is in format {shown(value)}; this torch-quiz reads format 1"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        given = shown(value) if isinstance(value, str | int | float) else _yaml_kind(value)
        return loc, f"'{name}' must be one of {expected}, not '{given}'"
    if kind == "value_error":
        return loc, f"'{name}': {ctx.get('error', detail['msg'])}"
    return loc, f"'{name}': {shown(detail['msg'], 120)}"
