"""The cheap tests extract.results runs before (or instead of) a regex scan answer as the plain regex does."""

from __future__ import annotations

import random

from result_texts import random_texts

from extract.results import _DIGIT_THEN_X_ASCII_RE, _digit_then_x


def _x_texts(n: int, seed: int) -> list[str]:
    """Short ASCII texts dense in digits, white space (also the rare kinds) and x/X."""
    rng = random.Random(seed)
    alphabet = ["0", "7", "x", "X", " ", "  ", "\t", "\n", "\x1c", "\x0b", "a", "-", ".", "*", "$"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def test_digit_then_x_is_the_regex():
    texts = _x_texts(20000, seed=3) + [t for t in random_texts(3000, seed=9, max_pieces=8) if t.isascii()]
    for text in texts:
        want = _DIGIT_THEN_X_ASCII_RE.search(text) is not None
        assert (_digit_then_x(text, "x") or _digit_then_x(text, "X")) == want, repr(text)


def test_digit_then_x_exhaustive_short():
    # every string of up to 5 characters over the characters that matter
    alphabet = "1x X\t."
    texts = [""]
    for _ in range(5):
        texts = texts + [t + c for t in texts for c in alphabet if len(t) < 5]
    for text in set(texts):
        want = _DIGIT_THEN_X_ASCII_RE.search(text) is not None
        assert (_digit_then_x(text, "x") or _digit_then_x(text, "X")) == want, repr(text)
