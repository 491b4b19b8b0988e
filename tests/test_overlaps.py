"""Overlap resolution by clusters (``normalise.resolve_overlaps``) against the plain all-at-once rule."""

from __future__ import annotations

import random
from bisect import bisect_left

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
