"""The deck cache: the same decks as a fresh load, invalidated by any change, never fatal."""

from __future__ import annotations

import copyreg
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import ROOT

from quiz.deck.cache import load_decks_cached
from quiz.deck.check import load_decks

DECK = """\
deck: cached
title: Cached
cards:
  - {id: one, kind: output, expr: "torch.tensor([1])"}
"""


def test_cached_decks_equal_a_fresh_load(tmp_path: Path):
    cache = tmp_path / "cache.pickle"
    first = load_decks_cached([ROOT / "decks"], cache)
    assert cache.exists()
    again = load_decks_cached([ROOT / "decks"], cache)
    assert again == first == load_decks([ROOT / "decks"])
    card = again.decks[0].cards[0]
    assert card.where("id").line >= 1  # read-only location maps survive the round trip


def test_writing_the_cache_changes_no_process_wide_pickling(tmp_path: Path):
    load_decks_cached([ROOT / "decks"], tmp_path / "cache.pickle")
    assert MappingProxyType not in copyreg.dispatch_table
    with pytest.raises(TypeError):
        pickle.dumps(MappingProxyType({}))


def test_any_change_loads_afresh(tmp_path: Path):
    folder = tmp_path / "decks"
    folder.mkdir()
    deck = folder / "cached.yaml"
    deck.write_text(DECK, encoding="utf-8")
    cache = tmp_path / "cache.pickle"
    assert load_decks_cached([folder], cache).card_count == 1
    deck.write_text(DECK + '  - {id: two, kind: output, expr: "torch.tensor([2])"}\n')
    assert load_decks_cached([folder], cache).card_count == 2
    shutil.copy(deck, folder / "other.yaml")  # a new file (claiming the same slug)
    assert load_decks_cached([folder], cache).errors


def test_a_corrupt_or_unwritable_cache_only_costs_time(tmp_path: Path):
    cache = tmp_path / "cache.pickle"
    cache.write_bytes(b"\x80\x04not a pickle")
    assert load_decks_cached([ROOT / "decks"], cache).card_count > 0
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    assert load_decks_cached([ROOT / "decks"], blocked / "cache.pickle").card_count > 0


def test_a_cache_hit_needs_neither_yaml_nor_pydantic(tmp_path: Path):
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from quiz.deck.cache import load_decks_cached\n"
        f"decks = load_decks_cached([Path({str(ROOT / 'decks')!r})], "
        f"Path({str(tmp_path)!r}) / 'c')\n"
        "print(decks.card_count, 'yaml' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count = cold.stdout.split()[0]
    assert cold.stdout.split() == [count, "True", "True"]
    assert warm.stdout.split() == [count, "False", "False"]
