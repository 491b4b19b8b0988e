"""The sentence component's shortcuts give what spaCy's sentencizer rule, applied token by token, gives.

:meth:`SentenceSegmenter.rule_starts` finds the end tokens by their ``ORTH`` ids and looks only at the
tokens after them; here the rule is applied to every token in turn (written out below) and compared on
hand-picked and on random token sequences. :func:`line_starts` jumps from line break to line break; it is
compared with the regex it replaces.
"""

from __future__ import annotations

import random
import re

import pytest
import spacy
from spacy.attrs import IDX, ORTH
from spacy.tokens import Doc

from extract.components.sentences import _END_CHARS, SentenceSegmenter, cannot_start_sentence, line_starts
from extract.components.state import TITLE_END_KEY, get_state

_WORDS = list(_END_CHARS) + ['"', "''", ")", "(", "-", "--", "\u2013", ",", ":", ";", "\n", "\n\n", "  ",
                              "We", "a", "BERT", "x2", "3", "e.g.", "al.", "v1.2", ".5", "a.", "?!", "..", "Fig."]


def _starts_plain(words: list[str]) -> list[int]:
    """The sentencizer rule token by token: a token that can start a sentence starts one when an end token came
    after the previous token that can start one (the first token always starts one)."""
    starts = [0]
    seen_start = seen_end = False
    for i, w in enumerate(words):
        if not cannot_start_sentence(w):
            if seen_end:
                starts.append(i)
            seen_start, seen_end = True, False
        elif seen_start and w in _END_CHARS:
            seen_end = True
    return starts


@pytest.fixture(scope="module")
def seg():
    nlp = spacy.blank("en")
    return nlp, SentenceSegmenter(nlp)


def _rule_starts(seg, words: list[str]) -> list[int]:
    nlp, component = seg
    doc = Doc(nlp.vocab, words=words)
    return component.rule_starts(doc.to_array([IDX, ORTH])[:, 1], doc.text)


@pytest.mark.parametrize("words", [
    ["We", "propose", "X", ".", "It", "works", "."],
    [".", "We", "propose", "X", "."],
    ['"', ".", "We", ".", '"', ")", "It", "!", "?", "Yes"],
    ["A", ".", "\n", '"', "B", "\u2026", "c", "...", "d", "\u3002", "e"],
    ["A", "!", "?"],
    ["A", "e.g.", "B", "al.", "C", "?!", "D"],
    [".", ".", "."],
    ["A"],
])
def test_rule_starts_hand_picked(seg, words):
    assert _rule_starts(seg, words) == _starts_plain(words)


def test_rule_starts_random(seg):
    rng = random.Random(7)
    for _ in range(3000):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 30))]
        assert _rule_starts(seg, words) == _starts_plain(words), words


def test_cannot_start_sentence():
    assert [cannot_start_sentence(w) for w in (".", "...", "\n", '"', "(", "e.g.", "3", "We", "\u2013", "")] == [
        True, True, True, True, True, False, False, False, True, False]


_NEWLINE = re.compile(r"\n\s*(?=\S)")
_CHARS = list("ab. \n\t\r") + ["\u00a0", "\u2028", "\u3000", "\n\n", "x\n"]


def test_line_starts_are_the_regex_matches():
    rng = random.Random(11)
    texts = ["", "\n", "a\n", "\nb", "a\n \n b", "a \n\u00a0b\n", "T\n\nA b.\nC"]
    texts += ["".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 25))) for _ in range(5000)]
    for text in texts:
        assert line_starts(text) == [m.end() for m in _NEWLINE.finditer(text)], repr(text)


def _sents_plain(doc: Doc, title_end: int) -> list[tuple[int, int]]:
    """The sentences as char spans, written out: the rule's starts, less those inside the title, plus the first
    abstract token and the token at each line start; each sentence up to the next start, less white space."""
    text, idx = doc.text, [t.idx for t in doc]
    starts = set(_starts_plain([t.text for t in doc]))
    if title_end >= 0:
        first = next((i for i, c in enumerate(idx) if c >= title_end + 2), len(doc))
        starts = {s for s in starts if s == 0 or s >= first} | ({first} if first < len(doc) else set())
    for c in line_starts(text):
        i = next((i for i, x in enumerate(idx) if x >= c), len(doc))
        if 0 < i < len(doc):
            starts.add(i)
    bounds = [idx[i] for i in sorted(starts)] + [len(text)]
    return [(s, s + len(text[s:e].rstrip())) for s, e in zip(bounds, bounds[1:], strict=False)]


def test_sentence_spans_random(seg):
    """``__call__``: the title as one sentence and line starts, added to the rule's starts in place (no sort)."""
    nlp, component = seg
    rng = random.Random(13)
    words = [w for w in _WORDS if w.strip()] + ["Title", "Z"]
    for _ in range(2000):
        title = [rng.choice(words) for _ in range(rng.randint(0, 4))]
        body = [rng.choice(_WORDS) for _ in range(rng.randint(0, 20))]
        ws = title + (["\n\n"] if title else []) + body
        if not ws:
            continue
        doc = Doc(nlp.vocab, words=ws, spaces=[False if w.isspace() else rng.random() < 0.8 for w in ws])
        title_end = len("".join(t.text_with_ws for t in doc[:len(title)])) if title else -1
        if title:
            doc.user_data[TITLE_END_KEY] = title_end
        component(doc)
        assert get_state(doc).sents == _sents_plain(doc, title_end), ws
