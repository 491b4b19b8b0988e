"""The list-gap test of extract.results: the cheap shape test in front of the gap regex changes no answer."""

from __future__ import annotations

import itertools
import random

from extract import results

_PIECES = ["on", "in", "for", "with", "the", "a", "an", "and", "by", "zzdatasetzz", "zzmethodzz", "x", "imagenet",
           "resnet-50", "band", "xon", "bywith", "val", "to", "achieve", "1", "(val)", "(", ")", "(a, b)", "|", "/"]
_SEPS = ["", " ", "  ", ", ", ",", ";", " ; ", "\t", "\x1c", " (test) "]


def _old(gap: str) -> bool:
    return results._LIST_GAP_LOW_RE.fullmatch(gap.lower()) is not None


def _gaps(rng: random.Random, n: int):
    for _ in range(n):
        k = rng.randint(0, 16)
        parts = [rng.choice(_SEPS)]
        for _ in range(k):
            parts += [rng.choice(_PIECES), rng.choice(_SEPS)]
        yield "".join(parts)


def test_shape_is_necessary_and_answers_unchanged_random() -> None:
    rng = random.Random(32)
    matched = 0
    for gap in _gaps(rng, 20000):
        old = _old(gap)
        matched += old
        if old:
            assert results._LIST_GAP_SHAPE_RE.fullmatch(gap.lower()), gap
        assert results._is_list_gap(gap, True) == old, gap
    assert matched > 500  # (the sample holds real list gaps, not only misses)


def test_answers_unchanged_exhaustive_short() -> None:
    words = ["on", "the", "x", "and", "by", "zzdatasetzz", "(v)", "xon"]
    for k in range(0, 6):
        for combo in itertools.product(words, repeat=k):
            for sep in (" ", ", "):
                gap = " " + sep.join(combo) + " "
                assert results._is_list_gap(gap, True) == _old(gap), gap


def test_long_gaps_and_known_cases() -> None:
    assert results._is_list_gap(" on zzdatasetzz , and ", True)
    assert results._is_list_gap(" on zzdatasetzz (val), and on the coco test set, by ", True)
    assert results._is_list_gap(", ", True)
    long_gap = " on  zzdatasetzz   zzmethodzz  training with 96k batch size, and the accuracy can be improved to "
    assert not results._is_list_gap(long_gap, True) and not _old(long_gap)
    assert not results._LIST_GAP_SHAPE_RE.fullmatch(long_gap)  # (> 12 runs: no gap regex)
    piped = " for  zzmethodzz |resnet-50|convnext-t| zzmethodzz -s/16 "
    assert not results._is_list_gap(piped, True) and not _old(piped)


def test_non_ascii_uses_the_unicode_regex() -> None:
    gap = " on zzdatasetzz, and "
    assert results._is_list_gap(gap, False) == (results._LIST_GAP_RE.fullmatch(gap) is not None)
    assert results._is_list_gap(" on Ünïcode, ", False) == (results._LIST_GAP_RE.fullmatch(" on Ünïcode, ") is not None)
