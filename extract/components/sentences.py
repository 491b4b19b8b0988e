"""Sentence segmentation for abstracts: tokenizer special cases plus spaCy's sentencizer.

What it must survive: ``e.g.``, ``i.e.``, ``et al.``, ``Fig. 2``, ``vs.``,
decimals (``84.3%``, ``1.6x``), version numbers (``v1.2.3``) and URLs (a
sentence ending in a URL keeps the URL whole and still ends there).

* :func:`customize_tokenizer` adds no-split special cases (``al.``, ``Fig.``,
  ``Eq.``, ...) from ``rules.json``, drops the single-letter initials of the
  English exceptions (``T.`` in ``ConvNeXt-T.`` must end a sentence), makes
  URLs give up a trailing ``.``/``,`` and enlarges the tokenizer cache.
* ``litkg_sentences`` applies the sentencizer's rule on token arrays, then
  treats the title as one sentence, starts a sentence after it and after
  every line break.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from extract.components.rules import Rules
from extract.components.state import get_state

TOKENIZER_CACHE_SIZE = 2_000_000
_SINGLE_INITIAL = re.compile(r"^[A-Za-z]\.$")
_NEWLINE = re.compile(r"\n\s*(?=\S)")


def _url_match():
    """spaCy's URL matcher, refusing a trailing ``.,;:!?`` (so the tokenizer splits it off as a suffix)."""
    if not URL_PATTERN.endswith("$"):  # pragma: no cover - spaCy changed its pattern
        return None
    return re.compile("(?u)" + URL_PATTERN[:-1] + r"(?<![.,;:!?])$").match


def customize_tokenizer(nlp: Language, rules: Rules) -> None:
    """Apply litkg's tokenizer settings to ``nlp`` (in place). Idempotent."""
    tok = nlp.tokenizer
    if rules.drop_single_letter_abbreviations:
        tok.rules = {k: v for k, v in tok.rules.items() if not _SINGLE_INITIAL.match(k)}
    for a in rules.no_split_abbreviations:
        tok.add_special_case(a, [{ORTH: a}])
    # "ConvNeXt-T." / "Swin-B.": a period after a single capital ends the sentence
    suffixes = list(nlp.Defaults.suffixes or []) + [r"(?<=[A-Z])\."]
    tok.suffix_search = compile_suffix_regex(suffixes).search
    um = _url_match()
    if tok.url_match is not None and um is not None:
        tok.url_match = um
    tok.max_cache_size = TOKENIZER_CACHE_SIZE


_END_CHARS = (".", "!", "?", "\u2026", "\u3002", "\uff01", "\uff1f", "...")


@Language.factory("litkg_sentences")
class SentenceSegmenter:
    """Sentence boundaries; records char spans of sentences in the document state.

    The rule is spaCy's ``sentencizer`` rule (after ``.``/``!``/``?`` the next
    token that is not punctuation starts a sentence), computed on token arrays
    with numpy instead of a per-token loop; then the title is made one
    sentence, and a line break always ends one.
    """

    def __init__(self, nlp: Language, name: str = "litkg_sentences") -> None:
        self.name = name
        ends = frozenset(_END_CHARS)
        # lexeme flags: computed once per distinct word by the vocab, read per doc with one to_array
        self.f_end = nlp.vocab.add_flag(lambda s: s in ends)
        self.f_no_start = nlp.vocab.add_flag(
            lambda s: s in ends or s.isspace() or (len(s) > 0 and all(not c.isalnum() for c in s)))

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        return None

    def __call__(self, doc: Doc) -> Doc:
        st = get_state(doc)
        n = len(doc)
        if n == 0:
            return doc
        text = st.text
        arr = doc.to_array([self.f_end, self.f_no_start, IDX])
        is_end = arr[:, 0].astype(bool)
        idx = arr[:, 2].astype(np.int64)
        starts = np.full(n, -1, dtype=np.int64)
        starts[0] = 1
        can_start = np.flatnonzero(arr[:, 1] == 0)
        if len(can_start) > 1:
            cum = np.cumsum(is_end)
            prev, cur = can_start[:-1], can_start[1:]
            starts[cur[cum[cur - 1] - cum[prev] > 0]] = 1
        if st.title_end >= 0:
            first = int(np.searchsorted(idx, st.abstract_start))  # first abstract token
            starts[1:first] = -1
            if first < n:
                starts[first] = 1
        if "\n" in text:
            for m in _NEWLINE.finditer(text):
                i = int(np.searchsorted(idx, m.end()))
                if 0 < i < n:
                    starts[i] = 1
        doc.from_array([SENT_START], starts.reshape(-1, 1).view(np.uint64))
        char_starts = idx[starts == 1].tolist()
        sents = []
        for k, s in enumerate(char_starts):
            e = char_starts[k + 1] if k + 1 < len(char_starts) else len(text)
            while e > s and text[e - 1].isspace():
                e -= 1
            sents.append((s, e))
        st.sents = sents
        st.sent_starts = char_starts
        return doc
