"""Result claims in abstracts: (method, dataset, metric, value) tuples.

Pure function (no spaCy): :func:`find_results` takes a field's text, its
sentence spans and the entity mentions the pipeline found in it, and reads the
headline numbers of each sentence:

* ``"achieves 84.3% top-1 accuracy on ImageNet-1K"``      absolute
* ``"top-1 accuracy of 87.8%"``, ``"AUC = 0.955"``        absolute
* ``"+3.5 AP on COCO"``, ``"improves AP by 3.5 points"``  improvement
* ``"outperforms X by 2.3% mIoU on ADE20K"``              improvement, baseline X
* ``"1.6x higher training throughput than ConvNeXt-T"``   ratio, baseline ConvNeXt-T
* ``"52.1 box AP and 45.3 mask AP on COCO"``              two tuples

A number becomes a result only when a metric is written next to it: a metric
mention (closest, within a short gap of connector words) or, without one, a
well-known metric token from ``extract/patterns/result_rules.json``.  Numbers
that are years, sizes (``256x256``), counts and model sizes (``7B``, ``10k``),
citations, ranges and parts of names are never results.  Precision is
favoured over recall.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import NamedTuple

from extract.asciire import ascii_twin
from extract.numbers import Number, find_numbers
from extract.records import Mention, Result, new_result

try:  # written by another module owner; keep a local fallback
    from extract.canonical import entity_key as _entity_key
except ImportError:  # pragma: no cover - depends on which modules exist
    _entity_key = None


def _key(name: str) -> str:
    """The entity key of a metric name (``extract.canonical.entity_key`` when present)."""
    if _entity_key is not None:
        try:
            return _entity_key(name)
        except Exception:  # noqa: BLE001 - a foreign helper must not break extraction
            pass
    return re.sub(r"[^0-9a-z]+", "", name.lower())


class _Span(NamedTuple):
    """A metric, dataset or method span inside one sentence (absolute offsets; a tuple: cheap to make)."""

    start: int
    end: int
    type: str
    name: str
    key: str
    role: str = "used"


_LEFT, _RIGHT = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"


class _MetricScanner:
    """Spans of ``(?<![A-Za-z0-9])(?:REGEXES|FORMS)(?![A-Za-z0-9])`` (case-insensitive or not) in a text.

    Case-insensitive matching (``re.IGNORECASE``) is slow in ``re``; for ASCII text and ASCII forms,
    the same matches come from a case-sensitive regex of the lower-cased forms run on the lower-cased
    text (same length, same offsets). Anything else uses the case-insensitive regex.

    Even so a scan costs ~20 ns per character, and most sentences hold no form: :meth:`may_match` rules
    those out first from the sentence's words (see :func:`_lower_words`).
    """

    def __init__(self, regexes: list[str], forms: list[str], ignorecase: bool) -> None:
        alts = regexes + ([_alternation(forms)] if forms else [])
        self.full = re.compile(f"{_LEFT}(?:{'|'.join(alts)}){_RIGHT}", re.IGNORECASE if ignorecase else 0)
        self.folded = None
        if ignorecase and not regexes and all(f.isascii() for f in forms):
            self.folded = re.compile(f"{_LEFT}(?:{_alternation([f.lower() for f in forms])}){_RIGHT}")
        # the word prefilter: every match of a form holds all the form's words as words of the text,
        # and then (lower-cased: one word list of the text serves both scanners) the lower-cased ones
        self.needs: dict[bytes, list[frozenset[bytes]]] | None = {}
        if ignorecase and self.folded is None:
            self.needs = None  # (Unicode case folding: "ſ" in a form matches "s" in ASCII text)
        for f in forms if self.needs is not None else ():
            words = _lower_words(f)
            if not words:  # (a form without a letter or digit: no prefilter)
                self.needs = None
                break
            self.needs.setdefault(words[0], []).append(frozenset(words))
        self.firsts = frozenset(self.needs or ())
        self.first_text = {w: w.decode() for w in self.firsts}
        # every match of a form starts with the form's first word (see anchored_spans)
        self.anchored = self.needs is not None and all(f[:1].isascii() and f[:1].isalnum() for f in forms)
        # a regex alternative can match only where its required character is (None: anywhere)
        chars = [_required_char(r, re.IGNORECASE if ignorecase else 0) for r in regexes]
        self.regex_chars = None if None in chars else "".join(chars)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of the matches in ``text``, as ``self.full.finditer(text)`` finds them."""
        if self.folded is not None and text.isascii():
            return [m.span() for m in self.folded.finditer(text.lower())]
        return [m.span() for m in self.full.finditer(text)]

    def anchored_spans(self, text: str, words: list[bytes]) -> list[tuple[int, int]] | None:
        """:meth:`spans` of the ASCII ``text`` (``words``: its :func:`_lower_words`) found by trying the
        regex only where a match can start, or ``None`` when that cannot be done (use :meth:`spans`).

        A match of a form starts with the form's first word (the forms start with a letter or digit),
        and the text holds all its words; so every match starts where the lower-cased text holds the
        first word of such a form. ``finditer`` finds, left to right, the match at the first such place
        at or after the end of the last match; so does this (``match`` at a few places instead of a
        scan that tries the forms at every character). A regex alternative has no first word: when its
        required character is in the text, ``None``.
        """
        if not self.anchored or self.regex_chars is None:
            return None
        for c in self.regex_chars:
            if c in text:
                return None
        have = set(words)
        needs = self.needs
        firsts = [w for w in self.firsts.intersection(have) if any(need <= have for need in needs[w])]
        if not firsts:
            return []
        low = text.lower()
        places = []
        for w in firsts:
            w = self.first_text[w]
            i = low.find(w)
            while i >= 0:
                places.append(i)
                i = low.find(w, i + 1)
        places.sort()
        rx, target = (self.folded, low) if self.folded is not None else (self.full, text)
        out: list[tuple[int, int]] = []
        end = 0
        for i in places:
            if i >= end:
                m = rx.match(target, i)
                if m is not None:
                    out.append(m.span())
                    end = m.end()
        return out

    def may_match(self, text: str, words: list[bytes] | None) -> bool:
        """``False`` when :meth:`spans` surely finds nothing in ``text``; ``words``: its :func:`_lower_words`."""
        if self.needs is None or self.regex_chars is None or words is None:
            return True
        for c in self.regex_chars:
            if c in text:
                return True
        if self.firsts.isdisjoint(words):
            return False
        have = set(words)
        for w in self.firsts.intersection(have):
            for need in self.needs[w]:
                if need <= have:
                    return True
        return False


# bytes.translate table: ASCII letters and digits kept (lower-cased), every other byte a space
_LOWER_WORD_BYTES = bytes(ord(chr(i).lower()) if chr(i).isascii() and chr(i).isalnum() else 32 for i in range(256))


def _lower_words(text: str) -> list[bytes]:
    """The words of ``text`` lower-cased, in order: its maximal runs of ASCII letters and digits.

    A match of a metric form starts and ends at word boundaries (the scanners' look-arounds) and its
    inner words are bounded by the form's own non-word characters, so every word of the form is a
    word of the text (and lower-cased, of the lower-cased text).
    """
    return text.encode("utf-8").translate(_LOWER_WORD_BYTES).split()


def _required_char(pattern: str, flags: int = 0) -> str | None:
    """A character that every match of ``pattern`` holds (a top-level literal), or ``None``.

    Read from the parsed pattern: ``(?:Recall|R|mAP)@\\d+`` -> ``"@"``. Under ``re.IGNORECASE`` only a
    character without case counts.
    """
    try:
        from re import _constants as c
        from re import _parser
        parsed = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - (another Python's parser): no required character
        return None
    ignorecase = bool(parsed.state.flags & re.IGNORECASE)
    for op, av in parsed.data:
        if op is c.LITERAL:
            ch = chr(av)
            if not ignorecase or ch.lower() == ch.upper():
                return ch
    return None


@dataclass(frozen=True)
class _Rules:
    metric_cs: _MetricScanner | None
    metric_ci: _MetricScanner | None
    metric_names: dict
    follow_words: frozenset
    precede_words: frozenset
    improvement_words: frozenset
    verbs: re.Pattern
    verbs_low: re.Pattern | None  # ``verbs`` for lower-cased ASCII text (case-sensitive: faster), all one-word
    verb_words: frozenset | None  # the verbs (bytes) when ``verbs_low`` is there (see _verb_words_at)
    baseline_cue: re.Pattern
    baseline_prefixes: tuple[str, ...] | None  # every ``baseline_cue`` match starts with one (lower case)
    baseline_low: re.Pattern | None  # ``baseline_cue`` for lower-cased ASCII text (see _baseline_cue_in)
    proposed_cue: _Cued
    negative_subject: _Cued
    dataset_blockers: _Cued
    ignore: frozenset
    # the words one of which every match of either metric scanner holds, and the characters that
    # let a regex alternative match anyway (see _no_free_metric); None: no such prefilter
    metric_firsts: frozenset | None = None
    metric_chars: str = ""
    # first word -> the word sets of the forms it starts (both scanners), when every match of either
    # starts at such a word (see _no_free_metric); None: no such prefilter
    metric_needs: dict[bytes, list[frozenset[bytes]]] | None = None
    metric_solo: frozenset = frozenset()  # the first words that are a whole form


def _alternation(forms: list[str]) -> str:
    """A regex matching any of ``forms``, the longest that fits first (as ``"|".join`` of them sorted
    longest first), written as a trie: ``re`` tries the alternatives of a flat alternation one by one
    at every position, a trie only along the one path the text follows."""
    trie: dict = {}
    for f in forms:
        node = trie
        for ch in f:
            node = node.setdefault(ch, {})
        node[""] = {}  # a form ends here
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    # children before the end of a form: a longer form is tried before a shorter one; the children
    # start with different characters, so at most one of them can match at a position
    alts = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    if len(alts) == 1 and "" not in node:
        return alts[0]
    return "(?:" + "|".join(alts) + (")?" if "" in node else ")")


def _literal_prefixes(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased ASCII literal prefixes, one of which starts every match of ``pattern``, or ``None``.

    Read from the parsed pattern when it starts with an alternation whose every branch starts with
    literal characters (``(?:than|over|compared\\s+to|...)...``). For ASCII text, a case-insensitive
    match then needs one of them in the lower-cased text: a cheap test before a search.
    """
    try:
        from re import _constants as c
        from re import _parser
        items = _parser.parse(pattern, flags).data
    except Exception:  # noqa: BLE001 - (another Python's parser): no prefixes, the regex alone decides
        return None
    if not items or items[0][0] is not c.BRANCH:
        return None
    out = []
    for branch in items[0][1][1]:
        lit = []
        for op, av in branch:
            if op is not c.LITERAL or av >= 128:
                break
            lit.append(chr(av))
        if not lit:
            return None
        out.append("".join(lit).lower())
    return tuple(dict.fromkeys(out))


def _branch_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased ASCII strings, one of which every match of ``pattern`` holds, or ``None``.

    Read from the parsed pattern when it is one alternation (between optional ``\\b``): from each branch,
    its longest run of literal characters (``\\bwhile\\b`` -> ``while``, ``pre-?train`` -> ``train``).
    For ASCII text, a case-insensitive match then needs one of them in the lower-cased text.
    """
    try:
        from re import _constants as c
        from re import _parser
        items = [it for it in _parser.parse(pattern, flags).data if it[0] is not c.AT]
    except Exception:  # noqa: BLE001 - (another Python's parser): no literals, the regex alone decides
        return None
    if len(items) != 1 or items[0][0] is not c.BRANCH:
        return None
    out = []
    for branch in items[0][1][1]:
        best, run = "", []
        for op, av in list(branch) + [(None, None)]:
            if op is c.LITERAL and av < 128:
                run.append(chr(av))
            elif op is not c.AT:  # (a word boundary takes no character: the run goes on)
                if len(run) > len(best):
                    best = "".join(run)
                run = []
        if not best:
            return None
        out.append(best.lower())
    return tuple(dict.fromkeys(out))


class _Cued:
    """A case-insensitive regex whose ``search`` first looks for its :func:`_branch_literals` in ASCII
    text: a substring test rules out most texts far faster than the regex tries its alternatives at
    every position. ``search`` is the regex's own (``None`` when the literals rule a match out);
    :meth:`found` answers whether it finds one, faster."""

    __slots__ = ("regex", "literals", "low_regex")

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern, re.IGNORECASE)
        self.literals = _branch_literals(pattern, re.IGNORECASE)
        # (for lower-cased ASCII text: an ASCII pattern without upper case letters finds there, case-
        # sensitively, what it finds in the text ignoring case)
        self.low_regex = (ascii_twin(pattern) or re.compile(pattern)) if pattern.isascii() \
            and pattern == pattern.lower() else None

    def search(self, text: str) -> re.Match | None:
        lits = self.literals
        if lits is not None and text.isascii():
            low = text.lower()
            for lit in lits:
                if lit in low:
                    break
            else:
                return None
        return self.regex.search(text)

    def found(self, text: str) -> bool:
        """``self.search(text) is not None``: in ASCII text, the literals first, then the regex for
        lower-cased text (when there is one: case-sensitive, it skips ahead to the literals)."""
        lits = self.literals
        if lits is None or not text.isascii():
            return self.regex.search(text) is not None
        low = text.lower()
        if not any(map(low.__contains__, lits)):
            return False
        return (self.low_regex or self.regex).search(low if self.low_regex else text) is not None


def _baseline_cue(rules: _Rules, lead: str) -> bool:
    """Whether ``rules.baseline_cue.search(lead)`` finds a cue.

    For ASCII text, every match starts where the lower-cased text holds one of the cue's literal
    prefixes: the regex is tried there only (``match`` at a few places instead of a case-insensitive
    ``search`` that tries a dozen alternatives at every position).
    """
    pre = rules.baseline_prefixes
    if pre is not None and lead.isascii():
        low = lead.lower()
        match = rules.baseline_cue.match
        for p in pre:
            i = low.find(p)
            while i >= 0:
                if match(lead, i) is not None:
                    return True
                i = low.find(p, i + 1)
        return False
    return rules.baseline_cue.search(lead) is not None


def _baseline_cue_in(rules: _Rules, text: str, low: str | None, start: int, end: int) -> bool:
    """``_baseline_cue(rules, text[start:end])``; ``low``: ``text.lower()`` when ``text`` is ASCII.

    The cue regex has no look-behind, word boundary or ``^`` (see :func:`_lower_slice_free`), so a match
    at ``i`` in the slice is a ``match(text, start + i, end)``; on ASCII text, a case-sensitive one
    in ``low``. One ``search`` of ``low`` between the bounds then answers, without a slice.
    """
    rx = rules.baseline_low
    if low is not None and rx is not None:
        pre = rules.baseline_prefixes
        if pre is not None:  # (every match starts with one: a few substring tests rule most leads out)
            lead = low[start:end]
            for p in pre:
                if p in lead:
                    break
            else:
                return False
        return rx.search(low, start, end) is not None
    return _baseline_cue(rules, text[start:end])


def _lower_slice_free(pattern: str) -> bool:
    """Whether ``pattern`` (used with ``re.IGNORECASE`` on ASCII text) matches a slice ``text[a:b]`` where a
    case-sensitive ``match(text.lower(), ..., b)`` of it does: an ASCII pattern without upper-case letters
    (no ``\\S``, ``\\W``, ``\\B``, ...; no non-ASCII letter that folds to an ASCII one), and nothing
    that looks before the match start (no look-behind, ``\\b``, ``^``)."""
    return pattern.isascii() and pattern == pattern.lower() and "(?<" not in pattern and "^" not in pattern \
        and "\\b" not in pattern and "\\A" not in pattern


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = json.loads(resources.files("extract").joinpath("patterns/result_rules.json").read_text("utf-8"))
    names: dict[str, str] = {}
    cs: list[str] = []
    ci: list[str] = []
    regexes: list[str] = []
    for name, forms in data["metrics"].items():
        for form in forms:
            if form.startswith("re:"):
                regexes.append(form[3:])
                continue
            names[form if any(c.isupper() for c in form) else form.lower()] = name
            (cs if any(c.isupper() for c in form) else ci).append(form)
    words = "|".join(sorted(data["result_verbs"], key=len, reverse=True))
    rules = _Rules(
        metric_cs=_MetricScanner(regexes, cs, False) if regexes or cs else None,
        metric_ci=_MetricScanner([], ci, True) if ci else None,
        metric_names=names,
        follow_words=frozenset(data["follow_gap_words"]),
        precede_words=frozenset(data["precede_gap_words"]),
        improvement_words=frozenset(data["improvement_words"]),
        verbs=re.compile(rf"\b(?:{words})\b", re.IGNORECASE),
        # (as a trie: one path tried per word start instead of a hundred alternatives)
        verbs_low=re.compile(rf"\b(?:{_alternation(data['result_verbs'])})\b", re.ASCII) if all(
            re.fullmatch(r"[a-z]+", w) for w in data["result_verbs"]) else None,
        verb_words=frozenset(w.encode() for w in data["result_verbs"]) if all(
            re.fullmatch(r"[a-z]+", w) for w in data["result_verbs"]) else None,
        baseline_cue=re.compile(data["baseline_cue"], re.IGNORECASE),
        baseline_prefixes=_literal_prefixes(data["baseline_cue"], re.IGNORECASE),
        baseline_low=(ascii_twin(data["baseline_cue"]) or re.compile(data["baseline_cue"]))
        if _lower_slice_free(data["baseline_cue"]) else None,
        proposed_cue=_Cued(data["proposed_cue"]),
        negative_subject=_Cued(data["negative_subject"]),
        dataset_blockers=_Cued(data["dataset_blockers"]),
        ignore=frozenset(data["ignore_tokens"]),
    )
    return _with_metric_prefilter(rules)


def _with_metric_prefilter(rules: _Rules) -> _Rules:
    """``rules`` with the prefilter of both metric scanners at once (see :func:`_no_free_metric`)."""
    scanners = [sc for sc in (rules.metric_cs, rules.metric_ci) if sc is not None]
    if any(sc.needs is None or sc.regex_chars is None for sc in scanners):
        return rules
    needs: dict[bytes, list[frozenset[bytes]]] | None = {}
    for sc in scanners:
        if not sc.anchored:
            needs = None
            break
        for w, sets in sc.needs.items():
            needs.setdefault(w, []).extend(sets)
    return replace(rules, metric_firsts=frozenset().union(*(sc.firsts for sc in scanners)),
                   metric_chars="".join(sc.regex_chars for sc in scanners), metric_needs=needs,
                   metric_solo=frozenset(w for w, sets in (needs or {}).items() if frozenset([w]) in sets))


_TOKEN_RE = re.compile(r"zz[a-z]+zz|[A-Za-z][\w'-]*|\d+(?:\.\d+)?|\S")
# the same tokens in ASCII text (``\w`` and ``\d`` spelled out: ``re`` tests the Unicode classes per character)
_TOKEN_ASCII_RE = ascii_twin(r"zz[a-z]+zz|[A-Za-z][A-Za-z0-9_'-]*|[0-9]+(?:\.[0-9]+)?|\S")
_FROM_TO_RE = re.compile(r"\bfrom\s+[+-]?[\d.,]+\s*(?:\\?%|x|×)?\s+to\s*$", re.IGNORECASE)
_CITATION_RE = re.compile(r"\[[\d,\s\u2013-]+\]")
_COMPARATIVE_AFTER_RE = re.compile(
    r"\s*(?:(?:absolute|relative)\s+)?(?:(?:higher|lower|better|worse)\b|(?:more|less|fewer)(?=\s+(?:than|over)\b)|"
    r"(?:improvements?|gains?|increases?|reductions?|drops?|decreases?|boosts?)(?=\s+(?:than|over|compared|against|relative|in|on|from)\b|\s*[,.;)]|\s*$))",
    re.IGNORECASE,
)
_BY_AFTER_VERB_RE = re.compile(
    r"\b(?:outperform\w*|surpass\w*|exceed\w*|improv\w*|beat\w*|boost\w*)\b[^,;]{0,60}\bby\s+"
    r"(?:up\s+to\s+|about\s+|around\s+|nearly\s+|over\s+|roughly\s+|approximately\s+)?$",
    re.IGNORECASE,
)
_OWN_VALUE_AFTER_RE = re.compile(r"\s*(?:=|:|of\s|is\s|was\s|\()\s*\$?[+-]?\d")
_IMPROVEMENT_NOUN_AFTER_RE = re.compile(r"\s*(?:improvements?|gains?|increases?|boosts?|reductions?|drops?)\b", re.I)
_IMPROVEMENT_NOUNS = {"improvement", "improvements", "gain", "gains", "increase", "boost", "reduction", "decrease",
                      "margin", "drop"}
# one of them as a substring (of lower-cased text): what a token among _IMPROVEMENT_NOUNS needs
_IMPROVEMENT_NOUN_RE = re.compile("|".join(sorted(_IMPROVEMENT_NOUNS)))
_YEAR_MIN, _YEAR_MAX = 1950, 2100
_SKIP_UNITS = {"K", "M", "B", "T", "d", "h", "GB", "MB", "TB", "KB", "FLOPs", "GFLOPs", "TFLOPs", "MACs", "GMACs"}


_ABOUT_ELSE_RE = re.compile(r"\s*(?:fewer|more|less|smaller|larger|of\s+the)\s+(?!than\b)", re.I)
_NUMBER_CORE_RE = re.compile(r"[+\-\u2212\u2013]?\s*[\d.,]+")
_TO_NUMBER_RE = re.compile(r"\s+to\s+[+-]?\d")
_FROM_BEFORE_RE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_SCOPE_LEAD_RE = re.compile(r"\b(?:on|in|for|across|over|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_TRAINED_ON_RE = re.compile(r"pre-?train|trained\s+on\s+$|fine-?tun\w*\s+on\s+$", re.I)
_FRONT_LEAD_RE = re.compile(r"\s*(?:on|in|for|across)\s+(?:the\s+)?", re.IGNORECASE)
_FRONT_COMMA_RE = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:benchmark|dataset)?\s*,", re.IGNORECASE)
_CLAUSE_PUNCT_RE = re.compile(r"[;,()]")
_OTHER_CLAUSE_RE = re.compile(r"[;,]|\b(?:while|whereas|and)\b")
_SPEEDUP_AFTER_RE = re.compile(r"\s*(?:faster|speed-?ups?|acceleration)\b")
_WHERE = r"(?:(?:on|in|for|with)\s+(?:the\s+|a\s+|an\s+)?(?:zzdatasetzz|[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}))"
# the gap between two numbers of a list: "4.6% on A, 5.8% on B, and 13.4% on C"
_LIST_GAP_RE = re.compile(
    rf"\s*(?:{_WHERE}\s*(?:\([^()]*\))?\s*)?(?:,|;)?\s*(?:and\s+)?(?:{_WHERE}\s*,?\s*)?(?:by\s+)?", re.IGNORECASE)
_ANY_DIGIT_RE = re.compile(r"\d")


def _folded(rx: re.Pattern) -> re.Pattern:
    """The case-insensitive ``rx`` for lower-cased ASCII text: case-sensitive (faster: no case folding per
    character), it finds there what ``rx`` finds in the text (its pattern is ASCII without upper case)."""
    if not (rx.pattern.isascii() and rx.pattern == rx.pattern.lower()):
        raise ValueError(f"not a lower-case ASCII pattern: {rx.pattern}")
    return ascii_twin(rx.pattern) or re.compile(rx.pattern)  # (and with ASCII classes: see extract.asciire)


_SCOPE_LEAD_LOW_RE = _folded(_SCOPE_LEAD_RE)
_TRAINED_ON_LOW_RE = _folded(_TRAINED_ON_RE)
_COMPARATIVE_AFTER_LOW_RE = _folded(_COMPARATIVE_AFTER_RE)
_IMPROVEMENT_NOUN_AFTER_LOW_RE = _folded(_IMPROVEMENT_NOUN_AFTER_RE)
_ABOUT_ELSE_LOW_RE = _folded(_ABOUT_ELSE_RE)
_BY_AFTER_VERB_LOW_RE = _folded(_BY_AFTER_VERB_RE)
_LIST_GAP_LOW_RE = _folded(_LIST_GAP_RE)
# A necessary condition for a _LIST_GAP_LOW_RE match, checked in linear time (possessive: no backtracking).
# Outside its one optional "(...)", the gap regex consumes only white space, "," and ";" and pieces made of
# [\w-] characters: per _WHERE a preposition, an article and at most three words (or zzdatasetzz), then
# "and" and "by": at most 12 pieces, so at most 12 maximal runs of [\w-] characters (each run holds a piece;
# the pieces do not overlap). Gaps failing this are rejected without the gap regex, whose nested optional
# words backtrack for 5-25 us on a long gap that fails.
_SEP = r"[\s\x1c-\x1f,;]*+"
_RUNS = rf"(?:[\w-]++{_SEP}){{0,12}}+"
_LIST_GAP_SHAPE_RE = re.compile(rf"{_SEP}{_RUNS}(?:\([^()]*+\){_SEP}{_RUNS})?", re.ASCII)


def _is_list_gap(gap: str, ascii_text: bool) -> bool:
    """Whether ``gap`` (masked: see :func:`_masked`) is the gap between two numbers of a list
    (``_LIST_GAP_RE.fullmatch``); ``ascii_text``: the text is ASCII (then the faster twin on the lower-cased
    gap, after the cheap :data:`_LIST_GAP_SHAPE_RE` test)."""
    if not ascii_text:
        return _LIST_GAP_RE.fullmatch(gap) is not None
    low = gap.lower()
    return _LIST_GAP_SHAPE_RE.fullmatch(low) is not None and _LIST_GAP_LOW_RE.fullmatch(low) is not None


def _may_hold_number_word(text: str) -> bool:
    """Whether ``text`` may hold a number written without digits (``twice``, ``three times``, ``3-fold``).

    With :data:`_ANY_DIGIT_RE`, a cheap necessary condition for :func:`~extract.numbers.find_numbers`
    to find anything; non-ASCII text always may (case folding beyond ASCII is left to the real regexes).
    """
    if not text.isascii():
        return True
    low = text.lower()
    return "twice" in low or "times" in low or "fold" in low


def _has_digit(text: str) -> bool:
    """``_ANY_DIGIT_RE.search(text)``; for ASCII text by substring tests (``in`` scans far faster than ``re``)."""
    if text.isascii():
        return ("0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text
                or "6" in text or "7" in text or "8" in text or "9" in text)
    return _ANY_DIGIT_RE.search(text) is not None


def _may_hold_number(sent: str) -> bool:
    """Cheap necessary condition for :func:`~extract.numbers.find_numbers` to find anything in ``sent``."""
    return _has_digit(sent) or _may_hold_number_word(sent)


# bytes.translate table: every ASCII digit becomes "0"
_DIGITS_AS_ZERO = bytes(ord("0") if 48 <= i <= 57 else i for i in range(256))


def _digits_as_zero(text: str) -> bytes:
    """The ASCII ``text`` encoded with every digit made "0" (same offsets: one byte per character)."""
    return text.encode("ascii").translate(_DIGITS_AS_ZERO)


def _number_sentences(text: str, sentences: list[tuple[int, int]], low: str | None = None,
                      words: list[tuple[int, int]] | None = None, digits: bytes | None = None,
                      ) -> Iterator[tuple[int, int, str]]:
    """``(start, end, text[start:end])`` of the ``sentences`` (in sorted order) that pass :func:`_may_hold_number`.

    ``low``: ``text.lower()`` for ASCII text. There a sentence holds a digit where the first digit of the
    text at or after its start (all digits made "0", same offsets: one ``find`` per sentence with a
    digit, not per sentence) lies before its end, and a number word where one of the lower-cased text's
    number words lies between its bounds (found once for the text: most hold none; ``words``: the
    :func:`_number_words` of ``low`` when the caller has them; ``digits``: the text so encoded, when
    the caller has it).
    """
    if not text.isascii():
        for ss, se in sorted(sentences):
            sent = text[ss:se]
            if _may_hold_number(sent):
                yield ss, se, sent
        return
    if digits is None:
        digits = _digits_as_zero(text)
    find = digits.find
    if words is None:
        words = _number_words(low if low is not None else text.lower())
    n = len(text)
    i = -1  # the first digit at or after the start of the sentence (known while ``i >= ss``)
    for ss, se in sorted(sentences):
        if i < ss:
            i = find(b"0", ss)
            if i < 0:
                if not words:
                    return  # (no digit and no number word in the rest of the text)
                i = n
        if i < se:
            yield ss, se, text[ss:se]
            continue
        if words and _holds_word(words, ss, se):
            yield ss, se, text[ss:se]


def _holds_word(words: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one of the spans ``words`` lies inside ``[start, end)``."""
    for a, b in words:
        if start <= a and b <= end:
            return True
    return False


def _number_words(low: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every ``twice``, ``times`` and ``fold`` in the lower-cased ASCII ``low``."""
    out = []
    for w in ("twice", "times", "fold"):
        i = low.find(w)
        while i >= 0:
            out.append((i, i + len(w)))
            i = low.find(w, i + 1)
    return out


_DIGIT_THEN_X_ASCII_RE = re.compile(r"[0-9]\s*[xX]")  # (a digit, then an x unit; in ASCII text)
# In ASCII text, where every number find_numbers reads starts: a digit or dot not glued to a name (after
# a letter, digit or one of "_@./#^\\'"), nor after a dash or plus sign that is itself glued to one
# ("ResNet-50", "GPT-4", "C++11": find_numbers skips those). Without one (and without a number word, which
# a sentence that fails _may_rate_or_ratio lacks) it reads none.
_FREE_NUMBER_RE = re.compile(
    r"[0-9.](?<![A-Za-z0-9_@./#^\\'][0-9.])(?<![A-Za-z0-9)%\]}_]-[0-9.])(?<![A-Za-z0-9+/]\+[0-9.])")


def _may_rate_or_ratio(sent: str) -> bool:
    """Cheap necessary condition for :func:`~extract.numbers.find_numbers` to find a number with the unit
    ``fps`` or ``x`` in ``sent`` (``30 fps``, ``1.6x``, ``1.6$\\times$``, ``3-fold``, ``three times``, ``twice``).

    Every number ends in a digit; an ``x`` unit follows it after optional white space. Non-ASCII text
    always may.
    """
    if not sent.isascii():
        return True
    low = sent.lower()
    return _may_rate_or_ratio_ascii(sent, "times" in low or "fold" in low or "twice" in low)


def _may_rate_or_ratio_ascii(sent: str, has_word: bool) -> bool:
    """:func:`_may_rate_or_ratio` of the ASCII ``sent``; ``has_word``: whether it holds ``times``, ``fold`` or
    ``twice`` (any case), known from the words of its text (see :func:`_number_words`)."""
    if has_word or "fps" in sent or "FPS" in sent or "\\times" in sent:
        return True
    # (in ASCII text the "x" is an x or X)
    return _digit_then_x(sent, "x") or _digit_then_x(sent, "X")


def _digit_then_x(sent: str, x: str) -> bool:
    """Whether the ASCII ``sent`` holds a digit, then white space or none, then ``x``: whether
    :data:`_DIGIT_THEN_X_ASCII_RE` finds a match ending with ``x``. A few ``find`` calls, each ``x`` looked
    at from its end (a regex scan tries every character; the letters are rarer)."""
    i = sent.find(x)
    while i >= 0:
        j = i - 1
        while j >= 0 and sent[j].isspace():
            j -= 1
        if j >= 0 and sent[j] in "0123456789":
            return True
        i = sent.find(x, i + 1)
    return False


def _covered(start: int, end: int, mentions: Sequence[Mention]) -> bool:
    """Whether one of ``mentions`` overlaps ``[start, end)``."""
    for m in mentions:
        if m.start < end and start < m.end:
            return True
    return False


def _fallback_metrics(sent: str, offset: int, taken: Sequence[Mention],
                      lowered: tuple[bytes, list[bytes]] | None = None) -> list[_Span]:
    """Well-known metric tokens of ``sent`` (at ``offset`` in its text) that no ``taken`` mention covers;
    ``lowered``: its :func:`_sentence_words` when the caller has them."""
    words = None
    if lowered is None and sent.isascii():
        lowered = _sentence_words(sent)
    if lowered is not None:  # (the prefilters are for ASCII text)
        low_bytes, words = lowered
        if _no_free_metric(_rules(), sent, low_bytes, words, offset, taken):
            return []
    return _scanned_metrics(sent, offset, taken, words)


def _sentence_words(sent: str) -> tuple[bytes, list[bytes]]:
    """The ASCII ``sent`` with its letters and digits lower-cased and every other byte a space (same
    offsets), and its words (:func:`_lower_words`): read by the fallback metrics and the verbs."""
    low_bytes = sent.encode("ascii").translate(_LOWER_WORD_BYTES)
    return low_bytes, low_bytes.split()


def _scanned_metrics(sent: str, offset: int, taken: Sequence[Mention], words: list[bytes] | None
                     ) -> list[_Span]:
    """:func:`_fallback_metrics` by the metric scanners (``words``: the :func:`_lower_words` of the
    ASCII ``sent``, or ``None``: plain scans)."""
    rules = _rules()
    found: list[_Span] = []
    for rx in (rules.metric_cs, rules.metric_ci):
        if rx is None:
            continue
        spans = rx.anchored_spans(sent, words) if words is not None else None
        if spans is None:
            spans = rx.spans(sent) if rx.may_match(sent, words) else ()
        for ms, me in spans:
            s, e = ms + offset, me + offset
            if _covered(s, e, taken):
                continue
            text = sent[ms:me]
            name = rules.metric_names.get(text) or rules.metric_names.get(text.lower()) or text
            found.append(_Span(s, e, "metric", name, _key(name)))
    # keep the longest of overlapping candidates
    found.sort(key=lambda sp: (sp.start, -(sp.end - sp.start)))
    out: list[_Span] = []
    for sp in found:
        if out and sp.start < out[-1].end:
            if sp.end - sp.start > out[-1].end - out[-1].start:
                out[-1] = sp
            continue
        out.append(sp)
    return out


def _no_free_metric(rules: _Rules, sent: str, low_bytes: bytes, words: list[bytes], offset: int,
                    taken: Sequence[Mention]) -> bool:
    """``True`` when every match of the metric scanners in the ASCII sentence ``sent`` (at ``offset`` in
    its text) overlaps one of the ``taken`` mentions, so that :func:`_fallback_metrics` keeps none;
    ``low_bytes``: ``sent`` with its letters and digits lower-cased and every other byte a space,
    ``words``: its words (:func:`_lower_words`).

    Every match of a form starts at a word of the sentence that is the form's first word, holds that
    whole word, and needs all the form's words in the sentence (see
    :meth:`_MetricScanner.anchored_spans`); a regex alternative needs its required character. So
    where no such word lies outside the mentions (most sentences with a number hold no metric word,
    or only metric words that are mentions already), no match is kept: a set test and a few
    ``find`` calls instead of the scans.
    """
    firsts = rules.metric_firsts
    if firsts is None:
        return False
    for c in rules.metric_chars:
        if c in sent:
            return False
    present = firsts.intersection(words)
    if not present:
        return True
    needs = rules.metric_needs
    if needs is None:
        return False
    have = None
    padded = b" " + low_bytes + b" "  # (a word w of the sentence at i: b" " + w + b" " at i in ``padded``)
    for w in present:
        if w not in rules.metric_solo:  # (a one-word form needs no other word)
            if have is None:
                have = set(words)
            for need in needs[w]:
                if need <= have:
                    break
            else:
                continue
        key = b" " + w + b" "
        i = padded.find(key)
        while i >= 0:
            start = i + offset
            end = start + len(w)
            for m in taken:
                if m.start < end and start < m.end:
                    break
            else:
                return False  # (a free first word: the scans decide)
            i = padded.find(key, i + 1)
    return True


def _tokens(gap: str) -> list[str]:
    """The lower-cased tokens of ``gap`` that are not ignored (LaTeX commands, braces, ``$``)."""
    ignore = _rules().ignore
    if gap.isascii():
        low = gap.lower()
        # (without "zz" in it, the tokens of the lower-cased gap are the lower-cased tokens: only the
        # placeholder alternative tells case apart)
        toks = _TOKEN_ASCII_RE.findall(low) if "zz" not in low else map(str.lower, _TOKEN_ASCII_RE.findall(gap))
    else:
        toks = map(str.lower, _TOKEN_RE.findall(gap))
    return [t for t in toks if t not in ignore]


def _tokens_within(gap: str, allowed: frozenset | None, limit: int) -> list[str] | None:
    """:func:`_tokens` of ``gap`` when there are at most ``limit`` of them and each is ``allowed`` or a
    placeholder (``zzdatasetzz``, ``zzmethodzz``), else ``None`` (``allowed`` ``None``: any token is):
    read one token at a time, so that most gaps, which fail at their first tokens, are not read whole."""
    ignore = _rules().ignore
    toks: list[str] = []
    for m in (_TOKEN_ASCII_RE if gap.isascii() else _TOKEN_RE).finditer(gap):
        t = m.group().lower()
        if t in ignore:
            continue
        if len(toks) == limit or (allowed is not None and t not in allowed and t not in _PLACEHOLDERS):
            return None
        toks.append(t)
    return toks


_PLACEHOLDERS = ("zzdatasetzz", "zzmethodzz")


def _masked(text: str, start: int, end: int, others: Sequence[_Span]) -> str:
    """``text[start:end]`` with the dataset and method spans ``others`` (in text order) inside it replaced
    by placeholders."""
    parts, pos = [], start
    for sp in others:
        if sp.start < start or sp.end > end:
            if sp.start >= end:
                break  # (and so do the rest)
            continue
        parts.append(text[pos:sp.start])
        parts.append(f" zz{sp.type}zz ")
        pos = sp.end
    if not parts:
        return text[start:end]
    parts.append(text[pos:end])
    return "".join(parts)


def _following_metric(text: str, num: Number, metrics: list[_Span], others: list[_Span]
                      ) -> tuple[_Span, bool, list[str]] | None:
    """The metric written after ``num`` (``84.3% top-1 accuracy``), whether the gap is tight, and the gap's
    :func:`_tokens`."""
    rules = _rules()
    i = bisect_left(metrics, num.end, key=_START)  # (the first metric after the number decides)
    if i == len(metrics):
        return None
    sp = metrics[i]
    if sp.start - num.end > 40:
        return None
    for o in others:
        if num.end <= o.start < sp.start:
            return None
    if _OWN_VALUE_AFTER_RE.match(text, sp.end):
        return None  # "1.00 (RMSE = 0.67)": the metric has its own value
    gap = text[num.end:sp.start]
    toks = [] if not gap or gap.isspace() else _tokens(gap)  # (white space holds no token)
    if not toks:
        return sp, True, toks
    if len(toks) > 5:
        return None
    unknown = [t for t in toks if t not in rules.follow_words]
    if not unknown:
        return sp, all(t in ("%", "points", "pts", "pp", "absolute", "relative") for t in toks), toks
    # one modifier is allowed after a comparative: "1.6x higher training throughput"
    if len(unknown) == 1 and unknown[0].isalpha() and any(
        t in ("higher", "lower", "better", "more", "less", "faster") for t in toks
    ):
        return sp, False, toks
    return None


def _preceding_metric(text: str, num: Number, metrics: list[_Span], others: list[_Span], low: str | None = None
                      ) -> tuple[_Span, list[str]] | None:
    """The metric written before ``num`` (``AUC of 0.955``) and the :func:`_tokens` of the gap masked
    (``others``: the sentence's dataset and method spans, in text order; ``low``: ``text.lower()`` when
    ``text`` is ASCII)."""
    rules = _rules()
    for sp in reversed(metrics):  # (the last one before the number; none: no regex needed)
        if sp.end <= num.start:
            break
    else:
        return None
    if (_ABOUT_ELSE_RE.match(text, num.end, num.end + 20) if low is None
            else _ABOUT_ELSE_LOW_RE.match(low, num.end, num.end + 20)):
        return None  # "40% fewer parameters", "99% of the ...": about something else
    gap = _masked(text, sp.end, num.start, others)
    if _may_end_from_to(gap):
        gap = _FROM_TO_RE.sub(" to ", gap)
    if len(gap) > 80:
        return None
    toks = _tokens_within(gap, rules.precede_words, 7)
    if toks is None:
        return None
    return sp, toks


def _may_end_from_to(s: str) -> bool:
    """Cheap necessary condition for a :data:`_FROM_TO_RE` match in ``s``: in ASCII text, a match holds
    "from" and ends with "to" and white space only (``to\\s*$``). Non-ASCII text always may."""
    if not s.isascii():
        return True
    low = s.lower()
    return "from" in low and low.rstrip().endswith("to")


def _is_skipped(text: str, num: Number, sent_start: int, blocked: list[tuple]) -> bool:
    """Whether ``num`` is no claim: a count or size, a year, inside a span of ``blocked`` (tuples that
    start with a start and an end: spans, citations), or the start of a "from X to Y"."""
    unit = num.unit
    if unit in _SKIP_UNITS:
        return True
    start, end = num.start, num.end
    if unit in ("", "s") and float(num.value).is_integer() and _YEAR_MIN <= num.value <= _YEAR_MAX \
            and text.find(".", start, end) < 0:
        return True
    core_end = -1  # (the end of the number without its unit: read when a blocked span reaches the number)
    for sp in blocked:
        if sp[0] < end and start < sp[1]:
            if core_end < 0:
                core = _NUMBER_CORE_RE.match(text, start, end)
                core_end = core.end() if core else end
            if sp[0] < core_end:
                return True
    # "from 80.1% to 84.3%": the first value is the starting point, not a claim
    return _TO_NUMBER_RE.match(text, end, end + 12) is not None and bool(
        _FROM_BEFORE_RE.search(text[max(sent_start, start - 6):start])
    )


def _only_sizes(numbers: list[Number]) -> bool:
    """Whether every one of ``numbers`` has a count or size unit (``7B``, ``16 GB``, ``10k``): then
    :func:`_is_skipped` skips them all, first thing, and their sentence yields no result (its
    fallback metrics and mentions need not be read)."""
    for n in numbers:
        if n[3] not in _SKIP_UNITS:  # (n.unit)
            return False
    return True


def _dataset_for(
    text: str, num: Number, metric: _Span, datasets: list[_Span], sent_start: int, claimed: list[Number],
    precedes: bool = False,
) -> _Span | None:
    """The dataset a claim is made on, or ``None``; ``claimed`` are the numbers already read as claims."""
    if not datasets:
        return None  # (every rule below picks one of them)
    rules = _rules()
    lo = min(num.start, metric.start)
    hi = max(num.end, metric.end)
    # "ImageNet top-1 accuracy of 84.3%": the dataset modifies the metric
    for d in datasets:
        if d.end <= metric.start and metric.start < num.start and len(text[d.end:metric.start].strip()) <= 1:
            return d
    # between: "perplexity on PG-19 from 11.8 to 10.2", "mIoU on ADE20K of 50.2"
    if precedes and metric.end <= num.start and not any(metric.end <= c.start < num.start for c in claimed):
        inside = [d for d in datasets if metric.end <= d.start and d.end <= num.start]
        if inside and not rules.dataset_blockers.found(text[inside[-1].end:num.start]):
            return inside[-1]
    # after: "... 84.3% top-1 accuracy on ImageNet-1K"
    for d in datasets:
        if d.start < hi:
            continue
        gap = text[hi:d.start]
        if len(gap) <= 60 and not rules.dataset_blockers.found(gap):
            return d
        break
    # before: "On ImageNet-1K, our model achieves 84.3% ..."
    for d in reversed(datasets):  # (the last one before)
        if d.end <= lo:
            break
    else:
        d = None
    if d is not None:
        lead = text[max(sent_start, d.start - 30):d.start]
        gap = text[d.end:lo]
        if len(gap) > 160 or ";" in gap:
            return None
        if lead.isascii():
            lead = lead.lower()
            scoped = _SCOPE_LEAD_LOW_RE.search(lead) and not _TRAINED_ON_LOW_RE.search(lead)
        else:
            scoped = _SCOPE_LEAD_RE.search(lead) and not _TRAINED_ON_RE.search(lead)
        if scoped and (not rules.dataset_blockers.found(gap) or _fronted(text, d, sent_start)):
            return d
    return None


def _fronted(text: str, d: _Span, sent_start: int) -> bool:
    """Whether a dataset opens its sentence as a scope: "On nuScenes, ..."."""
    lead = text[sent_start:d.start]
    return bool(_FRONT_LEAD_RE.fullmatch(lead)) and bool(
        _FRONT_COMMA_RE.match(text[d.end:d.end + 40])
    )


class _SentenceMemo:
    """What the method and baseline rules of one sentence look up for more than one number: which method
    starts have a baseline cue before them (in the lead each rule reads), and where the sentence's
    result verbs start (see :func:`_method_for`). Made per sentence, filled when first needed."""

    __slots__ = ("cued", "cued_near", "verb_starts", "lowered")

    def __init__(self, lowered: tuple[bytes, list[bytes]] | None = None) -> None:
        self.cued: dict[int, bool] = {}  # method start -> baseline cue in the 60 characters before it
        self.cued_near: dict[int, bool] = {}  # the same in the 40 characters before it
        self.verb_starts: list[int] | None = None
        self.lowered = lowered  # the sentence's _sentence_words (ASCII text), or None


def _method_for(
    text: str, num: Number, metric: _Span, methods: list[_Span], sent_start: int, proposed: _Span | None,
    baseline: _Span | None, low: str | None = None, memo: _SentenceMemo | None = None, sent_end: int = -1,
) -> _Span | None:
    """The method a number belongs to: the subject of a result verb, else the proposed method.

    ``low`` is ``text.lower()`` when ``text`` is ASCII (the verbs are then searched case-sensitively in it);
    ``memo`` (with ``sent_end``, the end of the sentence) keeps what other numbers of the sentence reuse.
    """
    lo = num.start
    before = [m for m in methods if m.end <= lo]
    if not before and proposed is None:
        return None  # (no subject to find: the verbs need not be read)
    rules = _rules()
    cued = memo.cued_near if memo is not None else None
    if low is not None and rules.verbs_low is not None:
        verbs, vtext = rules.verbs_low, low
        # One scan of the sentence answers every question below (made when first needed): its one-word
        # verbs never overlap, and no word runs across either end of the head (the sentence starts
        # after a non-word character; a number starts with a sign or after a non-word character, see
        # find_numbers), so the verbs of the head are the sentence's verbs that start before the
        # number. The original searches scan slices instead.
        c = low[sent_start - 1] if sent_start else " "
        one_scan = not (c.isalnum() or c == "_")  # (what ``re``'s ``\w`` matches)
        if one_scan:
            head_verbs = _verb_starts(verbs, low, sent_start, lo, memo, sent_end)
            n_head = bisect_left(head_verbs, lo)
    else:
        verbs, vtext, one_scan = rules.verbs, text, False
    for m in reversed(before):
        if baseline is not None and m.key == baseline.key:
            continue
        if one_scan:
            i = bisect_left(head_verbs, m.end, 0, n_head)
            v_start = head_verbs[i] if i < n_head else -1
        else:
            v = verbs.search(vtext, m.end, lo)
            v_start = v.start() if v is not None else -1
        if v_start < 0:
            continue
        cue = cued.get(m.start) if cued is not None else None
        if cue is None:
            if memo is not None and rules.baseline_low is not None and memo.cued.get(m.start) is False:
                # (no cue in the 60 characters before it, as _baseline_for found: a cue ends where the
                # lead ends and looks at nothing before its start, see _lower_slice_free, so none in 40)
                cue = False
            else:
                cue = _baseline_cue_in(rules, text, low, max(sent_start, m.start - 40), m.start)
            if cued is not None:
                cued[m.start] = cue
        if cue:
            continue
        between = text[m.end:v_start]
        # (a token holds a character: a gap of at most 3 has at most 3 tokens; the punctuation test
        # first: it is cheaper, and most long gaps hold a comma)
        if not _CLAUSE_PUNCT_RE.search(between) \
                and (len(between) <= 3 or _tokens_within(between, None, 3) is not None):
            if proposed is not None and (m.key == proposed.key or m.role == "proposed"):
                return proposed
            return m
    if proposed is None:
        return None
    head = text[sent_start:lo]
    if one_scan:
        v_start = head_verbs[n_head - 1] - sent_start if n_head else -1
    else:
        v_start = -1
        for v in verbs.finditer(vtext[sent_start:lo]):
            v_start = v.start()
    if v_start >= 0:
        window = head[max(0, v_start - 40):v_start]
        if rules.negative_subject.found(window.split(",")[-1]):
            return None
        return proposed
    if rules.proposed_cue.found(head) or (proposed.name and proposed.name in head):
        return proposed
    return None


def _verb_starts(verbs: re.Pattern, low: str, start: int, lo: int, memo: _SentenceMemo | None,
                 sent_end: int) -> list[int]:
    """Where the result ``verbs`` start in ``low[start:lo]`` (or, with a ``memo``, in the whole sentence
    ``low[start:sent_end]``: the caller reads those before ``lo``)."""
    if memo is None or sent_end < lo:
        return [v.start() for v in verbs.finditer(low, start, lo)]
    if memo.verb_starts is None:
        verb_words = _rules().verb_words
        if memo.lowered is not None and verb_words is not None:
            memo.verb_starts = _verb_words_at(verb_words, memo.lowered, low, start, sent_end)
        else:
            memo.verb_starts = [v.start() for v in verbs.finditer(low, start, sent_end)]
    return memo.verb_starts


def _verb_words_at(verb_words: frozenset, lowered: tuple[bytes, list[bytes]], low: str, start: int,
                   end: int) -> list[int]:
    """``[v.start() for v in rules.verbs_low.finditer(low, start, end)]`` from the words of the sentence
    ``low[start:end]`` (``lowered``: its :func:`_sentence_words`; ``low[start - 1]``, if any, is no word
    character): the verbs are one-word letter runs, so a match is a run of word characters that is a
    verb, i.e. a word of the sentence that is a verb with no "_" glued to either side (``\\w`` holds "_",
    the words do not). A set test and a few ``find`` calls instead of a scan."""
    low_bytes, words = lowered
    present = verb_words.intersection(words)
    if not present:
        return []
    padded = b" " + low_bytes + b" "  # (a word w of the sentence at i: b" " + w + b" " at i in ``padded``)
    out = []
    for v in present:
        key = b" " + v + b" "
        i = padded.find(key)
        while i >= 0:
            a = start + i
            b = a + len(v)
            if (i == 0 or low[a - 1] != "_") and (b >= end or low[b] != "_"):
                out.append(a)
            i = padded.find(key, i + 1)
    out.sort()
    return out


def _baseline_for(text: str, num: Number, methods: list[_Span], sent_start: int, sent_end: int,
                  cued: dict[int, bool] | None = None, low: str | None = None) -> _Span | None:
    """The baseline method a number is compared with: the closest method (within 120 characters, in the
    same clause) with a baseline cue before it; ``cued`` memoises, per sentence, which method starts
    have a cue; ``low``: ``text.lower()`` when ``text`` is ASCII."""
    if not methods:
        return None
    rules = _rules()
    best, best_dist = None, 10**9
    for m in methods:
        dist = num.start - m.end if m.end <= num.start else m.start - num.end
        if dist >= best_dist or dist > 120:
            continue  # (it cannot be the one: no cue needed)
        cue = cued.get(m.start) if cued is not None else None
        if cue is None:
            cue = _baseline_cue_in(rules, text, low, max(sent_start, m.start - 60), m.start)
            if cued is not None:
                cued[m.start] = cue
        if not cue:
            continue
        between = text[m.end:num.start] if m.end <= num.start else text[num.end:m.start]
        if _OTHER_CLAUSE_RE.search(between):
            continue  # another clause: "84.3% accuracy, while being 4.7x faster than X"
        best, best_dist = m, dist
    return best


def _by_after_verb(text: str, low: str | None, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends with "outperforms X by" (``_BY_AFTER_VERB_RE``); ``low``: ``text.lower()``
    when ``text`` is ASCII (then every match holds "by": a substring test rules most leads out)."""
    if low is None:
        return _BY_AFTER_VERB_RE.search(text[start:end]) is not None
    lead = low[start:end]
    return "by" in lead and _BY_AFTER_VERB_LOW_RE.search(lead) is not None


def _kind(text: str, num: Number, metric: _Span, gap_tokens: list[str], low: str | None = None) -> str:
    """Whether the claim of ``num`` is "absolute", an "improvement" or a "ratio" (``low``: ``text.lower()``
    when ``text`` is ASCII)."""
    rules = _rules()
    if num.unit == "x":
        return "ratio"
    if num.sign in ("+", "-") or num.unit == "pp":
        return "improvement"
    lead = text[max(0, num.start - 40):num.start]
    if _may_end_from_to(lead) and _FROM_TO_RE.search(lead):
        return "absolute"  # "improves accuracy from 80.1% to 84.3%"
    if gap_tokens and gap_tokens[-1] == "to" and gap_tokens[-2:-1] != ["up"]:
        return "absolute"  # "rises to 68.4%", "lowers the error to 2.1%"
    if (_COMPARATIVE_AFTER_RE.match(text, num.end) if low is None
            else _COMPARATIVE_AFTER_LOW_RE.match(low, num.end)):
        return "improvement"  # "9.5 points higher than X"
    if any(t in rules.improvement_words for t in gap_tokens):
        return "improvement"
    if metric.start >= num.end and (_IMPROVEMENT_NOUN_AFTER_RE.match(text, metric.end) if low is None
                                    else _IMPROVEMENT_NOUN_AFTER_LOW_RE.match(low, metric.end)):
        return "improvement"  # "0.02 Acc@1 improvement"
    # (the tokens below are lower-cased words of the lead: each rule needs its word in it)
    lead = text[max(0, num.start - 30):num.start]
    low_lead = lead.lower()
    if _IMPROVEMENT_NOUN_RE.search(low_lead) and _IMPROVEMENT_NOUNS & set(_tokens(lead)[-4:]):
        return "improvement"  # "an average increase of 8.65 points"
    if "by" not in low_lead:
        return "absolute"
    lead = _tokens(text[max(0, num.start - 12):num.start])
    if lead and lead[-1] == "by" or lead[-2:] == ["by", "up"] or lead[-3:] == ["by", "up", "to"]:
        return "improvement"
    return "absolute"


def find_results(
    text: str,
    field: str,
    sentences: list[tuple[int, int]],
    mentions: Sequence[Mention],
    proposed_key: str | None = None,
    proposed_name: str | None = None,
) -> list[Result]:
    """Result tuples claimed in ``text``.

    Parameters
    ----------
    text : str
        The title or abstract.
    field : str
        ``"abstract"`` or ``"title"``; mentions of other fields are ignored.
    sentences : list of (start, end)
        Sentence char spans of ``text``.
    mentions : sequence of Mention
        Entity mentions found in ``text`` (metric, dataset and method ones are used).
    proposed_key, proposed_name : str, optional
        The paper's proposed method, credited for "we achieve", "our model achieves", ...

    Examples
    --------
    >>> [(r.metric, r.value, r.unit, r.kind) for r in find_results(
    ...     "It reaches 84.3% top-1 accuracy.", "abstract", [(0, 32)], [])]
    [('top-1 accuracy', 84.3, '%', 'absolute')]
    """
    ms = [m for m in mentions if not m.field or m.field == field]
    return _field_results(text, field, sentences, ms, proposed_key, proposed_name)


def _field_results(
    text: str, field: str, sentences: list[tuple[int, int]], ms: Sequence[Mention],
    proposed_key: str | None = None, proposed_name: str | None = None, low: str | None = None,
) -> list[Result]:
    """:func:`find_results` for ``ms``, the mentions of ``field`` (the pipeline has them per field);
    ``low``: ``text.lower()`` when the caller has it (used for ASCII text only)."""
    proposed: _Span | None = None
    if proposed_key or proposed_name:
        named = None
        if proposed_key:
            for m in ms:
                if m.key == proposed_key:
                    named = m
                    break
        name = proposed_name or (named.canonical if named else proposed_key)
        proposed = _new_span(_Span, (-1, -1, "method", name or "", proposed_key or _key(name or ""), "proposed"))
    out: list[Result] = []
    seen: set[tuple] = set()
    if not text.isascii():
        low = None
    elif low is None:
        low = text.lower()  # (the verbs are then searched case-sensitively in it)
    starts = [m.start for m in ms]
    by_start = starts == sorted(starts)  # (then the mentions of a sentence are a slice of ``ms``)
    words = _number_words(low) if low is not None else None  # (times, fold, twice: in few texts)
    digits = _digits_as_zero(text) if low is not None else None  # (where the digits are, for find_numbers)
    for ss, se, sent in _number_sentences(text, sentences, low, words, digits):  # (most sentences hold none)
        if by_start:
            lo = bisect_left(starts, ss)
            in_sent = [m for m in ms[lo:bisect_left(starts, se, lo)] if m.end <= se and m.start < m.end]
        else:
            in_sent = [m for m in ms if ss <= m.start and m.end <= se and m.start < m.end]
        for m in in_sent:
            if m.type == "metric":
                has_metric = True
                break
        else:
            has_metric = False
        # a sentence needs a number and a metric (a mention, a fallback metric token, or the unit of a
        # "30 fps" / "2x faster" that makes its own); the scan for fallback metrics comes last when
        # the others cannot settle it
        # (for ASCII text, whether the sentence holds times/fold/twice: known from the text's words)
        has_word = None if words is None else bool(words) and _holds_word(words, ss, se)
        if has_metric or (_may_rate_or_ratio(sent) if has_word is None else _may_rate_or_ratio_ascii(sent, has_word)):
            numbers = find_numbers(sent, ss, has_word, digits)  # (offsets into the text)
            if not numbers or _only_sizes(numbers):
                continue
            lowered = _sentence_words(sent) if low is not None else None
            fallback = _fallback_metrics(sent, ss, in_sent, lowered)
        else:
            if low is not None and not _FREE_NUMBER_RE.search(sent):
                continue  # (no number can be read: see _FREE_NUMBER_RE)
            lowered = _sentence_words(sent) if low is not None else None
            fallback = _fallback_metrics(sent, ss, in_sent, lowered)
            if not fallback:
                continue
            numbers = find_numbers(sent, ss, has_word, digits)
            if not numbers or _only_sizes(numbers):
                continue
        if not has_metric and not fallback and not _any_rate_or_ratio(numbers):
            continue  # no metric for any number to belong to (see _sentence_results)
        _sentence_results(text, field, ss, se, sent, in_sent, fallback, numbers, proposed, low, seen, out, lowered)
    return out


def _any_rate_or_ratio(numbers: list[Number]) -> bool:
    """Whether one of ``numbers`` is a rate or ratio (``30 fps``, ``2x``): those make their own metric."""
    for n in numbers:
        if n[3] == "fps" or n[3] == "x":  # (n.unit)
            return True
    return False


def _sentence_results(
    text: str, field: str, ss: int, se: int, sent: str, in_sent: list[Mention], fallback: list[_Span],
    numbers: list[Number], proposed: _Span | None, low: str | None, seen: set[tuple], out: list[Result],
    lowered: tuple[bytes, list[bytes]] | None = None,
) -> None:
    """Append to ``out`` the results of the sentence ``text[ss:se]`` (``sent``) holding ``numbers``, the
    mentions ``in_sent`` and the ``fallback`` metrics; ``seen`` holds the claims already read;
    ``lowered``: the sentence's :func:`_sentence_words` (ASCII text)."""
    spans = [
        _new_span(_Span, (m.start, m.end, m.type, m.canonical or m.text, m.key or _key(m.canonical or m.text),
                          m.role))
        for m in in_sent
    ]
    spans.sort(key=_START)  # (stable: the order of the mentions; every use below wants text order)
    # (one pass sorts the spans by type, each list in text order)
    metrics: list[_Span] = []
    datasets: list[_Span] = []
    methods: list[_Span] = []
    others: list[_Span] = []  # the datasets and methods
    blocked: list[tuple] = []  # spans no number is read inside: every mention but the metrics (added below)
    for sp in spans:
        typ = sp[2]
        if typ == "metric":
            metrics.append(sp)
            continue
        blocked.append(sp)
        if typ == "dataset":
            datasets.append(sp)
            others.append(sp)
        elif typ == "method":
            methods.append(sp)
            others.append(sp)
    if fallback:
        metrics = sorted(metrics + fallback, key=_START)
    if not metrics and not _any_rate_or_ratio(numbers):
        return  # no metric for any number to belong to (only "30 fps" and "2x faster" make their own)
    blocked += metrics
    if "[" in sent:
        blocked += [(c.start() + ss, c.end() + ss) for c in _CITATION_RE.finditer(sent)]
    prev: tuple[Number, _Span, str] | None = None  # last number with a metric, for lists
    memo: _SentenceMemo | None = None  # (made at the first claim: most sentences make none)
    claims: list[tuple[Number, _Span, _Span | None]] = []  # results read so far in this sentence
    for num in numbers:
        if _is_skipped(text, num, ss, blocked):
            continue
        follow = _following_metric(text, num, metrics, others)
        metric: _Span | None = None
        gap_tokens: list[str] = []
        from_precede = False
        listed = False
        if follow and follow[1]:
            metric, _, gap_tokens = follow
        else:
            precede = _preceding_metric(text, num, metrics, others, low)
            if precede:
                metric, gap_tokens = precede
                from_precede = True
            elif follow:
                metric, _, gap_tokens = follow
        kind = None
        if metric is None and prev is not None:
            # list continuation: "4.6% on A, 5.8% on B, and 13.4% on C"
            pnum, pmetric, pkind = prev
            lo = max(pnum.end, pmetric.end) if pmetric.start >= pnum.end else pnum.end
            if num.unit == pnum.unit and _is_list_gap(_masked(text, lo, num.start, others), low is not None):
                metric, kind = pmetric, pkind
                listed = True
        inherited = False
        inherited_dataset: _Span | None = None
        if metric is None and claims and num.unit != "x" and (
            _by_after_verb(text, low, max(ss, num.start - 90), num.start)
            or (_COMPARATIVE_AFTER_RE.match(text, num.end) if low is None
                else _COMPARATIVE_AFTER_LOW_RE.match(low, num.end))
        ):
            # "..., outperforming GCN by 2.4%", "..., a 12% relative reduction over X"
            metric, kind = claims[-1][1], "improvement"
            dsets = {c[2].key if c[2] else None for c in claims}
            inherited_dataset = claims[-1][2] if len(dsets) == 1 else None
            inherited = True
        if metric is None:
            if num.unit == "fps":
                metric = _new_span(_Span, (num.start, num.end, "metric", "FPS", _key("FPS"), "used"))
            elif num.unit == "x" and _SPEEDUP_AFTER_RE.match(text[num.end:num.end + 30].lower()):
                metric = _new_span(_Span, (num.end, num.end, "metric", "speedup", _key("speedup"), "used"))
            else:
                continue
        if kind is None:
            kind = _kind(text, num, metric, gap_tokens, low)
        prev = (num, metric, kind)
        if inherited:
            dataset = inherited_dataset
        else:
            anchor = _new_span(_Span, (num.start, num.end, "metric", "", "", "used")) if listed else metric
            dataset = _dataset_for(text, num, anchor, datasets, ss, [c[0] for c in claims], from_precede)
        claims.append((num, metric, dataset))
        value = abs(num.value) if kind == "absolute" else num.value
        dedup = (metric.key, value, num.unit, dataset.key if dataset else None, kind)
        if dedup in seen:
            continue  # (a claim read before: its method and baseline need not be read)
        seen.add(dedup)
        if memo is None:
            memo = _SentenceMemo(lowered)
        baseline = _baseline_for(text, num, methods, ss, se, memo.cued, low)
        method = _method_for(text, num, metric, methods, ss, proposed, baseline, low, memo, se)
        if baseline is not None and method is not None and baseline.key == method.key:
            baseline = None
        named_method = method is not None and method.name
        out.append(new_result(
            metric.name, value, num.unit, kind,
            method.name if named_method else None,
            dataset.name if dataset else None,
            baseline.name if baseline else None,
            metric.key,
            method.key if named_method else None,
            dataset.key if dataset else None,
            baseline.key if baseline else None,
            text[num.start:num.end], sent, min(num.start, metric.start), max(num.end, metric.end), field,
        ))


_new_span = tuple.__new__  # (_Span's own __new__ is a Python function around this)
_START = itemgetter(0)  # the start of a _Span
