"""Corpus readers: source files in, :class:`~extract.records.Paper` records out.

Pure parsing (no database). Formats (:data:`FORMATS`):

``hf-listing``  text of a Hugging Face daily/trending papers page (``.txt``)
``jsonl``       JSON Lines (or a JSON array) of ``{"title", "abstract"|"text", ...}``
``csv``         CSV/TSV with a header row holding at least ``title``
``bibtex``      BibTeX (``.bib``)
``arxiv``       the arXiv metadata snapshot (JSON Lines)
``openalex``    OpenAlex works (JSON Lines, a JSON array or an API page ``{"results": [...]}``)

Every paper carries ``sources=(SourceRef(path, line, format),)`` with the
1-based line where its record starts. JSON Lines, CSV and listing files are
streamed line by line; BibTeX and (non-Lines) JSON documents are read whole.

Examples
--------
>>> from extract.ingest import read_sources, dedupe   # doctest: +SKIP
>>> papers = dedupe(read_sources(["data/a.txt", "refs.bib"]))  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from extract.errors import IngestError
from extract.records import Paper

from . import bibtex, hf_listing
from .dedupe import dedupe, merge, same_paper
from .detect import FORMATS, classify_record, detect_format
from .mappers import arxiv_paper, openalex_paper, rebuild_abstract
from .tabular import read_csv, read_jsonl

__all__ = [
    "FORMATS",
    "classify_record",
    "dedupe",
    "detect_format",
    "merge",
    "read_file",
    "read_sources",
    "rebuild_abstract",
    "same_paper",
]

# Extensions picked up when a directory is given to read_sources.
SOURCE_SUFFIXES = (".txt", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".bib", ".bibtex")


def _reader(fmt: str) -> Callable[[str], Iterator[Paper | IngestError]]:
    if fmt == "hf-listing":
        return hf_listing.read
    if fmt == "jsonl":
        return read_jsonl
    if fmt == "csv":
        return read_csv
    if fmt == "bibtex":
        return bibtex.read
    if fmt == "arxiv":
        return lambda p: read_jsonl(p, "arxiv", arxiv_paper)
    if fmt == "openalex":
        return lambda p: read_jsonl(p, "openalex", openalex_paper)
    raise KeyError(fmt)


def read_file(path: str | os.PathLike, format: str | None = None) -> Iterator[Paper | IngestError]:
    """Papers of one file, with record-level problems yielded as :class:`IngestError` values.

    File-level problems (missing file, unknown format, a JSON document that does
    not parse) are raised.
    """
    p = str(path)
    fmt = format or detect_format(p)
    if fmt not in FORMATS:
        raise IngestError(p, None, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _reader(fmt)(p)


def _expand_paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> Iterator[str]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        p = Path(path)
        if p.is_dir():
            names = sorted(
                c
                for c in p.iterdir()
                if c.is_file() and c.name.lower().removesuffix(".gz").endswith(SOURCE_SUFFIXES)
            )
            yield from (str(c) for c in names)
        else:
            yield str(path)


def read_sources(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    format: str | None = None,
    *,
    skip_bad: bool = False,
    on_skip: Callable[[IngestError], object] | None = None,
) -> Iterator[Paper]:
    """Yield the papers of each file in order (not deduplicated; see :func:`dedupe`).

    Parameters
    ----------
    paths
        Files (or one file); a directory stands for its source files in name order.
    format
        One of :data:`FORMATS`, overriding detection for every path.
    skip_bad
        Skip bad records (malformed JSON line, undecodable bytes, record with no
        title, malformed BibTeX entry) instead of raising; ``on_skip`` is called
        with each one's :class:`IngestError`. File-level errors (missing file,
        unknown format) still raise.

    Raises
    ------
    IngestError
        Naming the file and, for a bad record, its 1-based line.
    """
    if format is not None and format not in FORMATS:
        first = next(iter([paths] if isinstance(paths, (str, os.PathLike)) else paths), "<input>")
        raise IngestError(str(first), None, f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    for path in _expand_paths(paths):
        for item in read_file(path, format):
            if isinstance(item, IngestError):
                if not skip_bad:
                    raise item
                if on_skip is not None:
                    on_skip(item)
                continue
            yield item
