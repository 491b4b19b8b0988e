"""The writer's own cost, extraction excluded (a script that prints figures, not a test).

    python bench/bench_writer.py CORPUS.jsonl --n 10000            # extract once (cached), then time the writer
    python bench/bench_writer.py --communities-only DB            # time + peak memory of the community step alone

The extractions of the first ``--n`` papers are computed once and pickled (``--cache``), so the
timed part is only what ``litkg build`` does besides extracting: planning, writing each batch
(one transaction each, the full-text triggers included), finalize without and with communities,
then a small update (``--update`` changed abstracts) to show that it does not rewrite the
indexes. CPU times are ``time.process_time`` of this process; sizes are ``dbstat`` page bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import sqlite3
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load(corpus: Path, n: int, cache: Path):
    from extract.ingest import read_sources
    from graph.build import extractor_version

    version, make = extractor_version()
    if cache.exists():
        with cache.open("rb") as f:
            data = pickle.load(f)
        if data["version"] == version and data["n"] == n and data["corpus"] == str(corpus):
            return version, data["papers"], data["extractions"]
    papers = []
    for p in read_sources([str(corpus)]):
        papers.append(p)
        if len(papers) >= n:
            break
    t0 = time.process_time()
    extractions = list(make().pipe([(p.title, p.abstract) for p in papers]))
    print(f"extracted {len(papers)} papers in {time.process_time() - t0:.1f} CPU s (cached in {cache})",
          file=sys.stderr)
    with cache.open("wb") as f:
        pickle.dump({"version": version, "n": n, "corpus": str(corpus), "papers": papers,
                     "extractions": extractions}, f)
    return version, papers, extractions


def sizes(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall())
    conn.close()
    return out


def write_all(db_path: Path, version: str, papers, extractions, batch_size: int, bulk: bool = True) -> dict:
    from graph.build import tune_writer
    from graph.db import open_db
    from graph.store import GraphWriter, WriteStats

    by_item = {(p.title, p.abstract): ex for p, ex in zip(papers, extractions, strict=True)}
    db = open_db(db_path)
    tune_writer(db)
    writer = GraphWriter(db, version, bulk=bulk)
    stats = WriteStats()
    io0 = _io()
    plan_s = write_s = 0.0
    for i in range(0, len(papers), batch_size):
        batch = papers[i:i + batch_size]
        c0 = time.process_time()
        plans = writer.plan(batch)
        c1 = time.process_time()
        exs = {p.paper_id: by_item[p.paper.title, p.paper.abstract] for p in plans if p.action in ("new", "update")}
        writer.write_batch(plans, exs, stats)
        c2 = time.process_time()
        plan_s += c1 - c0
        write_s += c2 - c1
    io1 = _io()
    c0, w0 = time.process_time(), time.perf_counter()
    writer.finalize(communities=False)
    finalize_s, finalize_wall = time.process_time() - c0, time.perf_counter() - w0
    io2 = _io()
    c0, w0 = time.process_time(), time.perf_counter()
    writer.update_communities()
    communities_s, communities_wall = time.process_time() - c0, time.perf_counter() - w0
    db.conn.close()
    return {"papers": stats.new + stats.updated, "plan_cpu_s": plan_s, "write_cpu_s": write_s,
            "finalize_cpu_s": finalize_s, "finalize_wall_s": finalize_wall,
            "written_mb_batches": (io1 - io0) / 1e6, "written_mb_finalize": (io2 - io1) / 1e6,
            "communities_cpu_s": communities_s, "communities_wall_s": communities_wall}


def _io() -> int:
    """Bytes this process has passed to write() so far (WAL frames and checkpoints: SQLite's write volume)."""
    try:
        with open("/proc/self/io") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("wchar"))
    except OSError:  # not Linux
        return 0


def small_update(db_path: Path, version: str, papers, extractions, k: int) -> dict:
    """Change ``k`` abstracts (same extraction) and write them: the incremental path."""
    from graph.db import open_db
    from graph.store import GraphWriter, WriteStats

    changed = [replace(p, abstract=p.abstract + " (revised)") for p in papers[:k]]
    db = open_db(db_path)
    writer = GraphWriter(db, version)
    c0, w0 = time.process_time(), time.perf_counter()
    plans = writer.plan(changed)
    writer.write_batch(plans, {pl.paper_id: ex for pl, ex in zip(plans, extractions[:k], strict=True)}, WriteStats())
    write_s = time.process_time() - c0
    c1 = time.process_time()
    writer.finalize(communities=False)
    fin_s = time.process_time() - c1
    wall = time.perf_counter() - w0
    db.conn.close()
    return {"updated": k, "write_cpu_s": write_s, "finalize_cpu_s": fin_s, "wall_s": wall}


def communities_only(db: Path) -> dict:
    from graph.communities import compute_communities

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c0, w0 = time.process_time(), time.perf_counter()
    found = compute_communities(conn)
    return {"communities": len(found), "papers_in_communities": sum(c["size"] for c in found),
            "cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - w0,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_before_mb": rss0 / 1024}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/litkg-bench-writer.pickle"))
    ap.add_argument("--db", type=Path, default=Path("/tmp/litkg-bench-writer.db"))
    ap.add_argument("--update", type=int, default=10, help="abstracts changed in the incremental step")
    ap.add_argument("--communities-only", type=Path, metavar="DB")
    ap.add_argument("--no-bulk", action="store_true", help="keep every index while writing (no bulk-load mode)")
    args = ap.parse_args(argv)
    if args.communities_only:
        print(json.dumps(communities_only(args.communities_only), indent=1))
        return 0
    if not args.corpus:
        ap.error("CORPUS is required")
    version, papers, extractions = load(args.corpus, args.n, args.cache)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    out = write_all(args.db, version, papers, extractions, args.batch_size, bulk=not args.no_bulk)
    n = out["papers"]
    out["writer_ms_per_paper"] = 1000 * (out["plan_cpu_s"] + out["write_cpu_s"] + out["finalize_cpu_s"]) / n
    out["with_communities_ms_per_paper"] = out["writer_ms_per_paper"] + 1000 * out["communities_cpu_s"] / n
    table = sizes(args.db)
    out["db_bytes"] = os.path.getsize(args.db)
    out["bytes_per_paper"] = out["db_bytes"] / n
    out["largest"] = {k: v for k, v in list(table.items())[:8]}
    out["small_update"] = small_update(args.db, version, papers, extractions, args.update)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
