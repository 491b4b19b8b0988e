"""``_prev_word(..., capital=True)`` gives up early on a last word with no capital letter: it agrees with
``_prev_word`` wherever the word found could be a short form."""

import random

from extract.components.abbreviations import _prev_word, is_short_form


def test_capital_prev_word_agrees_where_it_matters():
    rng = random.Random(13)
    alphabet = list("abAB09 -.+/&_\"'(") + ["MIM", "Net", "ǅ", "Ɗ", "İ", "ß", "σ", "Σ", "\u00a0", "\t", "2023"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        hi = rng.randint(0, len(text))
        lo = max(0, hi - rng.choice((40, 5)))
        got, plain = _prev_word(text, lo, hi, capital=True), _prev_word(text, lo, hi)
        if got is None:
            assert plain is None or not is_short_form(plain.group(1)), (text, lo, hi)
        else:
            assert plain is not None and got.span(1) == plain.span(1), (text, lo, hi)
