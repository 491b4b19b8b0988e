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
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator

import numpy as np
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from extract.components.rules import Rules
from extract.components.state import get_state, pipe_in_batches
from extract.components.tokenizer import LitkgTokenizer

TOKENIZER_CACHE_SIZE = 2_000_000
_SINGLE_INITIAL = re.compile(r"^[A-Za-z]\.$")
_NEWLINE = re.compile(r"\n\s*(?=\S)")


def _url_match():
    """spaCy's URL matcher, refusing a trailing ``.,;:!?`` (so the tokenizer splits it off as a suffix)."""
    if not URL_PATTERN.endswith("$"):  # pragma: no cover - spaCy changed its pattern
        return None
    return re.compile("(?u)" + URL_PATTERN[:-1] + r"(?<![.,;:!?])$").match


def customize_tokenizer(nlp: Language, rules: Rules) -> None:
    """Apply litkg's tokenizer settings to ``nlp`` (in place). Idempotent.

    ``nlp.tokenizer`` becomes a :class:`~extract.components.tokenizer.LitkgTokenizer` around the
    configured spaCy tokenizer: the same tokens, made without the run-time cost of special cases.
    A new pipeline can get that tokenizer directly: ``spacy.blank(lang, config=tokenizer_config(rules))``.
    """
    tok = nlp.tokenizer
    if isinstance(tok, LitkgTokenizer):
        tok = tok.full
    special_cases = tok.rules
    tok.rules = {}  # (each setting below would reload every special case: none until the last)
    nlp.tokenizer = _with_litkg_settings(tok, nlp, special_cases, rules.no_split_abbreviations,
                                         rules.drop_single_letter_abbreviations)


def tokenizer_config(rules: Rules) -> dict:
    """A ``spacy.blank`` config whose tokenizer is the one :func:`customize_tokenizer` makes of the blank one."""
    return {"nlp": {"tokenizer": {
        "@tokenizers": "litkg.Tokenizer.v1",
        "no_split_abbreviations": list(rules.no_split_abbreviations),
        "drop_single_letter_abbreviations": rules.drop_single_letter_abbreviations,
    }}}


@registry.tokenizers("litkg.Tokenizer.v1")
def litkg_tokenizer(no_split_abbreviations: list[str],
                    drop_single_letter_abbreviations: bool) -> Callable[[Language], LitkgTokenizer]:
    """spaCy's tokenizer for the pipeline's language with litkg's settings (see :func:`tokenizer_config`).

    Built from the language defaults as spaCy's own tokenizer factory does, with litkg's settings set
    before the special cases are loaded: the special cases are loaded once, and the default suffix rules
    are not compiled (customizing spaCy's default tokenizer does both twice, ~0.1 s).
    """

    def create(nlp: Language) -> LitkgTokenizer:
        d = nlp.Defaults
        tok = Tokenizer(nlp.vocab, prefix_search=compile_prefix_regex(d.prefixes).search if d.prefixes else None,
                        infix_finditer=compile_infix_regex(d.infixes).finditer if d.infixes else None,
                        token_match=d.token_match, url_match=d.url_match)
        return _with_litkg_settings(tok, nlp, d.tokenizer_exceptions, no_split_abbreviations,
                                    drop_single_letter_abbreviations)

    return create


def _with_litkg_settings(tok: Tokenizer, nlp: Language, special_cases: dict, no_split: Iterable[str],
                         drop_single_letters: bool) -> LitkgTokenizer:
    """``tok`` (without special cases: setting a rule reloads them) with litkg's rules and the
    ``special_cases`` (less the single-letter initials if ``drop_single_letters``, plus ``no_split``),
    wrapped in a :class:`LitkgTokenizer`."""
    # "ConvNeXt-T." / "Swin-B.": a period after a single capital ends the sentence
    suffixes = list(nlp.Defaults.suffixes or []) + [r"(?<=[A-Z])\."]
    tok.suffix_search = compile_suffix_regex(suffixes).search
    um = _url_match()
    if tok.url_match is not None and um is not None:
        tok.url_match = um
    if drop_single_letters:
        special_cases = {k: v for k, v in special_cases.items() if not _SINGLE_INITIAL.match(k)}
    tok.rules = special_cases
    for a in no_split:
        tok.add_special_case(a, [{ORTH: a}])
    tok.max_cache_size = TOKENIZER_CACHE_SIZE
    return LitkgTokenizer(tok)


_END_CHARS = (".", "!", "?", "\u2026", "\u3002", "\uff01", "\uff1f", "...")


@Language.factory("litkg_sentences")
class SentenceSegmenter:
    """Sentence boundaries; records char spans of sentences in the document state.

    The rule is spaCy's ``sentencizer`` rule (after ``.``/``!``/``?`` the next
    token that is not punctuation starts a sentence); then the title is made one
    sentence, and a line break always ends one.

    Speed: "cannot start a sentence" is a lexeme flag (computed once per distinct
    word by the vocab); one ``doc.to_array`` per document gives the token offsets,
    their ``ORTH`` ids (kept in the document state for the later components, as an
    array: turning all of them into Python ints costs more than the rest of the
    component) and that flag, and the rule is applied to the runs of flagged tokens only.
    """

    def __init__(self, nlp: Language, name: str = "litkg_sentences") -> None:
        self.name = name
        ends = frozenset(_END_CHARS)
        self.end_orths = frozenset(get_string_id(e) for e in ends)
        # lexeme flag: computed once per distinct word by the vocab, read per doc with one to_array
        self.f_no_start = nlp.vocab.add_flag(
            lambda s: s in ends or s.isspace() or (len(s) > 0 and all(not c.isalnum() for c in s)))
        self._attrs = [IDX, ORTH, self.f_no_start]

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        return None

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """``nlp.pipe`` support: the documents in batches (see :func:`~extract.components.state.pipe_in_batches`)."""
        return pipe_in_batches(self, docs, batch_size)

    def __call__(self, doc: Doc) -> Doc:
        st = get_state(doc)
        n = len(doc)
        if n == 0:
            return doc
        text = st.text
        arr = doc.to_array(self._attrs)
        idx = arr[:, 0].tolist()
        orths = arr[:, 1]  # (an array: the later components read the ORTH ids of a few tokens only)
        st.tok_idx, st.tok_orth = idx, orths
        flagged = np.flatnonzero(arr[:, 2])
        # spaCy's sentencizer rule: a token that can start a sentence starts one when an end token
        # (".", "!", "?", ...) came after the previous token that can start one. The tokens that
        # cannot start one come in runs; the token after a run holding an end token starts a sentence
        # when some token before the run could start one.
        starts = [0]
        end_orths = self.end_orths
        prev = -2
        run_start = -1
        has_end = False
        for i, orth in zip(flagged.tolist(), orths[flagged].tolist(), strict=True):
            if i != prev + 1:
                if has_end and run_start > 0 and prev + 1 < n:
                    starts.append(prev + 1)
                run_start = i
                has_end = False
            if not has_end and orth in end_orths:
                has_end = True
            prev = i
        if has_end and run_start > 0 and prev + 1 < n:
            starts.append(prev + 1)
        extra = False
        if st.title_end >= 0:  # the title is one sentence
            first = bisect_left(idx, st.abstract_start)  # first abstract token
            starts = [i for i in starts if i == 0 or i >= first]
            if first < n:
                starts.append(first)
                extra = True
        if "\n" in text:
            for m in _NEWLINE.finditer(text):
                i = bisect_left(idx, m.end())
                if 0 < i < n:
                    starts.append(i)
                    extra = True
        if extra:
            starts = sorted(set(starts))
        sent_start = np.full(n, -1, dtype=np.int64)
        sent_start[starts] = 1
        doc.from_array([SENT_START], sent_start.reshape(-1, 1).view(np.uint64))
        char_starts = [idx[i] for i in starts]
        sents = []
        for k, s in enumerate(char_starts):
            e = char_starts[k + 1] if k + 1 < len(char_starts) else len(text)
            while e > s and text[e - 1].isspace():
                e -= 1
            sents.append((s, e))
        st.sents = sents
        st.sent_starts = char_starts
        return doc
