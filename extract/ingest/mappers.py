"""Mapping parsed JSON/CSV records to :class:`~extract.records.Paper`.

Each mapper takes a record (a dict) and its :class:`SourceRef` and returns a
``Paper``, or raises :class:`IngestError` when the record cannot be used.
"""

from __future__ import annotations

import re

from extract.errors import IngestError
from extract.normalize import normalize_arxiv_id
from extract.records import Paper, SourceRef

from ._text import (
    arxiv_id_from,
    clean_arxiv_id,
    clean_doi,
    clean_text,
    optional_str,
    parse_year,
    split_authors,
    year_from_arxiv_id,
)

_ARXIV_CATEGORY = re.compile(r"^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$")


def _need_dict(rec: object, ref: SourceRef) -> dict:
    if not isinstance(rec, dict):
        raise IngestError(ref.path, ref.line, f"expected a JSON object, got {type(rec).__name__}")
    return rec


def _first(rec: dict, *names: str) -> object:
    """The first non-empty value among ``names`` (keys compared case-insensitively)."""
    lower = None
    for n in names:
        v = rec.get(n)
        if v is None:
            if lower is None:
                lower = {str(k).lower(): val for k, val in rec.items()}
            v = lower.get(n)
        if v not in (None, "", [], {}):
            return v
    return None


def _title(rec: dict, ref: SourceRef, *names: str) -> str:
    value = _first(rec, *names)
    if isinstance(value, list):  # e.g. Crossref-style ["Title"]
        value = value[0] if value else None
    title = clean_text(value)
    if not title:
        raise IngestError(ref.path, ref.line, "record has no title")
    return title


def _categories(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        items = [clean_text(v) for v in value]
    else:
        s = str(value)
        items = [clean_text(v) for v in re.split(r"[,;]" if re.search(r"[,;]", s) else r"\s+", s)]
    return tuple(dict.fromkeys(i for i in items if i))


def generic_paper(rec: object, ref: SourceRef) -> Paper:
    """A record with ``title`` and ``abstract``/``text`` (JSON Lines, CSV, JSON array)."""
    rec = _need_dict(rec, ref)
    title = _title(rec, ref, "title")
    doi = clean_doi(_first(rec, "doi"))
    url = optional_str(_first(rec, "url", "link"))
    arxiv = clean_arxiv_id(_first(rec, "arxiv_id", "arxiv", "eprint")) or arxiv_id_from(url, doi)
    rid = _first(rec, "id", "paper_id")
    return Paper(
        title=title,
        abstract=clean_text(_first(rec, "abstract", "text", "summary")),
        year=parse_year(_first(rec, "year", "publication_year", "date")),
        url=url,
        doi=doi,
        arxiv_id=arxiv,
        authors=split_authors(_first(rec, "authors", "author")),
        id=clean_text(rid) or None,
        categories=_categories(_first(rec, "categories", "tags", "keywords")),
        sources=(ref,),
    )


def arxiv_paper(rec: object, ref: SourceRef) -> Paper:
    """A record of the arXiv metadata snapshot (Kaggle ``arxiv-metadata-oai-snapshot``)."""
    rec = _need_dict(rec, ref)
    title = _title(rec, ref, "title")
    raw_id = clean_text(rec.get("id"))
    arxiv = normalize_arxiv_id(raw_id) if raw_id else None
    year = None
    versions = rec.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        year = parse_year(versions[0].get("created"))
    if year is None:
        year = year_from_arxiv_id(arxiv)
    if year is None:
        year = parse_year(rec.get("update_date"))
    authors: tuple[str, ...] = ()
    parsed = rec.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                last, rest = parts[0], [p for p in parts[1:] if p]
                names.append(clean_text(" ".join([*rest[:1], last, *rest[1:]])))
        authors = tuple(n for n in names if n)
    if not authors:
        authors = split_authors(rec.get("authors"))
    cats = rec.get("categories")
    categories = tuple(c for c in _categories(cats if isinstance(cats, list) else str(cats or "").split()))
    categories = tuple(c for c in categories if _ARXIV_CATEGORY.match(c))
    return Paper(
        title=title,
        abstract=clean_text(rec.get("abstract")),
        year=year,
        url=f"https://arxiv.org/abs/{arxiv}" if arxiv else None,
        doi=clean_doi(rec.get("doi")),
        arxiv_id=arxiv,
        authors=authors,
        id=raw_id or None,
        categories=categories,
        sources=(ref,),
    )


def rebuild_abstract(index: object) -> str:
    """Rebuild an abstract from an OpenAlex ``abstract_inverted_index`` (word -> positions).

    >>> rebuild_abstract({"Deep": [0], "nets": [1, 3], "and": [2]})
    'Deep nets and nets'
    """
    if not isinstance(index, dict):
        return ""
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if isinstance(positions, int):
            positions = [positions]
        if not isinstance(positions, list):
            continue
        for pos in positions:
            if isinstance(pos, int) and pos >= 0:
                slots[pos] = str(word)
    return clean_text(" ".join(slots[k] for k in sorted(slots)))


def _openalex_short_id(value: object) -> str | None:
    s = clean_text(value)
    if not s:
        return None
    return s.rstrip("/").rsplit("/", 1)[-1]


def openalex_paper(rec: object, ref: SourceRef) -> Paper:
    """An OpenAlex work record."""
    rec = _need_dict(rec, ref)
    title = _title(rec, ref, "title", "display_name")
    ids = rec.get("ids") if isinstance(rec.get("ids"), dict) else {}
    doi = clean_doi(rec.get("doi")) or clean_doi(ids.get("doi"))
    locations = []
    for key in ("primary_location", "best_oa_location"):
        if isinstance(rec.get(key), dict):
            locations.append(rec[key])
    if isinstance(rec.get("locations"), list):
        locations.extend(loc for loc in rec["locations"] if isinstance(loc, dict))
    urls: list[object] = [ids.get("arxiv"), *ids.values(), doi]
    for loc in locations:
        urls.extend([loc.get("landing_page_url"), loc.get("pdf_url")])
    arxiv = clean_arxiv_id(ids.get("arxiv")) if ids.get("arxiv") else None
    arxiv = arxiv or arxiv_id_from(*urls)
    authors = []
    for a in rec.get("authorships") or []:
        if isinstance(a, dict):
            author = a.get("author") if isinstance(a.get("author"), dict) else {}
            name = clean_text(author.get("display_name") or a.get("raw_author_name"))
            if name:
                authors.append(name)
    landing = None
    if isinstance(rec.get("primary_location"), dict):
        landing = optional_str(rec["primary_location"].get("landing_page_url"))
    return Paper(
        title=title,
        abstract=rebuild_abstract(rec.get("abstract_inverted_index")) or clean_text(rec.get("abstract")),
        year=parse_year(rec.get("publication_year")) or parse_year(rec.get("publication_date")),
        url=f"https://doi.org/{doi}" if doi else landing,
        doi=doi,
        arxiv_id=arxiv,
        authors=tuple(authors),
        id=_openalex_short_id(rec.get("id") or ids.get("openalex")),
        categories=(),
        sources=(ref,),
    )
