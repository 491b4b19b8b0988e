"""spaCy's tokenizer without the run-time cost of its special cases.

spaCy's English tokenizer has 1,300+ special cases (``e.g.``, ``cannot`` ->
``can not``, ``don't`` -> ``do n't``, ``Mr.``, emoticons...). They cost in
three ways: every white-space-delimited chunk is looked up twice (special
cases, then the cache); a ``PhraseMatcher`` pass over every document looks for
special cases that the affix rules cut apart; and once a document has hit one
special case, the tokenizer stops caching the chunks that follow (spaCy
#1250), so every later chunk of that document is tokenized again each time it
is seen. On abstracts, where ``e.g.`` and ``i.e.`` are common, that made our
tokenizer no faster than a bare one with a small cache.

:class:`LitkgTokenizer` keeps the configured tokenizer as the reference
(``full``) and tokenizes with a copy that has no special cases but makes their
tokens another way (:func:`special_case_free_copy`): a special case that keeps
its text whole is a token match, one that splits its text is an infix split
at the same places, and the suffix rules leave a special case's end alone.
What that copy cannot make is the ``PhraseMatcher`` pass's work: a special case
cut apart by an infix rule (``Mr.`` in ``Mr.HiSum``), and after it ``full`` glues
the pieces back. A ``PhraseMatcher`` holding just those cut-apart forms runs
over each document; a document where one occurs is tokenized by ``full``, whose
cache is first given the document's words (see :meth:`LitkgTokenizer._by_full`).

What could still differ from ``full`` is a special case whose own characters are
affixes, met next to other affixes where the copy cuts it otherwise and no
cut-apart form shows it (none is known). Over the 12,105 abstracts of the
evaluation files, 5,000 arXiv abstracts, the synthetic corpus and the bundled
seeds, every document got exactly spaCy's tokens; 120 of them (1%) went to
``full``. ``NORM`` values that special cases set (``'s``, ``e.g.``) are not set
on the fast path: litkg reads ``ORTH``, ``LOWER`` and offsets only.

For the gazetteer's ~40,000 spellings, :func:`phrase_tokens` gives spaCy's own
tokens of each phrase (a :func:`detached_copy` of the tokenizer, so the
pipeline's vocab and cache stay as they were), from a few hundred calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import accumulate

import numpy as np
from spacy.attrs import LOWER, ORTH
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab


def _orths(tokens: list[dict]) -> list[str]:
    return [t.get(ORTH, "") for t in tokens]


def special_case_free_copy(tok: Tokenizer) -> Tokenizer:
    """A tokenizer with the affix rules of ``tok`` that makes the tokens of its special cases without them.

    No special cases (so none of their costs). A special case that keeps its text whole (``e.g.``,
    ``w.r.t.``, ``and/or``) is a token match, and the suffix rules leave its end alone (``(e.g.``
    keeps its final period); one that splits its text (``cannot``, ``don't``) is split by zero-width
    infix matches at the same places. Both act only on a string that *is* a special case, once the
    affixes around it are cut off. The functions are Python callables, so the copy does not
    serialise: :meth:`LitkgTokenizer.to_bytes` gives the reference tokenizer's settings.
    """
    whole: set[str] = set()
    splits: dict[str, list[re.Match]] = {}
    for key, tokens in tok.rules.items():
        orths = _orths(tokens)
        if not key or key.isspace() or "".join(orths) != key:
            continue
        if len(orths) == 1:
            whole.add(key)
        else:
            ends = list(accumulate(len(o) for o in orths))[:-1]
            matches = [re.compile(f"(?<=^.{{{e}}})", re.S).search(key) for e in ends]
            if all(matches):
                splits[key] = matches
    whole_keys = frozenset(whole)
    keys = whole_keys | frozenset(splits)
    suffix_search, infix_finditer = tok.suffix_search, tok.infix_finditer

    def find_suffix(s: str):
        return None if s in keys else suffix_search(s)

    def find_infixes(s: str):
        m = splits.get(s)
        return m if m is not None else infix_finditer(s)

    copy = Tokenizer(
        tok.vocab,
        rules={},
        prefix_search=tok.prefix_search,
        suffix_search=find_suffix,
        infix_finditer=find_infixes,
        token_match=whole_keys.__contains__,
        url_match=tok.url_match,
        faster_heuristics=tok.faster_heuristics,
    )
    copy.max_cache_size = tok.max_cache_size
    return copy


def _glued_forms(tok: Tokenizer) -> tuple[PhraseMatcher, dict[int, str]]:
    """A matcher of the special cases of ``tok`` as its affix rules cut them apart (``Mr.`` as ``Mr`` ``.``).

    These are the forms spaCy's own special-case pass looks for after the affix rules (with
    ``faster_heuristics``, only special cases holding an affix or a space); a form whose tokens are
    the special case's own tokens is left out, since gluing it back changes nothing.
    """
    bare = Tokenizer(tok.vocab, rules={}, prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                     infix_finditer=tok.infix_finditer, token_match=tok.token_match, url_match=tok.url_match)
    matcher = PhraseMatcher(tok.vocab)
    keys: dict[int, str] = {}
    for key, tokens in tok.rules.items():
        if tok.faster_heuristics and not (tok.find_prefix(key) or tok.find_infix(key) or tok.find_suffix(key)
                                          or " " in key):
            continue
        cut = bare(key)
        if [t.text for t in cut] != _orths(tokens):
            matcher.add(key, [cut])
            keys[tok.vocab.strings.add(key)] = key
    return matcher, keys


# Chunks remembered as given to the reference tokenizer's cache, at most (then forgotten and given again when met:
# memory stays bounded, ~20 MB; only the chunks of documents that go to that tokenizer are remembered).
_MAX_GIVEN = 200_000


class LitkgTokenizer:
    """``nlp.tokenizer``: the tokens of a configured spaCy tokenizer, made without its special cases.

    Parameters
    ----------
    full
        The configured spaCy tokenizer (special cases, affix rules, cache size). Its settings are
        what the wrapper reports (``rules``, ``max_cache_size``, ``to_bytes``...); configure it
        before wrapping.

    Examples
    --------
    >>> import spacy
    >>> tok = LitkgTokenizer(spacy.blank("en").tokenizer)
    >>> [t.text for t in tok("We cannot use Mr.HiSum (e.g. on ImageNet).")]
    ['We', 'can', 'not', 'use', 'Mr.', 'HiSum', '(', 'e.g.', 'on', 'ImageNet', ')', '.']
    """

    def __init__(self, full: Tokenizer) -> None:
        self.full = full
        self.fast = special_case_free_copy(full)
        self._glued, self._glued_keys = _glued_forms(full)
        self._special_keys = frozenset(full.rules)
        self._given: set[str] = set()  # the chunks whose tokens ``full`` was given to cache (see _by_full)

    def __getattr__(self, name: str):
        # (only for names the wrapper does not have: the settings of the reference tokenizer)
        full = self.__dict__.get("full")
        if full is None:
            raise AttributeError(name)
        return getattr(full, name)

    def __reduce__(self):
        # (pickled as its reference tokenizer, as spaCy pickles one: the copy and matcher are rebuilt)
        return (type(self), (self.full,))

    def __call__(self, text: str) -> Doc:
        doc = self.fast(text)
        for match_id, s, e in self._glued(doc):
            last = doc[e - 1]
            if text[doc[s].idx:last.idx + len(last)] == self._glued_keys[match_id]:
                return self._by_full(text)  # (spaCy glues this special case back: let spaCy do it)
        return doc

    def _by_full(self, text: str) -> Doc:
        """``full(text)``, after ``full``'s cache was given the chunks of ``text`` it was not given before.

        ``full`` caches no chunk of a document that comes after a special case in it (see the module doc),
        and the documents it gets all hold special cases: most of their chunks were tokenized anew on every
        call. So when the last or the middle chunk of ``text`` was not given yet (a document met before has
        both given: two set lookups), the chunks not given yet go to ``full`` first in a text of their own,
        those that may take part in a special case last (not alphanumeric, or a special case themselves),
        and it caches the ones before the first special case there; ``full(text)`` reads them from its cache.
        A cache hit gives the tokens that tokenizing the chunk anew gives (spaCy caches a chunk only when no
        special case took part in its tokens: they depend on the chunk alone), so the tokens are the same.
        Over the bundled abstracts (3% go to ``full``) a document that goes to ``full`` costs ~10% less;
        on a first pass over 11,700 distinct abstracts tokenizing is no slower.
        """
        chunks = text.split()
        given = self._given
        if chunks and (chunks[-1] not in given or chunks[len(chunks) // 2] not in given):
            self._give(chunks)
        return self.full(text)

    def _give(self, chunks: list[str]) -> None:
        """Tokenize the ``chunks`` not given yet with ``full`` in one text (see :meth:`_by_full`)."""
        given = self._given
        new = set(chunks)
        new -= given
        if len(given) > _MAX_GIVEN:
            given.clear()
        given |= new
        keys = self._special_keys
        # (in text order, so that the same chunks are cached whatever the hash seed)
        ordered = sorted((c for c in dict.fromkeys(chunks) if c in new), key=lambda c: not c.isalnum() or c in keys)
        if ordered:
            self.full(" ".join(ordered))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Tokenize a stream of texts (as ``Tokenizer.pipe``)."""
        for text in texts:
            yield self(text)


def detached_copy(tok) -> Tokenizer:
    """A tokenizer with the settings of ``tok`` (special cases, affix rules, cache size) on a vocab of its own.

    For text whose words ``tok``'s vocab need not keep (gazetteer patterns): a lexeme of that vocab costs
    ~20 us to make (it computes every lexical attribute and flag), one of the copy's only its ``LOWER``
    (with ``tok``'s function). Ids are hashes of the strings, so the ``ORTH`` and ``LOWER`` ids of the
    copy's tokens are the ones ``tok``'s tokens of the same text have. ``tok``: a spaCy ``Tokenizer``
    or a :class:`LitkgTokenizer` (whose settings are its reference tokenizer's).
    """
    lower = tok.vocab.lex_attr_getters.get(LOWER)
    copy = Tokenizer(Vocab(lex_attr_getters={LOWER: lower} if lower is not None else {}), rules=tok.rules,
                     prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                     infix_finditer=tok.infix_finditer, token_match=tok.token_match, url_match=tok.url_match,
                     faster_heuristics=tok.faster_heuristics)
    copy.max_cache_size = tok.max_cache_size
    return copy


# Joins phrases into one text for phrase_tokens (a private-use character: in no special case, checked).
_PHRASE_SEPARATOR = "\ue000"
# Phrases per call: once a call meets a special case, spaCy caches none of its later chunks (see the
# module doc), so a call is kept short; a phrase's words are then mostly tokenized once.
_PHRASES_PER_CALL = 100

TokenIds = tuple[tuple[int, ...], tuple[int, ...]]


def phrase_tokens(tok: Tokenizer, phrases: Iterable[str]) -> dict[str, TokenIds]:
    """``phrase -> (ORTH ids, LOWER ids)`` of the tokens ``tok`` makes of the phrase alone, for many phrases.

    From few calls of ``tok`` (a spaCy ``Tokenizer``; a :func:`detached_copy` keeps the phrases' words
    out of the pipeline's vocab and cache): phrases are tokenized a hundred at a time, joined by a
    separator token, and the tokens are cut back at the separators. That gives each phrase its own
    tokens because spaCy tokenizes each white-space-delimited chunk by itself (affix rules, special
    cases, token and URL matches, cache), and its last pass (special cases that the affix rules cut
    apart, found by a matcher) cannot match across the separator: no special case holds the separator
    character, so no pattern token is the separator (see :func:`_separator_is_safe`). A phrase with
    other white space than single spaces between words, or holding the separator, is tokenized alone.
    """
    out: dict[str, TokenIds] = {}
    batch: list[str] = []
    sep_ok = _separator_is_safe(tok, _PHRASE_SEPARATOR)
    for p in dict.fromkeys(phrases):
        if sep_ok and _joinable(p):
            batch.append(p)
        else:
            out[p] = _ids(tok(p))
    for i in range(0, len(batch), _PHRASES_PER_CALL):
        part = batch[i:i + _PHRASES_PER_CALL]
        joined = _joined_tokens(tok, part)
        out.update(joined if joined is not None else ((p, _ids(tok(p))) for p in part))
    return out


def _joinable(phrase: str) -> bool:
    """Whether ``phrase`` tokenizes in a joined text as alone: words separated by single spaces, no
    white space around them (so its chunks are its words), and no separator character."""
    return bool(phrase) and " ".join(phrase.split()) == phrase and _PHRASE_SEPARATOR not in phrase


def _separator_is_safe(tok: Tokenizer, sep: str) -> bool:
    """Whether ``sep`` is one token of ``tok`` that is no token of any special case."""
    return not any(sep in key for key in tok.rules) and [t.text for t in tok(sep)] == [sep]


def _ids(doc: Doc) -> TokenIds:
    arr = doc.to_array([ORTH, LOWER])
    return tuple(arr[:, 0].tolist()), tuple(arr[:, 1].tolist())


def _joined_tokens(tok: Tokenizer, phrases: list[str]) -> dict[str, TokenIds] | None:
    """:func:`phrase_tokens` of ``phrases`` (all :func:`_joinable`) from one call of ``tok`` (``None``: the
    separators were not cut off as tokens of their own, which the checks of phrase_tokens rule out)."""
    doc = tok(f" {_PHRASE_SEPARATOR} ".join(phrases))
    arr = doc.to_array([ORTH, LOWER])
    cuts = np.flatnonzero(arr[:, 0] == tok.vocab.strings[_PHRASE_SEPARATOR]).tolist()
    if len(cuts) != len(phrases) - 1:  # pragma: no cover
        return None
    orths, lowers = tuple(arr[:, 0].tolist()), tuple(arr[:, 1].tolist())
    starts = [0, *(c + 1 for c in cuts)]
    ends = [*cuts, len(orths)]
    return {p: (orths[a:b], lowers[a:b]) for p, a, b in zip(phrases, starts, ends, strict=True)}
