"""Speed shortcuts of the normaliser and the abbreviation detector against plain versions of the same rules.

Overlap resolution (``normalise.resolve_overlaps``: bisected starts) against the plain rule over all kept
candidates, and the word before a bracket (``abbreviations._prev_word``) against a regex search over the
whole window; on random candidates / strings.
"""

from __future__ import annotations

import random
from bisect import bisect_left

from extract.components.abbreviations import _PREV_WORD, _prev_word
from extract.components.normalise import _overlap_order, _weak_wins, resolve_overlaps
from extract.components.state import STRONG, WEAK, Cand

_RULES = ("gazetteer", "gazetteer-generic", "head-method", "shape", "abbreviation", "naming", "title")


def _plain(cands: list[Cand]) -> list[Cand]:
    """The rule over all candidates at once: by ``_overlap_order``, keep what overlaps nothing kept; a
    weak candidate replaces the kept ones it overlaps when it wins over each of them."""
    accepted: list[Cand] = []
    starts: list[int] = []
    for c in sorted(cands, key=_overlap_order):
        i = bisect_left(starts, c.end)
        j = i
        while j > 0 and accepted[j - 1].end > c.start:
            j -= 1
        if j == i:
            accepted.insert(i, c)
            starts.insert(i, c.start)
        elif c.strength == WEAK and all(_weak_wins(c, a) for a in accepted[j:i]):
            accepted[j:i] = [c]
            starts[j:i] = [c.start]
    return accepted


def _random_cands(rng: random.Random, n: int, width: int) -> list[Cand]:
    out = []
    for _ in range(n):
        s = rng.randrange(width)
        e = s + rng.randint(1, 12)
        out.append(Cand(s, e, rng.choice(("method", "dataset")), rng.choice(_RULES), rng.choice((45, 60, 90, 95)),
                        rng.choice((STRONG, WEAK))))
    return out


def test_clusters_give_the_same_mentions_as_the_plain_rule():
    rng = random.Random(7)
    for trial in range(3000):
        cands = _random_cands(rng, rng.randint(0, 30), rng.choice((20, 60, 200)))
        got = resolve_overlaps(cands)
        assert [id(c) for c in got] == [id(c) for c in _plain(cands)], trial


def test_prev_word_is_the_window_search():
    rng = random.Random(5)
    alphabet = list("aB1 \t\n-.+/&_,(\u00e9\u2009x") + ["GPT-4 ", "e.g. ", "MIM  "]
    for _trial in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        hi = rng.randint(0, len(text))
        lo = max(0, hi - rng.randint(0, 40))
        got, want = _prev_word(text, lo, hi), _PREV_WORD.search(text, lo, hi)
        assert (got and (got.span(), got.span(1))) == (want and (want.span(), want.span(1))), (text, lo, hi)
