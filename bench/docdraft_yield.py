"""How many of torch's docstring examples ``torch-quiz draft`` turns into cards that pass
``check``: a yield, not a timing.

    python bench/docdraft_yield.py [--json]

The walk over torch's public functions is the suite's own
(``tests/worker/test_docstring_examples.py``: every public function of ``torch``,
``torch.nn.functional`` and ``torch.linalg`` and every ``Tensor`` method whose docstring
holds ``>>>`` lines, aliases counted once). Each is drafted through the real sandbox,
exactly as the command does (no deck to append to: each card is checked alone), and
the figures are counted by example: drafted as an output card, drafted as a code card,
or left out, by reason. The figures in docs/drafting.md come from one run of this.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from quiz.judge.client import WorkerClient  # noqa: E402
from quiz.judge.docdraft import DraftError, draft  # noqa: E402
from quiz.judge.judge import Judge  # noqa: E402

SPACES = ("torch.nn.functional.", "torch.linalg.", "torch.Tensor.")


def names() -> list[str]:
    """The documented names of the four namespaces, from the suite's docstring walk."""
    from worker.test_docstring_examples import written  # the suite's walk, reused

    return [
        owner
        for owner in written()
        if owner.startswith(SPACES) or (owner.startswith("torch.") and owner.count(".") == 1)
    ]


def reason_kind(reason: str) -> str:
    """A reason without its particulars, for counting."""
    if reason.startswith("fails check: "):
        text = reason.removeprefix("fails check: ")
        if re.match(r"accept example .* is judged", text):
            return "fails check: the docstring's print is not torch's (accept judged wrong)"
        if re.match(r"reject example .* is judged right", text):
            return "fails check: the near miss is judged right"
        return "fails check: " + re.sub(r"'[^']*'", "'…'", text)[:70]
    if reason.startswith("the sandbox says: "):
        text = reason.removeprefix("the sandbox says: ")
        return "the sandbox says: " + text.split(":")[0][:50]
    if reason.startswith("given '"):
        return "a given fails in the sandbox"
    if reason.endswith("is not name = expression"):
        return "uses a name a statement (not name = expression) made"
    if "is computed from names no given holds" in reason:
        return "uses a name a statement (not name = expression) made"
    return reason


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="only the first N functions")
    options = parser.parse_args()
    started = time.monotonic()
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    with WorkerClient() as client:
        judge = Judge(client)
        for name in names()[: options.limit or None]:
            try:
                drafted = draft(name, judge)
            except DraftError as error:
                offered = "the sandbox offers" not in str(error)
                functions["without examples" if offered else "not offered by the sandbox"] += 1
                continue
            functions["drafted from"] += 1
            functions["with at least one card"] += bool(drafted.cards)
            for card in drafted.cards:
                counts[f"{card['kind']} cards"] += 1
            counts["examples"] += len(drafted.cards) + len(drafted.skipped)
            for _, reason in drafted.skipped:
                reasons[reason_kind(reason)] += 1
    counts["cards"] = counts["output cards"] + counts["code cards"]
    figures = {
        "functions": dict(functions),
        "examples": dict(counts),
        "left_out": dict(reasons.most_common()),
        "seconds": round(time.monotonic() - started),
    }
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in functions.items():
        print(f"{value:6d}  functions {key}")
    for key in ("examples", "cards", "output cards", "code cards"):
        print(f"{counts[key]:6d}  {key}")
    for key, value in reasons.most_common():
        if value:
            print(f"{value:6d}  left out: {key}")
    print(f"{figures['seconds']:6d}  seconds")


if __name__ == "__main__":
    main()
