"""Numbers as written in ML abstracts: values with units, signs and multipliers.

Pure text functions, no spaCy.  :func:`find_numbers` scans a text and returns
every stand-alone number with its unit; :func:`parse_number` reads one number
written on its own.

Units are normalised to a small vocabulary:

``%``      percent (``84.3%``, ``4.6\\%``, ``12 percent``)
``x``      a multiplier (``1.6x``, ``1.6×``, ``1.6$\\times$``, ``13.7 times``, ``3-fold``, ``twice``)
``pp``     percentage points (``pp``, ``p.p.``, ``percentage points``)
``points`` points (``points``, ``pts``)
``K`` ``M`` ``B`` ``T``  magnitude suffixes (``10k``, ``1.3M``, ``7B``, ``7 billion``): counts and model sizes
``fps`` ``ms`` ``s`` ``h`` ``dB`` ``GB`` ``MB`` ``TB`` ``KB`` ``FLOPs`` ``GFLOPs`` ``TFLOPs`` ``MACs`` ``GMACs``

Numbers that are part of a name or a size are not numbers here: ``ResNet-50``,
``top-1``, ``GPT-4``, ``v1.2``, ``AP50``, ``mAP@0.5``, ``3D``, ``7x7``,
``256 x 256``; nor are ordinals (``95th``), the halves of ranges
(``1.0%-2.5%``, ``40%-60%``) and slash lists (``0.4/0.19``), and standard
deviations after ``±``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple


class Number(NamedTuple):
    """One number found in a text: ``text[start:end]`` is its full written form."""

    start: int
    end: int
    value: float
    unit: str
    sign: str  # "+", "-" or "" as written


_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "a hundred": 100, "one hundred": 100, "a thousand": 1000,
}

_CORE = r"(?:\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+(?![\w.]))?"
# The same matches as _CORE, written to start with a character class: ``re`` then skips to the digits
# and dots of a text instead of trying the three alternatives at every position.
_CORE_RE = re.compile(
    r"[\d.](?:(?<=\d)(?:\d{0,2}(?:,\d{3})+(?![\d.])|\d*(?:\.\d+)?)|(?<=\.)\d+)(?:[eE][-+]?\d+(?![\w.]))?")
# The same for ASCII text, where ``\d`` and ``\w`` mean what re.ASCII makes them (faster: no Unicode
# class test per character).
_CORE_ASCII_RE = re.compile(_CORE_RE.pattern, re.ASCII)

# Multipliers: attached or after spaces; LaTeX \times with optional $...$.
_TIMES = r"(?:\s*\$?\s*\\times\s*\$?|\s*[x×X](?![A-Za-z0-9])|\s*-?\s*fold\b|\s*times\b)"
# Units after the number (order matters: longest first).
_UNIT_RE = re.compile(
    r"(?P<pct>\s*\\?%|\s*％|\s+percent\b|\s+per\s*cent\b)"
    r"|(?P<x>" + _TIMES + r")"
    r"|(?P<pp>\s*(?:pp\b|p\.p\.|percentage[\s-]points?\b))"
    r"|(?P<points>\s*-?\s*(?:points?\b|pts?\b\.?))"
    r"|(?P<mag>[kKMBT]\b|\s+(?:thousand|million|billion|trillion)\b)"
    r"|(?P<other>\s*(?:fps|FPS|GFLOPs|GFLOPS|TFLOPs|TFLOPS|FLOPs|FLOPS|GMACs|MACs|ms|dB|GB|MB|TB|KB|"
    r"hours?\b|hrs?\b|h\b|s\b|sec\b|seconds?\b|days?\b))(?![A-Za-z])"
)
_MAG = {"k": "K", "thousand": "K", "m": "M", "million": "M", "b": "B", "billion": "B", "t": "T", "trillion": "T"}
_OTHER = {
    "fps": "fps", "gflops": "GFLOPs", "tflops": "TFLOPs", "flops": "FLOPs", "gmacs": "GMACs", "macs": "MACs",
    "ms": "ms", "db": "dB", "gb": "GB", "mb": "MB", "tb": "TB", "kb": "KB", "hour": "h", "hours": "h",
    "hr": "h", "hrs": "h", "h": "h", "s": "s", "sec": "s", "second": "s", "seconds": "s", "day": "d", "days": "d",
}
_WORD_TIMES_RE = re.compile(
    r"\b(?P<w>" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")[\s-]*(?:times|fold)\b"
    r"|\b(?P<twice>twice|double|triple)\b",
    re.IGNORECASE,
)
# The same pattern, case-sensitive, for lower-cased ASCII text (same offsets; the groups are lower-cased
# anyway): ``re.IGNORECASE`` cannot skip ahead to the possible first letters of a match.
_WORD_TIMES_LOW_RE = re.compile(_WORD_TIMES_RE.pattern)
_ORDINAL_RE = re.compile(r"(?:st|nd|rd|th)\b")
_SIZE_AFTER_RE = re.compile(r"\s*(?:[x×X*]|\$?\\times\$?|times)\s*\d")
_SIZE_BEFORE_RE = re.compile(r"\d\s*(?:[x×X*]|\$?\\times\$?|times)\s*$")
_RANGE_AFTER_RE = re.compile(r"\s*[-–—~]\s*\d")
_RANGE_BEFORE_RE = re.compile(r"[\d%x×]\s*[-–—~]\s*$")
_PM_BEFORE_RE = re.compile(r"(?:±|\+/-|\+-|\\pm)\s*\$?\s*$")
_DASHES = "-\u2212\u2013\u2014"


def _unit_at(text: str, pos: int) -> tuple[str, int]:
    """The normalised unit written at ``pos`` (right after a number) and where it ends."""
    m = _UNIT_RE.match(text, pos)
    if not m:
        return "", pos
    kind = m.lastgroup
    raw = m.group(0).strip().lower()
    if kind == "pct":
        return "%", m.end()
    if kind == "x":
        return "x", m.end()
    if kind == "pp":
        return "pp", m.end()
    if kind == "points":
        return "points", m.end()
    if kind == "mag":
        return _MAG[raw], m.end()
    return _OTHER.get(raw, raw), m.end()


def _word_times(text: str):
    """The matches of :data:`_WORD_TIMES_RE` in ``text`` that may yield a number (as its ``finditer``).

    Non-ASCII text is always scanned with the case-insensitive regex (Unicode case folding); ASCII text
    is lower-cased and scanned with the case-sensitive one (same offsets, faster), and only around
    the words a match that yields a number ends with (``times``, ``fold``, ``twice``): none, no scan.

    Such a match ends with one of them (then a word boundary) and starts at most the longest number
    word (11 characters) and the separators before it; no number word holds one of the words, so
    the first match starts there at the earliest. A scan from that place (``\\b`` looks at the
    character before it all the same) up to the character after the last such word finds those
    matches; what it may miss or add are "double" or "triple" matches, which yield no number.
    """
    if not text.isascii():
        return _WORD_TIMES_RE.finditer(text)
    low = text.lower()
    first, last = -1, -1
    for tail in ("times", "fold", "twice"):
        i = low.find(tail)
        if i >= 0:
            if first < 0 or i < first:
                first = i
            last = max(last, low.rfind(tail) + len(tail))
    if first < 0:
        return ()
    lo = first
    while lo > 0 and (low[lo - 1].isspace() or low[lo - 1] == "-"):
        lo -= 1  # (the separators: ``[\\s-]*``)
    return _WORD_TIMES_LOW_RE.finditer(low, max(0, lo - _LONGEST_NUMBER_WORD), min(len(low), last + 1))


_LONGEST_NUMBER_WORD = max(map(len, _WORD_NUMBERS))


def _core_matches(text: str, digits: bytes | None, offset: int) -> Iterator[re.Match]:
    """The matches of the number core regex in ``text`` (as its ``finditer``).

    ``digits``: when the caller has it, the ASCII text ``text`` is a slice of, starting at ``offset``,
    encoded with every digit made ``"0"`` (see extract.results._number_sentences). Every match starts
    at a digit or at a "." right before one, so the scan starts at the first digit (or the "." before
    it), found by ``bytes.find``: most sentences hold their first number far from their start.
    """
    if digits is None or not text.isascii():
        return (_CORE_ASCII_RE if text.isascii() else _CORE_RE).finditer(text)
    p = digits.find(b"0", offset, offset + len(text)) - offset
    if p < 0:
        return iter(())
    if p and text[p - 1] == ".":
        p -= 1
    return _CORE_ASCII_RE.finditer(text, p)


def find_numbers(text: str, offset: int = 0, has_word: bool | None = None, digits: bytes | None = None
                 ) -> list[Number]:
    """Every stand-alone number in ``text`` with its unit and written sign.

    Values carry the sign (``-1.2`` -> ``-1.2``); thousands separators are
    removed; ``K``/``M``/``B``/``T`` are kept as units, not multiplied out.
    ``offset`` is added to the offsets (``text`` is a slice that starts there).
    ``has_word``: ``False`` when the caller knows that ``text`` holds none of ``times``, ``fold``
    and ``twice`` (any case): then no number is written in words (see :func:`_word_times`).
    ``digits``: the caller's text that ``text`` is a slice of (at ``offset``), ASCII-encoded with every
    digit made ``"0"``, when it has it (see :func:`_core_matches`).

    >>> [(n.value, n.unit, n.sign) for n in find_numbers("gains +3.5 AP and 1.6x speed, 84.3% on ResNet-50")]
    [(3.5, '', '+'), (1.6, 'x', ''), (84.3, '%', '')]
    """
    out: list[Number] = []
    n = len(text)
    # (each check below runs only when the text holds a character its every match holds)
    pm_possible = "±" in text or "+" in text or "\\" in text
    for m in _core_matches(text, digits, offset):
        s, e = m.span()
        sign, full_start = "", s
        if s:  # glued to a name (ResNet-50, v1.2, AP@50, the 2 of "3.2"), or a sign ("-1.2", but not "1.0-2.5")
            prev = text[s - 1]
            if prev.isalnum() or prev in "_@./#^\\'’±":
                continue
            if prev in _DASHES:
                if s >= 2 and (text[s - 2].isalnum() or text[s - 2] in ")%]}_"):
                    continue
                sign, full_start = "-", s - 1
            elif prev == "+":
                if s >= 2 and (text[s - 2].isalnum() or text[s - 2] in "+/"):
                    continue
                sign, full_start = "+", s - 1
        if pm_possible:
            before = text[max(0, full_start - 8):full_start]
            if ("±" in before or "+" in before or "\\" in before) and _PM_BEFORE_RE.search(before):
                continue  # the deviation in 84.3 ± 0.2
        before = text[max(0, s - 12):s]  # (it holds the 6 characters before ``full_start`` too)
        if ("x" in before or "\u00d7" in before or "X" in before or "*" in before or "times" in before) \
                and _SIZE_BEFORE_RE.search(before):
            continue  # 7x7, 256 x 256, 256times256
        if "-" in before or "\u2013" in before or "\u2014" in before or "~" in before:
            before = text[max(0, full_start - 6):full_start]
            if ("-" in before or "\u2013" in before or "\u2014" in before or "~" in before) \
                    and _RANGE_BEFORE_RE.search(before):
                continue  # second half of a range: 1.7x - 2.7x
        # (each regex below runs only where the character after the number can start a match)
        nxt = text[e] if e < n else ""
        if nxt == "%":  # (the commonest unit: no size, unit regex, ordinal or letter can follow)
            unit, uend = "%", e + 1
        else:
            # the character that tells whether a regex below may match: the next one, or the one after
            # a white space (None: more white space, they may)
            c = nxt
            if c.isspace():
                c = text[e + 1] if e + 1 < n else ""
                if c.isspace():
                    c = None
            if (c is None or c in _SIZE_AFTER_FIRST) and _SIZE_AFTER_RE.match(text, e):
                continue
            if nxt == "/" and e + 1 < n and text[e + 1].isdigit():
                continue  # 0.4/0.19
            unit, uend = _unit_at(text, e) if c is None or c in _UNIT_FIRST else ("", e)
            if not unit and nxt and (nxt.isalpha() or nxt == "_"):
                continue  # 3D, 95th, x86-like names
            if nxt in _ORDINAL_FIRST and _ORDINAL_RE.match(text, e):
                continue
            # a unit glued to letters that follow ("7Bn", "10kHz") is not ours
            if uend < n and text[uend - 1].isalpha() and (text[uend].isalnum()):
                continue
        if _may_start(text, uend, n, _RANGE_AFTER_FIRST) and _RANGE_AFTER_RE.match(text, uend):
            continue  # first half of a range: 1.0%-2.5%
        raw = m.group(0)
        try:
            value = float(raw.replace(",", "") if "," in raw else raw)
        except ValueError:  # pragma: no cover - the regex only admits floats
            continue
        if sign == "-":
            value = -value
        out.append(_new_number(Number, (full_start + offset, uend + offset, value, unit, sign)))
    words = _word_times(text) if has_word is not False else ()
    if words:
        for m in words:
            if m.group("w"):
                value = float(_WORD_NUMBERS[m.group("w").lower()])
            else:
                value = {"twice": 2.0, "double": 2.0, "triple": 3.0}[m.group("twice").lower()]
                if m.group("twice").lower() != "twice":
                    continue  # "double"/"triple" are mostly verbs/adjectives ("double the data")
            out.append(Number(m.start() + offset, m.end() + offset, value, "x", ""))
        out.sort(key=lambda n: n.start)  # (the numbers above come in text order: their starts increase)
    return out


_new_number = tuple.__new__  # (Number's own __new__ is a Python function around this)
_ORDINAL_FIRST = ("s", "n", "r", "t")  # every _ORDINAL_RE match starts with one
# The characters a match of each regex can start with after its leading ``\s*`` (a match at a position
# starts with one of them or with white space, then one of them or more white space): :func:`find_numbers`
# tries the regexes only there (see _may_start).
_SIZE_AFTER_FIRST = frozenset("x×X*$\\t")
_RANGE_AFTER_FIRST = frozenset("-\u2013\u2014~")
_UNIT_FIRST = frozenset("\\%\uff05$x×X-ftpkKMBTFGmdhsb")


def _may_start(text: str, pos: int, n: int, first: frozenset) -> bool:
    """Whether a match of a regex ``\\s*[first]...`` may start at ``pos`` of ``text`` (``n`` long): the
    character there, or after one white space, is in ``first`` (more white space: it may)."""
    c = text[pos] if pos < n else ""
    if c in first:
        return True
    if not c.isspace():
        return False
    c = text[pos + 1] if pos + 1 < n else ""
    return c in first or c.isspace()


def parse_number(text: str) -> tuple[float, str] | None:
    """Read one number written on its own: ``(value, unit)``, or ``None``.

    >>> parse_number("84.3 %")
    (84.3, '%')
    >>> parse_number("three-fold")
    (3.0, 'x')
    >>> parse_number("95th") is None
    True
    """
    s = text.strip()
    if not s:
        return None
    found = find_numbers(s)
    if len(found) != 1:
        return None
    n = found[0]
    if n.start != 0 or s[n.end:].strip():
        return None
    return n.value, n.unit
