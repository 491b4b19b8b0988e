"""The sentence component's fast paths give what its general code gives (extract/components/sentences.py).

``_end_tokens`` compares the ``ORTH`` ids with the id of ``.`` alone when an ASCII text holds no other end
mark; the line starts are skipped when the only line break is the blank line after the title. Both are
checked against the plain definitions: the tokens whose text is an end mark, and the sentences the
component finds with the shortcut turned off.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.attrs import ORTH

from extract.components import sentences
from extract.components.sentences import _END_SET, _only_title_break
from extract.components.state import get_state
from extract.pipeline import Extractor

TEXTS = [
    "We propose X. It works.",
    "We propose X! Does it work? Yes... it does.",
    "Plain text without any end mark",
    "",
    "Numbers 84.3% and v1.2.3 and e.g. this. Next one.",
    "\u00c9tude de X. Elle marche\u3002 Oui\uff01 Non\uff1f Peut-\u00eatre\u2026 fin.",
    "Caf\u00e9 au lait. Non-ASCII text with only periods. Done.",
]

# (title, abstract): the title break alone, breaks in the title or the abstract, white space after the
# break, an empty abstract, no title
PAPERS = [
    ("A title", "We propose X. It works."),
    ("A title\nin two lines", "We propose X. It works."),
    ("A title", "We propose X.\nIt works.\n\nA second paragraph."),
    ("A title", "  Indented abstract. Second sentence."),
    ("A title", "\nAbstract after a third line break. Yes."),
    ("A title. With a period", "Abstract. Two."),
    ("A title", ""),
    ("", "No title here. Two sentences.\nAnd a line."),
    ("A title ", "Trailing space in the title. Ok."),
]


@pytest.fixture(scope="module")
def ex():
    return Extractor()


@pytest.mark.parametrize("text", TEXTS)
def test_end_tokens_are_the_tokens_written_as_end_marks(ex, text):
    seg = ex.nlp.get_pipe("litkg_sentences")
    doc = ex.nlp.make_doc(text)
    orths = doc.to_array([ORTH, ORTH])[:, 0]
    assert seg._end_tokens(orths, text) == [t.i for t in doc if t.text in _END_SET]


def test_end_tokens_on_a_blank_pipeline():
    nlp = spacy.blank("en")
    seg = sentences.SentenceSegmenter(nlp)
    for text in TEXTS:
        doc = nlp.make_doc(text)
        orths = doc.to_array([ORTH, ORTH])[:, 0]
        assert seg._end_tokens(orths, text) == [t.i for t in doc if t.text in _END_SET]


def _sentences(ex, title, abstract):
    doc = ex.process(title, abstract)
    st = get_state(doc)
    return st.sents, st.sent_starts, [s.start for s in doc.sents]


@pytest.mark.parametrize("title,abstract", PAPERS)
def test_the_title_break_shortcut_changes_no_sentence(ex, monkeypatch, title, abstract):
    fast = _sentences(ex, title, abstract)
    monkeypatch.setattr(sentences, "_only_title_break", lambda *a: False)
    assert fast == _sentences(ex, title, abstract)


def test_only_title_break():
    assert _only_title_break("T\n\nAbstract.", 1, 3)
    assert not _only_title_break("T\n\n Abstract.", 1, 3)  # (the line starts after the white space)
    assert not _only_title_break("T\n\nAb\nstract.", 1, 3)
    assert not _only_title_break("T\nx\n\nAbstract.", 3, 5)
    assert not _only_title_break("T\n\n", 1, 3)
    assert not _only_title_break("T. Abstract.", 1, 3)
    assert not _only_title_break("Abstract.\n", -1, 0)
