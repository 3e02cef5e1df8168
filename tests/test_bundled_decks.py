"""What ships in decks/ is valid, runs, and meets the content bar of the decks issue."""

from __future__ import annotations

import ast
import re
from collections import Counter

import pytest

from quiz.deck.check import load_decks, load_files
from quiz.deck.model import CardKind, ClozeCard, CodeCard, OutputCard, Text
from quiz.judge.deckcheck import run_cards
from quiz.paths import bundled_decks_dir

TEXT_FIELDS = ("prompt", "explain", "hint", "front", "back")
RANDOM = re.compile(r"\btorch\.(rand|randn|randint|randperm|normal)\b|\.(uniform_|normal_)\(")


@pytest.fixture(scope="module")
def bundled():
    result = load_decks([bundled_decks_dir()])
    assert [str(d) for d in result.diagnostics] == []
    return result


def test_bundled_decks_pass_check(bundled):
    assert bundled.decks, "no bundled decks found"
    assert len({deck.slug for deck in bundled.decks}) == len(bundled.decks)


def test_every_bundled_card_runs_as_its_examples_say(bundled, judge):
    assert [str(d) for d in run_cards(bundled.decks, judge)] == []


# Issue 17's everyday-PyTorch topics, by tag: each with at least eight cards.
EVERYDAY_TOPICS = (
    "module", "modes", "devices", "optim", "data", "losses-more", "lr", "einsum", "inplace",
    "creation",
)  # fmt: skip


def test_enough_cards_of_every_kind(bundled):
    kinds = Counter(card.kind for deck in bundled.decks for card in deck.cards)
    assert sum(kinds.values()) >= 500
    tags = Counter(tag for deck in bundled.decks for card in deck.cards for tag in card.tags)
    assert {topic: tags[topic] for topic in EVERYDAY_TOPICS if tags[topic] < 8} == {}
    for kind in (CardKind.OUTPUT, CardKind.CODE, CardKind.CLOZE, CardKind.CHOICE):
        assert kinds[kind] >= 40, kind
    assert kinds[CardKind.FLASH] >= 20


def test_every_card_explains_itself_in_english_and_chinese(bundled):
    for deck in bundled.decks:
        assert {"en", "zh"} <= set(deck.title.languages), deck.slug
        for card in deck.cards:
            assert card.explain is not None, f"{deck.slug}/{card.id}"
            for name in TEXT_FIELDS:
                text = getattr(card, name, None)
                if isinstance(text, Text):
                    assert {"en", "zh"} <= set(text.languages), f"{deck.slug}/{card.id}.{name}"


def test_judged_cards_have_examples_and_code_cards_random_givens(bundled):
    for deck in bundled.decks:
        for card in deck.cards:
            where = f"{deck.slug}/{card.id}"
            if isinstance(card, OutputCard | CodeCard | ClozeCard):
                assert card.accept and card.reject, where
            if isinstance(card, CodeCard):
                givens = [g.expr for g in (*deck.given, *card.given)]
                assert any(RANDOM.search(expr) for expr in givens), where


def test_the_decks_readme_names_real_cards(bundled):
    readme = (bundled_decks_dir() / "README.md").read_text(encoding="utf-8")
    ids = {f"{deck.slug}/{card.id}" for deck in bundled.decks for card in deck.cards}
    mentioned = set(re.findall(r"\b([a-z0-9-]+/[a-z0-9-]+)\b", readme))
    named = {ref for ref in mentioned if ref.split("/")[0] in {d.slug for d in bundled.decks}}
    assert named, "the README maps no cards"
    assert named <= ids, sorted(named - ids)
    for page in ("p22", "p23", "p25", "p26", "p29"):
        assert page in readme


# Cards where the dtype is the lesson: integers typed for a float result get no partial
# credit there (issue 15).
DTYPE_LESSONS = {"dtype", "promotion", "cast", "eq"}


def test_cards_whose_lesson_is_the_dtype_declare_it(bundled):
    by_name = {f"{deck.slug}/{card.id}": card for deck in bundled.decks for card in deck.cards}
    lessons = {
        name
        for name, card in by_name.items()
        if isinstance(card, OutputCard) and DTYPE_LESSONS & set(card.tags)
    }
    assert len(lessons) >= 12
    assert sorted(name for name in lessons if not by_name[name].dtype_declared) == []
    for name in ("arithmetic/int-true-division", "reductions/eq-gives-bools"):
        assert by_name[name].dtype_declared, name
    for name in ("activations/relu-values", "reductions/mean-is-sum-over-numel"):
        assert not by_name[name].dtype_declared, name  # integers for equal floats: Hard


# Cards whose prompt constrains the method, or the dtype, and the forbidden routes each
# must keep as a reject example (issue 17); test_every_bundled_card_runs_as_its_examples_say
# judges every reject example, so together they fail if a card lets a route back in.
FORBIDDEN_ROUTES = {
    "losses/cross-entropy-by-hand": [
        "F.cross_entropy(logits, y)",
        "F.nll_loss(logits.log_softmax(1), y)",
    ],
    "where-gather/gather-true-class-prob": ["p[torch.arange(4), y]"],
    "activations/tanh-from-sigmoid": [
        "torch.tanh(x)",
        "x.clone().tanh_()",
        "(torch.exp(2 * x) - 1) / (torch.exp(2 * x) + 1)",
    ],
    "autograd/second-derivative": ["6 * a", "torch.autograd.grad(3 * a ** 2, a)[0]"],
    "losses/softmax-rows-code": ["logits.log_softmax(1).exp()", "F.softmin(-logits, dim=1)"],
    "where-gather/expand-column": [
        "v.unsqueeze(-1).repeat(1, 5)",
        "torch.stack([v] * 5, dim=1)",
        "v.unsqueeze(1) * torch.ones(5)",
    ],
    "reductions/eq-as-ints-fill": ["int", "short"],
    "activations/relu-fill": ["relu6"],
    "losses/stable-log-softmax": ["logits.softmax(1).log()"],
    "dtypes/int-cast-truncates": ["tensor([2, -2])", "tensor([2, -2], dtype=torch.int64)"],
}


def test_cards_that_constrain_the_method_keep_rejecting_the_forbidden_routes(bundled):
    by_name = {f"{deck.slug}/{card.id}": card for deck in bundled.decks for card in deck.cards}
    for name, routes in FORBIDDEN_ROUTES.items():
        card = by_name[name]
        missing = [route for route in routes if route not in card.reject]
        assert missing == [], name
    for name in ("activations/relu-fill", "losses/stable-log-softmax"):
        card = by_name[name]
        assert card.edges or card.scale, name  # random normal draws never show the slip
    for name in ("reductions/eq-as-ints-fill", "dtypes/int-cast-truncates"):
        assert by_name[name].dtype.value == "exact", name


CARD_REF = re.compile(r"\b([a-z0-9-]+/[a-z0-9-]+)\b")
MARKED_REF = re.compile(r"\b([a-z0-9-]+/[a-z0-9-]+) \(([^)]*)\)")


def _section(readme: str, title: str) -> str:
    start = readme.index(f"\n## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def test_the_readme_and_the_tags_agree(bundled):
    readme = (bundled_decks_dir() / "README.md").read_text(encoding="utf-8")
    slugs = {deck.slug for deck in bundled.decks}

    def tagged(tag: str) -> set[str]:
        return {f"{d.slug}/{c.id}" for d in bundled.decks for c in d.cards if tag in c.tags}

    def refs(text: str) -> set[str]:
        return {ref for ref in CARD_REF.findall(text) if ref.split("/")[0] in slugs}

    corrections = tagged("notes-correction")
    versions = tagged("version")
    assert {"arithmetic/round-half-even", "arithmetic/linear-weight-shape"} <= corrections
    assert "where-gather/where-sources-same-shape" in corrections
    assert {"losses/ce-target-forms", "where-gather/where-scalar-float"} <= versions
    assert "reductions/eq-gives-bools" in versions
    assert refs(_section(readme, "Corrections of the notes")) == corrections
    version_text = _section(readme, "Answers that depend on the torch version")
    assert refs(version_text.split("\n\nOther cards")[0]) == versions
    mapping = _section(readme, "From the notes to the cards")
    marked = {
        tag: {ref for ref, marks in MARKED_REF.findall(mapping) if word in marks}
        for tag, word in (("notes-correction", "correction"), ("version", "version"))
    }
    assert marked["notes-correction"] == corrections & refs(mapping)
    assert marked["version"] == versions & refs(mapping)


def test_the_chinese_text_has_no_stray_spaces():
    """Folded blocks once put a space at every line break, mid-phrase in Chinese (issue 17)."""
    results, _ = load_files([bundled_decks_dir()])
    assert [str(problem) for loaded in results for problem in loaded.spacing] == []


# Chinese wording the decks settled on (issue 17): the preferred term for each slip.
CHINESE_TERMS = {
    re.compile(r"单元(?!素)"): "神经元",
    re.compile(r"ReLU ?死亡"): "神经元死亡",
    re.compile("按元素"): "逐元素",
    re.compile("张量头"): "natural wording (a view shares the storage)",
    re.compile("会得回"): "natural wording (又得到)",
}


def test_the_chinese_text_uses_the_settled_terms(bundled):
    slips = []
    for deck in bundled.decks:
        texts = [deck.title, deck.description]
        for card in deck.cards:
            texts += [getattr(card, name, None) for name in TEXT_FIELDS]
        for text in texts:
            if not isinstance(text, Text):
                continue
            zh = dict(text.variants).get("zh", "")
            slips += [
                f"{deck.slug}: {p.pattern} -> {t}" for p, t in CHINESE_TERMS.items() if p.search(zh)
            ]
    assert slips == []


def test_the_readme_counts_the_cards_of_each_deck(bundled):
    readme = (bundled_decks_dir() / "README.md").read_text(encoding="utf-8")
    kinds = [CardKind.OUTPUT, CardKind.CODE, CardKind.CLOZE, CardKind.CHOICE, CardKind.FLASH]
    for deck in bundled.decks:
        counts = Counter(card.kind for card in deck.cards)
        row = f"| {len(deck.cards)} | " + " | ".join(str(counts[kind]) for kind in kinds) + " |"
        assert re.search(rf"^\| `{deck.slug}` \| .* {re.escape(row)}$", readme, re.M), deck.slug


# Cards that held several facts, split into one fact per card (issue 17): the old id is
# gone, and each new card names it in `replaces`, so a learner's history carries over.
SPLIT = {
    "arithmetic/add-sub-mul-div": ["add-keeps-int", "sub-order", "mul-elementwise"],
    "autograd/requires-grad-propagates": [
        "result-requires-grad",
        "result-not-leaf",
        "detach-no-grad",
    ],
    "arithmetic/floor-ceil-negative": ["floor-negative", "ceil-negative"],
    "shapes/unsqueeze-positions": ["unsqueeze-front", "unsqueeze-last"],
    "losses/mse-mean-vs-sum": ["mse-default-mean", "mse-sum"],
    "activations/activations-ranges-flash": [
        "sigmoid-range-flash",
        "tanh-range-flash",
        "relu-range-flash",
        "sigmoid-max-slope-flash",
        "tanh-max-slope-flash",
    ],
    "dtypes/casting-methods-flash": [
        "cast-float-double-flash",
        "cast-int-long-flash",
        "cast-to-flash",
        "cast-same-dtype-flash",
    ],
    "optimization/search-factors-flash": ["local-minimum-flash", "lr-tuning-flash"],
    "dtypes/promotion-rule-flash": [
        "promotion-category-flash",
        "promotion-priority-flash",
        "result-type-flash",
    ],
}


def test_grad_accumulates_does_not_show_the_doubling(bundled):
    card = next(d for d in bundled.decks if d.slug == "autograd").card("grad-accumulates")
    assert isinstance(card, OutputCard)
    assert "* 2" not in card.expr and card.expr.count(".backward()") == 2


def test_split_cards_hold_one_fact_each_and_carry_the_history_over(bundled):
    decks = {deck.slug: deck for deck in bundled.decks}
    for old, new_ids in SPLIT.items():
        slug, old_id = old.split("/")
        assert decks[slug].card(old_id) is None, old
        for new_id in new_ids:
            card = decks[slug].card(new_id)
            assert card is not None and old_id in card.replaces, f"{slug}/{new_id}"
            if isinstance(card, OutputCard):
                value = ast.parse(card.expr, mode="eval").body
                assert not isinstance(value, ast.Tuple), f"{slug}/{new_id}: one value, not a tuple"


# Near-duplicates (issue 17): each pair now asks a different question. The signature of
# a card is what it computes or picks; two cards of a pair must not share it, nor the
# value it gives (checked by hand when the pairs were rewritten, by signature here).
DIFFERENTIATED = [
    ("arithmetic/round-half-even", "arithmetic/round-choice"),
    ("arithmetic/floordiv-negative", "arithmetic/floordiv-choice"),
    ("reductions/argmax-flattens", "reductions/argmax-flat-choice"),
    ("reductions/topk-smallest", "reductions/topk-smallest-fill"),
    ("where-gather/expand-leading-dim", "where-gather/expand-is-broadcast"),
    ("where-gather/where-broadcasts", "where-gather/where-sources-same-shape"),
    ("broadcasting/center-columns", "broadcasting/mean-of-columns-fill"),
    ("autograd/grad-of-square-sum", "optimization/gradient-vector"),
    ("autograd/relu-grad-mask-choice", "activations/relu-derivative"),
    ("autograd/second-derivative", "autograd/create-graph-fill"),
    ("shapes/stack-fill", "shapes/stack-vectors"),
    ("arithmetic/linear-forward", "layers/linear-3d-code"),
    ("optimization/kaiming-std", "optimization/kaiming-fill"),
    ("optimization/momentum-velocity", "optimization/momentum-fill"),
    ("optimization/gd-step", "optimization/gd-fill"),
    ("arithmetic/log-base", "optimization/log-exp-fill"),
    ("arithmetic/sqrt-odd-one-out", "arithmetic/cube-root-fill"),
]
MERGED = {"where-gather/expand-leading-dim": ["expand-adds-leading-dim", "expand-question-choice"]}


def _signature(card) -> str:
    parts = [getattr(card, name, None) for name in ("expr", "solution", "template")]
    parts.append(getattr(card, "answer", None))
    parts.append(str(getattr(card, "front", "")))
    return re.sub(r"\s+", "", repr(parts))


def test_near_duplicate_cards_ask_different_questions(bundled):
    by_name = {f"{deck.slug}/{card.id}": card for deck in bundled.decks for card in deck.cards}
    for first, second in DIFFERENTIATED:
        assert _signature(by_name[first]) != _signature(by_name[second]), (first, second)
    for merged, old_ids in MERGED.items():
        slug = merged.split("/")[0]
        assert list(by_name[merged].replaces) == old_ids
        assert not {f"{slug}/{old}" for old in old_ids} & set(by_name), merged
    linear = by_name["arithmetic/linear-forward"]
    assert isinstance(linear, CodeCard) and "F.linear(x, W, b)" in linear.reject
    create_graph = by_name["autograd/create-graph-fill"]
    assert getattr(create_graph, "solution", None) == "retain_graph"


def test_choices_cannot_be_guessed_from_their_look(bundled):
    """The right option is neither the longest by far nor usually the first (issue 17)."""
    choices = [(d.slug, c) for d in bundled.decks for c in d.cards if c.kind is CardKind.CHOICE]
    first = [f"{slug}/{c.id}" for slug, c in choices if c.options.index(c.answer[0]) == 0]
    assert len(first) <= len(choices) // 3, first
    longest = []
    for slug, card in choices:
        if len(card.answer) == 1:
            others = [len(option) for option in card.options if option != card.answer[0]]
            if len(card.answer[0]) > 1.5 * max(others):
                longest.append(f"{slug}/{card.id}")
    assert longest == []


def test_at_least_sixty_output_cards_vary_at_each_review(bundled):
    fresh = [c for d in bundled.decks for c in d.cards if isinstance(c, OutputCard) and c.fresh]
    assert len(fresh) >= 60
