"""The cheap tests extract.results runs before (or instead of) a regex scan answer as the plain regex does."""

from __future__ import annotations

import random

from result_texts import PIECES, random_texts

from extract.numbers import find_numbers
from extract.records import Mention
from extract.results import (
    _DIGIT_THEN_X_ASCII_RE,
    _digit_then_x,
    _fallback_metrics,
    _only_sizes,
    _sentence_results,
    _sentence_words,
    _Span,
)


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


def _mentions(text: str, rnd: random.Random) -> list[Mention]:
    """Random spans of ``text`` as metric, dataset and method mentions."""
    out = []
    for _ in range(rnd.randint(0, 5)):
        if not text:
            break
        a = rnd.randrange(len(text))
        b = rnd.randint(a + 1, min(len(text), a + 20))
        out.append(Mention(text[a:b], rnd.choice(["metric", "metric", "dataset", "method"]), a, b, "abstract", text,
                           0, len(text), text[a:b], text[a:b].lower()))
    return sorted(out, key=lambda m: m.start)


def test_sentences_whose_numbers_are_all_sizes_yield_nothing():
    # _field_results skips a sentence when _only_sizes(numbers): the plain reading of such a sentence
    # (with any mentions, fallback metrics and a proposed method) yields no result
    rnd = random.Random(17)
    pieces = PIECES + ["7B", "1.3B", "16 GB", "10k", "70M", "3 billion", "5 GFLOPs", "2 MACs", "8 TB", "3.5 KB",
                       "2 days", "12h", "throughput", "latency", "FID", "by", "to", "from", "faster", "2.5B parameters"]
    checked = 0
    for text in random_texts(20000, seed=29, pieces=pieces, max_pieces=10):
        nums = find_numbers(text, 0)
        if not nums or not _only_sizes(nums):
            continue
        checked += 1
        mentions = _mentions(text, rnd)
        low = text.lower() if text.isascii() else None
        lowered = _sentence_words(text) if low is not None else None
        fallback = _fallback_metrics(text, 0, mentions, lowered)
        proposed = _Span(-1, -1, "method", "Ours", "ours", "proposed")
        out: list = []
        seen: set = set()
        _sentence_results(text, "abstract", 0, len(text), text, mentions, fallback, nums, proposed, low, seen, out,
                          lowered)
        assert out == [] and not seen, text
    assert checked > 500
