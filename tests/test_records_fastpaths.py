"""The mention records of Extractor._to_extraction are those of the plain per-mention definition.

``_to_extraction`` looks the evidence up once per run of mentions that share it and ``_aliases`` makes
the sets of names only for the keys written more than one way; these tests compare both with a
straightforward reference (every mention on its own), on real documents, on documents whose mentions
come out of text order (a title mention after abstract ones) and on random mention sets.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from record_docs import DOCS

from extract.canonical import entity_key
from extract.components.state import AbbrevPair, Cand, get_state
from extract.pipeline import Extractor

FIXTURE_PATTERNS = Path(__file__).parent / "fixtures" / "extract" / "patterns"


@pytest.fixture(scope="module")
def small() -> Extractor:
    return Extractor(FIXTURE_PATTERNS)


def _reference_aliases(cands, surfaces, pairs):
    """The aliases by their definition: every name of every key, then the keys with more than one."""
    names = defaultdict(set)
    for c, s in zip(cands, surfaces, strict=True):
        names[c.key].add(s)
    abbrevs, counts = [], defaultdict(Counter)
    for p in pairs:
        if p.key:
            names[p.key].update((p.short, p.long))
            abbrevs.append({"short": p.short, "long": p.long, "key": p.key, "type": p.type})
            counts[entity_key(p.short)][p.key] += 1
    aliases = {k: {f: tuple(sorted(fs - {f})) for f in fs} for k, fs in names.items() if len(fs) > 1}
    return aliases, abbrevs, counts


def _reference_mentions(ex, st, aliases):
    """(field, start, end, sentence, sent_start, sent_end, aliases) of each mention, one at a time."""
    text, title_end = st.text, st.title_end
    a0 = st.abstract_start if title_end >= 0 else 0
    out = []
    for c in st.mentions:
        surface = text[c.start:c.end]
        if title_end >= 0 and c.start < title_end:
            sent = text[:title_end].rstrip()
            rec = ("title", c.start, c.end, sent, 0, len(sent))
        else:
            if st.sents:
                si = max(bisect_right(st.sent_starts, c.start) - 1, 0)
                ss, se = st.sents[si]
                ss = max(ss, a0)
            else:
                ss, se = a0, len(text)
            sent = text[ss:se].rstrip()
            rec = ("abstract", c.start - a0, c.end - a0, sent, ss - a0, ss - a0 + len(sent))
        out.append(rec + (aliases.get(c.key, {}).get(surface, ()),))
    return out


def _check(ex, doc):
    st = get_state(doc)
    surfaces = [st.text[c.start:c.end] for c in st.mentions]
    aliases, abbrevs, _ = _reference_aliases(st.mentions, surfaces, st.pairs)
    x = ex._to_extraction(doc)
    got = [(m.field, m.start, m.end, m.sentence, m.sent_start, m.sent_end, m.aliases) for m in x.mentions]
    assert got == _reference_mentions(ex, st, aliases)
    assert [m.text for m in x.mentions] == surfaces
    assert x.extra["abbreviations"] == abbrevs
    return x


@pytest.mark.parametrize("title,abstract", DOCS)
def test_mentions_are_the_per_mention_definition(small, title, abstract):
    _check(small, small.process(title, abstract))


@pytest.mark.parametrize("title,abstract", DOCS)
def test_mentions_out_of_text_order(small, title, abstract):
    """A run is only as long as the mentions stay in one sentence: any order gives the same records."""
    for seed in range(5):
        doc = small.process(title, abstract)
        st = get_state(doc)
        random.Random(seed).shuffle(st.mentions)
        x = _check(small, doc)
        assert [(m.start, m.field) for m in x.mentions] == [
            (c.start - (0 if st.title_end >= 0 and c.start < st.title_end else
                        (st.abstract_start if st.title_end >= 0 else 0)),
             "title" if st.title_end >= 0 and c.start < st.title_end else "abstract")
            for c in st.mentions]


def test_results_see_each_fields_mentions_out_of_text_order(small, monkeypatch):
    """With the title's mentions not first, the per-field mention lists are still exact."""
    seen = {}

    def find_results(text, field, sents, mentions, proposed_key):
        seen[field] = [m.text for m in mentions]
        return []

    monkeypatch.setattr(small, "_results", find_results)
    doc = small.process(*DOCS[0])
    st = get_state(doc)
    st.mentions.reverse()
    x = small._to_extraction(doc)
    assert seen["title"] == [m.text for m in x.mentions if m.field == "title"]
    assert seen["abstract"] == [m.text for m in x.mentions if m.field == "abstract"]


def test_aliases_are_their_definition():
    rnd = random.Random(3)
    names = ["BERT", "bert", "Bert", "BERTs", "CNN", "CNNs", "cnn", "ResNet", "ResNets", "MIM", "masked image modeling"]
    keys = ["bert", "cnn", "resnet", "mim", "maskedimagemodeling"]
    for _ in range(3000):
        cands = [Cand(0, 1, "method", "r", 0, key=rnd.choice(keys)) for _ in range(rnd.randint(0, 12))]
        surfaces = [rnd.choice(names) for _ in cands]
        pairs = [AbbrevPair(rnd.choice(names), 0, 1, rnd.choice(names), 0, 1, "method", rnd.choice(keys + [None, ""]))
                 for _ in range(rnd.randint(0, 3))]
        ex = Extractor.__new__(Extractor)
        ex._abbrev = defaultdict(Counter)
        first, forms = {}, defaultdict(set)  # (the names per key, as _to_extraction gathers them)
        for c, s in zip(cands, surfaces, strict=True):
            forms[c.key].add(first.setdefault(c.key, s))
            forms[c.key].add(s)
        aliases, abbrevs = ex._aliases_from(first, {k: fs for k, fs in forms.items() if len(fs) > 1}, pairs)
        ref_aliases, ref_abbrevs, ref_counts = _reference_aliases(cands, surfaces, pairs)
        mention_keys = {c.key for c in cands}  # (only the mentions' keys are looked up)
        assert {k: v for k, v in aliases.items() if k in mention_keys} == \
            {k: v for k, v in ref_aliases.items() if k in mention_keys}
        assert abbrevs == ref_abbrevs
        assert ex._abbrev == ref_counts
