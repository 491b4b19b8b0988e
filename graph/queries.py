"""Questions a researcher asks of the graph, answered with the evidence sentence behind every link.

Every function takes the database path first, opens its own read-only connection and
closes it (safe from Streamlit threads), and returns plain JSON-able dicts and lists.
Interactive questions (neighbours, shared entities, similar papers, explanation paths,
papers using entities together, top entities, details) are answered in SQL over the
``paper_entity`` edge table; communities use networkx graphs loaded once per database
state (:func:`graph.model.load_bipartite`).

A *node* argument may be a paper id, a paper title (case-insensitive, or a unique
prefix), an entity name or alias, or an explicit node name ``p:<paper id>`` /
``e:<entity id>``. Unknown and ambiguous names raise :class:`NodeNotFound` /
:class:`AmbiguousNode`, whose message lists the closest candidates.

Node dicts look like ``{"kind": "paper"|"entity", "id", "node": "p:<id>"|"e:<id>",
"name", "type": "paper"|entity type, "year"?, "papers"?}``.
"""

from __future__ import annotations

import difflib
import heapq
import json
import math
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from extract.errors import LitkgError
from extract.normalize import normalize_arxiv_id, normalize_doi, normalize_title
from extract.records import ENTITY_TYPES
from graph import model, schema
from graph.db import read_connection

Node = dict[str, Any]


class NodeNotFound(LitkgError):
    """No paper or entity matches a name; ``candidates`` holds the closest node dicts."""

    def __init__(self, message: str, candidates: Sequence[Node] = ()) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class AmbiguousNode(LitkgError):
    """A name matches several papers or entities; ``candidates`` holds (up to 5 of) them."""

    def __init__(self, message: str, candidates: Sequence[Node] = ()) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class NoPath(LitkgError):
    """No chain of papers and entities links two nodes."""


# ---- plumbing -----------------------------------------------------------------------------------------
def _n_papers(db: str | Path, conn: sqlite3.Connection) -> int:
    return model.cached(db, "n_papers", lambda: conn.execute("SELECT count(*) FROM papers").fetchone()[0])


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def paper_dict(paper_id: str, title: str, year: int | None) -> Node:
    """A paper's node dict.

    >>> paper_dict("2201.03545", "A ConvNet for the 2020s", 2022)["node"]
    'p:2201.03545'
    """
    return {"kind": "paper", "id": paper_id, "node": model.paper_node(paper_id), "name": title, "type": "paper",
            "year": year}


def entity_dict(entity_id: int, name: str, type_: str, papers: int) -> Node:
    """An entity's node dict.

    >>> entity_dict(3, "ADE20K", "dataset", 12)["node"]
    'e:3'
    """
    return {"kind": "entity", "id": entity_id, "node": model.entity_node(entity_id), "name": name, "type": type_,
            "papers": papers}


_PAPER_COLS = "id, title, year"
_ENTITY_COLS = "id, name, type, paper_count"


def _papers(conn: sqlite3.Connection, where: str, params: Sequence[Any] = (), limit: int = 6) -> list[Node]:
    rows = conn.execute(f"SELECT {_PAPER_COLS} FROM papers WHERE {where} LIMIT {int(limit)}", list(params))
    return [paper_dict(*r) for r in rows]


def _entities(conn: sqlite3.Connection, where: str, params: Sequence[Any] = (), limit: int = 6) -> list[Node]:
    rows = conn.execute(
        f"SELECT {_ENTITY_COLS} FROM entities WHERE {where} ORDER BY paper_count DESC LIMIT {int(limit)}",
        list(params),
    )
    return [entity_dict(*r) for r in rows]


def normalize_types(types: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Entity types from user input: a comma-separated string or a list, plural forms accepted.

    >>> normalize_types("methods, dataset")
    ('method', 'dataset')
    >>> normalize_types(None) is None and normalize_types("all") is None
    True
    """
    if types is None:
        return None
    items = types.split(",") if isinstance(types, str) else list(types)
    out: list[str] = []
    for item in items:
        t = item.strip().lower()
        if not t:
            continue
        if t == "all":
            return None
        if t not in ENTITY_TYPES and t.endswith("s") and t[:-1] in ENTITY_TYPES:
            t = t[:-1]
        if t not in ENTITY_TYPES:
            raise LitkgError(f"unknown entity type {item.strip()!r}; use one of: {', '.join(ENTITY_TYPES)}")
        if t not in out:
            out.append(t)
    return tuple(out) or None


# ---- resolving names ----------------------------------------------------------------------------------
def _entity_key(text: str) -> str:
    try:
        from extract.canonical import entity_key
    except ImportError:  # pragma: no cover - only while the pipeline is incomplete
        return " ".join(text.lower().split())
    return entity_key(text)


def describe(node: Node) -> str:
    """A short human label of a node for messages.

    >>> describe(entity_dict(3, "ADE20K", "dataset", 12))
    "'ADE20K' (dataset, e:3)"
    """
    if node["kind"] == "paper":
        return f"{node['name']!r} (paper {node['id']})"
    return f"{node['name']!r} ({node['type']}, {node['node']})"


def _dedupe(nodes: Iterable[Node]) -> list[Node]:
    seen, out = set(), []
    for n in nodes:
        if n["node"] not in seen:
            seen.add(n["node"])
            out.append(n)
    return out


def _kind_filter(nodes: list[Node], kind: str | None) -> list[Node]:
    if kind is None or kind == "any":
        return nodes
    if kind == "paper":
        return [n for n in nodes if n["kind"] == "paper"]
    if kind == "entity":
        return [n for n in nodes if n["kind"] == "entity"]
    return [n for n in nodes if n["kind"] == "entity" and n["type"] == kind]


def _candidates(conn: sqlite3.Connection, text: str, kind: str | None, limit: int = 5) -> list[Node]:
    """The nodes closest to an unknown name: close spellings (difflib), then full-text matches."""
    from graph.sql import fts_query

    found: list[Node] = []
    want_papers = kind in (None, "any", "paper")
    want_entities = kind != "paper"
    low = text.lower()
    if want_entities:
        rows = conn.execute(f"SELECT {_ENTITY_COLS} FROM entities").fetchall()
        by_name: dict[str, list] = defaultdict(list)
        for r in rows:
            by_name[r[1].lower()].append(r)
        for name in difflib.get_close_matches(low, list(by_name), n=limit, cutoff=0.6):
            found += [entity_dict(*r) for r in by_name[name]]
    if want_papers:
        (count,) = conn.execute("SELECT count(*) FROM papers").fetchone()
        if count <= 20_000:
            rows = conn.execute(f"SELECT {_PAPER_COLS} FROM papers").fetchall()
            by_title: dict[str, list] = defaultdict(list)
            for r in rows:
                by_title[r[1].lower()].append(r)
            for title in difflib.get_close_matches(low, list(by_title), n=limit, cutoff=0.5):
                found += [paper_dict(*r) for r in by_title[title]]
    q = fts_query(text)
    if q:
        try:
            if want_entities:
                found += [entity_dict(*r) for r in conn.execute(
                    "SELECT e.id, e.name, e.type, e.paper_count FROM entities_fts JOIN entities e "
                    "ON e.id = entities_fts.rowid WHERE entities_fts MATCH ? ORDER BY e.paper_count DESC LIMIT ?",
                    [q, limit])]
            if want_papers:
                found += [paper_dict(*r) for r in conn.execute(
                    "SELECT p.id, p.title, p.year FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid "
                    "WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 5.0, 1.0) LIMIT ?", [q, limit])]
        except sqlite3.OperationalError:  # pragma: no cover - a malformed FTS index
            pass
    return _kind_filter(_dedupe(found), kind)[:limit]


def _exact_tiers(conn: sqlite3.Connection, text: str) -> Iterator[list[Node]]:
    """Matches of a name, tier by tier, the most specific first."""
    low = text.lower()
    ekey = _entity_key(text)
    tkey = normalize_title(text)
    # 1. node names and paper identifiers
    if text.startswith("p:"):
        yield _papers(conn, "id = ?", [text[2:]])
    if text.startswith("e:") and text[2:].isdigit():
        yield _entities(conn, "id = ?", [int(text[2:])])
    ax, doi = normalize_arxiv_id(text), normalize_doi(text)
    yield _papers(conn, "id = ? OR arxiv_id = ? OR doi = ?", [text, ax or text, doi or text])
    # 2. an exact title or entity name
    tier = _papers(conn, "title_key = ?", [tkey]) if tkey else []
    if ekey:
        tier += _entities(conn, "key = ?", [ekey])
    yield tier
    # 3. an alias, or a display name whose key differs (a full scan, rarely reached)
    if ekey:
        yield _entities(conn, "id IN (SELECT entity_id FROM aliases WHERE alias_key = ?)", [ekey])
    yield _entities(conn, "lower(name) = ?", [low])
    # 4. a title or entity-name prefix
    tier = []
    if tkey:
        tier += _papers(conn, "title_key >= ? AND title_key < ?", [tkey, tkey + "\uffff"])
    tier += _entities(conn, "(key >= ? AND key < ?) OR lower(name) LIKE ? ESCAPE '\\'",
                      [ekey or low, (ekey or low) + "\uffff",
                       low.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"])
    yield tier


def resolve_node(db: str | Path, text: str, kind: str | None = None) -> Node:
    """The paper or entity a user means by ``text``.

    Parameters
    ----------
    db : str or Path
        The database.
    text : str
        A paper id (or arXiv id / DOI), a title (case-insensitive, or a unique prefix), an
        entity name or alias, or a node name ``p:<id>`` / ``e:<id>``.
    kind : str, optional
        ``"paper"``, ``"entity"`` or an entity type (``"dataset"``...) to accept only those.

    Returns
    -------
    dict
        The node dict.

    Raises
    ------
    NodeNotFound
        Nothing matches; the message lists up to 5 closest candidates.
    AmbiguousNode
        Several nodes match equally well; the message lists them.

    Examples
    --------
    >>> resolve_node(db, "ade20k")["name"]  # doctest: +SKIP
    'ADE20K'
    """
    with read_connection(db) as conn:
        return _resolve(conn, text, kind)


def _resolve(conn: sqlite3.Connection, text: str, kind: str | None = None) -> Node:
    text = (text or "").strip()
    what = {None: "paper or entity", "any": "paper or entity", "paper": "paper", "entity": "entity"}.get(kind, kind)
    if not text:
        raise NodeNotFound(f"empty name: give a {what} name, title or id")
    for tier in _exact_tiers(conn, text):
        tier = _kind_filter(_dedupe(tier), kind)
        if len(tier) == 1:
            return tier[0]
        if len(tier) > 1:
            listed = "; ".join(describe(n) for n in tier[:5])
            more = " and more" if len(tier) > 5 else ""
            raise AmbiguousNode(
                f"{text!r} is ambiguous: it matches {listed}{more}. Give more of the title, a paper id, "
                f"or a node name such as {tier[0]['node']}",
                tier[:5],
            )
    cands = _candidates(conn, text, kind)
    hint = "; ".join(describe(n) for n in cands) if cands else "none found (try: litkg search DB WORDS)"
    raise NodeNotFound(f"no {what} named {text!r}; closest: {hint}", cands)


# ---- scoring helpers ----------------------------------------------------------------------------------
def _rank_papers(
    conn: sqlite3.Connection, weights: Mapping[int, float], exclude: Iterable[str], limit: int
) -> list[tuple[str, float]]:
    """Papers mentioning the weighted entities, by the sum of the weights they mention."""
    if not weights or limit <= 0:
        return []
    ex = list(exclude)
    values = ",".join("(?, ?)" for _ in weights)
    params: list[Any] = [x for item in weights.items() for x in item] + ex + [limit]
    sql = (
        f"WITH w(entity_id, weight) AS (VALUES {values}) "
        "SELECT pe.paper_id, sum(w.weight) AS score FROM w JOIN paper_entity pe ON pe.entity_id = w.entity_id "
        + (f"WHERE pe.paper_id NOT IN ({_marks(ex)}) " if ex else "")
        + "GROUP BY pe.paper_id ORDER BY score DESC, pe.paper_id LIMIT ?"
    )
    return [(pid, float(score)) for pid, score in conn.execute(sql, params)]


def _paper_rows(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, tuple]:
    if not ids:
        return {}
    return {r[0]: r for r in conn.execute(f"SELECT {_PAPER_COLS} FROM papers WHERE id IN ({_marks(ids)})", ids)}


def _entity_stats(db: str | Path, conn: sqlite3.Connection) -> dict[int, tuple[int, str, float]]:
    """``{entity id: (paper count, type, idf)}`` for every entity, cached per database state."""

    def load() -> dict[int, tuple[int, str, float]]:
        n = _n_papers(db, conn)
        return {i: (df, t, model.idf(df, n)) for i, df, t in conn.execute("SELECT id, paper_count, type FROM entities")}

    return model.cached(db, "entity_stats", load)


def _entity_rows(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple]:
    if not ids:
        return {}
    return {r[0]: r for r in conn.execute(f"SELECT {_ENTITY_COLS} FROM entities WHERE id IN ({_marks(ids)})", ids)}


def _type_clause(types: Sequence[str] | None, column: str = "e.type") -> tuple[str, list[str]]:
    if not types:
        return "", []
    return f" AND {column} IN ({_marks(types)})", list(types)


# ---- neighbours ---------------------------------------------------------------------------------------
def neighbors(
    db: str | Path, node_text: str, hops: int = 1, types: str | Iterable[str] | None = None, limit: int = 50
) -> dict[str, Any]:
    """The neighbourhood of a paper or entity, up to ``hops`` (1-3) steps away.

    From a paper: its entities (1), papers sharing them (2), those papers' other entities (3).
    From an entity: the papers mentioning it (1), entities co-occurring with it (2), papers
    mentioning those (3). Entities are weighted by rarity (:func:`graph.model.idf`); a paper
    neighbour of an entity by its number of mentions; farther papers by the summed idf of
    the entities that lead to them. Hub entities (see :func:`graph.model.hub_threshold`) are
    listed but not walked through beyond the first hop.

    Parameters
    ----------
    db : str or Path
    node_text : str
        A paper or entity (see :func:`resolve_node`).
    hops : int
        1, 2 or 3.
    types : str or list of str, optional
        Entity types to follow and list (``"method,dataset"``); papers are always listed.
    limit : int
        At most this many neighbours per hop distance, best first.

    Returns
    -------
    dict
        ``{"center": node, "neighbors": [node + {"hops", "weight", "role"?, "evidence", "via"?}]}``;
        ``evidence`` is the sentence of the paper on the link, ``via`` names the node a farther
        neighbour is reached through.
    """
    if hops not in (1, 2, 3):
        raise LitkgError(f"hops must be 1, 2 or 3 (got {hops})")
    types_ = normalize_types(types)
    with read_connection(db) as conn:
        center = _resolve(conn, node_text)
        n = _n_papers(db, conn)
        hub = model.hub_threshold(n)
        if center["kind"] == "paper":
            out = _paper_neighbors(conn, center, hops, types_, limit, n, hub)
        else:
            out = _entity_neighbors(db, conn, center, hops, types_, limit, n, hub)
    return {"center": center, "neighbors": out}


def _paper_neighbors(conn, center, hops, types_, limit, n, hub) -> list[Node]:
    tc, tp = _type_clause(types_)
    rows = conn.execute(
        "SELECT e.id, e.name, e.type, e.paper_count, pe.role, pe.sentence FROM paper_entity pe "
        f"JOIN entities e ON e.id = pe.entity_id WHERE pe.paper_id = ?{tc}",
        [center["id"], *tp],
    ).fetchall()
    hop1 = [
        {**entity_dict(eid, name, t, df), "hops": 1, "weight": round(model.idf(df, n), 4), "role": role,
         "evidence": sentence}
        for eid, name, t, df, role, sentence in rows
    ]
    hop1.sort(key=lambda x: (-x["weight"], x["name"]))
    out = hop1[:limit]
    if hops < 2:
        return out
    names = {r[0]: r[1] for r in rows}
    weights = {r[0]: model.idf(r[3], n) for r in rows if r[3] <= hub} or {r[0]: model.idf(r[3], n) for r in rows}
    ranked = _rank_papers(conn, weights, [center["id"]], limit)
    hop2 = _papers_with_via(conn, ranked, weights, names, hops=2)
    out += hop2
    if hops < 3 or not hop2:
        return out
    # hop 3: entities of the hop-2 papers that the centre does not mention
    ids = [p["id"] for p in hop2]
    rows3 = conn.execute(
        "SELECT pe.paper_id, e.id, e.name, e.type, e.paper_count, pe.sentence FROM paper_entity pe "
        f"JOIN entities e ON e.id = pe.entity_id WHERE pe.paper_id IN ({_marks(ids)}){tc}",
        [*ids, *tp],
    ).fetchall()
    score = {p["id"]: p["weight"] for p in hop2}
    title = {p["id"]: p["name"] for p in hop2}
    best: dict[int, dict] = {}
    for pid, eid, name, t, df, sentence in rows3:
        if eid in names:
            continue
        w = model.idf(df, n) * score[pid]
        cur = best.get(eid)
        if cur is None:
            best[eid] = {**entity_dict(eid, name, t, df), "hops": 3, "weight": w, "evidence": sentence,
                         "via": title[pid], "_top": w}
        else:
            cur["weight"] += w
            if w > cur["_top"]:
                cur.update(evidence=sentence, via=title[pid], _top=w)
    hop3 = sorted(best.values(), key=lambda x: (-x["weight"], x["name"]))[:limit]
    for x in hop3:
        x.pop("_top")
        x["weight"] = round(x["weight"], 4)
    return out + hop3


def _papers_with_via(conn, ranked, weights, names, hops) -> list[Node]:
    """Paper nodes for ranked (paper id, score), each with the strongest link entity as evidence."""
    if not ranked:
        return []
    ids = [pid for pid, _ in ranked]
    eids = list(weights)
    rows = conn.execute(
        f"SELECT paper_id, entity_id, sentence FROM paper_entity WHERE paper_id IN ({_marks(ids)}) "
        f"AND entity_id IN ({_marks(eids)})",
        [*ids, *eids],
    ).fetchall()
    best: dict[str, tuple[float, int, str]] = {}
    for pid, eid, sentence in rows:
        w = weights[eid]
        if pid not in best or (w, -eid) > (best[pid][0], -best[pid][1]):
            best[pid] = (w, eid, sentence)
    meta = _paper_rows(conn, ids)
    out = []
    for pid, score in ranked:
        _w, eid, sentence = best[pid]
        out.append({**paper_dict(*meta[pid]), "hops": hops, "weight": round(score, 4), "evidence": sentence,
                    "via": names.get(eid, str(eid))})
    return out


_PAPER_OF_ENTITY = (
    "SELECT p.id, p.title, p.year, pe.role, pe.mentions, pe.sentence FROM paper_entity pe "
    "JOIN papers p ON p.id = pe.paper_id WHERE pe.entity_id = ?"
)
_RANK_ORDER = " ORDER BY pe.role, pe.mentions DESC, p.year DESC, p.id"
# The boundary group's papers by year, two ways (see _top_papers_of_entity). Sorting reads each paper's year
# from idx_papers_id_year (the planner, without statistics, would take the primary key's index and read the
# year from the table row, past the abstract: several times slower); walking scans idx_papers_year_id from
# the newest year, in the order wanted (year descending, then id; CROSS JOIN keeps papers the outer loop, so it
# stops at the k-th paper of the group), probing each paper's edge by primary key.
_GROUP_SORTED = (
    "SELECT pe.paper_id FROM paper_entity pe JOIN papers p{} ON p.id = pe.paper_id "
    "WHERE pe.entity_id = ? AND pe.role = ? AND pe.mentions = ? ORDER BY p.year DESC, p.id LIMIT ?"
)
_GROUP_WALKED = (
    "SELECT p.id FROM papers p CROSS JOIN paper_entity pe "
    "WHERE pe.paper_id = p.id AND pe.entity_id = ? AND pe.role = ? AND pe.mentions = ? ORDER BY p.year DESC, p.id LIMIT ?"
)


def _top_papers_of_entity(conn: sqlite3.Connection, eid: int, limit: int, n: int) -> list[tuple]:
    """The ``limit`` best papers of an entity: proposers first, then more mentions, newer, id.

    Rows ``(paper id, title, year, role, mentions, sentence)``. ``role`` sorts ``proposed`` before
    ``used``, which is the order of the index ``idx_paper_entity_rank (entity_id, role, mentions DESC)``.
    Its entries give the rank group ``(role, mentions)`` of the ``limit``-th paper without reading
    the rest; the groups above it hold fewer than ``limit`` papers; only within that boundary group
    does the year decide, and a popular entity's boundary group can hold most of its papers (used,
    mentioned once). A small group is sorted by year; a large one is read the other way round,
    walking all papers from the newest year and keeping those in the group, which finds ``k`` of them
    after about ``k * n / size`` papers. Either way the work is bounded by about ``sqrt(limit * n)``
    index entries instead of the entity's paper count.
    """
    if limit <= 0:
        return []
    boundary = conn.execute(
        "SELECT role, mentions FROM paper_entity WHERE entity_id = ? ORDER BY role, mentions DESC LIMIT 1 OFFSET ?",
        [eid, limit - 1],
    ).fetchone()
    if boundary is None:  # fewer than limit papers: sort them all
        return conn.execute(_PAPER_OF_ENTITY + _RANK_ORDER, [eid]).fetchall()
    role, mentions = boundary
    # (two ranges of the index: one condition with OR would make SQLite read every entry of the entity)
    head = conn.execute(f"{_PAPER_OF_ENTITY} AND pe.role < ?{_RANK_ORDER}", [eid, role]).fetchall()
    head += conn.execute(f"{_PAPER_OF_ENTITY} AND pe.role = ? AND pe.mentions > ?{_RANK_ORDER}",
                         [eid, role, mentions]).fetchall()
    k = limit - len(head)
    cap = 2 * math.isqrt(limit * max(n, 1)) + 1
    (size,) = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM paper_entity WHERE entity_id = ? AND role = ? AND mentions = ? LIMIT ?)",
        [eid, role, mentions, cap],
    ).fetchone()
    args = [eid, role, mentions, k]
    if size >= cap:
        ids = [pid for (pid,) in conn.execute(_GROUP_WALKED, args)]
    else:
        try:
            ids = [pid for (pid,) in conn.execute(_GROUP_SORTED.format(" INDEXED BY idx_papers_id_year"), args)]
        except sqlite3.OperationalError:  # no such index: dropped while a first build loads (graph/schema.py)
            ids = [pid for (pid,) in conn.execute(_GROUP_SORTED.format(""), args)]
    rows = {r[0]: r for r in conn.execute(f"{_PAPER_OF_ENTITY} AND pe.paper_id IN ({_marks(ids)})", [eid, *ids])}
    return head + [rows[pid] for pid in ids]


def _entity_neighbors(db, conn, center, hops, types_, limit, n, hub) -> list[Node]:
    eid = center["id"]
    rows = _top_papers_of_entity(conn, eid, limit, n)
    out = [
        {**paper_dict(pid, title, year), "hops": 1, "weight": float(mentions), "role": role, "evidence": sentence}
        for pid, title, year, role, mentions, sentence in rows
    ]
    if hops < 2:
        return out
    # hop 2: co-occurring entities, weighted by count x idf (aggregated without joins, then looked up)
    stats = _entity_stats(db, conn)
    co = conn.execute(
        "SELECT o.entity_id, count(*) FROM paper_entity pe JOIN paper_entity o ON o.paper_id = pe.paper_id "
        "WHERE pe.entity_id = ? GROUP BY o.entity_id",
        [eid],
    ).fetchall()
    cands = []
    for oid, c in co:
        st = stats.get(oid)
        if oid == eid or st is None or (types_ and st[1] not in types_):
            continue
        cands.append((c * st[2], oid, c))
    cands.sort(key=lambda x: (-x[0], x[1]))
    cands = cands[:limit]
    rows2 = _entity_rows(conn, [x[1] for x in cands])
    scored = [(w, oid, c, rows2[oid][1], rows2[oid][2], rows2[oid][3]) for w, oid, c in cands]
    for w, oid, c, name, t, df in scored:
        # one paper mentioning both, walked from the rarer side
        rare, other = (oid, eid) if df <= center["papers"] else (eid, oid)
        ev = conn.execute(
            "SELECT o.paper_id, o.sentence, p.title FROM paper_entity r "
            "JOIN paper_entity o ON o.paper_id = r.paper_id AND o.entity_id = ? JOIN papers p ON p.id = r.paper_id "
            "WHERE r.entity_id = ? AND EXISTS (SELECT 1 FROM paper_entity x WHERE x.paper_id = r.paper_id "
            "AND x.entity_id = ?) LIMIT 1",
            [oid, rare, other],
        ).fetchone()
        out.append({**entity_dict(oid, name, t, df), "hops": 2, "weight": round(w, 4), "count": c,
                    "evidence": ev[1] if ev else None, "via": ev[2] if ev else None})
    if hops < 3 or not scored:
        return out
    # hop 3: papers mentioning the co-occurring (non-hub) entities but not the centre
    weights = {s[1]: model.idf(s[5], n) for s in scored if s[5] <= hub}
    names = {s[1]: s[3] for s in scored}
    exclude_sql = "SELECT paper_id FROM paper_entity WHERE entity_id = ?"
    values = ",".join("(?, ?)" for _ in weights)
    if not weights:
        return out
    ranked = [
        (pid, float(score))
        for pid, score in conn.execute(
            f"WITH w(entity_id, weight) AS (VALUES {values}) "
            "SELECT pe.paper_id, sum(w.weight) AS score FROM w JOIN paper_entity pe ON pe.entity_id = w.entity_id "
            f"WHERE pe.paper_id NOT IN ({exclude_sql}) GROUP BY pe.paper_id ORDER BY score DESC, pe.paper_id LIMIT ?",
            [x for item in weights.items() for x in item] + [eid, limit],
        )
    ]
    return out + _papers_with_via(conn, ranked, weights, names, hops=3)


# ---- shared / similar ---------------------------------------------------------------------------------
_TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}


def shared(db: str | Path, a: str, b: str) -> dict[str, Any]:
    """The entities two papers both mention, grouped by type, with each paper's evidence sentence.

    Within a type the rarest (most telling) entities come first. ``related`` lists pairs of
    different entities of one family (``ImageNet-1K`` in one paper, ``ImageNet`` in the other).

    Returns
    -------
    dict
        ``{"a": node, "b": node, "shared": {type: [{"entity_id", "entity", "idf", "evidence_a",
        "evidence_b", "role_a", "role_b"}]}, "count": n, "related": [...]}``
    """
    with read_connection(db) as conn:
        pa, pb = _resolve(conn, a, "paper"), _resolve(conn, b, "paper")
        if pa["id"] == pb["id"]:
            raise LitkgError(f"both names mean the same paper, {describe(pa)}: give two different papers")
        n = _n_papers(db, conn)
        rows = conn.execute(
            "SELECT e.id, e.name, e.type, e.paper_count, a.sentence, b.sentence, a.role, b.role "
            "FROM paper_entity a JOIN paper_entity b ON b.paper_id = ? AND b.entity_id = a.entity_id "
            "JOIN entities e ON e.id = a.entity_id WHERE a.paper_id = ?",
            [pb["id"], pa["id"]],
        ).fetchall()
        related = conn.execute(
            "SELECT ea.id, ea.name, eb.id, eb.name, ea.type, f.name, a.sentence, b.sentence "
            "FROM paper_entity a JOIN entities ea ON ea.id = a.entity_id "
            "JOIN paper_entity b ON b.paper_id = ? JOIN entities eb ON eb.id = b.entity_id "
            "JOIN entities f ON f.id = coalesce(ea.family_id, ea.id) "
            "WHERE a.paper_id = ? AND ea.id <> eb.id AND coalesce(ea.family_id, ea.id) = coalesce(eb.family_id, eb.id)"
            " ORDER BY ea.name, eb.name",
            [pb["id"], pa["id"]],
        ).fetchall()
    groups: dict[str, list] = {}
    for eid, name, t, df, ev_a, ev_b, role_a, role_b in sorted(
        rows, key=lambda r: (_TYPE_ORDER.get(r[2], 99), r[3], r[1])
    ):
        groups.setdefault(t, []).append({
            "entity_id": eid, "entity": name, "idf": round(model.idf(df, n), 4), "evidence_a": ev_a,
            "evidence_b": ev_b, "role_a": role_a, "role_b": role_b,
        })
    return {
        "a": pa, "b": pb, "shared": groups, "count": len(rows),
        "related": [
            {"entity_a_id": r[0], "entity_a": r[1], "entity_b_id": r[2], "entity_b": r[3], "type": r[4],
             "family": r[5], "evidence_a": r[6], "evidence_b": r[7]}
            for r in related
        ],
    }


def similar(db: str | Path, paper: str, by: str | Iterable[str] = "all", limit: int = 10) -> list[dict[str, Any]]:
    """Papers ranked by the entities they share with ``paper``, each weighted by rarity (idf).

    Candidates come from the paper's non-hub entities (all of them if that finds too few);
    every shared entity, hubs included, then counts in the score and is listed as a reason.

    Parameters
    ----------
    db : str or Path
    paper : str
        A paper (see :func:`resolve_node`).
    by : str
        ``"all"``, or entity types to compare on: ``"methods"``, ``"datasets"``, ``"methods,tasks"``...
    limit : int

    Returns
    -------
    list of dict
        ``[{"paper_id", "title", "year", "score", "shared", "reasons": [{"entity_id", "entity", "type",
        "weight"}]}]``, best first.
    """
    types_ = normalize_types(by)
    with read_connection(db) as conn:
        p = _resolve(conn, paper, "paper")
        n = _n_papers(db, conn)
        hub = model.hub_threshold(n)
        tc, tp = _type_clause(types_)
        mine = conn.execute(
            "SELECT e.id, e.name, e.type, e.paper_count FROM paper_entity pe JOIN entities e ON e.id = pe.entity_id "
            f"WHERE pe.paper_id = ?{tc}",
            [p["id"], *tp],
        ).fetchall()
        weight = {eid: model.idf(df, n) for eid, _name, _t, df in mine}
        info = {eid: (name, t) for eid, name, t, _df in mine}
        specific = {eid: weight[eid] for eid, _name, _t, df in mine if df <= hub}
        pool = max(limit * 3, limit + 10)
        ranked = _rank_papers(conn, specific, [p["id"]], pool)
        if len(ranked) < limit and len(specific) < len(weight):
            ranked = _rank_papers(conn, weight, [p["id"]], pool)
        ids = [pid for pid, _ in ranked]
        if not ids:
            return []
        eids = list(weight)
        reasons: dict[str, list] = defaultdict(list)
        for pid, eid in conn.execute(
            f"SELECT paper_id, entity_id FROM paper_entity WHERE paper_id IN ({_marks(ids)}) "
            f"AND entity_id IN ({_marks(eids)})",
            [*ids, *eids],
        ):
            name, t = info[eid]
            reasons[pid].append({"entity_id": eid, "entity": name, "type": t, "weight": round(weight[eid], 4)})
        meta = _paper_rows(conn, ids)
    out = []
    for pid in ids:
        rs = sorted(reasons[pid], key=lambda r: (-r["weight"], r["entity"]))
        out.append({"paper_id": pid, "title": meta[pid][1], "year": meta[pid][2],
                    "score": round(sum(weight[r["entity_id"]] for r in rs), 4), "shared": len(rs), "reasons": rs})
    out.sort(key=lambda r: (-r["score"], -r["shared"], r["paper_id"]))
    return out[:limit]


# ---- paths --------------------------------------------------------------------------------------------
# The explanation chain is found by a bidirectional Dijkstra that reads the paper_entity table a little at
# a time, never the whole graph. Each edge at an entity costs model.hop_cost(df), df = entities.paper_count,
# exactly as in model.build_bipartite, so the chain costs what networkx's bidirectional_dijkstra finds on
# model.load_bipartite's graph (hubs included, as there).
#
# Every edge at an entity costs the same, so all the papers of an entity lie at one distance (the entity's
# own plus its hop cost), and an entity is "opened" (its papers read and settled together) only when that
# distance is the least pending on its side: a generic hub, whose papers lie two hop costs away, is opened
# late or never. Papers are settled in order of distance, so the first distance given to an entity is
# final: nothing is reached twice and the heaps hold no stale entry. Each round opens one entity on the side
# whose next entity has fewer papers; the search stops when the two sides' least pending distances add up
# to the best chain found, which is then the cheapest. A big entity (more than PATH_BIG_ENTITY papers) is
# opened in SQL: its papers are settled, the entities already reached from the other side that one of them
# mentions are found by a join, and only the entities cheap enough to lead to a better chain are read.

# A search that has read this many paper-entity links gives up, so that time (a second or two) and memory
# (~100 MB) stay bounded at any scale; random pairs at 100,000 papers read 2,000 (median) to 10,000.
PATH_MAX_ROWS = 1_000_000
# Entities with more papers than this are opened in SQL rather than row by row.
PATH_BIG_ENTITY = 1000


class PathSearchTooLarge(LitkgError):
    """The chain search read more of the graph than :data:`PATH_MAX_ROWS` allows."""


class _Side:
    """One direction of the chain search: distances and back-pointers of what it reached, and the heap of
    entities to open, keyed by the distance of their papers."""

    __slots__ = ("entity_dist", "entity_via", "paper_dist", "paper_via", "heap")

    def __init__(self) -> None:
        self.entity_dist: dict[int, float] = {}
        self.entity_via: dict[int, str | None] = {}  # the paper an entity was reached from (None: the start)
        self.paper_dist: dict[str, float] = {}
        self.paper_via: dict[str, int | None] = {}  # the entity a paper was reached through (None: the start)
        self.heap: list[tuple[float, int, int]] = []  # (distance of the entity's papers, df, entity id)

    def top(self) -> float:
        """The least pending distance: every paper nearer than this is settled on this side."""
        return self.heap[0][0] if self.heap else math.inf


class _Links:
    """What the chain search reads of the graph: the SQL behind it (a test gives a networkx stand-in)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def of_paper(self, pid: str) -> Iterable[tuple[int, int]]:
        """``(entity id, df)`` of the entities a paper mentions."""
        return self.conn.execute(
            "SELECT pe.entity_id, e.paper_count FROM paper_entity pe JOIN entities e ON e.id = pe.entity_id "
            "WHERE pe.paper_id = ?", [pid])

    def around(self, eid: int) -> Iterable[tuple[str, int, int]]:
        """``(paper id, entity id, df)`` for every entity of every paper of an entity."""
        return self.conn.execute(
            "SELECT pe.paper_id, pe2.entity_id, e.paper_count FROM paper_entity pe "
            "JOIN paper_entity pe2 ON pe2.paper_id = pe.paper_id JOIN entities e ON e.id = pe2.entity_id "
            "WHERE pe.entity_id = ?", [eid])

    def papers(self, eid: int) -> list[str]:
        """The papers of an entity."""
        return [r[0] for r in self.conn.execute("SELECT paper_id FROM paper_entity WHERE entity_id = ?", [eid])]

    def shared(self, eid: int, others: Collection[int], walk_eid: bool) -> Iterable[tuple[int, str]]:
        """``(other entity, a paper mentioning both)`` for those of ``others`` that share a paper with ``eid``,
        walking the papers of ``eid`` (``walk_eid``) or those of ``others``."""
        join = "CROSS JOIN" if walk_eid else "JOIN"  # CROSS JOIN: SQLite keeps the order written
        return self.conn.execute(
            f"SELECT pe2.entity_id, min(pe2.paper_id) FROM paper_entity pe {join} paper_entity pe2 "
            "ON pe2.paper_id = pe.paper_id "
            "WHERE pe.entity_id = ? AND pe2.entity_id IN (SELECT value FROM json_each(?)) GROUP BY pe2.entity_id",
            [eid, json.dumps(list(others))])

    def spread(self, eid: int, max_df: int | None) -> Iterable[tuple[int, int, str]]:
        """``(entity id, df, a paper)`` for each entity (of at most ``max_df`` papers) that shares a paper
        with ``eid``."""
        return self.conn.execute(
            "SELECT pe2.entity_id, e.paper_count, min(pe.paper_id) FROM paper_entity pe "
            "JOIN paper_entity pe2 ON pe2.paper_id = pe.paper_id JOIN entities e ON e.id = pe2.entity_id "
            "WHERE pe.entity_id = ? AND (? IS NULL OR e.paper_count <= ?) GROUP BY pe2.entity_id",
            [eid, max_df, max_df])


def _cheapest_chain(
    start: tuple[str, Any],
    goal: tuple[str, Any],
    links: _Links,
    dfs: Mapping[int, int] | None = None,
    *,
    max_rows: int | None = None,
    big: int | None = None,
) -> list[str] | None:
    """The node names of a cheapest chain from ``start`` to ``goal`` (each ``("paper", id)`` or
    ``("entity", id)``), or ``None`` when nothing links them.

    ``dfs`` gives the document frequency of an entity endpoint. Raises :class:`PathSearchTooLarge`
    after reading ``max_rows`` links (default :data:`PATH_MAX_ROWS`); entities of more than ``big``
    papers (default :data:`PATH_BIG_ENTITY`) are opened in SQL.
    """
    max_rows = PATH_MAX_ROWS if max_rows is None else max_rows
    big = PATH_BIG_ENTITY if big is None else big
    if start == goal:
        return [model.paper_node(start[1]) if start[0] == "paper" else model.entity_node(start[1])]
    cost = model.hop_cost
    fwd, bwd = _Side(), _Side()
    dfs_seen: dict[int, int] = {}  # the df of every entity reached, on either side
    best: list[Any] = [math.inf, None]  # cost of the best chain found, and the entity where its halves meet
    rows = 0

    def reach(side: _Side, other: _Side, eid: int, df: int, dist: float, via: str | None, bound: float) -> None:
        dfs_seen[eid] = df
        side.entity_dist[eid] = dist
        side.entity_via[eid] = via
        there = other.entity_dist.get(eid)
        if there is not None and dist + there < best[0]:
            best[0], best[1] = dist + there, eid
        key = dist + cost(df)
        if key + bound < best[0]:  # else it would never be opened before the search stops
            heapq.heappush(side.heap, (key, df, eid))

    def settle(side: _Side, other: _Side, found: Iterable[tuple[str, int, int]], dist: float, via: int | None,
               bound: float) -> None:
        nonlocal rows
        entity_dist, paper_dist, paper_via = side.entity_dist, side.paper_dist, side.paper_via
        for pid, eid, df in found:
            rows += 1
            if pid not in paper_dist:
                paper_dist[pid], paper_via[pid] = dist, via
            elif paper_via[pid] != via:
                continue  # settled before (distances only grow), its entities reached then
            if eid not in entity_dist:
                reach(side, other, eid, df, dist + cost(df), pid, bound)

    def open_big(side: _Side, other: _Side, eid: int, df: int, dist: float, bound: float) -> None:
        nonlocal rows
        paper_dist, paper_via = side.paper_dist, side.paper_via
        for pid in links.papers(eid):
            rows += 1
            if pid not in paper_dist:
                paper_dist[pid], paper_via[pid] = dist, eid
        # chains meeting the other side at an entity it reached already, through one of these papers
        meet = [f for f, d in other.entity_dist.items()
                if f not in side.entity_dist and dist + cost(dfs_seen[f]) + d < best[0]]
        if meet:
            walk_eid = sum(dfs_seen[f] for f in meet) > df * min(len(meet), 10)
            for f, pid in links.shared(eid, meet, walk_eid):
                rows += 1
                reach(side, other, f, dfs_seen[f], dist + cost(dfs_seen[f]), pid, bound)
                paper_via.setdefault(pid, eid)
        # entities worth opening later: their papers, two hop costs on, must still beat the best chain
        room = best[0] - dist - bound
        if room <= 2.0:
            return
        max_df = None if math.isinf(room) else int(math.exp(room / 2 - 1)) + 1
        for f, df, pid in links.spread(eid, max_df):
            rows += 1
            if f not in side.entity_dist:
                reach(side, other, f, df, dist + cost(df), pid, bound)

    for side, other, (kind, ident) in ((fwd, bwd, start), (bwd, fwd, goal)):
        if kind == "paper":
            settle(side, other, [(ident, e, df) for e, df in links.of_paper(ident)], 0.0, None, 0.0)
        else:
            reach(side, other, ident, (dfs or {}).get(ident, 0), 0.0, None, 0.0)
    while True:
        f_top, b_top = fwd.top(), bwd.top()
        if f_top + b_top >= best[0]:  # nothing pending on either side can make a cheaper chain
            break
        # open the smaller entity of the two sides' next ones (fewer rows to read)
        if (fwd.heap[0][1], f_top) <= (bwd.heap[0][1], b_top):
            side, other, bound = fwd, bwd, b_top
        else:
            side, other, bound = bwd, fwd, f_top
        key, df, eid = heapq.heappop(side.heap)
        if df > big:
            open_big(side, other, eid, df, key, bound)
        else:
            settle(side, other, links.around(eid), key, eid, bound)
        if rows > max_rows:
            raise PathSearchTooLarge(f"gave up after reading {rows:,} links")
    if best[1] is None:
        return None
    return _chain_nodes(fwd, bwd, best[1])


def _chain_nodes(fwd: _Side, bwd: _Side, meet: int) -> list[str]:
    """The chain through the entity where the two sides met, from the start to the goal."""
    halves = []
    for side in (fwd, bwd):
        nodes, eid = [], meet
        while True:
            nodes.append(model.entity_node(eid))
            pid = side.entity_via[eid]
            if pid is None:
                break
            nodes.append(model.paper_node(pid))
            eid = side.paper_via[pid]
            if eid is None:
                break
        halves.append(nodes)
    return halves[0][::-1] + halves[1][1:]


def path(db: str | Path, a: str, b: str) -> dict[str, Any]:
    """The shortest explanation chain between two papers or entities (paper - entity - paper ...).

    Each step joins a paper and an entity and carries the paper's evidence sentence for it.
    Passing through an entity costs ``1 + log(df)`` (:func:`graph.model.hop_cost`) on the way in
    and again on the way out, so the chain prefers rare, specific entities to generic hubs. The
    search reads the edge table from both ends, never the whole graph.

    Returns
    -------
    dict
        ``{"a": node, "b": node, "steps": [{"from": node, "to": node, "evidence", "paper_id", "entity_id",
        "role"}], "length": n, "cost": float}``

    Raises
    ------
    NoPath
        Nothing links the two (for example a paper that mentions no entity).
    PathSearchTooLarge
        The search read :data:`PATH_MAX_ROWS` links without settling the answer.
    """
    with read_connection(db) as conn:
        na, nb = _resolve(conn, a), _resolve(conn, b)
        dfs = {x["id"]: x["papers"] for x in (na, nb) if x["kind"] == "entity"}
        try:
            nodes = _cheapest_chain((na["kind"], na["id"]), (nb["kind"], nb["id"]), _Links(conn), dfs)
        except PathSearchTooLarge as exc:
            raise PathSearchTooLarge(f"no chain found between {describe(na)} and {describe(nb)}: the search {exc}; "
                                     "try two nearer papers or entities") from None
        if nodes is None:
            lonely = [
                x for x in (na, nb)
                if conn.execute(f"SELECT 1 FROM paper_entity WHERE {x['kind']}_id = ? LIMIT 1", [x["id"]]).fetchone()
                is None
            ]
            why = (
                f"{describe(lonely[0])} " + ("mentions no entity" if lonely[0]["kind"] == "paper" else "is in no paper")
                if lonely else "they lie in separate parts of the graph"
            )
            raise NoPath(f"no chain of papers and entities links {describe(na)} and {describe(nb)}: {why}")
        pairs = []
        for u, v in zip(nodes, nodes[1:], strict=False):
            pu, ev = (u, v) if u.startswith("p:") else (v, u)
            pairs.append((model.parse_node(pu)[1], model.parse_node(ev)[1]))
        evidence: dict[tuple[str, int], tuple[str, str]] = {}
        for pid, eid in set(pairs):
            row = conn.execute(
                "SELECT sentence, role FROM paper_entity WHERE paper_id = ? AND entity_id = ?", [pid, eid]
            ).fetchone()
            evidence[pid, eid] = row if row else (None, None)
        parsed = [model.parse_node(v) for v in nodes]
        info = {model.paper_node(r[0]): paper_dict(*r)
                for r in _paper_rows(conn, [i for k, i in parsed if k == "paper"]).values()}
        info.update({model.entity_node(r[0]): entity_dict(*r)
                     for r in _entity_rows(conn, [i for k, i in parsed if k == "entity"]).values()})
    steps = []
    total = 0.0
    for (u, v), (pid, eid) in zip(zip(nodes, nodes[1:], strict=False), pairs, strict=True):
        sentence, role = evidence[pid, eid]
        total += model.hop_cost(info[model.entity_node(eid)]["papers"])
        steps.append({"from": info[u], "to": info[v], "evidence": sentence, "paper_id": pid, "entity_id": eid,
                      "role": role})
    return {"a": na, "b": nb, "steps": steps, "length": len(steps), "cost": round(total, 4)}


# ---- together / top -----------------------------------------------------------------------------------
def together(
    db: str | Path, entities: Mapping[str, str | Sequence[str]] | Sequence[str], limit: int = 100
) -> list[dict[str, Any]]:
    """Papers that mention all the given entities: technique X on benchmark Y.

    An entity also matches through its variants (asking for ``ResNet`` finds papers that
    mention ``ResNet-50``).

    Parameters
    ----------
    db : str or Path
    entities : dict or list
        ``{"method": "ConvNeXt", "dataset": ["COCO", "ADE20K"]}`` (names resolved within the
        type) or a list of names of any type.
    limit : int

    Returns
    -------
    list of dict
        ``[{"paper_id", "title", "year", "evidence": {entity: sentence}, "matched": {entity: name seen}}]``,
        newest first.
    """
    wanted: list[tuple[str | None, str]] = []
    if isinstance(entities, Mapping):
        for t, names in entities.items():
            t = normalize_types(t)[0] if t not in (None, "entity", "any") else None
            for name in [names] if isinstance(names, str) else list(names):
                wanted.append((t, name))
    else:
        wanted = [(None, name) for name in entities]
    if not wanted:
        raise LitkgError("name at least one entity (for example --method ConvNeXt --dataset COCO)")
    with read_connection(db) as conn:
        resolved = [_resolve(conn, name, t or "entity") for t, name in wanted]
        resolved = _dedupe(resolved)
        groups: dict[int, tuple[Node, dict[int, str]]] = {}
        for node in resolved:
            members = {node["id"]: node["name"]}
            members.update(
                {vid: vname for vid, vname in conn.execute(
                    "SELECT id, name FROM entities WHERE family_id = ?", [node["id"]])}
            )
            groups[node["id"]] = (node, members)
        # start from the rarest group, then keep the papers every other group also reaches
        order = sorted(groups.values(), key=lambda g: g[0]["papers"])
        hits: dict[str, dict[int, tuple[str, str]]] | None = None
        for node, members in order:
            ids = list(members)
            sql = f"SELECT paper_id, entity_id, sentence FROM paper_entity WHERE entity_id IN ({_marks(ids)})"
            params: list[Any] = list(ids)
            if hits is not None:
                if not hits:
                    break
                keep = list(hits)
                sql += f" AND paper_id IN ({_marks(keep)})"
                params += keep
            found: dict[str, tuple[str, str]] = {}
            for pid, eid, sentence in conn.execute(sql, params):
                # prefer the entity itself over a variant as evidence
                if pid not in found or eid == node["id"]:
                    found[pid] = (members[eid], sentence)
            if hits is None:
                hits = {pid: {node["id"]: v} for pid, v in found.items()}
            else:
                hits = {pid: {**ev, node["id"]: found[pid]} for pid, ev in hits.items() if pid in found}
        hits = hits or {}
        meta = _paper_rows(conn, list(hits))
    out = []
    for pid, ev in hits.items():
        out.append({
            "paper_id": pid, "title": meta[pid][1], "year": meta[pid][2],
            "evidence": {groups[g][0]["name"]: s for g, (_seen, s) in ev.items()},
            "matched": {groups[g][0]["name"]: seen for g, (seen, _s) in ev.items()},
        })
    out.sort(key=lambda r: (-(r["year"] or 0), r["title"]))
    return out[:limit]


def top(db: str | Path, type: str | None = None, limit: int = 20) -> list[dict[str, Any]]:  # noqa: A002
    """The most mentioned entities (benchmarks, methods, metrics, tasks), by number of papers.

    Returns
    -------
    list of dict
        ``[{"entity_id", "entity", "type", "papers"}]``
    """
    types_ = normalize_types(type)
    tc, tp = _type_clause(types_, "type")
    with read_connection(db) as conn:
        rows = conn.execute(
            f"SELECT id, name, type, paper_count FROM entities WHERE paper_count > 0{tc} "
            "ORDER BY paper_count DESC, name LIMIT ?",
            [*tp, limit],
        ).fetchall()
    return [{"entity_id": r[0], "entity": r[1], "type": r[2], "papers": r[3]} for r in rows]


# ---- communities --------------------------------------------------------------------------------------
from graph.communities import COMMUNITY_MAX_PAIRS as COMMUNITY_MAX_PAIRS  # noqa: E402  (the pair budget, re-exported)


def communities(
    db: str | Path, min_size: int = 3, limit: int = 20, *, max_papers: int = 100, seed: int = 42
) -> list[dict[str, Any]]:
    """Clusters of papers (Louvain on the idf-weighted paper projection), labelled by their
    characteristic entities (those most over-represented in the cluster).

    Hub entities and, on large corpora, the most frequent entities beyond a pair budget
    (:data:`COMMUNITY_MAX_PAIRS`) are left out of the projection, so papers linked only through
    frequent entities may be in no cluster. ``litkg build`` computes them (seed 42) into the
    ``communities`` tables, which this reads (during a build: as of the last finished one); a
    database whose tables are stale (built with ``--no-communities``, or migrated from schema 1)
    or another ``seed`` computes them in-process once per database state (:mod:`graph.communities`).

    Returns
    -------
    list of dict
        ``[{"id", "size", "label", "entities": [{"entity_id", "entity", "type", "count", "score"}],
        "papers": [{"paper_id", "title"}]}]``, largest first; ``papers`` lists at most
        ``max_papers``, the most connected first.
    """
    from graph import communities as comm

    with read_connection(db) as conn:
        if comm.stored_are_fresh(conn, seed):
            return comm.read_communities(conn, min_size=min_size, limit=limit, max_papers=max_papers)

    def compute() -> list[dict[str, Any]]:
        with read_connection(db) as conn:
            return comm.compute_communities(conn, seed=seed)

    result = model.cached(db, f"communities:{seed}", compute)
    picked = [c for c in result if c["size"] >= min_size][:limit]
    shown = [pid for c in picked for pid in c["papers"][:max_papers]]
    with read_connection(db) as conn:
        title = dict(conn.execute(
            "SELECT id, title FROM papers WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(shown)]
        ).fetchall())
    return [
        {**c, "papers": [{"paper_id": pid, "title": title.get(pid, "")} for pid in c["papers"][:max_papers]]}
        for c in picked
    ]


# ---- details ------------------------------------------------------------------------------------------
def paper_detail(db: str | Path, paper: str) -> dict[str, Any]:
    """Everything stored about one paper, with its mentions' offsets for highlighting.

    Returns
    -------
    dict
        ``{"id", "title", "abstract", "year", "url", "authors", "doi", "arxiv_id", "empty_abstract",
        "mentions": [{"entity_id", "entity", "type", "role", "field", "start", "end", "surface",
        "sentence"}], "code_links": [...], "results": [...], "sources": [...]}``; mention offsets
        index the title or abstract (``field``), end-exclusive.
    """
    with read_connection(db) as conn:
        p = _resolve(conn, paper, "paper")
        row = conn.execute(
            "SELECT id, title, abstract, year, url, authors, doi, arxiv_id, empty_abstract FROM papers WHERE id = ?",
            [p["id"]],
        ).fetchone()
        mentions = conn.execute(
            "SELECT m.entity_id, e.name, e.type, m.role, m.field, m.start, m.end, m.surface, "
            f"{schema.MENTION_SENTENCE_SQL} FROM mentions m JOIN papers p ON p.id = m.paper_id "
            "JOIN entities e ON e.id = m.entity_id WHERE m.paper_id = ? "
            "ORDER BY m.field <> 'title', m.start, m.end DESC",
            [p["id"]],
        ).fetchall()
        links = conn.execute(
            "SELECT url, host, owner, repo, kind, sentence FROM code_links WHERE paper_id = ? ORDER BY url", [p["id"]]
        ).fetchall()
        results = conn.execute(
            "SELECT method, dataset, metric, baseline, value, unit, kind, value_text, sentence, method_id, "
            "dataset_id, metric_id, baseline_id FROM results WHERE paper_id = ? ORDER BY id",
            [p["id"]],
        ).fetchall()
        sources = conn.execute(
            "SELECT path, line, format FROM paper_sources WHERE paper_id = ? ORDER BY path, line", [p["id"]]
        ).fetchall()
    pid, title, abstract, year, url, authors, doi, arxiv_id, empty = row
    try:
        author_list = json.loads(authors) if authors else []
    except ValueError:
        author_list = [authors]
    return {
        "id": pid, "node": model.paper_node(pid), "title": title, "abstract": abstract, "year": year, "url": url,
        "authors": author_list, "doi": doi, "arxiv_id": arxiv_id, "empty_abstract": bool(empty),
        "mentions": [
            dict(zip(("entity_id", "entity", "type", "role", "field", "start", "end", "surface", "sentence"), m,
                     strict=True))
            for m in mentions
        ],
        "code_links": [dict(zip(("url", "host", "owner", "repo", "kind", "sentence"), c, strict=True)) for c in links],
        "results": [
            dict(zip(("method", "dataset", "metric", "baseline", "value", "unit", "kind", "value_text", "sentence",
                      "method_id", "dataset_id", "metric_id", "baseline_id"), r, strict=True))
            for r in results
        ],
        "sources": [dict(zip(("path", "line", "format"), s, strict=True)) for s in sources],
    }


def entity_detail(db: str | Path, entity: str, limit: int = 100) -> dict[str, Any]:
    """Everything about one entity: aliases, family and variants, the papers proposing and using it
    (with evidence), co-occurring entities by type, code links and papers per year.

    Returns
    -------
    dict
        ``{"id", "node", "name", "type", "papers", "aliases", "family": node | None, "variants": [node],
        "proposed_by": [paper], "used_by": [paper + evidence], "cooccurring": {type: [{"entity_id",
        "entity", "count"}]}, "code_links": [...], "per_year": {year: count}}``; ``used_by`` and
        ``code_links`` list at most ``limit`` rows.
    """
    with read_connection(db) as conn:
        e = _resolve(conn, entity, "entity")
        eid = e["id"]
        (family_id,) = conn.execute("SELECT family_id FROM entities WHERE id = ?", [eid]).fetchone()
        aliases = [
            a for (a,) in conn.execute("SELECT DISTINCT alias FROM aliases WHERE entity_id = ? ORDER BY alias", [eid])
            if a != e["name"]
        ]
        family = _entities(conn, "id = ?", [family_id])[0] if family_id is not None else None
        variants = _entities(conn, "family_id = ?", [eid], limit=1000)

        def papers(role_clause: str, n: int) -> list[dict]:
            return [
                {"paper_id": pid, "title": title, "year": year, "role": role, "evidence": sentence}
                for pid, title, year, role, sentence in conn.execute(
                    "SELECT p.id, p.title, p.year, pe.role, pe.sentence FROM paper_entity pe "
                    f"JOIN papers p ON p.id = pe.paper_id WHERE pe.entity_id = ? AND {role_clause} "
                    "ORDER BY p.year DESC, p.title LIMIT ?",
                    [eid, n],
                )
            ]

        proposed_by = papers("pe.role = 'proposed'", limit)
        used_by = papers("pe.role <> 'proposed'", limit)
        co: dict[str, list] = {}
        for oid, name, t, count in conn.execute(
            "SELECT o.entity_id, e.name, e.type, count(*) AS c FROM paper_entity pe "
            "JOIN paper_entity o ON o.paper_id = pe.paper_id AND o.entity_id <> pe.entity_id "
            "JOIN entities e ON e.id = o.entity_id WHERE pe.entity_id = ? "
            "GROUP BY o.entity_id ORDER BY c DESC, e.name",
            [eid],
        ):
            group = co.setdefault(t, [])
            if len(group) < 10:
                group.append({"entity_id": oid, "entity": name, "count": count})
        links = [
            {"paper_id": pid, "url": url, "host": host, "owner": owner, "repo": repo, "role": role}
            for pid, url, host, owner, repo, role in conn.execute(
                "SELECT paper_id, url, host, owner, repo, role FROM entity_code_links WHERE entity_id = ? "
                "ORDER BY role = 'proposed' DESC, url LIMIT ?",
                [eid, limit],
            )
        ]
        per_year = {
            year: count for year, count in conn.execute(
                "SELECT p.year, count(*) FROM paper_entity pe JOIN papers p ON p.id = pe.paper_id "
                "WHERE pe.entity_id = ? AND p.year IS NOT NULL GROUP BY p.year ORDER BY p.year",
                [eid],
            )
        }
    return {
        "id": eid, "node": e["node"], "name": e["name"], "type": e["type"], "papers": e["papers"],
        "aliases": aliases, "family": family, "variants": variants, "proposed_by": proposed_by, "used_by": used_by,
        "cooccurring": dict(sorted(co.items(), key=lambda kv: _TYPE_ORDER.get(kv[0], 99))),
        "code_links": links, "per_year": per_year,
    }


__all__ = [
    "NodeNotFound", "AmbiguousNode", "NoPath", "PathSearchTooLarge", "resolve_node", "neighbors", "shared", "similar", "path",
    "together", "top", "communities", "paper_detail", "entity_detail", "paper_dict", "entity_dict",
    "normalize_types", "describe",
]
