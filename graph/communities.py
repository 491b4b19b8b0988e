"""Communities of papers, computed from SQL without loading the whole graph.

Louvain runs on the idf-weighted paper projection (as :func:`graph.model.paper_projection`),
built straight from the ``paper_entity`` table: entities are taken from the rarest up
while their paper pairs fit in a budget (:data:`COMMUNITY_MAX_PAIRS`), hubs
(:func:`graph.model.hub_threshold`) and entities of a single paper never link papers.
Only the chosen entities' edges are read, so memory is bounded by the budget, not by
the corpus (a million papers need the same ~200,000-pair graph as 100,000).
Characteristic entities are scored from SQL counts (as :func:`graph.model.characteristic_entities`).

The build stores the result (:func:`write_communities`, called by
:meth:`graph.store.GraphWriter.finalize`) in ``communities``, ``community_entities`` and
``community_papers``; :func:`graph.queries.communities` reads those tables, and computes
in-process (:func:`compute_communities`) only when they are stale.

>>> import sqlite3
>>> from graph.db import open_db
>>> db = open_db(":memory:")
>>> compute_communities(db.conn)
[]
"""

from __future__ import annotations

import heapq
import json
import math
import sqlite3
import time
from typing import Any

import networkx as nx

from graph import model

# A budget of paper pairs for the projection Louvain runs on (entities taken from the rarest up).
# networkx's Louvain takes ~20 s for 200,000 pairs: a small corpus fits whole, a large one is
# clustered on its most specific links (see bench/bench_queries.py --communities).
COMMUNITY_MAX_PAIRS = 200_000
SEED = 42
N_ENTITIES = 5  # characteristic entities kept per community


def paper_projection_sql(conn: sqlite3.Connection, *, max_pairs: int | None = COMMUNITY_MAX_PAIRS) -> nx.Graph:
    """The idf-weighted paper projection, from the database, without isolated papers.

    The same graph as ``paper_projection(load_bipartite(db), max_df=hub_threshold(n),
    max_pairs=max_pairs, record_entities=False)`` with its isolated nodes removed: same
    nodes, edges, weights and insertion order (so Louvain with a seed gives the same
    communities), but only the chosen entities' edges are read.
    """
    (n,) = conn.execute("SELECT count(*) FROM papers").fetchone()
    max_df = model.hub_threshold(n)
    chosen: list[tuple[int, float]] = []  # (entity id, idf), rarest first
    pairs = 0
    # Rarest first; ties in the order of the node names ("e:<id>", as a string) like the networkx version.
    for eid, df in conn.execute(
        "SELECT id, paper_count FROM entities WHERE paper_count BETWEEN 2 AND ? ORDER BY paper_count, 'e:' || id",
        [max_df],
    ):
        pairs += df * (df - 1) // 2
        if max_pairs is not None and pairs > max_pairs:
            break
        chosen.append((eid, model.idf(df, n)))
    edges: dict[tuple[str, str], list] = {}
    rowid: dict[str, int] = {}
    order = {eid: i for i, (eid, _w) in enumerate(chosen)}
    members: list[list[str]] = [[] for _ in chosen]
    for eid, pid, rid in conn.execute(
        "SELECT pe.entity_id, pe.paper_id, p.rowid FROM json_each(?) j "
        "JOIN paper_entity pe ON pe.entity_id = j.value JOIN papers p ON p.id = pe.paper_id",
        [json.dumps([eid for eid, _w in chosen])],
    ):
        members[order[eid]].append("p:" + pid)
        rowid["p:" + pid] = rid
    for (_eid, w), ms in zip(chosen, members, strict=True):
        ms.sort()
        for i, u in enumerate(ms):
            for v in ms[i + 1:]:
                data = edges.get((u, v))
                if data is None:
                    edges[u, v] = [w, 1]
                else:
                    data[0] += w
                    data[1] += 1
    P = nx.Graph()
    # papers in table order, as load_bipartite adds them
    P.add_nodes_from(sorted({v for uv in edges for v in uv}, key=rowid.__getitem__))
    P.add_edges_from((u, v, {"weight": w, "shared": k}) for (u, v), (w, k) in edges.items())
    P.graph["papers"] = n
    return P


def compute_communities(
    conn: sqlite3.Connection, *, seed: int = SEED, max_pairs: int | None = COMMUNITY_MAX_PAIRS
) -> list[dict[str, Any]]:
    """Every community, largest first, with all its members (most connected first).

    Returns
    -------
    list of dict
        ``[{"id", "size", "label", "entities": [{"entity_id", "entity", "type", "count", "score"}],
        "papers": [paper id]}]``.
    """
    P = paper_projection_sql(conn, max_pairs=max_pairs)
    if P.size(weight="weight") <= 0:  # no links, or only through entities every paper mentions (idf 0)
        return []
    n = P.graph["papers"]
    parts = model.paper_communities(P, seed=seed, min_size=1)
    strength = dict(P.degree(weight="weight"))
    del P
    membership = [[v[2:], i, len(part)] for i, part in enumerate(parts) for v in part]
    # entity counts among each community's members (hubs included, as in characteristic_entities)
    best: list[list[tuple]] = [[] for _ in parts]
    for cid, eid, c, df, name, type_ in conn.execute(
        "SELECT j.value ->> 1 AS cid, pe.entity_id, count(*) AS c, e.paper_count, e.name, e.type "
        "FROM json_each(?) j JOIN paper_entity pe ON pe.paper_id = j.value ->> 0 "
        "JOIN entities e ON e.id = pe.entity_id "
        "GROUP BY cid, pe.entity_id HAVING c >= min(2, max(j.value ->> 2))",
        [json.dumps(membership)],
    ):
        size = len(parts[cid])
        lift = (c / size) / (max(df, 1) / n)
        if lift <= 1.0:
            continue
        item = (c * math.log(lift), c, _neg_str(f"e:{eid}"), eid, name, type_)
        heap = best[cid]
        if len(heap) < N_ENTITIES:
            heapq.heappush(heap, item)
        else:
            heapq.heappushpop(heap, item)
    out = []
    for i, part in enumerate(parts):
        top = sorted(best[i], reverse=True)
        entities = [
            {"entity_id": eid, "entity": name, "type": type_, "count": c, "score": round(s, 4)}
            for s, c, _key, eid, name, type_ in top
        ]
        members = sorted(part, key=lambda v: (-strength[v], v))
        out.append({
            "id": i, "size": len(part),
            "label": " / ".join(e["entity"] for e in entities[:3]) or "(no characteristic entity)",
            "entities": entities,
            "papers": [v[2:] for v in members],
        })
    return out


class _neg_str(str):
    """A string that sorts in reverse (so a max-heap of (score, count, key) breaks ties on the smaller key)."""

    __slots__ = ()

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:
        return str.__lt__(self, other)

    def __le__(self, other: str) -> bool:
        return str.__ge__(self, other)

    def __ge__(self, other: str) -> bool:
        return str.__le__(self, other)


def write_communities(conn: sqlite3.Connection, *, seed: int = SEED) -> float:
    """Compute the communities and replace the stored ones (in the caller's transaction). Returns seconds."""
    t0 = time.perf_counter()
    found = compute_communities(conn, seed=seed)
    conn.execute("DELETE FROM community_papers")
    conn.execute("DELETE FROM community_entities")
    conn.execute("DELETE FROM communities")
    conn.executemany("INSERT INTO communities(id, size, label) VALUES (?, ?, ?)",
                     [(c["id"], c["size"], c["label"]) for c in found])
    conn.executemany(
        "INSERT INTO community_entities(community_id, rank, entity_id, count, score) VALUES (?, ?, ?, ?, ?)",
        [(c["id"], r, e["entity_id"], e["count"], e["score"]) for c in found for r, e in enumerate(c["entities"])],
    )
    conn.executemany(
        "INSERT INTO community_papers(community_id, rank, paper_id) VALUES (?, ?, ?)",
        [(c["id"], r, pid) for c in found for r, pid in enumerate(c["papers"])],
    )
    seconds = time.perf_counter() - t0
    for key, value in (("communities_stale", "0"), ("communities_seed", str(seed))):
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
    return seconds


def mark_stale(conn: sqlite3.Connection) -> None:
    """The stored communities no longer describe the graph (queries compute them in-process)."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('communities_stale', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
    )


def stored_are_fresh(conn: sqlite3.Connection, seed: int = SEED) -> bool:
    """The stored communities were computed, for this seed, by the last finalize of the graph.

    While a build is writing (or after one was interrupted: meta ``dirty``) they describe the graph
    as of the last finished build and are still served: recomputing them in-process at every
    committed batch would cost the app seconds to a minute each time on a large corpus. A build
    with ``--no-communities`` and a migrated schema-1 file mark them stale; a file never finalized
    (e.g. filled directly, as ``bench/synth_graph.py`` does) has none.
    """
    meta = dict(conn.execute(
        "SELECT key, value FROM meta WHERE key IN ('communities_stale', 'communities_seed')"
    ).fetchall())
    return meta.get("communities_stale") == "0" and meta.get("communities_seed", str(SEED)) == str(seed)


def read_communities(
    conn: sqlite3.Connection, *, min_size: int = 3, limit: int = 20, max_papers: int = 100
) -> list[dict[str, Any]]:
    """The stored communities of at least ``min_size`` papers, largest first, in the query API's shape."""
    rows = conn.execute(
        "SELECT id, size, label FROM communities WHERE size >= ? ORDER BY id LIMIT ?", [min_size, limit]
    ).fetchall()
    if not rows:
        return []
    ids = json.dumps([r[0] for r in rows])
    entities: dict[int, list] = {}
    for cid, eid, name, type_, c, score in conn.execute(
        "SELECT ce.community_id, ce.entity_id, e.name, e.type, ce.count, ce.score FROM community_entities ce "
        "JOIN entities e ON e.id = ce.entity_id WHERE ce.community_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY ce.community_id, ce.rank",
        [ids],
    ):
        entities.setdefault(cid, []).append(
            {"entity_id": eid, "entity": name, "type": type_, "count": c, "score": score}
        )
    papers: dict[int, list] = {}
    for cid, pid, title in conn.execute(
        "SELECT cp.community_id, cp.paper_id, p.title FROM community_papers cp JOIN papers p ON p.id = cp.paper_id "
        "WHERE cp.community_id IN (SELECT value FROM json_each(?)) AND cp.rank < ? ORDER BY cp.community_id, cp.rank",
        [ids, max_papers],
    ):
        papers.setdefault(cid, []).append({"paper_id": pid, "title": title})
    return [
        {"id": cid, "size": size, "label": label, "entities": entities.get(cid, []), "papers": papers.get(cid, [])}
        for cid, size, label in rows
    ]


__all__ = [
    "COMMUNITY_MAX_PAIRS", "SEED", "paper_projection_sql", "compute_communities", "write_communities",
    "mark_stale", "stored_are_fresh", "read_communities",
]
