"""``normalise._version_after`` (the version regex tried only where a version can start) matches where the
regex itself matches, on hand-picked and random strings (Unicode digits included: ``\\d`` is
``str.isdecimal``)."""

from __future__ import annotations

import random

from extract.components.normalise import _VERSION_AFTER, _version_after

_PIECES = [" ", "  ", "v", "V", "1", "2", "0", "9", "19", "20", "2012", ".", "5.1", "x", "-", "_", "\u0663",
           "\u00b2", "\uff11", "\u2168", "a", "\n", "\t", "\u00a0"]


def _same(text: str, end: int) -> bool:
    got, want = _version_after(text, end), _VERSION_AFTER.match(text, end)
    return (got and got.span()) == (want and want.span())


def test_hand_picked():
    for text in ["VOC 2012 test", "CTB 5.1", "SQuAD 2.0.", "SQuAD v1.1)", "COCO 2017-val", "ImageNet 1K",
                 "CIFAR 10", "MNIST", "MNIST ", "MNIST v", "X \u0663.\u0661", "X \uff11.5", "X 2012", "Y 19999"]:
        for end in range(len(text) + 2):
            assert _same(text, end), (text, end)


def test_random_strings():
    rng = random.Random(17)
    for _ in range(20000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8)))
        end = rng.randint(0, len(text) + 1)
        assert _same(text, end), (text, end)
