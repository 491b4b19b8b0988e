"""The gazetteer's shortcuts give what the plain rules give.

* ``AMBIGUOUS_KEY``: the gazetteer says per document whether it made a candidate of an ambiguous name; the
  normaliser reads that instead of scanning the candidates, and scans when the key is missing.
* Exact-case matches go to ``_checked_cand`` only next to a hyphen (as the case-folded ones do): the
  candidates are those of sending every exact-case match there.
"""

from __future__ import annotations

import glob

import pytest

from bench.speed_extract import seed_items
from extract.components import gazetteer as gz
from extract.components.gazetteer import AMBIGUOUS_KEY, _checked_cand
from extract.components.normalise import Normaliser
from extract.components.state import STRONG, Cand, DocState, cand_at, get_state, token_table
from extract.pipeline import Extractor

_AMBIGUOUS = "gazetteer-ambiguous"
# texts with ambiguous names ("Actor", "Aurora", "Adult", "Breakfast" are ambiguous datasets), with and without
# support, next to hyphens, and none at all
_TEXTS = [
    ("Graph learning", "We evaluate on the Actor dataset and on Adult."),
    ("Aurora", "Aurora-based speech recognition; the Breakfast-Actions videos; Actor-Critic methods."),
    ("Nothing here", "A plain sentence about nothing in particular."),
    ("", "Breakfast was served. Adult learners read."),
]


@pytest.fixture(scope="module")
def ex():
    return Extractor()


def _docs(ex, items):
    return [ex.process(t, a) for t, a in items]


def test_the_flag_says_whether_there_is_an_ambiguous_candidate(ex):
    items = _TEXTS + seed_items(sorted(glob.glob("data/*.txt")))[:150]
    seen = set()
    for doc in _docs(ex, items):
        # (st.cands keeps every candidate made: the normaliser filters a copy)
        has = any(c.rule == _AMBIGUOUS for c in get_state(doc).cands)
        assert doc.user_data[AMBIGUOUS_KEY] is has
        seen.add(has)
    assert seen == {True, False}


def test_without_the_flag_the_normaliser_scans():
    st = DocState(text="We use Actor here.")
    st.sents, st.sent_starts = [(0, len(st.text))], [0]
    st.cands = [Cand(7, 12, "dataset", _AMBIGUOUS, 90, STRONG, "actor", "Actor")]
    doc = _FakeDoc(st)
    Normaliser(None)(doc)
    assert st.mentions == []  # (no support: dropped, as without the flag shortcut)
    st.cands = [Cand(7, 12, "dataset", _AMBIGUOUS, 90, STRONG, "actor", "Actor")]
    st.mentions = []
    doc.user_data[AMBIGUOUS_KEY] = True
    Normaliser(None)(doc)
    assert st.mentions == []


class _FakeDoc:
    """What the normaliser reads of a Doc: its ``user_data`` with the state in it."""

    def __init__(self, st: DocState) -> None:
        self.user_data = {"litkg": st}


def _plain_call(matcher: gz.GazetteerMatcher, doc) -> list[Cand]:
    """The gazetteer's candidates with every exact-case match checked by ``_checked_cand``."""
    st = get_state(doc)
    text = st.text
    idx, orths = token_table(doc, st)
    out, exact = [], []
    for match_id, s, e in matcher.lower(doc):
        forms, guard, args = matcher._labels[match_id]
        start, end = idx[s], (idx[e] if e < len(idx) else len(text))
        if text[end - 1] == " ":
            end -= 1
        if forms is not None:
            if tuple(orths[s:e].tolist()) in forms:
                exact.append(_checked_cand(text, start, end, guard, args))
            continue
        if (start > 1 and text[start - 1] == "-") or guard:
            out.append(_checked_cand(text, start, end, guard, args))
        else:
            out.append(cand_at(start, end, args))
    return [c for c in out + exact if c is not None]


def test_exact_case_candidates_are_those_of_the_plain_checks(ex):
    matcher = ex.nlp.get_pipe("litkg_gazetteer")
    items = _TEXTS + seed_items(sorted(glob.glob("data/*.txt")))[:150]
    for title, abstract in items:
        doc = ex.make_doc(title, abstract)
        ex.nlp.get_pipe("litkg_sentences")(doc)
        matcher(doc)
        got = [(c.start, c.end, c.rule, c.key, c.canonical, c.family, c.entry) for c in get_state(doc).cands]
        want = [(c.start, c.end, c.rule, c.key, c.canonical, c.family, c.entry) for c in _plain_call(matcher, doc)]
        assert got == want, title
