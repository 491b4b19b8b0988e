"""Abbreviation detection (Schwartz & Hearst, PSB 2003), both orders.

``masked image modeling (MIM)`` and ``MIM (masked image modeling)`` give the
pair (``MIM``, ``masked image modeling``). The long form is the shortest run
of words before the bracket (at most ``min(|SF| + 5, 2 |SF|)`` words) whose
characters contain the short form's letters in order, the first one at a word
start.

Why not scispaCy: its ``AbbreviationDetector`` was checked (scispacy 0.6.2,
Nov 2025). It does install next to spaCy 3.8.18 on Python 3.11 in a fresh
virtualenv and runs on ``spacy.blank("en")``, but it pins ``numpy<2.0`` (our
venv has numpy 2.4: installing it would downgrade numpy), pulls
nmslib-metabrainz, scipy and scikit-learn (a ~600 MB venv) for its entity
linker, and on ``MIM (masked image modeling)`` it returned the wrong long
form ``masked image modeling (MIM) and MIM``. This module is the algorithm
itself, on ``doc.text``, with no dependency.

The component only finds pairs (``DocState.pairs``); typing them and
propagating the short form through the document happens in
:mod:`extract.components.normalise`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.state import AbbrevPair, Memo, get_state, pipe_in_batches

_PAREN = re.compile(r"\(([^()\n]{1,120})\)")
_SF_SHAPE = re.compile(r"^[A-Za-z0-9][\w\-\.\+/&]*$")
_PREV_WORD = re.compile(r"([A-Za-z0-9][\w\-\.\+/&]*[\w\+])\s*$")
_CLAUSE_BREAK = re.compile(r"[.;:!?\n\[\]\(\)]\s|[\(\)\[\]\n;]")
_BREAK_FIRST = frozenset(".;:!?\n[]()")  # first characters of the two-character clause breaks
_LAST_BREAK_CHAR = re.compile(r".*[.;:!?\n\[\]()]", re.S)  # up to the last of them (see _clause_start)
_BREAK_ALONE = frozenset("()[]\n;")  # the break characters that are a break on their own
_NON_SF = {"e.g", "i.e", "eg", "ie", "etc", "et al", "cf", "resp", "see", "vs", "viz", "ibid", "sic", "ours", "all"}
_SF_CUT = re.compile(r"[;,]\s")
_SF_NOT_NAME = re.compile(r"[ivxIVX]+|[A-Za-z]\d*|[A-Z]\.")
_SF_BAD_SPACE = re.compile(r"\.\s|\s\d+$")
_LF_NOT_NAME = re.compile(r"\d{4}|et al|[=<>%]")


def is_short_form(sf: str) -> bool:
    """A plausible short form: 2-10 characters, one or two words, a capital letter, a letter first.

    >>> [is_short_form(s) for s in ("MIM", "SparK", "CNNs", "2023", "i", "e.g.", "Fig. 2", "+1.0%")]
    [True, True, True, False, False, False, False, False]
    """
    return _SHORT_FORM[sf]


def _is_short_form_uncached(sf: str) -> bool:
    s = sf.strip()
    if not 2 <= len(s) <= 10 or len(s.split()) > 2:
        return False
    if not s[0].isalpha() or not any(c.isupper() for c in s):
        return False
    if s.rstrip(".").lower() in _NON_SF or not _SF_SHAPE.match(s.replace(" ", "")):
        return False
    if _SF_NOT_NAME.fullmatch(s) or _SF_BAD_SPACE.search(s):
        return False
    return sum(c.isalpha() for c in s) >= 2


# per-string memos of the functions above and below (a dict read; a bounded functools.lru_cache also
# relinks its entries on every hit); read directly by the hot paths
_SHORT_FORM = Memo(_is_short_form_uncached)


def _core(sf: str) -> str:
    """The short form without a plural ``s`` (``CNNs`` -> ``CNN``)."""
    if len(sf) > 2 and sf.endswith("s") and sum(map(str.isupper, sf[:-1])) >= 2:
        return sf[:-1]
    return sf


_CORE = Memo(_core)


_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "and", "or", "in", "on", "for", "to", "with", "by", "we",
                             "from", "at", "via"})
_WORD_SPAN = re.compile(r"[^\s]+")
_WORD_PARTS = re.compile(r"[^\W_]+")


def _initials_start(letters: str, candidate: str) -> int | None:
    """Start of the shortest run of final words whose initials spell ``letters`` (function words may be
    skipped): "Proximal Policy Optimization" for PPO, "Abstraction and Reasoning Corpus" for ARC."""
    words = candidate.split()  # (the words of _WORD_SPAN)
    every = content = ""  # the initials of the words taken so far (not lower-cased yet)
    for k in range(1, min(len(words), len(letters) + 5) + 1):
        first = words[-k]
        starts_with_function_word, word_every, word_content = _WORD_INITIALS[first]
        every = word_every + every
        content = word_content + content
        if starts_with_function_word:
            continue
        every_lower, content_lower = every.lower(), content.lower()
        if letters == every_lower or letters == content_lower:
            # where the k-th last word starts: the text before the last k - 1 words ends with it
            return len(candidate.rsplit(None, k - 1)[0]) - len(first)
        if len(content_lower) > len(letters):
            break
    return None


def _word_initials(word: str) -> tuple[bool, str, str]:
    """Of one white-space separated word: whether it is empty or starts with a function word, the initials
    of its parts (``Vision-Language`` -> ``VL``) and those of its parts that are not function words."""
    parts = _WORD_PARTS.findall(word)
    every = "".join(q[0] for q in parts)
    content = "".join(q[0] for q in parts if q.lower() not in _FUNCTION_WORDS)
    return not parts or parts[0].lower() in _FUNCTION_WORDS, every, content


_WORD_INITIALS = Memo(_word_initials)


def best_long_form(sf: str, candidate: str) -> int | None:
    """Start offset in ``candidate`` of the best long form for ``sf``, or ``None``.

    Word initials first ("Proximal Policy Optimization" for PPO, not "Policy Optimization", whose
    letters also hold P, P, O), else Schwartz-Hearst, whose first letter must start a word that is not a
    function word ("Abstraction and Reasoning Corpus" for ARC, not "and Reasoning Corpus").

    >>> c = "our method called Sparse masKed modeling"
    >>> c[best_long_form("SparK", c):]
    'Sparse masKed modeling'
    >>> c = "we train with Proximal Policy Optimization"
    >>> c[best_long_form("PPO", c):]
    'Proximal Policy Optimization'
    >>> c = "we introduce the Abstraction and Reasoning Corpus"
    >>> c[best_long_form("ARC", c):]
    'Abstraction and Reasoning Corpus'
    """
    letters = _SF_LETTERS[sf]
    if letters.isalpha():
        off = _initials_start(letters, candidate)
        if off is not None:
            return off
    return _schwartz_hearst_start(sf, candidate)


def _sf_letters(sf: str) -> str:
    """The letters and digits of a short form, lower-cased (``Swin-T`` -> ``swint``)."""
    return "".join(c for c in sf if c.isalnum()).lower()


_SF_LETTERS = Memo(_sf_letters)


def _schwartz_hearst_start(sf: str, candidate: str) -> int | None:
    """Schwartz & Hearst: match the short form's characters right to left in ``candidate``, the first one
    at the start of a word that is not a function word. Start offset of the long form, or ``None``.

    An ASCII candidate is searched with ``str.rfind`` on its lower-cased copy (the same characters a
    character-by-character ``lower()`` gives); other text character by character.
    """
    lowered = candidate.lower() if candidate.isascii() else None
    s = len(sf) - 1
    lpos = len(candidate) - 1
    while s >= 0:
        ch = sf[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        if lowered is not None and len(ch) == 1:
            lpos = lowered.rfind(ch, 0, lpos + 1)
            # the first character must start a word that is not a function word
            while s == 0 and lpos > 0 and (candidate[lpos - 1].isalnum() or _function_word_at(candidate, lpos)):
                lpos = lowered.rfind(ch, 0, lpos)
        else:
            while (lpos >= 0 and candidate[lpos].lower() != ch) or (
                s == 0 and lpos > 0 and (candidate[lpos - 1].isalnum() or _function_word_at(candidate, lpos))
            ):
                lpos -= 1
        if lpos < 0:
            return None
        lpos -= 1
        s -= 1
    return candidate.rfind(" ", 0, lpos + 1) + 1


def _function_word_at(text: str, i: int) -> bool:
    """Whether the word starting at ``i`` is a function word ("and" of "and Reasoning Corpus")."""
    m = _WORD_SPAN.match(text, i)  # the whole token: "And-Or graph" keeps its "And"
    return bool(m) and m.group().strip(",.;:").lower() in _FUNCTION_WORDS


_LF_BAD_FIRST = frozenset({"the", "a", "an", "of", "and", "or", "in", "on", "for", "to", "with", "by", "we"})


def _valid_pair(sf: str, lf: str) -> bool:
    lf_words = lf.split()
    if len(lf) <= len(sf) or not lf_words:
        return False
    sf_lower = sf.lower()
    if sf_lower in lf.lower():  # (else no word of the long form is the short form)
        for w in lf_words:
            if w.lower().strip(",.;:") == sf_lower:
                return False
    if len(lf_words) > min(len(sf) + 5, 2 * len(sf)):
        return False
    # the long form should not begin with a function word and must hold a letter run
    if lf_words[0].lower() in _LF_BAD_FIRST:
        return False
    return any(map(str.isalpha, lf))


def find_abbreviations(text: str) -> list[AbbrevPair]:
    """All (short form, long form) pairs of ``text``, with char offsets.

    >>> [(p.short, p.long) for p in find_abbreviations("We use masked image modeling (MIM). MIM (masked image modeling) helps.")]
    [('MIM', 'masked image modeling'), ('MIM', 'masked image modeling')]
    """
    pairs: list[AbbrevPair] = []
    if "(" not in text:
        return pairs
    for m in _PAREN.finditer(text):
        inner = m.group(1)
        # "(SF)" or "(SF; ...)" / "(SF, ...)"
        # (a regex split only when there is a separator to split at)
        cut = _SF_CUT.split(inner, maxsplit=1)[0] if "," in inner or ";" in inner else inner
        sf = cut.strip()
        if _SHORT_FORM[sf]:
            p = _long_form_before(text, m.start(), sf, m.start(1) + len(cut) - len(cut.lstrip()))
        else:
            p = _long_form_inside(text, m.start(), inner, m.start(1))
        if p is not None:
            pairs.append(p)
    return pairs


def _long_form_before(text: str, paren: int, sf: str, sf_start: int) -> AbbrevPair | None:
    """``long form (SF)``: the long form among the last words of the clause before the bracket."""
    core = _CORE[sf]
    max_words = min(len(core) + 5, 2 * len(core))
    left_start = _clause_start(text, max(0, paren - 400), paren)
    window = text[left_start:paren].rstrip()
    if not window:
        return None
    # the last max_words words of the window (str.split and regex \S+ agree on what white space is)
    parts = window.rsplit(None, max_words)
    candidate = window[len(parts[0]):].lstrip() if len(parts) > max_words else window.lstrip()
    cand_start = left_start + len(window) - len(candidate)
    off = best_long_form(core, candidate)
    if off is None:
        return None
    lf = candidate[off:].rstrip(" ,")
    if not _valid_pair(core, lf):
        return None
    return AbbrevPair(sf, sf_start, sf_start + len(sf), lf, cand_start + off, cand_start + off + len(lf))


def _clause_start(text: str, lo: int, hi: int) -> int:
    """Where the clause holding ``text[hi]`` starts: the end of the last clause break (scanned from ``lo``
    like ``_CLAUSE_BREAK.finditer``) in ``text[lo:hi]``, else ``lo``.

    Every break starts with a character of ``_BREAK_FIRST``, so the scan starts at the last such character
    (found by one backtracking match) and only looks further back when no break starts there. A scan
    started at ``w`` meets the same breaks after ``w`` as one started at ``lo`` when no two-character break
    can start at ``w - 1`` (a character of ``_BREAK_FIRST``): ``w`` is moved back over such characters.
    When that character stands alone (``w`` is that character), whether and where a break starts there is
    read off it and the next character, with no regex scan.
    """
    end = hi
    while True:
        m = _LAST_BREAK_CHAR.match(text, lo, end)
        if m is None:
            return lo
        last_char = w = m.end() - 1
        while w > lo and text[w - 1] in _BREAK_FIRST:
            w -= 1
        if w == last_char:
            # (the usual case, a lone break character: the scan would try it and the character after it,
            # which is none of _BREAK_FIRST and so starts no break)
            nxt = last_char + 1
            if nxt < hi and text[nxt].isspace():  # (``\s``: the same Unicode white space)
                return nxt + 1
            if text[last_char] in _BREAK_ALONE:
                return nxt
        else:
            # (no break starts after last_char: the scan can stop after its second character)
            last = deque(_CLAUSE_BREAK.finditer(text, w, min(hi, last_char + 2)), maxlen=1)
            if last:
                return last[0].end()
        end = w  # no break starts in text[w:hi]


def _prev_word(text: str, lo: int, hi: int, capital: bool = False) -> re.Match | None:
    """``_PREV_WORD.search(text, lo, hi)``: the word just before ``hi``.

    A match lies inside the last white-space separated word of ``text[lo:hi]`` (its characters are no
    white space), so the search starts there: a regex search from ``lo`` would try, and fail at, every
    word start of the window.

    ``capital``: ``None`` at once when that last word has no capital letter (``str.islower``: cased
    characters, all lower case), for a caller that wants a short form: the word found inside it then has
    none either, and is no short form (:func:`is_short_form`). Most words before a bracket that holds
    several words are such words ("the model (see below)").
    """
    window = text[lo:hi].rstrip()
    if not window:
        return None
    last = window.rsplit(None, 1)[-1]
    if capital and last.islower():
        return None
    return _PREV_WORD.search(text, lo + len(window) - len(last), hi)


def _long_form_inside(text: str, paren: int, inner: str, i0: int) -> AbbrevPair | None:
    """``SF (long form)``: the word before the bracket is the short form, the bracket holds the long form."""
    words_inner = inner.split()
    if len(words_inner) < 2:
        return None
    pm = _prev_word(text, max(0, paren - 40), paren, capital=True)
    if not pm:
        return None
    sf = pm.group(1)
    if not _SHORT_FORM[sf]:
        return None
    core = _CORE[sf]
    lf = inner.strip()
    if len(words_inner) > min(len(core) + 5, 2 * len(core)):
        return None
    off = best_long_form(core, lf)
    if off != 0 or not _valid_pair(core, lf):
        return None
    # the long form must not itself look like an abbreviation list or a citation
    if _LF_NOT_NAME.search(lf):
        return None
    lf_start = i0 + (len(inner) - len(inner.lstrip()))
    return AbbrevPair(sf, pm.start(1), pm.end(1), lf, lf_start, lf_start + len(lf))


@Language.factory("litkg_abbreviations")
class AbbreviationDetector:
    """Finds Schwartz-Hearst abbreviation pairs in ``doc.text``."""

    def __init__(self, nlp: Language, name: str = "litkg_abbreviations") -> None:
        self.name = name

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        return None

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """``nlp.pipe`` support: the documents in batches (see :func:`~extract.components.state.pipe_in_batches`)."""
        return pipe_in_batches(self, docs, batch_size)

    def __call__(self, doc: Doc) -> Doc:
        st = get_state(doc)
        st.pairs = find_abbreviations(st.text)
        return doc
