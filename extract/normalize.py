"""Normalisation helpers shared by the readers and the extraction pipeline."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from extract.records import Paper

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """NFKC-normalise, lower-case and turn every Unicode dash into ``-``.

    >>> fold("ImageNet\u20111K")
    'imagenet-1k'
    """
    return _DASHES.sub("-", unicodedata.normalize("NFKC", text)).lower()


def normalize_title(title: str) -> str:
    """The key two titles share when they name the same paper.

    Case, accents, punctuation and white space are ignored.

    >>> normalize_title("A ConvNet for the 2020s.") == normalize_title("a convnet  for the 2020s")
    True
    """
    s = unicodedata.normalize("NFKD", fold(title))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", s).strip()


def normalize_doi(doi: str | None) -> str | None:
    """Lower-cased DOI without resolver prefix, or ``None``."""
    if not doi:
        return None
    d = doi.strip().lower()
    d = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", d)
    return d or None


def normalize_arxiv_id(arxiv_id: str | None) -> str | None:
    """arXiv id without ``arXiv:`` prefix, URL or version suffix, or ``None``.

    >>> normalize_arxiv_id("arXiv:2301.03580v2")
    '2301.03580'
    """
    if not arxiv_id:
        return None
    a = arxiv_id.strip()
    a = re.sub(r"^(https?://arxiv\.org/(abs|pdf)/|arxiv:)", "", a, flags=re.I)
    a = re.sub(r"(\.pdf)?$", "", a)
    a = re.sub(r"v\d+$", "", a)
    return a or None


def dedup_key(paper: Paper) -> str:
    """``doi:...``, else ``arxiv:...``, else ``title:<normalised title>``."""
    doi = normalize_doi(paper.doi)
    if doi:
        return f"doi:{doi}"
    ax = normalize_arxiv_id(paper.arxiv_id)
    if ax:
        return f"arxiv:{ax}"
    return f"title:{normalize_title(paper.title)}"
