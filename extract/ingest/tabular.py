"""Readers for generic JSON Lines / JSON arrays and CSV/TSV files of papers.

Records carry ``title`` and ``abstract`` (or ``text``); optional ``id``,
``year``, ``url``, ``authors`` (a list or an ``"A, B"`` / ``"A and B"``
string), ``doi``, ``arxiv_id``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from extract.errors import IngestError
from extract.records import Paper, SourceRef

from ._io import iter_lines, suffix
from ._json import iter_json_records
from .mappers import generic_paper


def read_jsonl(path: str, fmt: str = "jsonl", mapper=generic_paper) -> Iterator[Paper | IngestError]:
    """Yield a paper (or a record error) per JSON record of ``path``."""
    for line, rec in iter_json_records(path):
        if isinstance(rec, IngestError):
            yield rec
            continue
        try:
            yield mapper(rec, SourceRef(path, line, fmt))
        except IngestError as e:
            yield e


class _LineFeed:
    """Feeds decoded physical lines to :mod:`csv`, remembering undecodable ones."""

    def __init__(self, path: str) -> None:
        self.lines = iter_lines(path)
        self.bad: dict[int, IngestError] = {}

    def __iter__(self) -> Iterator[str]:
        for lineno, text, err in self.lines:
            if err is not None:
                self.bad[lineno] = err
            yield text


def _delimiter(path: str, header: str) -> str:
    if suffix(path) == ".tsv":
        return "\t"
    if suffix(path) == ".csv":
        return ","
    return "\t" if header.count("\t") > header.count(",") else ","


def read_csv(path: str) -> Iterator[Paper | IngestError]:
    """Yield a paper (or a record error) per CSV/TSV row; the first row is the header.

    Each paper's line is the physical line where its row starts (quoted fields
    may span several lines).
    """
    feed = _LineFeed(path)
    lines = iter(feed)
    first = next(lines, None)
    if first is None:
        return
    delim = _delimiter(path, first)

    def all_lines() -> Iterator[str]:
        yield first
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delim)
    header: list[str] | None = None
    prev_end = 0
    while True:
        start = prev_end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise IngestError(path, reader.line_num or start, f"malformed CSV: {e}") from None
        end = reader.line_num
        prev_end = end
        bad = next((feed.bad[n] for n in range(start, end + 1) if n in feed.bad), None)
        if header is None:
            if bad is not None:
                raise bad
            if not row or not any(c.strip() for c in row):
                continue
            header = [h.strip().lower() for h in row]
            if "title" not in header:
                raise IngestError(path, start, "CSV header has no 'title' column")
            continue
        if not row or not any(c.strip() for c in row):
            continue
        if bad is not None:
            yield bad
            continue
        rec = {h: v for h, v in zip(header, row, strict=False) if h}
        try:
            yield generic_paper(rec, SourceRef(path, start, "csv"))
        except IngestError as e:
            yield e
