"""Shortcuts of the result finder give what the slow paths give: the x-unit test by ``str.find`` is the
regex's answer, and dropping the numbers skipped alone (counts, sizes, years) before a sentence is read
changes no result."""

from __future__ import annotations

import random

import pytest
from result_texts import random_texts

import extract.results as r
from extract.records import Mention
from extract.results import _DIGIT_THEN_X_ASCII_RE, _digit_then_x

_X_SENTENCES = [
    "", "x", "X", "3x", "3 x", "3\tX", "x3", "3 \x1c x", "a 3 xb", "ex 2 X", " x", "1  \n x y",
    "no digit before x here", "3 yx", "23xx", "x 3 x", "3-x", "3.x", "3 X 4", "example: 12 experiments",
    "we use 8 GPUs x 2 nodes", "The 3  x", "x" * 5 + "1" + " " * 7 + "X",
]


def _regex(sent: str) -> bool:
    return _DIGIT_THEN_X_ASCII_RE.search(sent) is not None


@pytest.mark.parametrize("sent", _X_SENTENCES)
def test_digit_then_x_is_the_regex(sent):
    assert (_digit_then_x(sent, "x") or _digit_then_x(sent, "X")) == _regex(sent)


def test_digit_then_x_on_random_text():
    rng = random.Random(7)
    alphabet = "x X3 \t\x1f.a9"
    for _ in range(5000):
        sent = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert (_digit_then_x(sent, "x") or _digit_then_x(sent, "X")) == _regex(sent), sent


def _all_numbers_read(monkeypatch) -> None:
    monkeypatch.setattr(r, "_claimable", lambda _text, numbers: numbers)


_YEARS_AND_SIZES = [
    "In 2021 we trained on 10k images with 7B parameters.",
    "Since 2019, accuracy rose to 84.3% (2020) on 1.2M images.",
    "We reach 2020 FPS and 1999 points of AP in 2023.",
    "Our 1950 model scores 2100.0 AP, 12 h training, 3 GB memory, 2000 s.",
    "It reaches 2050 top-1 accuracy, 2.5 TFLOPs and 7 days on ImageNet.",
]


@pytest.mark.parametrize("text", _YEARS_AND_SIZES)
def test_claimable_numbers_give_the_same_results(text, monkeypatch):
    sents = [(0, len(text))]
    fast = r.find_results(text, "abstract", sents, [])
    _all_numbers_read(monkeypatch)
    assert r.find_results(text, "abstract", sents, []) == fast
    nums = r.find_numbers(text)
    assert r._claimable(text, nums) == nums  # (monkeypatched: see below for the real one)


@pytest.mark.parametrize("text", _YEARS_AND_SIZES)
def test_claimable_drops_the_numbers_skipped_alone(text):
    nums = r.find_numbers(text)
    kept = r._claimable(text, nums)
    assert kept == [n for n in nums if not r._skipped_alone(text, n)]
    assert all(r._is_skipped(text, n, 0, []) for n in nums if n not in kept)


def _random_mentions(text: str, rnd: random.Random) -> list[Mention]:
    """A few random spans of ``text`` as metric, dataset and method mentions (in text order)."""
    out = []
    for _ in range(rnd.randint(0, 4)):
        a = rnd.randrange(len(text))
        b = min(len(text), a + rnd.randint(1, 12))
        out.append(Mention(text[a:b], rnd.choice(["metric", "dataset", "method"]), a, b, "abstract", text, 0,
                           len(text), text[a:b], f"k{a}"))
    return sorted(out, key=lambda m: m.start)


@pytest.mark.parametrize("seed", [11, 12])
def test_random_texts_same_results_with_every_number_read(seed, monkeypatch):
    rnd = random.Random(seed)
    cases = [(t, _random_mentions(t, rnd)) for t in random_texts(2000, seed=seed)]
    fast = [r.find_results(t, "abstract", [(0, len(t))], ms, "k0") for t, ms in cases]
    _all_numbers_read(monkeypatch)
    assert [r.find_results(t, "abstract", [(0, len(t))], ms, "k0") for t, ms in cases] == fast
    assert sum(map(len, fast)) > 20  # (the texts hold results)
