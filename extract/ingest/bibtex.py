"""Reader for BibTeX files (bibtexparser v2), with LaTeX decoding of title/abstract/authors."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import bibtexparser
from bibtexparser import model

from extract.errors import IngestError
from extract.records import Paper, SourceRef

from ._io import read_text
from ._text import (
    arxiv_id_from,
    clean_arxiv_id,
    clean_doi,
    clean_text,
    optional_str,
    parse_year,
    split_authors,
)

FORMAT = "bibtex"

_URL_CMD = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}(?:\s*\{([^{}]*)\})?")
_CMD = re.compile(r"\\[A-Za-z]+\*?\s*")
_latex_converter = None


def _converter():
    global _latex_converter
    if _latex_converter is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _latex_converter = LatexNodes2Text(math_mode="text", keep_comments=True, strict_latex_spaces=False)
    return _latex_converter


def latex_to_text(value: str) -> str:
    """Plain text from a BibTeX field value: LaTeX accents/commands decoded, braces removed.

    >>> latex_to_text(r"{BERT}: Deep {Bidirectional} Transformers for Sch{\\"o}n \\& Co")
    'BERT: Deep Bidirectional Transformers for Schön & Co'
    """
    s = _URL_CMD.sub(lambda m: m.group(2) or m.group(1), value)
    try:
        s = _converter().latex_to_text(s)
    except Exception:  # pylatexenc is lenient, but never let a odd field stop ingestion
        s = _CMD.sub("", s)
    s = s.replace("{", "").replace("}", "")
    return clean_text(s)


def bibtex_name(name: str) -> str:
    """``"Last, First"`` / ``"Last, Jr, First"`` as ``"First Last"`` / ``"First Last Jr"``.

    >>> bibtex_name("He, Kaiming")
    'Kaiming He'
    """
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and parts[0] and parts[2]:
        return clean_text(f"{parts[2]} {parts[0]} {parts[1]}")
    return name


def _fields(entry: model.Entry) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in entry.fields:
        key = f.key.lower()
        if key not in out:
            out[key] = f.value if isinstance(f.value, str) else str(f.value)
    return out


def _paper(entry: model.Entry, ref: SourceRef) -> Paper:
    f = _fields(entry)
    title = latex_to_text(f.get("title", ""))
    if not title:
        raise IngestError(ref.path, ref.line, f"BibTeX entry '{entry.key}' has no title")
    url = optional_str(f.get("url"))
    doi = clean_doi(f.get("doi"))
    eprint = f.get("eprint") or f.get("arxiv") or f.get("arxivid")
    prefix = f.get("archiveprefix", f.get("eprinttype", "arxiv")).strip().lower()
    arxiv = clean_arxiv_id(eprint) if eprint and prefix == "arxiv" else None
    arxiv = arxiv or arxiv_id_from(url, doi, f.get("journal"), f.get("note"))
    authors = tuple(bibtex_name(a) for a in split_authors(latex_to_text(f.get("author", "")), bibtex=True))
    return Paper(
        title=title,
        abstract=latex_to_text(f.get("abstract", "")),
        year=parse_year(f.get("year") or f.get("date")),
        url=url,
        doi=doi,
        arxiv_id=arxiv,
        authors=authors,
        id=entry.key or None,
        sources=(ref,),
    )


def _short(error: object) -> str:
    msg = str(error).strip().splitlines()
    first = msg[0] if msg else ""
    # bibtexparser's first line is "Parsing of `@x` block (line n) aborted on line m due to ...";
    # the useful part is on the next line.
    detail = msg[1].strip() if len(msg) > 1 else first
    return detail[:160]


def read(path: str) -> Iterator[Paper | IngestError]:
    """Yield a paper per BibTeX entry (or an :class:`IngestError` for a malformed one)."""
    text, bad = read_text(path)
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # failures are reported as IngestError instead
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(level)
    blocks = sorted(library.blocks, key=lambda b: b.start_line or 0)
    total = text.count("\n") + 1
    for i, block in enumerate(blocks):
        line = (block.start_line or 0) + 1
        end = (blocks[i + 1].start_line or 0) if i + 1 < len(blocks) else total
        broken = next((bad[n] for n in range(line, end + 1) if n in bad), None)
        if broken is not None:
            yield broken
            continue
        if isinstance(block, (model.DuplicateBlockKeyBlock, model.DuplicateFieldKeyBlock)):
            block = block.ignore_error_block
        if isinstance(block, model.ParsingFailedBlock):
            yield IngestError(path, line, f"malformed BibTeX entry: {_short(block.error)}")
        elif isinstance(block, model.Entry):
            try:
                yield _paper(block, SourceRef(path, line, FORMAT))
            except IngestError as e:
                yield e
