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
  every line break. The sentences are char spans in the document state (what
  the later components read) and, unless the state's ``doc_sents`` is off,
  sentence starts on the ``Doc`` (``doc.sents``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator

import numpy as np
from spacy.attrs import ID, IDX, ORTH, SENT_START
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from extract.components.rules import Rules
from extract.components.state import Memo, get_state, pipe_in_batches
from extract.components.tokenizer import LitkgTokenizer

TOKENIZER_CACHE_SIZE = 2_000_000
_SINGLE_INITIAL = re.compile(r"^[A-Za-z]\.$")


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
_END_SET = frozenset(_END_CHARS)


def cannot_start_sentence(word: str) -> bool:
    """Whether a token written ``word`` cannot start a sentence: an end mark, white space or punctuation only."""
    return word in _END_SET or word.isspace() or (len(word) > 0 and all(not c.isalnum() for c in word))


def line_starts(text: str) -> list[int]:
    """Char offsets where a line starts after a line break: the first non-space character after each run of
    white space holding a ``\\n`` (a break followed by white space only starts nothing).

    What ``re.finditer(r"\\n\\s*(?=\\S)", text)`` matches ends there; ``str.find`` jumps from break to break
    instead of the regex engine stepping through every character.
    """
    out = []
    n = len(text)
    i = text.find("\n")
    while i >= 0:
        j = i + 1
        while j < n and text[j].isspace():
            j += 1
        if j == n:
            break
        out.append(j)
        i = text.find("\n", j)
    return out


def _add_start(starts: list[int], i: int) -> None:
    """Insert token index ``i`` into the ascending list ``starts`` unless it is there (``sorted(set(...))``
    of one more start, without rebuilding the list: most line starts are the abstract start, already in)."""
    k = bisect_left(starts, i)
    if k == len(starts) or starts[k] != i:
        starts.insert(k, i)


def _only_title_break(text: str, title_end: int, abstract_start: int) -> bool:
    """Whether the only line break of ``text`` is the blank line between its title (``title_end >= 0``) and its
    abstract, whose first character is not white space: the one line start is then the abstract's start,
    which the title rule has made a sentence start already (see :meth:`SentenceSegmenter.__call__`), so the
    line starts add nothing (most titled abstracts)."""
    return (title_end >= 0 and abstract_start == title_end + 2 and text.startswith("\n\n", title_end)
            and abstract_start < len(text) and not text[abstract_start].isspace()
            and text.find("\n", abstract_start) < 0 and text.find("\n", 0, title_end) < 0)


@Language.factory("litkg_sentences")
class SentenceSegmenter:
    """Sentence boundaries; records char spans of sentences in the document state.

    The rule is spaCy's ``sentencizer`` rule (after ``.``/``!``/``?`` the next
    token that is not punctuation starts a sentence); then the title is made one
    sentence, and a line break always ends one.

    Speed: one ``doc.to_array`` per document gives the token offsets, their ``ORTH``
    ids and their lexeme ranks (``ID``, which the context rules read), kept in the
    document state for the later components (the ids and ranks as arrays: turning all
    of them into Python ints costs more than the rest of the component; one pass over
    the tokens instead of two saves ~7 us per abstract). The end tokens
    are found by comparing that array with the ids of the end marks present in the text,
    and only the few tokens after each end token are looked at, through a per-``ORTH``-id
    memo of :func:`cannot_start_sentence` (reading a lexeme flag for every token with
    ``to_array`` costs about as much as reading the offsets).
    """

    def __init__(self, nlp: Language, name: str = "litkg_sentences") -> None:
        self.name = name
        self.vocab = nlp.vocab
        # (end mark, its ORTH id as a numpy scalar: compared with the uint64 ORTH array)
        self._end_ids = tuple((e, np.uint64(get_string_id(e))) for e in _END_CHARS)
        self._ascii_end_ids = tuple((e, i) for e, i in self._end_ids if e.isascii())  # (see _end_tokens)
        self._period_id = self._end_ids[0][1]  # (``.``)
        self._no_start = Memo(self._no_start_uncached)  # ORTH id -> cannot_start_sentence(its text)
        self._attrs = [IDX, ORTH, ID]  # (ID: the lexeme ranks the context rules read, see DocState.tok_rank)
        self._minus_ones = np.full((4096, 1), -1, dtype=np.int64).view(np.uint64)  # see _sent_start_column

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        return None

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """``nlp.pipe`` support: the documents in batches (see :func:`~extract.components.state.pipe_in_batches`)."""
        return pipe_in_batches(self, docs, batch_size)

    def _sent_start_column(self, n: int, starts: list[int]) -> np.ndarray:
        """The ``SENT_START`` column for ``doc.from_array`` of a document of ``n`` tokens: ``1`` at ``starts``, ``-1``
        elsewhere (as ``uint64``). A copy of a kept column of ``-1`` costs less than ``np.full`` (Python code)."""
        if len(self._minus_ones) < n:
            self._minus_ones = np.full((2 * n, 1), -1, dtype=np.int64).view(np.uint64)
        col = self._minus_ones[:n].copy()
        col[starts] = 1
        return col

    def _no_start_uncached(self, orth: int) -> bool:
        return cannot_start_sentence(self.vocab.strings[orth])

    def _end_tokens(self, orths: np.ndarray, text: str) -> list[int]:
        """Indices of the end tokens (``.``, ``!``, ``?``, ...), ascending: one array comparison per end mark
        that occurs in ``text`` (a mark that is not in the text is no token's text; an ASCII text, which
        ``str.isascii`` tells at once, holds none of the other scripts' marks). Most abstracts hold no end
        mark but ``.``: one comparison, without the loop over the marks."""
        ascii_text = text.isascii()
        if ascii_text and "!" not in text and "?" not in text and "..." not in text:
            return (orths == self._period_id).nonzero()[0].tolist() if "." in text else []
        mask = None
        for mark, oid in self._ascii_end_ids if ascii_text else self._end_ids:
            if mark in text:
                mask = orths == oid if mask is None else mask | (orths == oid)
        return [] if mask is None else mask.nonzero()[0].tolist()

    def rule_starts(self, orths: np.ndarray, text: str) -> list[int]:
        """Token indices that start a sentence by spaCy's sentencizer rule, ascending (``0`` first).

        A token that can start a sentence starts one when an end token came after the previous token that
        can start one. So the first token that can start a sentence after an end token starts one, when some
        token before that end token can start one. ``orths``: the ``ORTH`` ids of the tokens of ``text``.
        """
        starts = [0]
        ends = self._end_tokens(orths, text)
        if not ends:
            return starts
        n = len(orths)
        no_start = self._no_start
        first = 0  # the first token that can start a sentence
        while first < n and no_start[orths.item(first)]:
            first += 1
        after = first  # tokens before ``after`` are done
        for e in ends:
            if e < after:  # (before the first token that can start one, or in the run of the previous end token)
                continue
            j = e + 1
            while j < n and no_start[orths.item(j)]:
                j += 1
            if j < n:
                starts.append(j)
            after = j
        return starts

    def __call__(self, doc: Doc) -> Doc:
        st = get_state(doc)
        n = len(doc)
        if n == 0:
            return doc
        text = st.text
        arr = doc.to_array(self._attrs)
        idx = arr[:, 0].tolist()
        orths = arr[:, 1]  # (an array: the later components read the ORTH ids of a few tokens only)
        st.tok_idx, st.tok_orth, st.tok_rank = idx, orths, arr[:, 2]
        st.tok_rank_by = self.vocab.lex_attr_getters.get(ID)
        starts = self.rule_starts(orths, text)  # (ascending, no repeats: kept so below, with no sort)
        if st.title_end >= 0:  # the title is one sentence
            first = bisect_left(idx, st.abstract_start)  # first abstract token
            del starts[1:bisect_left(starts, first, 1)]  # (ascending: the starts inside the title go)
            if 0 < first < n and (len(starts) == 1 or starts[1] != first):
                starts.insert(1, first)
        if "\n" in text and not _only_title_break(text, st.title_end, st.abstract_start):
            for c in line_starts(text):
                i = bisect_left(idx, c)
                if 0 < i < n:
                    _add_start(starts, i)
        if st.doc_sents:
            doc.from_array([SENT_START], self._sent_start_column(n, starts))
        char_starts = [idx[i] for i in starts]
        sents = []
        ends = char_starts[1:]
        ends.append(len(text))
        for s, e in zip(char_starts, ends, strict=True):
            while e > s and text[e - 1].isspace():
                e -= 1
            sents.append((s, e))
        st.sents = sents
        st.sent_starts = char_starts
        return doc
