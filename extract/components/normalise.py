"""Resolution and normalisation: candidates in, one typed, keyed mention per span out.

Steps, in order:

1. **Abbreviations.** Each ``long (SHORT)`` pair gets a type and a key: the
   gazetteer entry of the long form (or of the short form when that entry
   agrees with the long form), else the type of a candidate on the long form,
   else the type its head word implies (``... networks`` -> method, ``...
   detection`` -> task). Pairs with no type are not entities (``diabetic
   retinopathy (DR)``). Every occurrence of the short and the long form in the
   document then becomes a candidate with **the long form's key**.
2. **Ambiguous gazetteer names** (``"ambiguous": true``) are kept only with
   support: a cue word of their type in the sentence, another mention of the
   same type there, or an abbreviation pair.
3. **Overlaps.** Strong rules (gazetteer, abbreviations, context cues) beat weak
   ones (head phrases, name shapes, generic gazetteer names); then longer spans
   win, then higher priority. A weak phrase that ends in a strong mention of
   the same type (``sparse convolution`` over ``convolution``) replaces it.
4. **User alias rules**: block, split, retype.
5. **Keys and names**: gazetteer name and key, else ``entity_key`` of the
   text and :func:`~extract.canonical.canonical_name` of the surface forms of
   that key in the document; families from the gazetteer or
   :func:`~extract.canonical.family_of`.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import partial
from operator import attrgetter

from spacy.language import Language
from spacy.tokens import Doc

from extract.aliases import AliasRules
from extract.canonical import FAMILY_TYPES, canonical_name, entity_key, family_of
from extract.components.gazetteer import AMBIGUOUS_KEY
from extract.components.rules import Rules
from extract.components.state import (
    AMBIGUOUS_RULE,
    CUE_RULES,
    P_ABBREV,
    STRONG,
    WEAK,
    AbbrevPair,
    Cand,
    DocState,
    Memo,
    cand_at,
    find_word,
    find_word_and_plural,
    get_state,
    pipe_in_batches,
    sentence_index,
)

_WORD_RX = re.compile(r"[a-z][a-z\-]*|%")
_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = "0123456789"
_VERSION_AFTER = re.compile(r"[ ](?:(?:19|20)\d{2}|v?\d+\.\d+(?:\.\d+)?)(?![\w\-]|\.\d)")


@Language.factory("litkg_normalise")
class Normaliser:
    """Turns ``DocState.cands`` and ``DocState.pairs`` into ``DocState.mentions``."""

    def __init__(self, nlp: Language, name: str = "litkg_normalise") -> None:
        self.name = name
        self.rules: Rules | None = None
        self.aliases = AliasRules()
        self._alias_rules: AliasRules | None = None  # the aliases when there are any rules
        self.by_key: dict = {}
        self.variant_keys: dict[str, object] = {}
        self._new_memos()

    def initialize(self, get_examples=None, *, nlp: Language | None = None, rules: Rules | None = None,
                   aliases: AliasRules | None = None, entries=()) -> None:
        self.rules = rules or Rules.load()
        self.aliases = aliases or AliasRules()
        self._alias_rules = self.aliases if self.aliases else None
        self.by_key = {}
        self.variant_keys = {}
        self._new_memos()
        for e in entries:
            self.by_key.setdefault(e.key, e)
            for n in (e.name,) + tuple(e.aliases):
                self.variant_keys.setdefault(entity_key(n), e)

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None:
            self.initialize()
        st = get_state(doc)
        text = st.text
        cands = st.cands
        if st.pairs:
            self._abbreviations(text, st, cands)
        # (most documents have no candidate of an ambiguous name: the gazetteer says so, else a C-level scan)
        ambiguous = doc.user_data.get(AMBIGUOUS_KEY)
        if ambiguous or (ambiguous is None and AMBIGUOUS_RULE in map(_RULE, cands)):
            cands = self._support_ambiguous(text, st, cands)
        chosen = resolve_overlaps(cands)
        st.mentions = self._finish(text, st, chosen)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """``nlp.pipe`` support: the documents in batches (see :func:`~extract.components.state.pipe_in_batches`)."""
        return pipe_in_batches(self, docs, batch_size)

    # -- 1. abbreviations ------------------------------------------------------------
    def _abbreviations(self, text: str, st: DocState, cands: list[Cand]) -> None:
        pairs = st.pairs
        # the candidates starting where a form of a pair starts (in document order): the only ones
        # the typing below looks at, apart from the rare "ends where the long form ends" fallback
        wanted = set()
        for p in pairs:  # (a loop: a comprehension is a function call, and there are one or two pairs)
            wanted.add(p.long_start)
            wanted.add(p.short_start)
        at: dict[int, list[Cand]] = {}
        for c in cands:
            if c.start in wanted:
                lst = at.get(c.start)
                if lst is None:
                    at[c.start] = [c]
                else:
                    lst.append(c)
        typed: dict[str, AbbrevPair] = {}
        untyped = False  # (whether a pair is no entity: st.pairs keeps the typed ones)
        for p in pairs:
            lf_key = entity_key(p.long)
            on_long = [c for c in at.get(p.long_start, ()) if c.end == p.long_end]
            on_short = [c for c in at.get(p.short_start, ()) if c.end == p.short_end]
            lf_gaz = _gaz(on_long) or self.variant_keys.get(lf_key)
            sf_gaz = _gaz(on_short)
            entry = None
            if lf_gaz is not None:
                entry = lf_gaz
            elif sf_gaz is not None and (lf_key == sf_gaz.key or lf_key in {entity_key(a) for a in sf_gaz.aliases}):
                entry = sf_gaz
            if entry is not None:
                p.type, p.key, p.canonical = entry.type, entry.key, entry.name
            else:
                t = self._pair_type(p, st, cands, at.get(p.long_start, []) + on_short, on_long, sf_gaz)
                if t is None:
                    untyped = True
                    continue
                p.type, p.key, p.canonical = t, lf_key, None
            if not p.type:  # pragma: no cover - (types are non-empty names)
                untyped = True
            typed.setdefault(p.short, p)
        # every occurrence of a typed short form / long form gets the pair's key
        is_stop = self.rules.is_stop_name
        lower = None
        for sf, p in typed.items():
            if is_stop(sf):
                continue
            fields = (p.type, "abbreviation", P_ABBREV, STRONG, p.key, p.canonical, None, False, ("pair", p))
            n = len(sf)
            if sf.endswith("s"):
                for i in find_word(text, sf, hyphen_after=True):
                    cands.append(cand_at(i, i + n, fields))
            else:  # the short form and its plural (all of the first, then all of the second), in one scan
                singular, plural = find_word_and_plural(text, sf)
                for i in singular:
                    cands.append(cand_at(i, i + n, fields))
                for i in plural:
                    cands.append(cand_at(i, i + n + 1, fields))
            if lower is None:
                lower = text.lower()
                if len(lower) != len(text):  # pragma: no cover - exotic case mappings
                    lower = text
            n = len(p.long)
            for i in find_word(text, p.long.lower() if lower is not text else p.long, hay=lower):
                cands.append(cand_at(i, i + n, fields))
        if untyped:
            st.pairs = [p for p in pairs if p.type]

    def _pair_type(self, p: AbbrevPair, st: DocState, cands: list[Cand], cued: list[Cand], on_long: list[Cand],
                   sf_gaz) -> str | None:
        """The type of a pair no gazetteer entry names (``None``: not an entity).

        ``cued``: the candidates starting at the long form, then those on the short form.
        """
        # a naming / proposal cue on either form ("a benchmark called X (Y)") decides
        for c in cued:
            if c.rule in CUE_RULES:
                return c.type
        t = self._lf_head_type(p.long)
        if t is not None:
            return t
        # else a candidate on the long form, or one ending where it ends (its head)
        for c in on_long:
            return c.type
        for c in cands:
            if c.end == p.long_end and p.long_start <= c.start and c.rule.startswith(("head", "gazetteer")):
                return c.type
        if sf_gaz is not None:
            return sf_gaz.type
        if any(p.long_start - 2 <= s <= p.long_start for s, _ in st.proposal_slots):
            return "method"
        return None

    def _new_memos(self) -> None:
        self._head_types = Memo(self._lf_head_type_uncached)  # long form -> type its head word implies
        self._named = _MemoPerType(self._name_of)  # type -> (surface -> see _name_of)
        # type -> (name -> see _family_of), for the types that have families (a memo per type: the name
        # alone is the key, no tuple is built per mention)
        self._families = {t: Memo(partial(self._family_of, t)) for t in FAMILY_TYPES}

    def _lf_head_type(self, long: str) -> str | None:
        """The type the head (last) word of a long form implies (``... networks`` -> method), if any."""
        return self._head_types[long]

    def _lf_head_type_uncached(self, long: str) -> str | None:
        words = _WORD_RX.findall(long.lower())
        t = None
        if words:
            head = words[-1]
            t = self.rules.lf_head_types.get(head)
            if t is None and head.endswith("s"):
                t = self.rules.lf_head_types.get(head[:-1])
        return t

    # -- 2. ambiguous names --------------------------------------------------------------
    def _support_ambiguous(self, text: str, st: DocState, cands: list[Cand]) -> list[Cand]:
        r = self.rules
        pair_spans = {(p.short_start, p.short_end) for p in st.pairs} | {(p.long_start, p.long_end) for p in st.pairs}
        strong_by_sent: dict[tuple[int, str], int] = defaultdict(int)
        for c in cands:
            if c.strength == STRONG and c.rule != AMBIGUOUS_RULE:
                strong_by_sent[(sentence_index(st, c.start), c.type)] += 1
        out = []
        for c in cands:
            if c.rule != AMBIGUOUS_RULE:
                out.append(c)
                continue
            si = sentence_index(st, c.start)
            if (c.start, c.end) in pair_spans or strong_by_sent[(si, c.type)]:
                out.append(c)
                continue
            ss, se = st.sents[si] if st.sents else (0, len(text))
            words = set(_WORD_RX.findall(text[ss:se].lower()))
            if words & r.type_cues.get(c.type, frozenset()):
                out.append(c)
        return out

    # -- 4./5. keys, names, alias rules -----------------------------------------------------
    def _finish(self, text: str, st: DocState, chosen: list[Cand]) -> list[Cand]:
        al = self._alias_rules
        out: list[Cand] = []
        ctx_metrics = self.rules.context_metrics
        named = self._named
        families = self._families
        unnamed: list[tuple[Cand, str]] = []  # (mention, surface) of the mentions with no display name yet
        surfaces: dict[str, list[str]] = {}  # key -> the surfaces of those mentions
        for c in chosen:
            t = c.type
            if t == "dataset":
                v = _version_after(text, c.end)
                if v:  # "CTB 5.1", "VOC 2012", "SQuAD 2.0": a versioned variant of the dataset
                    c.family = c.canonical or text[c.start:c.end]
                    c.end, c.key, c.canonical = v.end(), None, None
            elif t == "metric" and ctx_metrics and (c.key or entity_key(text[c.start:c.end])) in ctx_metrics:
                # resource measures ("model size", "throughput") are metrics only where a number is reported
                ss, se = st.sents[sentence_index(st, c.start)] if st.sents else (0, len(text))
                if not _has_digit(text, ss, se):
                    continue
            surface = None  # (the text of the mention, sliced when needed: most mentions have a name)
            if c.key is None:
                surface = text[c.start:c.end]
                n = named[t][surface]
                if n[3]:
                    c.key, c.canonical, c.family = n[0], n[1], n[2]
                else:
                    c.key = n[0]
            if not c.key:
                continue
            if al is not None:
                if surface is None:
                    surface = text[c.start:c.end]
                if not self._apply_alias_rules(al, c, surface):
                    continue
            out.append(c)
            if c.canonical:
                if c.family is None:
                    fams = families.get(c.type)
                    if fams is not None:
                        c.family = fams[c.canonical]
                continue
            if surface is None:
                surface = text[c.start:c.end]
            unnamed.append((c, surface))
            forms = surfaces.get(c.key)
            if forms is None:
                surfaces[c.key] = [surface]
            else:
                forms.append(surface)
        # display names: the best surface form per key
        for c, surface in unnamed:
            forms = surfaces[c.key]
            if len(forms) > 1:
                forms = surfaces[c.key] = [_display_name(forms)]
            c.canonical = forms[0] or surface
            if c.family is None:
                fams = families.get(c.type)
                if fams is not None:
                    c.family = fams[c.canonical]
        return out

    def _name_of(self, type: str, surface: str) -> tuple[str, str | None, str | None, bool]:
        """``(key, canonical, family, known)`` of a mention of type ``type`` written ``surface`` that has no key
        yet: the gazetteer entry's when ``entity_key(surface)`` is an entry's key or the key of one of its names
        (``known``), else that key alone. Memoised per surface in ``_named[type]``: surfaces recur across
        papers."""
        k = entity_key(surface)
        e = self.by_key.get(k) or self.variant_keys.get(k)
        return (e.key, e.name, e.family, True) if e is not None and e.type == type else (k, None, None, False)

    def _family_of(self, type: str, name: str) -> str | None:
        """The family name of the entity ``name`` of type ``type`` (see :func:`~extract.canonical.family_of`):
        the gazetteer's name of the family when it knows it. Memoised per name in ``_families[type]``."""
        fam = family_of(name, type)
        if not fam:
            return None
        e = self.by_key.get(fam[1])
        return e.name if e is not None else fam[0]

    @staticmethod
    def _apply_alias_rules(al: AliasRules, c: Cand, surface: str) -> bool:
        """Apply the user's block / split / retype rules to ``c`` (``False``: the mention is blocked)."""
        if al.is_blocked(c.key, c.type) or al.is_blocked(surface, c.type):
            return False
        sp = al.split_for(surface)
        if sp is not None:
            new_key = sp.key
            if new_key == c.key and c.canonical and entity_key(c.canonical) == new_key:
                pass
            elif new_key == c.key:
                new_key = f"{new_key}~{entity_key(surface)}"
            c.key, c.canonical, c.family = new_key, sp.name, None
            if sp.type:
                c.type = sp.type
        rt = al.retype(c.key)
        if rt:
            c.type = rt
        return True


class _MemoPerType(dict):
    """type -> a :class:`~extract.components.state.Memo` of ``fn(type, key)`` per key, made on first use: a
    memo read by two string keys builds no tuple."""

    __slots__ = ("fn",)

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, type: str) -> Memo:
        m = self[type] = Memo(partial(self.fn, type))
        return m


def _has_digit(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a digit (``\\d``).

    In ASCII text (``str.isascii`` reads a flag) the digits are ``0``-``9``: ten ``in`` scans (memchr)
    cost a fraction of the regex engine testing every character for a Unicode digit.
    """
    if text.isascii():
        return any(map(text[start:end].__contains__, _ASCII_DIGITS))
    return _DIGIT.search(text, start, end) is not None


def _version_after(text: str, end: int) -> re.Match | None:
    """``_VERSION_AFTER.match(text, end)``: a version right after a dataset name (`` 2012``, `` v2.0``).

    A version starts with a space, then a digit (``\\d``: ``str.isdecimal``) or ``v``: the regex runs only where
    one can start (a regex call costs far more than these two tests, and most names are followed by a word).
    """
    nxt = text[end + 1:end + 2]
    if (nxt == "v" or nxt.isdecimal()) and text.startswith(" ", end):
        return _VERSION_AFTER.match(text, end)
    return None


def _display_name(forms: list[str]) -> str:
    """The display name of a key from the surfaces of its mentions (the surface itself if all agree)."""
    first = forms[0]
    for f in forms:
        if f != first:
            return canonical_name(forms)
    return first


def _gaz(cands) -> object | None:
    for c in cands:
        if c.rule.startswith("gazetteer") and c.entry is not None and not isinstance(c.entry, tuple):
            return c.entry
    return None


def _weak_wins(c: Cand, a: Cand) -> bool:
    """Whether weak ``c`` replaces strong ``a`` it contains: ``a`` is its head (``sparse convolution`` over
    ``convolution``) or, for a name shape, its family prefix (``ViT-B/16`` over ``ViT``)."""
    if a.strength != STRONG or a.type != c.type:
        return False
    if a.rule.startswith(("abbreviation", "title", "naming", "proposal", "appositive")):
        return False
    if c.start < a.start and a.end == c.end:
        return True
    return c.rule == "shape" and c.start == a.start and a.end < c.end and a.rule.startswith("gazetteer")


def _overlap_order(c: Cand) -> tuple[int, int, int, int]:
    """Strong before weak, then longer first, then higher priority, then by start (the order of
    :func:`_resolve_cluster`, as an ascending key)."""
    return (-c.strength, c.start - c.end, -c.prio, c.start)


def _overlap_rank(c: Cand) -> tuple[int, int, int, int]:
    """:func:`_overlap_order` negated, for a descending sort (``reverse=True`` keeps ties in their order):
    one negation per candidate instead of three."""
    return (c.strength, c.end - c.start, c.prio, -c.start)


_START = attrgetter("start")
_RULE = attrgetter("rule")


def resolve_overlaps(cands: list[Cand]) -> list[Cand]:
    """Non-overlapping candidates (see the module docstring, step 3), sorted by start.

    Candidates only compete with those they overlap, so the candidates are split into *clusters*, runs (in
    order of start) that overlap one another in a chain, and each cluster is resolved on its own: a
    candidate alone in its cluster (a quarter of them) is kept as it is, a pair of candidates (a third) is
    decided by :func:`_pair_winner`, and only the larger clusters go through :func:`_resolve_cluster`.
    The result is that of :func:`_resolve_cluster` on all candidates: a cluster's winners lie between its
    first start and its last end, which no other cluster's span reaches. (A candidate with an empty span
    breaks that reasoning: the rare list holding one goes through :func:`_resolve_cluster` as a whole.)
    """
    by_start = sorted(cands, key=_START)  # (stable: candidates of one span stay in their order)
    by_start.append(_AFTER_ALL)  # (closes the last cluster; itself never added)
    out: list[Cand] = []
    i0 = 0  # where the current cluster starts in by_start
    end = -1  # where it ends in the text
    for k, c in enumerate(by_start):
        s = c.start
        e = c.end
        if e <= s:
            return _resolve_cluster(cands)
        if s >= end:  # (c overlaps nothing before it: the cluster by_start[i0:k] is complete)
            n = k - i0
            if n == 1:
                out.append(by_start[i0])
            elif n == 2:
                out.append(_pair_winner(by_start[i0], by_start[i0 + 1]))
            elif n:
                out += _resolve_cluster(by_start[i0:k])
            i0 = k
            end = e
        elif e > end:
            end = e
    return out


# a candidate after every other (its span lies past any text): resolve_overlaps appends it to the candidates in
# order of start, so that the last cluster ends before it
_AFTER_ALL = Cand(sys.maxsize - 1, sys.maxsize, "method", "after-all", 0)


def _pair_winner(a: Cand, b: Cand) -> Cand:
    """The one of two overlapping candidates that :func:`_resolve_cluster` keeps (``a`` comes first in the
    list, ``b`` does not start before it): the higher ranked (:func:`_overlap_rank`; ``a`` on a tie),
    unless the other one is weak and replaces it (:func:`_weak_wins`; never its twin of the same span)."""
    sa = a.strength
    sb = b.strength
    if sb > sa or (sb == sa and (b.end - b.start, b.prio, -b.start) > (a.end - a.start, a.prio, -a.start)):
        a, b = b, a
        sb = sa
    if sb == WEAK and not (a.start == b.start and a.end == b.end) and _weak_wins(b, a):
        return b
    return a


def _resolve_cluster(cands: list[Cand]) -> list[Cand]:
    """Non-overlapping candidates (see the module docstring, step 3), sorted by start: in rank order, a
    candidate is kept when it overlaps no kept one, and a weak one replaces the kept ones it overlaps
    when it wins over each of them (:func:`_weak_wins`)."""
    accepted: list[Cand] = []  # non-overlapping, sorted by start (hence by end too)
    starts: list[int] = []
    for c in sorted(cands, key=_overlap_rank, reverse=True):
        s = c.start
        i = bisect_left(starts, c.end)  # accepted[:i] start before c ends
        j = i
        while j > 0 and accepted[j - 1].end > s:
            j -= 1
        if j == i:
            accepted.insert(i, c)
            starts.insert(i, s)
        elif c.strength == WEAK:
            if i - j == 1:
                a = accepted[j]
                # (most often ``a`` has the span of ``c``: a twin is never replaced, known without a call)
                if (a.start == s and a.end == c.end) or not _weak_wins(c, a):
                    continue
            elif not all(_weak_wins(c, a) for a in accepted[j:i]):
                continue
            accepted[j:i] = [c]
            starts[j:i] = [s]
    return accepted
