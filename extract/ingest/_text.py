"""Small text helpers shared by the corpus readers (cleaning, authors, years, ids)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from extract.normalize import normalize_arxiv_id, normalize_doi

# Only complete, semicolon-terminated entities (``&amp;``, ``&#39;``, ``&#x2014;``).
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|21\d\d)(?!\d)")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([A-Za-z.\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_ARXIV_TEXT = re.compile(r"arxiv[:\s]\s*([A-Za-z.\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_NEW_STYLE_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")
_OLD_STYLE_ID = re.compile(r"^[A-Za-z.\-]+/(\d{2})(\d{2})\d{3}$")


def clean_text(value: object) -> str:
    """Collapse white space, strip, and unescape complete HTML entities.

    >>> clean_text("  Deep\\n  Learning &amp; Friends ")
    'Deep Learning & Friends'
    """
    if value is None:
        return ""
    s = value if isinstance(value, str) else str(value)
    if "&" in s:
        s = _ENTITY.sub(lambda m: html.unescape(m.group(0)), s)
    return " ".join(s.split())


def parse_year(value: object) -> int | None:
    """A plausible four-digit year from an int or a date-like string, else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1800 <= value <= 2199 else None
    if isinstance(value, float) and value.is_integer():
        return parse_year(int(value))
    m = _YEAR.search(str(value))
    return int(m.group(1)) if m else None


def year_from_arxiv_id(arxiv_id: str | None) -> int | None:
    """The submission year encoded in an arXiv identifier (``2103.14030`` -> 2021)."""
    if not arxiv_id:
        return None
    m = _NEW_STYLE_ID.match(arxiv_id) or _OLD_STYLE_ID.match(arxiv_id)
    if not m:
        return None
    yy, mm = int(m.group(1)), int(m.group(2))
    if not 1 <= mm <= 12:
        return None
    return 1900 + yy if yy >= 91 else 2000 + yy


def split_authors(value: object, *, bibtex: bool = False) -> tuple[str, ...]:
    """Author names from a list or a ``"A, B and C"`` / ``"A; B"`` string.

    BibTeX strings (``"Last, First and Other, Name"``) are split on ``and`` only.
    """
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        names: Iterable[object] = value
    else:
        s = str(value)
        if bibtex:
            names = re.split(r"\s+and\s+", s)
        elif ";" in s:
            names = s.split(";")
        else:
            names = re.split(r"\s*,\s*and\s+|\s+and\s+|\s*,\s*", s)
    out = []
    for n in names:
        if isinstance(n, dict):  # e.g. {"name": ...}
            n = n.get("name") or n.get("display_name") or ""
        c = clean_text(n)
        if c:
            out.append(c)
    return tuple(out)


def arxiv_id_from(*candidates: object) -> str | None:
    """The first arXiv id found in URLs, ``10.48550/arXiv.*`` DOIs or ``arXiv:`` strings."""
    for c in candidates:
        if not c or not isinstance(c, str):
            continue
        m = _ARXIV_URL.search(c)
        if m:
            return m.group(1)
        doi = normalize_doi(c)
        if doi:
            m = _ARXIV_DOI.match(doi)
            if m:
                return normalize_arxiv_id(m.group(1))
        m = _ARXIV_TEXT.search(c)
        if m:
            return m.group(1)
    return None


def clean_doi(value: object) -> str | None:
    """A normalised DOI (lower case, no resolver prefix) if ``value`` looks like one."""
    if not value or not isinstance(value, str):
        return None
    d = normalize_doi(value)
    return d if d and d.startswith("10.") else None


def clean_arxiv_id(value: object) -> str | None:
    """A normalised arXiv id (no ``arXiv:`` prefix, URL or version), or ``None``."""
    if value is None:
        return None
    s = clean_text(value)
    return normalize_arxiv_id(s) if s else None


def optional_str(value: object) -> str | None:
    """``value`` as a cleaned string, or ``None`` when empty."""
    s = clean_text(value)
    return s or None
