"""Write a synthetic litkg database for benchmarks, directly through SQL.

Papers mention ~10 entities each (4-16), drawn from a Zipf-like popularity
``p(rank) ~ 1 / (rank + 10)``: at 100,000 papers the top entity is in ~10% of the
papers, a dozen entities are in more than 5% (hubs like "CNN" or "ImageNet"), and
most entities are in a handful of papers.

    python bench/synth_graph.py /tmp/synth.db --papers 100000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract.canonical import entity_key  # noqa: E402
from graph.db import open_db  # noqa: E402

TYPES = ["method"] * 5 + ["dataset"] * 2 + ["task"] * 2 + ["metric"]
WORDS = ("efficient sparse deep neural graph video vision language retrieval contrastive learning "
         "transformer convolution attention diffusion segmentation detection robust scalable").split()


def generate(path: str | Path, papers: int = 100_000, entities: int | None = None, per_paper: int = 10,
             seed: int = 7) -> dict:
    """Create ``path`` (replacing it) with ``papers`` synthetic papers; returns counts and seconds."""
    t0 = time.time()
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    entities = entities or max(50, int(papers * 0.6))
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    weights = 1.0 / (np.arange(entities) + 10.0)
    weights /= weights.sum()
    # a random permutation so that entity id does not give away popularity
    perm = rng.permutation(entities) + 1
    counts = rng.integers(max(1, per_paper - 6), per_paper + 7, size=papers)
    draws = perm[rng.choice(entities, size=int(counts.sum() * 1.1) + 10, p=weights)]
    db = open_db(path)
    conn = db.conn
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    ent_rows = []
    for eid in range(1, entities + 1):
        name = f"{rnd.choice(WORDS).capitalize()}-{eid}"
        ent_rows.append((eid, entity_key(name), name, TYPES[eid % len(TYPES)]))
    paper_rows, edge_rows = [], []
    pos = 0
    for i in range(papers):
        pid = f"s{i:07d}"
        title = f"{' '.join(rnd.choice(WORDS) for _ in range(5)).capitalize()} {i}"
        abstract = f"Synthetic abstract {i}."
        paper_rows.append((pid, title, abstract, 2010 + i % 16, json.dumps(["A. Author"]), f"synthetic {i}",
                           f"h{i}", "synth", 0))
        want = int(counts[i])
        chosen = []
        seen = set()
        while len(chosen) < want and pos < len(draws):
            e = int(draws[pos])
            pos += 1
            if e not in seen:
                seen.add(e)
                chosen.append(e)
        if pos >= len(draws):
            pos = 0
        for j, e in enumerate(chosen):
            role = "proposed" if j == 0 and rnd.random() < 0.3 else "used"
            edge_rows.append((pid, e, role, 1, f"In paper {i} we use {ent_rows[e - 1][2]} for sentence {j}."))
    with conn:
        conn.executemany("INSERT INTO entities(id, key, name, type) VALUES (?,?,?,?)", ent_rows)
        conn.executemany("INSERT INTO aliases(alias_key, alias, entity_id, source) VALUES (?,?,?, 'extracted')",
                         [(r[1], r[2], r[0]) for r in ent_rows])
        conn.executemany(
            "INSERT INTO papers(id, title, abstract, year, authors, title_key, content_hash, extractor_version, "
            "empty_abstract) VALUES (?,?,?,?,?,?,?,?,?)",
            paper_rows,
        )
        conn.executemany("INSERT INTO paper_entity(paper_id, entity_id, role, mentions, sentence) VALUES (?,?,?,?,?)",
                         edge_rows)
        conn.execute("UPDATE papers SET title_key = lower(title)")
        conn.execute(
            "UPDATE entities SET paper_count = (SELECT count(*) FROM paper_entity pe WHERE pe.entity_id = entities.id)"
        )
        conn.execute("INSERT INTO entities_fts(rowid, name, aliases) SELECT id, name, name FROM entities")
        conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")
    conn.close()
    top = sorted((c for c in np.bincount(np.array([e for _p, e, *_ in edge_rows])) if c), reverse=True)
    return {"papers": papers, "entities": entities, "edges": len(edge_rows), "top_df": [int(c) for c in top[:5]],
            "hubs_over_5pct": int(sum(1 for c in top if c > 0.05 * papers)), "seconds": round(time.time() - t0, 1),
            "file_mb": round(path.stat().st_size / 1e6, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--per-paper", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(json.dumps(generate(args.db, args.papers, per_paper=args.per_paper, seed=args.seed), indent=2))


if __name__ == "__main__":
    main()
