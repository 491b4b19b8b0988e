"""Choosing a reader for a file: extension first, then a look at the content."""

from __future__ import annotations

import json
import os
import re

from extract.errors import IngestError

from . import hf_listing
from ._io import read_head, suffix

FORMATS: tuple[str, ...] = ("hf-listing", "jsonl", "csv", "bibtex", "arxiv", "openalex")

_JSON_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines", ".json"}
_BIB_SUFFIXES = {".bib", ".bibtex"}
_CSV_SUFFIXES = {".csv", ".tsv"}
_TEXT_SUFFIXES = {".txt", ".text", ".md"}
_BIB_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)
_DEC = json.JSONDecoder()


def classify_record(rec: object) -> str:
    """``openalex``, ``arxiv`` or ``jsonl`` for one JSON record.

    >>> classify_record({"id": "https://openalex.org/W1", "title": "x"})
    'openalex'
    >>> classify_record({"id": "2101.00001", "abstract": "...", "categories": "cs.CL"})
    'arxiv'
    """
    if not isinstance(rec, dict):
        return "jsonl"
    rid = str(rec.get("id") or "")
    if "abstract_inverted_index" in rec or "authorships" in rec or "openalex.org" in rid:
        return "openalex"
    ids = rec.get("ids")
    if isinstance(ids, dict) and "openalex" in ids:
        return "openalex"
    if (
        "id" in rec
        and "abstract" in rec
        and any(k in rec for k in ("categories", "update_date", "versions", "authors_parsed"))
    ):
        return "arxiv"
    return "jsonl"


def _first_json_record(head: str) -> object | None:
    """The first record of a JSON Lines file, a JSON array or an API page (``None`` if unsure)."""
    s = head.lstrip()
    if not s:
        return None
    if s[0] == "[":
        i = s.find("{")
        if i < 0:
            return None
        s = s[i:]
    try:
        obj, _ = _DEC.raw_decode(s)
    except ValueError:
        return None
    if isinstance(obj, dict) and isinstance(obj.get("results"), list) and "title" not in obj:
        return obj["results"][0] if obj["results"] else {}
    return obj


def _sniff_json(head: str) -> str:
    rec = _first_json_record(head)
    if rec is not None:
        return classify_record(rec)
    # A first record too large for the sniffing window: fall back on tell-tale keys.
    if "abstract_inverted_index" in head or "openalex.org/W" in head:
        return "openalex"
    if '"abstract"' in head and ('"update_date"' in head or '"categories"' in head):
        return "arxiv"
    return "jsonl"


def detect_format(path: str | os.PathLike) -> str:
    """The reader format for ``path``: one of :data:`FORMATS`.

    The extension decides the family (``.bib`` BibTeX, ``.csv``/``.tsv`` CSV,
    ``.jsonl``/``.json`` JSON, ``.txt`` a Hugging Face listing) and the content
    decides between JSON flavours (a record with ``abstract_inverted_index`` or
    an ``openalex.org`` id is OpenAlex; one with ``id`` + ``abstract`` +
    ``categories``/``update_date`` is the arXiv snapshot). Files with other
    extensions are sniffed. Raises :class:`IngestError` for a missing file or
    when no format fits.
    """
    p = str(path)
    ext = suffix(p)
    if ext in _BIB_SUFFIXES:
        read_head(p, 1)  # raises for a missing file
        return "bibtex"
    if ext in _CSV_SUFFIXES:
        read_head(p, 1)
        return "csv"
    head = read_head(p)
    if ext in _JSON_SUFFIXES:
        return _sniff_json(head)
    stripped = head.lstrip()
    if stripped[:1] in ("{", "["):
        return _sniff_json(head)
    if hf_listing.looks_like_listing(head):
        return "hf-listing"
    if _BIB_ENTRY.search(head[:65536]):
        return "bibtex"
    if ext in _TEXT_SUFFIXES:
        return "hf-listing"  # the only plain-text format
    raise IngestError(
        p, None, f"unknown format (extension {ext or 'none'!r}); use one of {', '.join(FORMATS)}"
    )
