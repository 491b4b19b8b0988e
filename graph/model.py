"""The litkg graph model: a bipartite paper-entity graph in networkx, and views derived from it.

Nodes are ``"p:<paper id>"`` (attributes ``kind="paper"``, ``title``, ``year``) and
``"e:<entity id>"`` (``kind="entity"``, ``name``, ``type``, ``papers`` = document
frequency). An edge joins a paper to each entity it mentions (``role``, and
``weight`` = the cost of passing through the entity, see :func:`hop_cost`).

The functions here are small and pure in the networkx manner (graph in, plain data
or a new graph out), except :func:`load_bipartite`, which reads a database once per
database state and caches the graph.

>>> G = build_bipartite(
...     papers=[("a", "Paper A", 2020), ("b", "Paper B", 2021)],
...     entities=[(1, "ADE20K", "dataset", 2), (2, "CNN", "method", 2)],
...     edges=[("a", 1, "used"), ("b", 1, "used"), ("a", 2, "used"), ("b", 2, "used")],
... )
>>> sorted(G.neighbors("e:1"))
['p:a', 'p:b']
>>> P = paper_projection(G)
>>> P["p:a"]["p:b"]["shared"]
2
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable
from pathlib import Path
from typing import Any

import networkx as nx

# Entities present in more than this fraction of papers are "hubs" ("CNN", "ImageNet" at scale):
# they are skipped when generating candidates or building projections, never when explaining.
HUB_FRACTION = 0.05
# ... but never call an entity a hub in a small corpus because of the fraction alone.
MIN_HUB_DF = 100


# ---- weights ------------------------------------------------------------------------------------------
def idf(df: int, n: int) -> float:
    """Inverse document frequency of an entity mentioned by ``df`` of ``n`` papers: ``log(n / df)``.

    Sharing a rare entity ("ADE20K") counts far more than sharing a generic one ("CNN").
    An entity in every paper weighs 0; ``df`` below 1 is treated as 1.

    Parameters
    ----------
    df : int
        Number of papers that mention the entity.
    n : int
        Number of papers in the corpus.

    Examples
    --------
    >>> round(idf(10, 100_000), 2), round(idf(10_000, 100_000), 2)
    (9.21, 2.3)
    >>> idf(8, 8)
    0.0
    """
    if n <= 0:
        return 0.0
    return max(0.0, math.log(n / max(df, 1)))


def hop_cost(df: int) -> float:
    """The cost of a paper-entity edge when searching explanation paths: ``1 + log(df)``.

    Walking through an entity costs twice this (in and out), so a chain through two rare
    entities beats one through a generic hub.

    Examples
    --------
    >>> hop_cost(1), round(hop_cost(10_000), 2)
    (1.0, 10.21)
    """
    return 1.0 + math.log(max(df, 1))


def hub_threshold(n: int, fraction: float = HUB_FRACTION, minimum: int = MIN_HUB_DF) -> int:
    """The document frequency above which an entity counts as a hub in a corpus of ``n`` papers.

    Examples
    --------
    >>> hub_threshold(100_000), hub_threshold(500)
    (5000, 100)
    """
    return max(int(fraction * n), minimum)


def paper_node(paper_id: str) -> str:
    """The graph node of a paper.

    >>> paper_node("2201.03545")
    'p:2201.03545'
    """
    return f"p:{paper_id}"


def entity_node(entity_id: int) -> str:
    """The graph node of an entity.

    >>> entity_node(7)
    'e:7'
    """
    return f"e:{entity_id}"


def parse_node(node: str) -> tuple[str, str | int]:
    """``("paper", id)`` or ``("entity", id)`` for a node name.

    >>> parse_node("p:2201.03545"), parse_node("e:7")
    (('paper', '2201.03545'), ('entity', 7))
    """
    if node.startswith("p:"):
        return "paper", node[2:]
    if node.startswith("e:") and node[2:].isdigit():
        return "entity", int(node[2:])
    raise ValueError(f"not a litkg node name: {node!r}")


# ---- building ---------------------------------------------------------------------------------------
def build_bipartite(
    papers: Iterable[tuple[str, str, int | None]],
    entities: Iterable[tuple[int, str, str, int]],
    edges: Iterable[tuple[str, int, str]],
) -> nx.Graph:
    """The bipartite paper-entity graph from plain rows.

    Parameters
    ----------
    papers : iterable of (paper_id, title, year)
    entities : iterable of (entity_id, name, type, paper_count)
    edges : iterable of (paper_id, entity_id, role)

    Returns
    -------
    networkx.Graph
        Paper nodes ``p:<id>`` and entity nodes ``e:<id>``; each edge has ``role`` and
        ``weight`` = :func:`hop_cost` of the entity's document frequency. ``G.graph["papers"]``
        holds the number of papers.

    Examples
    --------
    >>> G = build_bipartite([("a", "A", None)], [(1, "COCO", "dataset", 1)], [("a", 1, "used")])
    >>> G.nodes["e:1"]["type"], G["p:a"]["e:1"]["weight"]
    ('dataset', 1.0)
    """
    G = nx.Graph()
    n = 0
    for pid, title, year in papers:
        G.add_node(f"p:{pid}", kind="paper", title=title, year=year)
        n += 1
    cost: dict[int, float] = {}
    for eid, name, type_, df in entities:
        G.add_node(f"e:{eid}", kind="entity", name=name, type=type_, papers=df)
        cost[eid] = hop_cost(df)
    G.add_edges_from(
        (f"p:{pid}", f"e:{eid}", {"role": role, "weight": cost.get(eid, 1.0)}) for pid, eid, role in edges
    )
    G.graph["papers"] = n
    return G


def papers_of(G: nx.Graph) -> list[Hashable]:
    """The paper nodes of a bipartite litkg graph.

    >>> papers_of(build_bipartite([("a", "A", None)], [(1, "X", "method", 0)], []))
    ['p:a']
    """
    return [v for v, kind in G.nodes(data="kind") if kind == "paper"]


def entity_degree(G: nx.Graph, node: Hashable) -> int:
    """Number of papers mentioning an entity node (its document frequency in ``G``)."""
    return G.degree(node)


def paper_projection(
    G: nx.Graph,
    *,
    types: Collection[str] | None = None,
    max_df: int | None = None,
    max_pairs: int | None = None,
    record_entities: bool = True,
) -> nx.Graph:
    """The paper-paper graph: two papers are linked when they mention the same entities.

    The edge ``weight`` is the sum of :func:`idf` of the shared entities (``shared`` counts
    them, ``entities`` lists them), so sharing "ADE20K" weighs far more than sharing "CNN".

    Parameters
    ----------
    G : networkx.Graph
        A bipartite graph from :func:`build_bipartite`.
    types : collection of str, optional
        Only entities of these types link papers.
    max_df : int, optional
        Skip entities mentioned by more papers than this (hubs), which bounds the size.
    max_pairs : int, optional
        A budget of paper pairs: entities are taken from the rarest up while their pairs
        ``df * (df - 1) / 2`` fit in it.
    record_entities : bool
        Keep the list of shared entity nodes on each edge (``entities``); turn off to save
        memory on large graphs.

    Examples
    --------
    >>> G = build_bipartite(
    ...     [("a", "A", None), ("b", "B", None), ("c", "C", None)],
    ...     [(1, "ADE20K", "dataset", 2), (2, "CNN", "method", 3)],
    ...     [("a", 1, "used"), ("b", 1, "used"), ("a", 2, "used"), ("b", 2, "used"), ("c", 2, "used")],
    ... )
    >>> P = paper_projection(G)
    >>> round(P["p:a"]["p:b"]["weight"], 3), round(P["p:a"]["p:c"]["weight"], 3)
    (0.405, 0.0)
    >>> paper_projection(G, max_df=2).has_edge("p:a", "p:c")
    False
    """
    n = G.graph.get("papers") or len(papers_of(G))
    P = nx.Graph()
    P.add_nodes_from((v, d) for v, d in G.nodes(data=True) if d.get("kind") == "paper")
    chosen = []
    for e, d in G.nodes(data=True):
        if d.get("kind") != "entity" or (types and d.get("type") not in types):
            continue
        df = G.degree(e)
        if df < 2 or (max_df is not None and df > max_df):
            continue
        chosen.append((df, e))
    chosen.sort()
    pairs = 0
    for df, e in chosen:
        pairs += df * (df - 1) // 2
        if max_pairs is not None and pairs > max_pairs:
            break
        w = idf(df, n)
        members = sorted(G.neighbors(e))
        for i, u in enumerate(members):
            for v in members[i + 1 :]:
                data = P.get_edge_data(u, v)
                if data is None:
                    if record_entities:
                        P.add_edge(u, v, weight=w, shared=1, entities=[e])
                    else:
                        P.add_edge(u, v, weight=w, shared=1)
                else:
                    data["weight"] += w
                    data["shared"] += 1
                    if record_entities:
                        data["entities"].append(e)
    return P


def entity_cooccurrence(
    G: nx.Graph, *, types: Collection[str] | None = None, min_count: int = 1, max_df: int | None = None
) -> nx.Graph:
    """The entity-entity graph: ``weight`` = number of papers mentioning both entities.

    Parameters
    ----------
    G : networkx.Graph
        A bipartite graph from :func:`build_bipartite`.
    types : collection of str, optional
        Keep only entities of these types.
    min_count : int
        Drop pairs seen together in fewer papers.
    max_df : int, optional
        Skip entities mentioned by more papers than this.

    Examples
    --------
    >>> G = build_bipartite(
    ...     [("a", "A", None), ("b", "B", None)],
    ...     [(1, "ConvNeXt", "method", 2), (2, "COCO", "dataset", 2), (3, "Mamba", "method", 1)],
    ...     [("a", 1, "used"), ("a", 2, "used"), ("b", 1, "used"), ("b", 2, "used"), ("b", 3, "used")],
    ... )
    >>> C = entity_cooccurrence(G)
    >>> C["e:1"]["e:2"]["weight"], C["e:1"]["e:3"]["weight"]
    (2, 1)
    >>> [sorted(e) for e in entity_cooccurrence(G, min_count=2).edges()]
    [['e:1', 'e:2']]
    """
    keep = {
        v for v, d in G.nodes(data=True)
        if d.get("kind") == "entity" and (not types or d.get("type") in types)
        and (max_df is None or G.degree(v) <= max_df)
    }
    counts: Counter = Counter()
    for p in papers_of(G):
        ents = sorted(e for e in G.neighbors(p) if e in keep)
        for i, u in enumerate(ents):
            for v in ents[i + 1 :]:
                counts[u, v] += 1
    C = nx.Graph()
    C.add_nodes_from((v, G.nodes[v]) for v in G if v in keep)
    C.add_weighted_edges_from((u, v, c) for (u, v), c in counts.items() if c >= min_count)
    return C


# ---- algorithms -------------------------------------------------------------------------------------
def explanation_path(G: nx.Graph, source: Hashable, target: Hashable) -> list[Hashable] | None:
    """The cheapest chain of nodes from ``source`` to ``target``, or ``None`` when unconnected.

    Edge costs come from :func:`hop_cost`, so the chain prefers rare, specific entities to
    generic hubs even when that takes a hop more.

    Examples
    --------
    >>> G = build_bipartite(
    ...     [("a", "A", None), ("b", "B", None), ("c", "C", None), ("z", "Z", None)],
    ...     [(1, "CNN", "method", 3), (2, "ADE20K", "dataset", 2)],
    ...     [("a", 1, "used"), ("b", 1, "used"), ("c", 1, "used"), ("a", 2, "used"), ("b", 2, "used")],
    ... )
    >>> explanation_path(G, "p:a", "p:b")
    ['p:a', 'e:2', 'p:b']
    >>> explanation_path(G, "p:a", "p:z") is None
    True
    """
    if source not in G or target not in G:
        return None
    if source == target:
        return [source]
    try:
        _cost, nodes = nx.bidirectional_dijkstra(G, source, target, weight="weight")
    except nx.NetworkXNoPath:
        return None
    return nodes


def characteristic_entities(
    G: nx.Graph, members: Collection[Hashable], *, limit: int = 5, min_support: int = 2
) -> list[tuple[Hashable, int, float]]:
    """The entities most over-represented among ``members`` (paper nodes) relative to the corpus.

    Each entity is scored ``count * log(lift)`` where ``lift`` = (share of members mentioning
    it) / (share of all papers mentioning it).

    Returns
    -------
    list of (entity node, count among members, score), best first.

    Examples
    --------
    >>> G = build_bipartite(
    ...     [(p, p, None) for p in "abcd"],
    ...     [(1, "Mamba", "method", 2), (2, "CNN", "method", 4)],
    ...     [("a", 1, "used"), ("b", 1, "used")] + [(p, 2, "used") for p in "abcd"],
    ... )
    >>> [(e, c) for e, c, _ in characteristic_entities(G, ["p:a", "p:b"])]
    [('e:1', 2)]
    """
    n = G.graph.get("papers") or len(papers_of(G))
    size = len(members)
    counts: Counter = Counter()
    for p in members:
        counts.update(G.neighbors(p))
    support = min(min_support, size)
    scored = []
    for e, c in counts.items():
        if c < support:
            continue
        lift = (c / size) / (G.degree(e) / n)
        if lift <= 1.0:
            continue
        scored.append((e, c, c * math.log(lift)))
    scored.sort(key=lambda t: (-t[2], -t[1], str(t[0])))
    return scored[:limit]


def paper_communities(
    P: nx.Graph, *, seed: int = 42, resolution: float = 1.0, min_size: int = 1
) -> list[set[Hashable]]:
    """Louvain communities of a paper projection, largest first (deterministic for a seed).

    Examples
    --------
    >>> P = nx.Graph([("a", "b", {"weight": 3.0}), ("c", "d", {"weight": 3.0}), ("b", "c", {"weight": 0.1})])
    >>> sorted(sorted(c) for c in paper_communities(P))
    [['a', 'b'], ['c', 'd']]
    """
    parts = nx.community.louvain_communities(P, weight="weight", resolution=resolution, seed=seed)
    parts = [set(c) for c in parts if len(c) >= min_size]
    parts.sort(key=lambda c: (-len(c), min(map(str, c))))
    return parts


# ---- loading and caching ----------------------------------------------------------------------------
_CACHE: dict[tuple[str, str], tuple[str, Any]] = {}
_LOCK = threading.Lock()
_KEY_LOCKS: dict[tuple[str, str], threading.Lock] = defaultdict(threading.Lock)


def _state(path: str) -> str:
    """:func:`graph.db.state_token`, except that an empty WAL file counts as none (the first
    read-only connection creates one without changing the database)."""
    from graph.db import state_token

    main, _, wal = state_token(path).partition("|")
    return f"{main}|{'-' if wal.startswith('0:') else wal}"


def cached(db: str | Path, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per database state: keyed by (resolved path, name), checked against
    :func:`graph.db.state_token`. Only the latest state of each database is kept."""
    path = str(Path(db).resolve())
    key = (path, name)
    token = _state(path)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == token:
        return hit[1]
    with _LOCK:
        key_lock = _KEY_LOCKS[key]
    with key_lock:  # two threads asking at once load once
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == token:
            return hit[1]
        value = compute()
        _CACHE[key] = (token, value)
        return value


def clear_cache() -> None:
    """Forget every cached graph (tests, or to free memory)."""
    _CACHE.clear()


def read_bipartite(db: str | Path) -> nx.Graph:
    """Read the bipartite graph of a database (uncached; see :func:`load_bipartite`)."""
    from graph.db import open_db

    conn = open_db(db, readonly=True).conn
    try:
        return build_bipartite(
            conn.execute("SELECT id, title, year FROM papers"),
            conn.execute("SELECT id, name, type, paper_count FROM entities"),
            conn.execute("SELECT paper_id, entity_id, role FROM paper_entity"),
        )
    finally:
        conn.close()


def load_bipartite(db: str | Path) -> nx.Graph:
    """The bipartite paper-entity graph of a database, loaded once per database state.

    The graph is shared between callers: treat it as read-only (copy before changing it).
    """
    return cached(db, "bipartite", lambda: read_bipartite(db))


__all__ = [
    "HUB_FRACTION", "MIN_HUB_DF", "idf", "hop_cost", "hub_threshold", "paper_node", "entity_node", "parse_node",
    "build_bipartite", "papers_of", "entity_degree", "paper_projection", "entity_cooccurrence",
    "explanation_path", "characteristic_entities", "paper_communities", "cached", "clear_cache",
    "read_bipartite", "load_bipartite",
]
