"""Random text for the equivalence tests of the results finder (tests only).

The fast paths of :mod:`extract.results` and :mod:`extract.numbers` are checked against their plain
readings on text made of pieces that exercise them: metric names (every literal form in
``result_rules.json``), numbers and units, comparison words, method-like names, punctuation, white
space and non-ASCII letters that change under case folding (``ſ``, the Kelvin sign).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from importlib import resources

RULES = json.loads(resources.files("extract").joinpath("patterns/result_rules.json").read_text("utf-8"))

#: Every literal metric form of the result rules (regex forms left out).
METRIC_FORMS = [f for forms in RULES["metrics"].values() for f in forms if not f.startswith("re:")]

#: Pieces of result text besides the metric forms.
PIECES = ["accuracy", "Top-1", "top-1 accuracy", "mAP", "AP", "box AP", "Recall@10", "@", "x", "X", "84.3%", "50",
          "-", "+", ".", ",", ";", " ", " ", "(", ")", "ResNet-50", "GPT-4", "C++11", "v1.2", "3D", "than",
          "over the", "compared to", "Outperforms", "while", "pre-train", "fine-tuned", "we", "Our", "baselines",
          "vs.", "respectively", "mean", "error", "training", "task", "word", "end", "speed", "inference", "and",
          "on", "Fréchet", "ſ", "\u212a", "é", "\x1c", "\n", "zz", "ZZ", "zzdatasetzz", "ZZmethodZZ-x", "$",
          "\\textbf{", "}", "1.6x", "2 x 3", "±0.2", "10-20%", "times", "twice"]


def random_texts(n: int, seed: int, pieces: list[str] | None = None, max_pieces: int = 12) -> Iterator[str]:
    """``n`` texts of 1 to ``max_pieces`` random ``pieces`` (default: :data:`PIECES` and the metric forms)."""
    rnd = random.Random(seed)
    pieces = pieces or PIECES + METRIC_FORMS
    for _ in range(n):
        yield "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, max_pieces)))
