"""Merging records of the same paper read from several files or formats."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from extract.normalize import normalize_arxiv_id, normalize_doi, normalize_title
from extract.records import Paper


def _ids(p: Paper) -> tuple[str | None, str | None, str]:
    return normalize_doi(p.doi), normalize_arxiv_id(p.arxiv_id), normalize_title(p.title)


def same_paper(a: Paper, b: Paper, b_titles: set[str] | None = None) -> bool:
    """Whether two records name the same paper.

    An identifier both records carry decides (DOI first, then arXiv id); when
    neither identifier is shared, equal normalised titles decide (``b_titles``:
    every normalised title already known for ``b``).

    >>> same_paper(Paper("Deep Nets", arxiv_id="2101.00001"), Paper("Deep nets."))
    True
    >>> same_paper(Paper("Deep Nets", doi="10.1/a"), Paper("Deep Nets", doi="10.1/b"))
    False
    """
    (da, xa, ta), (db, xb, tb) = _ids(a), _ids(b)
    if da and db:
        return da == db
    if xa and xb:
        return xa == xb
    return bool(ta) and (ta == tb or ta in (b_titles or ()))


def merge(base: Paper, other: Paper) -> Paper:
    """``base`` with its missing fields filled from ``other`` and both records' sources.

    The longer abstract wins; every other field keeps ``base``'s value when it has one.
    """
    sources = base.sources + tuple(s for s in other.sources if s not in base.sources)
    abstract = other.abstract if len(other.abstract.strip()) > len(base.abstract.strip()) else base.abstract
    return dataclasses.replace(
        base,
        title=base.title or other.title,
        abstract=abstract,
        year=base.year if base.year is not None else other.year,
        url=base.url or other.url,
        doi=base.doi or other.doi,
        arxiv_id=base.arxiv_id or other.arxiv_id,
        authors=base.authors or other.authors,
        id=base.id or other.id,
        categories=base.categories or other.categories,
        sources=sources,
    )


def dedupe(papers: Iterable[Paper]) -> list[Paper]:
    """One record per paper, in order of first appearance.

    Records are the same paper when they share a DOI, or an arXiv id (and no
    conflicting DOI), or a normalised title with no conflicting DOI/arXiv id (so a
    title-only BibTeX entry joins the JSON Lines record that has the arXiv id).
    The merged record keeps every :class:`~extract.records.SourceRef` and fills
    missing year, url, authors, DOI, arXiv id and a longer abstract from the
    duplicates (see :func:`merge`).

    Examples
    --------
    >>> a = Paper("Deep Nets", arxiv_id="2101.00001")
    >>> b = Paper("Deep nets.", abstract="We study deep nets.", year=2021)
    >>> [(p.arxiv_id, p.year, p.abstract) for p in dedupe([a, b])]
    [('2101.00001', 2021, 'We study deep nets.')]
    """
    groups: list[Paper] = []
    titles: list[set[str]] = []  # every normalised title seen for a group
    parent: list[int] = []
    by_doi: dict[str, int] = {}
    by_arxiv: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    def index(g: int) -> None:
        doi, ax, _ = _ids(groups[g])
        if doi:
            by_doi.setdefault(doi, g)
        if ax:
            by_arxiv.setdefault(ax, g)
        for t in titles[g]:
            lst = by_title.setdefault(t, [])
            if g not in lst:
                lst.append(g)

    for paper in papers:
        doi, ax, title = _ids(paper)
        cands: list[int] = []
        if doi and doi in by_doi:
            cands.append(by_doi[doi])
        if ax and ax in by_arxiv:
            cands.append(by_arxiv[ax])
        if title:
            cands.extend(by_title.get(title, ()))
        roots = sorted({find(c) for c in cands})
        target: int | None = None
        merged = paper
        merged_titles = {title} if title else set()
        for g in roots:
            if not (same_paper(merged, groups[g], titles[g]) or same_paper(groups[g], merged, merged_titles)):
                continue
            if target is None:
                target = g
                merged = merge(groups[g], merged)
            else:  # the new record bridges two earlier groups
                merged = merge(merged, groups[g])
                parent[g] = target
            merged_titles |= titles[g]
        if target is None:
            target = len(groups)
            groups.append(paper)
            titles.append(merged_titles)
            parent.append(target)
        else:
            groups[target] = merged
            titles[target] = merged_titles
        index(target)
    return [p for g, p in enumerate(groups) if find(g) == g]
