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
over each document; a document where one occurs is tokenized by ``full``.

What could still differ from ``full`` is a special case whose own characters are
affixes, met next to other affixes where the copy cuts it otherwise and no
cut-apart form shows it (none is known). Over the 12,105 abstracts of the
evaluation files, 5,000 arXiv abstracts, the synthetic corpus and the bundled
seeds, every document got exactly spaCy's tokens; 120 of them (1%) went to
``full``. ``NORM`` values that special cases set (``'s``, ``e.g.``) are not set
on the fast path: litkg reads ``ORTH``, ``LOWER`` and offsets only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import accumulate

from spacy.attrs import ORTH
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc


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
                return self.full(text)  # (spaCy glues this special case back: let spaCy do it)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Tokenize a stream of texts (as ``Tokenizer.pipe``)."""
        for text in texts:
            yield self(text)
