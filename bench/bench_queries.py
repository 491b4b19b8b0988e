"""Latency of litkg's interactive queries on a synthetic graph (a script that prints figures, not a test).

    python bench/bench_queries.py                      # generates /tmp/litkg-bench-100k.db if missing
    python bench/bench_queries.py --db data/litkg.db   # any litkg database

Prints median and p95 latencies of neighbors / shared / similar / path (and top, together, entity
detail) over random nodes, and the memory (RSS) at the end. None of these loads the whole graph;
``--networkx`` also times the networkx explanation path (one-off graph load, then Dijkstra) on the
same pairs and checks that both find chains of the same cost.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import model, queries  # noqa: E402
from graph.db import open_db  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def timed(fn, cases) -> dict:
    times, errors = [], 0
    for args in cases:
        t0 = time.perf_counter()
        try:
            fn(*args)
        except (queries.NoPath, queries.PathSearchTooLarge):
            errors += 1
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"n": len(times), "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2), "max_ms": round(times[-1], 2),
            **({"no_path": errors} if errors else {})}


def networkx_path(db: Path, pairs: list, hub_pairs: list) -> dict:
    """The former path query: networkx's Dijkstra on the whole bipartite graph (loaded once), timed on the
    same pairs; ``mismatches`` counts pairs where its chain costs other than graph.queries.path's."""
    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    G = model.load_bipartite(db)
    out: dict = {"load_seconds": round(time.perf_counter() - t0, 2)}
    gc.collect()
    out["graph_rss_mb"] = round(rss_mb() - rss0, 1)

    def cost(a, b):
        nodes = model.explanation_path(G, a, b)
        if nodes is None:
            raise queries.NoPath(f"{a} {b}")
        return sum(G[u][v]["weight"] for u, v in zip(nodes, nodes[1:], strict=False))

    out["path"] = timed(cost, pairs)
    out["path_hubs"] = timed(cost, hub_pairs)
    mismatches = 0
    for a, b in pairs + hub_pairs:
        try:
            want = round(cost(a, b), 4)
        except queries.NoPath:
            want = None
        try:
            got = queries.path(db, a, b)["cost"]
        except queries.NoPath:
            got = None
        if (want is None) != (got is None) or (want is not None and abs(want - got) > 1e-3):
            mismatches += 1
    out["mismatches"] = mismatches
    model.clear_cache()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/litkg-bench-100k.db")
    ap.add_argument("--papers", type=int, default=100_000, help="Size of the synthetic graph to generate")
    ap.add_argument("--queries", type=int, default=100, help="Random queries per kind")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--communities", action="store_true", help="Also time communities (slow on big graphs)")
    ap.add_argument("--networkx", action="store_true",
                    help="Also time the networkx path on the whole graph (loads it) and compare the costs")
    ap.add_argument("--only", choices=["path"], help="Time only this query")
    args = ap.parse_args()

    db = Path(args.db)
    if not db.exists():
        from synth_graph import generate

        print("generating", json.dumps(generate(db, args.papers)), file=sys.stderr)
    rnd = random.Random(args.seed)
    conn = open_db(db, readonly=True).conn
    paper_ids = [r[0] for r in conn.execute("SELECT id FROM papers")]
    ents = conn.execute("SELECT id, paper_count FROM entities WHERE paper_count > 0").fetchall()
    # entities as users meet them: drawn by popularity (an edge at random), plus the biggest hubs
    edges_n = conn.execute("SELECT count(*) FROM paper_entity").fetchone()[0]
    hubs = [e for e, _df in sorted(ents, key=lambda r: -r[1])[:20]]
    popular = rnd.choices([e for e, _ in ents], weights=[df for _, df in ents], k=args.queries)
    conn.close()
    n = args.queries
    papers = rnd.sample(paper_ids, n)
    pairs = [(rnd.choice(paper_ids), rnd.choice(paper_ids)) for _ in range(n)]
    out: dict = {"database": str(db), "papers": len(paper_ids), "entities": len(ents), "edges": edges_n}

    p = lambda pid: f"p:{pid}"  # noqa: E731
    e = lambda eid: f"e:{eid}"  # noqa: E731
    path_pairs = [(p(a), p(b)) for a, b in pairs if a != b]
    hub_pairs = [(e(a), e(b)) for a, b in zip(hubs[:10], hubs[10:], strict=False)] + \
        [(p(a), e(b)) for a, b in zip(papers[:10], hubs, strict=False)]
    out["path"] = timed(lambda a, b: queries.path(db, a, b), path_pairs)
    out["path_hubs"] = timed(lambda a, b: queries.path(db, a, b), hub_pairs)
    if args.networkx:
        out["networkx_path"] = networkx_path(db, path_pairs, hub_pairs)
    if args.only == "path":
        out["rss_mb_end"] = round(rss_mb(), 1)
        print(json.dumps(out, indent=2))
        return
    out["neighbors_paper"] = timed(lambda x: queries.neighbors(db, x), [(p(x),) for x in papers])
    out["neighbors_entity"] = timed(lambda x: queries.neighbors(db, x), [(e(x),) for x in popular])
    out["neighbors_hub"] = timed(lambda x: queries.neighbors(db, x), [(e(x),) for x in hubs])
    out["neighbors_paper_2hops"] = timed(lambda x: queries.neighbors(db, x, hops=2), [(p(x),) for x in papers[:50]])
    out["neighbors_entity_2hops"] = timed(lambda x: queries.neighbors(db, x, hops=2), [(e(x),) for x in popular[:50]])
    out["shared"] = timed(lambda a, b: queries.shared(db, a, b), [(p(a), p(b)) for a, b in pairs if a != b])
    related = []
    for a in papers[:n]:
        sim = queries.similar(db, p(a), limit=1)
        if sim:
            related.append((p(a), p(sim[0]["paper_id"])))
    out["shared_related"] = timed(lambda a, b: queries.shared(db, a, b), related)
    out["similar"] = timed(lambda x: queries.similar(db, x), [(p(x),) for x in papers])
    out["top"] = timed(lambda t: queries.top(db, t), [(t,) for t in ("dataset", "method", None)] * 10)
    out["together"] = timed(lambda a, b: queries.together(db, [a, b]),
                            [(e(a), e(b)) for a, b in zip(popular[:50], popular[50:100], strict=False)])
    out["entity_detail_popular"] = timed(lambda x: queries.entity_detail(db, x), [(e(x),) for x in popular[:30]])
    out["resolve_title"] = timed(lambda t: queries.resolve_node(db, t), [(t,) for t in rnd.sample(
        # (titles held by one paper only: the synthetic corpora reuse some titles, which resolve_node
        # rightly refuses as ambiguous)
        [r[0] for r in open_db(db, readonly=True).conn.execute(
            "SELECT title FROM papers WHERE rowid <= 5000 GROUP BY title_key HAVING count(*) = 1")], 50)])
    if args.communities:
        t0 = time.perf_counter()
        cs = queries.communities(db)
        out["communities"] = {"seconds": round(time.perf_counter() - t0, 1), "found": len(cs),
                              "largest": cs[0]["size"] if cs else 0}
    out["rss_mb_end"] = round(rss_mb(), 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
