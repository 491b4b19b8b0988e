"""Selecting the subgraph to draw: the whole graph or a node's neighbourhood, trimmed to a size people can read.

A view is a bipartite :class:`networkx.Graph` of papers (``"p:<paper id>"``) and entities
(``"e:<entity id>"``), built straight from SQL on a read-only connection, plus a note of what
was left out. It feeds the HTML export (:mod:`graph.export`), the GraphML/GEXF/CSV exports and
the app's graph canvas.

Node attributes
    ``kind`` ("paper" | "entity"), ``label`` (short text drawn on the canvas), ``type`` ("paper"
    or the entity type), ``title`` (full title or entity name), ``year``, ``url``, ``code`` (first
    code link), ``snippet`` (start of the abstract), ``aliases`` (list), ``papers`` (entity paper
    count), ``degree`` (in the view), ``distance`` (hops from the center, views with a center only).
Edge attributes
    ``type`` ("proposes" | "uses" | "variant_of"), ``role`` ("proposed" | "used" | "variant"),
    ``evidence`` (the sentence the link was read from; empty for ``variant_of``).

Every string comes from paper text and is untrusted: renderers must escape it.

>>> from graph.views import ViewGraph
>>> ViewGraph(graph=nx.Graph(), center=None, left_out={}, title="empty").graph.number_of_nodes()
0
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from extract.errors import LitkgError
from graph.db import open_db

SNIPPET_CHARS = 300
LABEL_CHARS = 32
MAX_ALIASES = 12
# A neighbourhood stops growing past this many nodes (hub entities at 2+ hops); the view says so.
MAX_CANDIDATES = 50_000


class ViewError(LitkgError):
    """A view cannot be built: unknown center node or bad arguments."""


@dataclass
class ViewGraph:
    """A graph ready to draw or export.

    Attributes
    ----------
    graph : networkx.Graph
        Papers and entities with the attributes listed in the module docstring.
    center : str or None
        The node id the view is centred on.
    left_out : dict
        ``{"nodes": n, "edges": m, "isolated": k, "by_type": {...}, "reason": "..."}``; zeros and an
        empty reason when nothing was left out.
    title : str
        A one-line description ("Neighbourhood of HorNet (2 hops)").
    """

    graph: nx.Graph
    center: str | None
    left_out: dict = field(default_factory=dict)
    title: str = ""


# ---- small text helpers ---------------------------------------------------------------------------

def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """A short canvas label: the name before a colon ("HorNet: Efficient ..." -> "HorNet") or a truncation.

    >>> short_label("HorNet: Efficient High-Order Spatial Interactions")
    'HorNet'
    >>> short_label("Deep Residual Learning for Image Recognition", 24)
    'Deep Residual Learning…'
    """
    text = " ".join((text or "").split())
    head = text.split(":", 1)[0].strip()
    if ":" in text and 2 <= len(head) <= limit:
        return head
    return truncate(text, limit)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, adding an ellipsis.

    >>> truncate("a b c d", 5)
    'a b…'
    """
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def _parse_types(types: Sequence[str] | str | None) -> list[str] | None:
    if types is None:
        return None
    if isinstance(types, str):
        types = types.split(",")
    out = sorted({t.strip().lower() for t in types if t and t.strip()} - {"paper", "papers"})
    return out or None


def _json(ids: Iterable) -> str:
    return json.dumps(list(ids))


# ---- resolving the center -------------------------------------------------------------------------

def resolve_center(db: str | Path, text: str) -> str:
    """The node id ("p:..." / "e:...") that ``text`` names, via :func:`graph.queries.resolve_node`.

    Accepts ids, arXiv ids/DOIs, titles, entity names and aliases.

    Raises
    ------
    LitkgError
        ``NodeNotFound`` / ``AmbiguousNode`` from :mod:`graph.queries`.
    """
    from graph.queries import resolve_node

    found = resolve_node(db, text)
    node_id = found.get("node") if isinstance(found, dict) else found
    if not (isinstance(node_id, str) and node_id[:2] in ("p:", "e:")):
        raise ViewError(f"cannot resolve {text!r} to a node")
    return node_id


# ---- building views -------------------------------------------------------------------------------

def view_graph(
    db: str | Path,
    center: str | None = None,
    hops: int = 1,
    types: Sequence[str] | str | None = None,
    max_nodes: int | None = 300,
    min_weight: float = 0.0,
) -> ViewGraph:
    """The subgraph to draw: the whole graph, or the ``hops``-neighbourhood of ``center``.

    Parameters
    ----------
    db : str or Path
        The litkg database (opened read-only, closed before returning).
    center : str, optional
        A node id ("p:..." / "e:..."), paper id, entity name or alias, or title words.
    hops : int
        Neighbourhood radius in the bipartite graph: 1 = the center's entities (or papers),
        2 = also the papers sharing them (or the entities those papers mention), ...
    types : sequence of str, optional
        Entity types to show ("method", "dataset", "metric", "task"); papers are always shown
        because every edge runs paper-entity. A comma-separated string is accepted.
    max_nodes : int or None
        Size limit. Past it the view keeps the most connected part: growing from the center (or,
        without one, from the biggest hub) it adds the node with most links into the kept part,
        nearest hops first. ``None`` or 0: no limit.
    min_weight : float
        Leave out entities mentioned by fewer than this many papers in the whole database
        (``entities.paper_count``); the center is always kept.

    Returns
    -------
    ViewGraph
        Papers left without any edge are dropped (and counted in ``left_out["isolated"]``).

    Raises
    ------
    ViewError
        ``center`` matches nothing, or ``hops`` is negative.

    Examples
    --------
    >>> view = view_graph("data/litkg.db", center="HorNet", hops=2, max_nodes=100)  # doctest: +SKIP
    >>> view.graph.nodes[view.center]["label"]  # doctest: +SKIP
    'HorNet'
    """
    if hops < 0:
        raise ViewError(f"hops must be 0 or more, not {hops}")
    limit = max_nodes if max_nodes and max_nodes > 0 else None
    type_list = _parse_types(types)
    center_id = resolve_center(db, center) if center else None
    db_ = open_db(db, readonly=True)
    conn = db_.conn
    try:
        if center_id is None:
            ent_filter, ent_params = _entity_filter(type_list, min_weight)
            cand, dist, totals, truncated = _whole_candidates(conn, ent_filter, ent_params, limit)
        else:
            ent_filter, ent_params = _entity_filter(type_list, min_weight, type_index=False)
            cand, dist, totals, truncated = _neighbourhood_candidates(
                conn, center_id, hops, ent_filter, ent_params, budget=_budget(limit)
            )
        isolated = [n for n in cand if cand.degree(n) == 0 and n != center_id]
        cand.remove_nodes_from(isolated)
        kept = connected_core(cand, limit, center=center_id, dist=dist)
        graph = cand.subgraph(kept).copy()
        _add_attributes(conn, graph, dist if center_id else None)
        _add_family_edges(conn, graph)
    finally:
        conn.close()
    for n, d in graph.degree():
        graph.nodes[n]["degree"] = d
    left_out = _left_out(graph, totals, len(isolated) + totals.get("isolated", 0), limit, truncated)
    return ViewGraph(graph=graph, center=center_id, left_out=left_out, title=_title(graph, center_id, hops))


def _entity_filter(types: list[str] | None, min_weight: float, *, type_index: bool = True) -> tuple[str, list]:
    """The SQL condition on ``entities e`` for a view's type and weight filters, and its parameters.

    ``type_index=False`` writes ``+e.type`` so that SQLite does not drive a join from the type index: a
    neighbourhood starts from a few papers' links, and walking every entity of a type instead took 1–3 s
    at 100,000 papers (60 s around a hub).
    """
    sql, params = "e.paper_count >= ?", [max(1.0, float(min_weight or 0))]
    if types:
        sql += f" AND {'e.type' if type_index else '+e.type'} IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(types))
    return sql, params


def _whole_candidates(conn, ent_filter: str, params: list, limit: int | None):
    """A bounded candidate graph for the whole-graph view, plus the totals it was drawn from."""
    totals = {
        "entities": conn.execute(f"SELECT count(*) FROM entities e WHERE {ent_filter}", params).fetchone()[0],
        "edges": conn.execute(
            f"SELECT count(*) FROM paper_entity pe JOIN entities e ON e.id = pe.entity_id WHERE {ent_filter}", params
        ).fetchone()[0],
        "papers": conn.execute(
            f"SELECT count(DISTINCT pe.paper_id) FROM paper_entity pe JOIN entities e ON e.id = pe.entity_id "
            f"WHERE {ent_filter}", params
        ).fetchone()[0],
    }
    totals["isolated"] = conn.execute("SELECT count(*) FROM papers").fetchone()[0] - totals["papers"]
    g = nx.Graph()
    if limit is None or totals["entities"] + totals["papers"] <= 4 * limit:
        rows = conn.execute(
            f"SELECT pe.paper_id, pe.entity_id, pe.role, pe.sentence FROM paper_entity pe "
            f"JOIN entities e ON e.id = pe.entity_id WHERE {ent_filter}", params
        )
    else:
        # the most mentioned entities, and the papers with most links to them
        ents = [r[0] for r in conn.execute(
            f"SELECT e.id FROM entities e WHERE {ent_filter} ORDER BY e.paper_count DESC, e.id LIMIT ?",
            [*params, 3 * limit],
        )]
        papers = [r[0] for r in conn.execute(
            "SELECT paper_id FROM paper_entity WHERE entity_id IN (SELECT value FROM json_each(?)) "
            "GROUP BY paper_id ORDER BY count(*) DESC, paper_id LIMIT ?", (_json(ents), 3 * limit),
        )]
        wanted = set(ents)
        rows = (r for r in conn.execute(
            "SELECT paper_id, entity_id, role, sentence FROM paper_entity WHERE paper_id IN (SELECT value FROM json_each(?))",
            (_json(papers),),
        ) if r[1] in wanted)
    _add_edges(g, rows)
    return g, {}, totals, False


def _add_edges(g: nx.Graph, rows) -> None:
    for pid, eid, role, sentence in rows:
        g.add_edge(f"p:{pid}", f"e:{eid}", role=role, type="proposes" if role == "proposed" else "uses",
                   evidence=sentence or "")


def _budget(limit: int | None) -> int:
    """How many candidate nodes one hop may add: enough to pick the most connected ``limit`` from."""
    return MAX_CANDIDATES if limit is None else min(MAX_CANDIDATES, max(1_000, 20 * limit))


def _neighbourhood_candidates(conn, center: str, hops: int, ent_filter: str, params: list,
                              budget: int = MAX_CANDIDATES):
    """Grow hop by hop from ``center``; each hop keeps at most ``budget`` new nodes, those with the
    most links into the previous hop (so a 2-hop view around a hub stays bounded)."""
    dist = {center: 0}
    frontier = {center}
    truncated = False
    for d in range(1, hops + 1):
        papers = [n[2:] for n in frontier if n.startswith("p:")]
        ents = [int(n[2:]) for n in frontier if n.startswith("e:")]
        room = max(0, min(budget, MAX_CANDIDATES - len(dist)))
        found: list[tuple[int, str]] = []
        if papers:
            found += [(-r[1], f"e:{r[0]}") for r in conn.execute(
                f"SELECT pe.entity_id, count(*) AS links FROM paper_entity pe JOIN entities e ON e.id = pe.entity_id "
                f"WHERE pe.paper_id IN (SELECT value FROM json_each(?)) AND {ent_filter} "
                f"GROUP BY pe.entity_id ORDER BY links DESC, e.paper_count DESC, pe.entity_id LIMIT ?",
                [_json(papers), *params, room + len(dist)],
            )]
        if ents:
            found += [(-r[1], f"p:{r[0]}") for r in conn.execute(
                "SELECT paper_id, count(*) AS links FROM paper_entity WHERE entity_id IN (SELECT value FROM json_each(?)) "
                "GROUP BY paper_id ORDER BY links DESC, paper_id LIMIT ?",
                (_json(ents), room + len(dist)),
            )]
        found.sort()
        new = [n for _, n in found if n not in dist]
        if len(new) >= room:
            truncated = truncated or len(new) > room or _more_than(conn, papers, ents, ent_filter, params, room, dist)
            new = new[:room]
        frontier = set(new)
        for n in frontier:
            dist[n] = d
        if not frontier or len(dist) >= MAX_CANDIDATES:
            break
    papers = [n[2:] for n in dist if n.startswith("p:")]
    ents = [int(n[2:]) for n in dist if n.startswith("e:")]
    g = nx.Graph()
    g.add_nodes_from(dist)
    # by paper (the primary key's prefix), keeping the edges whose entity is a candidate too: a
    # two-list IN on both columns makes SQLite scan
    wanted = set(ents)
    rows = conn.execute(
        "SELECT paper_id, entity_id, role, sentence FROM paper_entity WHERE paper_id IN (SELECT value FROM json_each(?))",
        (_json(papers),),
    )
    _add_edges(g, (r for r in rows if r[1] in wanted))
    totals = {"papers": len(papers), "entities": len(ents), "edges": g.number_of_edges()}
    return g, dist, totals, truncated


def _more_than(conn, papers, ents, ent_filter, params, room, dist) -> bool:
    """Whether the hop had more new nodes than were kept (the LIMIT hid them)."""
    total = 0
    if papers:
        total += conn.execute(
            f"SELECT count(DISTINCT pe.entity_id) FROM paper_entity pe JOIN entities e ON e.id = pe.entity_id "
            f"WHERE pe.paper_id IN (SELECT value FROM json_each(?)) AND {ent_filter}", [_json(papers), *params],
        ).fetchone()[0]
    if ents:
        total += conn.execute(
            "SELECT count(DISTINCT paper_id) FROM paper_entity WHERE entity_id IN (SELECT value FROM json_each(?))",
            (_json(ents),),
        ).fetchone()[0]
    return total > room + len(dist)


def connected_core(
    g: nx.Graph, limit: int | None, *, center: str | None = None, dist: dict[str, int] | None = None
) -> set[str]:
    """Nodes to keep: all of them within ``limit``, else a connected, densely linked part.

    Greedy growth from ``center`` (or the highest-degree node): repeatedly add the frontier node
    that is nearest the center (``dist``, hops), then has most links into the kept part, then the
    highest degree. When a component is exhausted it restarts from the best remaining node.

    >>> g = nx.Graph([("hub", i) for i in "abcd"] + [("x", "y")])
    >>> sorted(connected_core(g, 3)) == ["a", "b", "hub"]
    True
    """
    dist = dist or {}
    if limit is None or g.number_of_nodes() <= limit:
        return set(g.nodes)
    deg = dict(g.degree())
    links: dict[str, int] = {}
    kept: set[str] = set()
    heap: list = []

    def push(n: str) -> None:
        heapq.heappush(heap, (dist.get(n, 0), -links.get(n, 0), -deg[n], n))

    order = sorted(g.nodes, key=lambda n: (n != center, dist.get(n, 0), -deg[n], n))
    starts = iter(order)
    while len(kept) < limit:
        while heap and heap[0][3] in kept:
            heapq.heappop(heap)
        if heap:
            _d, neg_links, _deg, n = heapq.heappop(heap)
            if -neg_links != links.get(n, 0):
                continue  # stale entry
        else:
            n = next((m for m in starts if m not in kept), None)
            if n is None:
                break
        kept.add(n)
        for m in g.neighbors(n):
            if m not in kept:
                links[m] = links.get(m, 0) + 1
                push(m)
    return kept


def _add_attributes(conn, g: nx.Graph, dist: dict[str, int] | None) -> None:
    papers = [n[2:] for n in g if n.startswith("p:")]
    ents = [int(n[2:]) for n in g if n.startswith("e:")]
    code: dict[str, str] = {}
    for pid, url in conn.execute(
        "SELECT paper_id, url FROM code_links WHERE paper_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        (_json(papers),),
    ):
        code.setdefault(pid, url)
    for pid, title, year, url, abstract in conn.execute(
        "SELECT id, title, year, url, substr(abstract, 1, ?) FROM papers WHERE id IN (SELECT value FROM json_each(?))",
        (SNIPPET_CHARS + 50, _json(papers)),
    ):
        g.nodes[f"p:{pid}"].update(
            kind="paper", type="paper", label=short_label(title), title=title or "", year=year, url=url,
            code=code.get(pid), snippet=truncate(abstract or "", SNIPPET_CHARS), aliases=[], papers=None,
        )
    aliases: dict[int, list[str]] = {}
    for eid, alias in conn.execute(
        "SELECT entity_id, alias FROM aliases WHERE entity_id IN (SELECT value FROM json_each(?)) ORDER BY alias",
        (_json(ents),),
    ):
        aliases.setdefault(eid, []).append(alias)
    for eid, name, type_, count in conn.execute(
        "SELECT id, name, type, paper_count FROM entities WHERE id IN (SELECT value FROM json_each(?))", (_json(ents),)
    ):
        names = [a for a in aliases.get(eid, []) if a != name][:MAX_ALIASES]
        g.nodes[f"e:{eid}"].update(
            kind="entity", type=type_, label=truncate(name, 40), title=name, year=None, url=None, code=None,
            snippet="", aliases=names, papers=count,
        )
    if dist is not None:
        for n in g:
            g.nodes[n]["distance"] = dist.get(n)


def _add_family_edges(conn, g: nx.Graph) -> None:
    """``variant_of`` edges (ResNet-50 -> ResNet) between entities both in the view."""
    ents = [int(n[2:]) for n in g if n.startswith("e:")]
    for vid, fid in conn.execute(
        "SELECT id, family_id FROM entities WHERE family_id IS NOT NULL AND id IN (SELECT value FROM json_each(?)) "
        "AND family_id IN (SELECT value FROM json_each(?))", (_json(ents), _json(ents)),
    ):
        if vid != fid:
            g.add_edge(f"e:{vid}", f"e:{fid}", role="variant", type="variant_of", evidence="")


def _left_out(g: nx.Graph, totals: dict, isolated: int, limit: int | None, truncated: bool) -> dict:
    n_papers = sum(1 for n in g if n.startswith("p:"))
    n_ents = g.number_of_nodes() - n_papers
    kept_edges = sum(1 for *_e, t in g.edges(data="type") if t != "variant_of")
    papers_out = max(0, totals.get("papers", 0) - n_papers - (isolated - totals.get("isolated", 0)))
    ents_out = max(0, totals.get("entities", 0) - n_ents)
    edges_out = max(0, totals.get("edges", 0) - kept_edges)
    trimmed = papers_out + ents_out
    parts = []
    if trimmed:
        parts.append(
            f"kept the {g.number_of_nodes():,} most connected nodes (max_nodes={limit}); left out "
            f"{plural(papers_out, 'paper')}, {plural(ents_out, 'entity')} and {plural(edges_out, 'link')}"
        )
    if isolated:
        parts.append(f"{plural(isolated, 'paper')} with no entity in view not drawn")
    if truncated:
        parts.append("the neighbourhood is larger still: each hop was limited to its most connected nodes "
                     "before choosing what to draw")
    return {
        "nodes": trimmed + isolated,
        "edges": edges_out,
        "isolated": isolated,
        "by_type": {"paper": papers_out + isolated, "entity": ents_out},
        "reason": "; ".join(parts),
    }


def plural(n: int, word: str) -> str:
    """``"1 paper"``, ``"2 papers"``.

    >>> plural(1, "paper"), plural(1234, "entity")
    ('1 paper', '1,234 entities')
    """
    if n == 1:
        return f"1 {word}"
    return f"{n:,} " + (word[:-1] + "ies" if word.endswith("y") else word + "s")


def _title(g: nx.Graph, center: str | None, hops: int) -> str:
    n_papers = sum(1 for n in g if n.startswith("p:"))
    size = f"{plural(n_papers, 'paper')}, {plural(g.number_of_nodes() - n_papers, 'entity')}"
    if center is None:
        return f"Whole graph: {size}"
    name = g.nodes[center].get("label", center) if center in g else center
    return f"Neighbourhood of {name} ({hops} hop{'s' if hops != 1 else ''}): {size}"
