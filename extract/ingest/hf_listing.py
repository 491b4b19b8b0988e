"""Reader for the text of a Hugging Face daily/trending papers listing page.

The page text has a few boilerplate lines ("Get trending papers in your email
inbox!", "Subscribe", "byAK and the research community", a date such as
"Mar 11"), then for each paper a title line followed by its abstract paragraph,
with or without blank lines in between. Boilerplate may be glued to the next
title ("SubscribeImageNet-21K Pretraining for the Masses").

A *title* is a short line without a final period and without a URL; anything
else is abstract text, and consecutive abstract paragraphs are joined. A title
followed directly by another title is kept with an empty abstract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.errors import IngestError
from extract.records import Paper, SourceRef

from ._io import iter_lines
from ._text import clean_text

FORMAT = "hf-listing"

BOILERPLATE = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "byAK and the research community",
    "Subscribe",
)
_BOILERPLATE_EXACT = {b.lower() for b in BOILERPLATE} | {"new", "trending", "daily papers"}
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = re.compile(
    rf"^(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})$"
)
_NOISE = re.compile(r"^(?:\d+|Submitted by .{1,80}|·\s*\d+\s+authors?|\d+\s+authors?)$", re.I)
_URL = re.compile(r"https?://|www\.|github\.com/", re.I)

TITLE_MAX_CHARS = 300
TITLE_MAX_WORDS = 40


def strip_boilerplate(line: str) -> str:
    """``line`` without HF page boilerplate; ``""`` when it is only boilerplate."""
    s = line.strip()
    if not s:
        return ""
    changed = True
    while changed and s:
        changed = False
        for b in BOILERPLATE:
            if s.startswith(b) and len(s) > len(b):
                rest = s[len(b) :]
                # glued title: "SubscribeImageNet..." (but not "Subscribers ...")
                if rest[0].isupper() or rest[0].isdigit() or rest[0] in " \t\"'(":
                    s = rest.strip()
                    changed = True
                    break
    if s.lower() in _BOILERPLATE_EXACT or _DATE.match(s) or _NOISE.match(s):
        return ""
    return s


def is_title(line: str) -> bool:
    """Whether a (non-boilerplate) line reads as a paper title rather than abstract text."""
    return (
        len(line) <= TITLE_MAX_CHARS
        and len(line.split()) <= TITLE_MAX_WORDS
        and not line.endswith((".", "…"))
        and not _URL.search(line)
    )


def looks_like_listing(head: str) -> bool:
    """Whether the start of a text file carries the HF listing boilerplate."""
    lines = [ln.strip() for ln in head.splitlines()[:50]]
    return any(ln.startswith(BOILERPLATE[1][:-1]) or ln.startswith(BOILERPLATE[2]) for ln in lines)


def read(path: str) -> Iterator[Paper | IngestError]:
    """Yield the papers of one listing file, or an :class:`IngestError` for a bad record."""
    title: str | None = None
    title_line = 0
    parts: list[str] = []
    bad: IngestError | None = None

    def emit() -> Paper | IngestError:
        if bad is not None:
            return bad
        return Paper(
            title=clean_text(title),
            abstract=clean_text(" ".join(parts)),
            sources=(SourceRef(path, title_line, FORMAT),),
        )

    for lineno, text, err in iter_lines(path):
        s = strip_boilerplate(text)
        if not s:
            if err is not None:
                yield err
            continue
        if is_title(s):
            if title is not None:
                yield emit()
            title, title_line, parts, bad = s, lineno, [], err
        elif title is None:
            yield err or IngestError(path, lineno, "abstract text without a title line before it")
        else:
            parts.append(s)
            bad = bad or err
    if title is not None:
        yield emit()
