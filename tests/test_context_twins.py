"""The context rules leave out a candidate with the span of a strong one before it that it cannot beat
(``_Out.flush``, ``_loses_to``): normalisation would discard it, so the mentions are the same."""

import glob
import random

import pytest

from extract.components import context
from extract.components.context import _loses_to, _Out
from extract.components.normalise import resolve_overlaps
from extract.components.state import STRONG, WEAK, Cand, DocState

_RULES = [("gazetteer", 90, STRONG), ("gazetteer-ambiguous", 90, STRONG), ("gazetteer-generic", 45, WEAK),
          ("title-propagated", 80, STRONG), ("context-propagated", 79, STRONG), ("proposal", 80, STRONG),
          ("metric-shape", 75, STRONG), ("head-method", 60, WEAK), ("head-task", 60, WEAK), ("shape", 50, WEAK),
          ("generic-method", 40, WEAK), ("abbreviation", 95, STRONG)]


def _cand(rnd, start, end):
    rule, prio, strength = rnd.choice(_RULES)
    return Cand(start, end, rnd.choice(("method", "task", "metric")), rule, prio, strength)


def _spans(cands):
    return [(c.start, c.end, c.type, c.rule) for c in cands]


def test_a_candidate_left_out_is_one_the_overlap_resolution_discards():
    """``resolve_overlaps`` of random candidates, with and without those that ``_loses_to`` a candidate of the same
    span before them, with the ambiguous gazetteer names or without them (normalisation may drop them first)."""
    rnd = random.Random(7)
    left_out = 0
    for _ in range(4000):
        cands = []
        for _ in range(rnd.randint(1, 9)):
            if cands and rnd.random() < 0.5:
                twin = rnd.choice(cands)
                s, e = twin.start, twin.end
            else:
                s = rnd.randint(0, 30)
                e = s + rnd.randint(1, 12)
            cands.append(_cand(rnd, s, e))
        kept = []
        for c in cands:
            twins = [k for k in kept if (k.start, k.end) == (c.start, c.end)]
            if any(_loses_to((c.type, c.rule, c.prio, c.strength), g) for g in twins):
                left_out += 1
                continue
            kept.append(c)
        assert _spans(resolve_overlaps(cands)) == _spans(resolve_overlaps(kept))
        supported = [c for c in cands if c.rule != "gazetteer-ambiguous"]
        assert _spans(resolve_overlaps(supported)) == _spans(
            resolve_overlaps([c for c in kept if c.rule != "gazetteer-ambiguous"]))
    assert left_out > 1000


def test_flush_leaves_out_twins_that_lose():
    st = DocState(text="x" * 40)
    st.cands.append(Cand(0, 5, "method", "gazetteer", 90, STRONG))
    st.cands.append(Cand(10, 15, "method", "gazetteer-ambiguous", 90, STRONG))
    out = _Out(st, [])
    shape = ("method", "shape", 50, WEAK, None, None, None, False, None)
    head = ("task", "head-task", 60, WEAK, None, None, None, False, None)
    title = ("method", "title-propagated", 80, STRONG, None, None, None, True, None)
    prop = ("method", "context-propagated", 79, STRONG, None, None, None, True, None)
    proposal = ("method", "proposal", 80, STRONG, None, None, None, True, None)
    for c in [(0, 5, shape), (0, 5, head), (10, 15, shape), (20, 25, title), (20, 25, prop), (20, 25, head),
              (20, 25, shape), (20, 25, proposal), (30, 35, prop), (30, 35, title)]:
        out.add(c)
    out.flush()
    assert [(c.start, c.end, c.rule) for c in st.cands[2:]] == [
        (10, 15, "shape"),  # (an ambiguous name may go)
        (20, 25, "title-propagated"),
        (20, 25, "head-task"),  # (a head candidate: read before the title's by the typing of a pair)
        (20, 25, "proposal"),  # (a cue: read before the title's)
        (30, 35, "context-propagated"), (30, 35, "title-propagated"),  # (the better one comes second)
    ]


@pytest.fixture(scope="module")
def extractor():
    from extract.pipeline import Extractor

    return Extractor()


def test_mentions_are_those_made_with_every_candidate(extractor, monkeypatch):
    from bench.speed_extract import seed_items

    items = seed_items(sorted(glob.glob("data/*.txt")))[:200]
    assert items

    def run():
        return [(x.mentions, x.results) for x in extractor.pipe(items)]

    got = run()
    monkeypatch.setattr(context, "_loses_to", lambda fields, g: False)
    assert run() == got
