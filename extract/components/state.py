"""Per-document working state shared by the litkg spaCy components.

The components communicate through ``doc.user_data[STATE_KEY]`` (a
:class:`DocState`): candidates are character spans into ``doc.text``, which is
what the regex-level rules produce and what the records need.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import numpy as np
from spacy.attrs import IDX, ORTH
from spacy.tokens import Doc

STATE_KEY = "litkg"
TITLE_END_KEY = "litkg_title_end"  # char offset where the title ends (the abstract starts 2 chars later)

# Rule strength classes used by overlap resolution (higher wins; see normalise.py).
STRONG = 2
WEAK = 1

GAZ_RULE = "gazetteer"
AMBIGUOUS_RULE = GAZ_RULE + "-ambiguous"  # a gazetteer name that needs support in its sentence (see normalise.py)
# the rules whose candidates normalisation reads as cues when it types an abbreviation pair (the type of the first
# such candidate on a form; see ``Normaliser._pair_type``)
CUE_RULES = ("naming", "proposal", "appositive", "title")

# Priorities inside a class (higher wins among equal lengths).
P_ALIAS = 100
P_ABBREV = 95
P_GAZ = 90
P_CONTEXT = 80
P_METRIC = 75
P_HEAD = 60
P_SHAPE = 50
P_GAZ_GENERIC = 45


class Cand:
    """A candidate mention: a char span of ``doc.text`` with a type and provenance."""

    __slots__ = ("start", "end", "type", "rule", "prio", "strength", "key", "canonical", "family",
                 "proposed", "entry", "head_end")

    def __init__(self, start: int, end: int, type: str, rule: str, prio: int, strength: int = STRONG,
                 key: str | None = None, canonical: str | None = None, family: str | None = None,
                 proposed: bool = False, entry: object = None) -> None:
        self.start = start
        self.end = end
        self.type = type
        self.rule = rule
        self.prio = prio
        self.strength = strength
        self.key = key
        self.canonical = canonical
        self.family = family
        self.proposed = proposed
        self.entry = entry

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Cand({self.start}, {self.end}, {self.type!r}, {self.rule!r}, key={self.key!r})"


_new_object = object.__new__


def cand_at(start: int, end: int, fields: tuple) -> Cand:
    """``Cand(start, end, *fields)`` (``fields``: the other eleven arguments but ``head_end``, in order), built
    without the ``__init__`` call.

    For the components that make many candidates from one tuple of fields each (a gazetteer label, an
    abbreviation pair): a class call with a Python ``__init__`` goes through the type's C slots and binds
    the arguments anew (and ``Cand(start, end, *fields)`` first copies them into a new tuple); this plain
    function call unpacks ``fields`` straight into the slots (~90 ns less per candidate).
    """
    c = _new_object(Cand)
    c.start = start
    c.end = end
    c.type, c.rule, c.prio, c.strength, c.key, c.canonical, c.family, c.proposed, c.entry = fields
    return c


@dataclass
class AbbrevPair:
    """``long (short)`` or ``short (long)`` found in one document."""

    short: str
    short_start: int
    short_end: int
    long: str
    long_start: int
    long_end: int
    type: str | None = None
    key: str | None = None
    canonical: str | None = None


@dataclass
class DocState:
    """What the components found in one document."""

    text: str = ""  # doc.text, computed once (Doc.text rebuilds the string on every access)
    title_end: int = -1  # -1: the document has no title part
    abstract_start: int = 0
    sents: list[tuple[int, int]] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)
    cands: list[Cand] = field(default_factory=list)
    pairs: list[AbbrevPair] = field(default_factory=list)
    proposal_slots: list[tuple[int, int]] = field(default_factory=list)  # char spans that name what is proposed
    mentions: list[Cand] = field(default_factory=list)  # resolved
    proposed_keys: set[str] = field(default_factory=set)
    urls: list[tuple[int, int]] = field(default_factory=list)
    # token table (filled by the sentence component from one ``doc.to_array``): char offsets (a list) and
    # ORTH ids (a uint64 array: the components read the ids of a few tokens each, ``tok_orth[i].tolist()``)
    tok_idx: list[int] | None = None
    tok_orth: np.ndarray | None = None
    # the tokens' ``ID`` (lexeme rank) column from the same ``to_array``: the context rules find their anchor
    # words by rank (one pass over the token structs instead of two); ``tok_rank_by``: the vocab's getter of
    # ``ID`` when it was read (the ranks are valid while that getter is the one that ranked the words)
    tok_rank: np.ndarray | None = None
    tok_rank_by: object = None
    # whether ``litkg_sentences`` also marks the sentences on the Doc (``SENT_START``, for ``doc.sents``); the
    # components and records read ``sents`` only, so a caller that drops the Docs turns it off (~5-14 us)
    doc_sents: bool = True


def get_state(doc: Doc) -> DocState:
    """The document's :class:`DocState`, created on first use."""
    st = doc.user_data.get(STATE_KEY)
    if st is None:
        st = DocState(text=doc.text)
        te = doc.user_data.get(TITLE_END_KEY)
        if te is not None and te >= 0:
            st.title_end = te
            st.abstract_start = te + 2
        doc.user_data[STATE_KEY] = st
    return st


def token_table(doc: Doc, st: DocState) -> tuple[list[int], np.ndarray]:
    """Char offsets (a list) and ``ORTH`` ids (a uint64 array) of the tokens of ``doc`` (made once per document)."""
    if st.tok_idx is None or len(st.tok_idx) != len(doc):
        arr = doc.to_array([IDX, ORTH])
        st.tok_idx, st.tok_orth = arr[:, 0].tolist(), arr[:, 1]
    return st.tok_idx, st.tok_orth


#: Documents per batch in the components' ``pipe`` (at most; see :func:`pipe_in_batches`).
PIPE_BATCH = 128


def pipe_in_batches(component: Callable[[Doc], Doc], docs: Iterable[Doc], batch_size: int) -> Iterator[Doc]:
    """``component`` over ``docs``, a batch of documents at a time (a component's ``pipe``).

    ``nlp.pipe`` chains the ``pipe`` generators of the components. With per-document generators every
    document walks through all components before the next one starts, and each component finds its code,
    tables, regexes and caches cold in the CPU caches; in batches each component runs over the batch in
    turn. Batches of 128 documents (:data:`PIPE_BATCH`, or ``batch_size`` if smaller) take ~10% less CPU
    time than batches of 8, and those ~10% less than one document at a time (``litkg extract`` over 15,000
    abstracts; memory ~35 MB more than with 8). The documents of a batch are alive together, and their
    objects pass the cyclic garbage collector's default threshold over and over (~1,200 collections over
    15,000 abstracts, and then collections of the older generations walk the whole heap):
    ``Extractor.pipe`` runs under :func:`~extract.gc_pause.collector_relaxed`. The documents and their order
    are unchanged.
    """
    it = iter(docs)
    size = max(1, min(batch_size, PIPE_BATCH))
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield from [component(doc) for doc in batch]


def sentence_index(st: DocState, pos: int) -> int:
    """Index of the sentence holding char ``pos`` (bisect on sentence starts)."""
    i = bisect_right(st.sent_starts, pos) - 1
    return i if i > 0 else 0


class Memo(dict):
    """``fn(key)`` for each key, computed on first use (``memo[key]``) and remembered.

    For per-word / per-phrase results that recur across papers. Past ``limit`` keys the memo starts
    afresh, so memory stays bounded over a long corpus. A hit is a plain dict lookup (``__missing__``
    runs only for a new key); ``get`` reads without computing.

    >>> m = Memo(str.upper, limit=2)
    >>> m["a"], m["b"], len(m), m["c"], len(m)
    ('A', 'B', 2, 'C', 1)
    """

    __slots__ = ("fn", "limit")

    def __init__(self, fn: Callable, limit: int = 100_000) -> None:
        super().__init__()
        self.fn = fn
        self.limit = limit

    def __missing__(self, key):
        if len(self) >= self.limit:
            self.clear()
        v = self[key] = self.fn(key)
        return v


# --- name shapes ----------------------------------------------------------------

_INNER_UPPER = re.compile(r"[a-z0-9][A-Z]|[A-Z]{2,}[a-z]")
_HAS_DIGIT = re.compile(r"\d")
_HAS_ALPHA = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=100_000)
def is_name_shaped(word: str) -> bool:
    """A word that looks like a name rather than an English word.

    CamelCase (``ConvNeXt``, ``mBERT``, ``DeiT``), all capitals (``BERT``), or
    letters with digits (``GPT-4``, ``YOLOv8``).

    >>> [is_name_shaped(w) for w in ("ConvNeXt", "BERT", "GPT-4", "Transformer", "model", "3D")]
    [True, True, True, False, False, False]
    """
    if len(word) < 2 or not _HAS_ALPHA.search(word):
        return False
    if word[0].isdigit() and sum(c.isalpha() for c in word) < 2:
        return False
    if _INNER_UPPER.search(word):
        return True
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    return bool(_HAS_DIGIT.search(word)) and any(c.isupper() for c in word)


def is_capitalized(word: str) -> bool:
    """``Transformer`` (capital then lower case) or a name-shaped word."""
    return bool(word) and (word[0].isupper() or is_name_shaped(word))


def find_word(text: str, needle: str, *, hyphen_after: bool = False, hay: str | None = None):
    """Start offsets of ``needle`` in ``text`` as a whole word (not inside a word or hyphen compound).

    ``hyphen_after`` allows ``MIM-based`` (but never ``GPT-4`` for ``GPT``). ``hay`` is the string searched
    (e.g. ``text.lower()`` with a lower-case ``needle``); it must have the length of ``text``.

    >>> list(find_word("LoRA and exploration, LoRA-based", "LoRA", hyphen_after=True))
    [0, 22]
    """
    hay = text if hay is None else hay
    n = len(needle)
    if not n:
        return
    end = len(text)
    i = hay.find(needle)
    while i >= 0:
        ok = True
        if i > 0:
            b = text[i - 1]
            if b.isalnum() or b in "_-":
                ok = False
        j = i + n
        if ok and j < end:
            a = text[j]
            if a.isalnum() or a == "_":
                ok = False
            elif a == "-" and (not hyphen_after or (j + 1 < end and text[j + 1].isdigit())):
                ok = False
        if ok:
            yield i
        i = hay.find(needle, i + 1)


def find_word_and_plural(text: str, word: str) -> tuple[list[int], list[int]]:
    """``list(find_word(text, w, hyphen_after=True))`` for ``w`` = ``word`` and ``word + "s"``, from one scan.

    Every occurrence of ``word + "s"`` is an occurrence of ``word`` followed by ``s`` (which ends no word):
    one ``str.find`` pass over the text serves both forms (an abbreviation's short form and its plural).

    >>> find_word_and_plural("CNN and CNNs, CNN-based, CNNs-2, xCNN", "CNN")
    ([0, 14], [8])
    """
    if not word:
        return [], list(find_word(text, "s", hyphen_after=True))
    n = len(word)
    end = len(text)
    singular: list[int] = []
    plural: list[int] = []
    i = text.find(word)
    while i >= 0:
        b = text[i - 1] if i > 0 else ""
        if not b or not (b.isalnum() or b in "_-"):
            j = i + n
            if j < end and text[j] == "s":
                if _word_ends_at(text, j + 1, end):
                    plural.append(i)
            elif _word_ends_at(text, j, end):
                singular.append(i)
        i = text.find(word, i + 1)
    return singular, plural


def _word_ends_at(text: str, j: int, end: int) -> bool:
    """Whether a word may end before ``text[j]`` (``find_word``'s test with ``hyphen_after``): not before a
    letter, digit or underscore, nor before a hyphen and a digit."""
    if j >= end:
        return True
    a = text[j]
    if a.isalnum() or a == "_":
        return False
    return a != "-" or not (j + 1 < end and text[j + 1].isdigit())
