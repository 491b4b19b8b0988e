"""The speed shortcuts of the normaliser give what the plain rules give.

Each shortcut is compared with the rule it stands for (written here) on hand-picked and random inputs:
the digit test of a sentence, and the memoised display name of a key.
"""

from __future__ import annotations

import random
import re

from extract.canonical import canonical_name
from extract.components.normalise import Normaliser, _has_digit

_DIGIT = re.compile(r"\d")
_CHARS = list("ab 09.,-x") + ["\u0663", "\u00b2", "\u07c0", "\u00e9", "\uff11", "\u2168"]


def test_has_digit_is_the_regex():
    rng = random.Random(3)
    texts = ["", "abc", "a1", "\u0663", "\u00b2", "x \uff11"]
    texts += ["".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 20))) for _ in range(3000)]
    texts += ["".join(rng.choice("ab 09.,-x") for _ in range(rng.randint(0, 20))) for _ in range(3000)]
    for text in texts:
        for _ in range(3):
            s = rng.randint(0, len(text))
            e = rng.randint(s, len(text))
            assert _has_digit(text, s, e) == bool(_DIGIT.search(text, s, e)), (text, s, e)


def _display_name_plain(forms: list[str]) -> str:
    return forms[0] if all(f == forms[0] for f in forms) else canonical_name(forms)


def test_display_names_memo_is_the_rule():
    norm = Normaliser(None)  # (the memos only: no rules needed)
    rng = random.Random(5)
    words = ["ViT", "ViTs", "vit", "Vision Transformer", "vision transformers", " ViT", "ResNet-50", "resnet-50", ""]
    for _ in range(3000):
        forms = [rng.choice(words) for _ in range(rng.randint(1, 5))]
        assert norm._display_names[tuple(forms)] == _display_name_plain(forms), forms
