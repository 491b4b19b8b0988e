"""The speed shortcuts of the normaliser give what the plain rules give.

Each shortcut is compared with the rule it stands for (written here) on hand-picked and random inputs:
the digit test of a sentence, and the overlap resolution (its descending sort key, its bisection over the
accepted mentions, and its shortcut for a weak candidate on the span of the mention it meets).
"""

from __future__ import annotations

import random
import re

from extract.components.normalise import (
    _has_digit,
    _overlap_order,
    _overlap_rank,
    _weak_wins,
    resolve_overlaps,
)
from extract.components.state import STRONG, WEAK, Cand

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


def _resolve_plain(cands: list[Cand]) -> list[Cand]:
    """Overlap resolution without bisection or shortcuts: each candidate in order is accepted when it overlaps
    no accepted one, or replaces the ones it overlaps when it is weak and wins over each of them."""
    accepted: list[Cand] = []
    for c in sorted(cands, key=_overlap_order):
        over = [a for a in accepted if a.start < c.end and c.start < a.end]
        if not over:
            accepted.append(c)
        elif c.strength == WEAK and all(_weak_wins(c, a) for a in over):
            accepted = [a for a in accepted if a not in over] + [c]
    return sorted(accepted, key=lambda a: a.start)


_RULES = ["gazetteer", "gazetteer-generic", "shape", "head-method", "abbreviation", "title", "context-propagated"]


def _random_cands(rng: random.Random) -> list[Cand]:
    cands: list[Cand] = []
    for _ in range(rng.randint(0, 12)):
        s = rng.randint(0, 20)
        e = s + rng.randint(1, 6)
        if cands and rng.random() < 0.3:  # (twins: another candidate's span)
            other = rng.choice(cands)
            s, e = other.start, other.end
        cands.append(Cand(s, e, rng.choice(["method", "task"]), rng.choice(_RULES), rng.choice([45, 60, 90, 95]),
                          rng.choice([STRONG, WEAK])))
    return cands


def test_overlap_rank_reversed_is_the_order():
    rng = random.Random(8)
    for _ in range(3000):
        cands = _random_cands(rng)
        assert sorted(cands, key=_overlap_rank, reverse=True) == sorted(cands, key=_overlap_order)


def test_resolve_overlaps_is_the_plain_rule():
    rng = random.Random(9)
    for _ in range(3000):
        cands = _random_cands(rng)
        assert resolve_overlaps(cands) == _resolve_plain(cands)


def test_resolve_overlaps_by_clusters_is_the_whole_rule():
    """The split into clusters of overlapping candidates (with the shortcuts for one and two candidates)
    gives what the rule gives on the whole list, also with empty spans and many candidates."""
    from extract.components.normalise import _resolve_cluster

    rng = random.Random(10)
    for n in range(4000):
        cands = _random_cands(rng)
        if n % 3 == 0:
            cands += _random_cands(rng)
        if n % 7 == 0 and cands:  # (an empty span)
            c = rng.choice(cands)
            c.end = c.start
        assert resolve_overlaps(list(cands)) == _resolve_cluster(list(cands))
        if all(c.end > c.start for c in cands):
            assert resolve_overlaps(list(cands)) == _resolve_plain(cands)
