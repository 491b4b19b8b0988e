"""Communities computed from SQL at build time (graph/communities.py) and read by graph.queries.communities."""

import pytest

from graph import communities as comm
from graph import model
from graph.db import open_db
from graph.queries import communities


def networkx_communities(db, seed=42, max_pairs=comm.COMMUNITY_MAX_PAIRS):
    """The schema-1 computation: the whole bipartite graph in networkx (the reference)."""
    G = model.read_bipartite(db)
    n = G.graph["papers"]
    P = model.paper_projection(G, max_df=model.hub_threshold(n), max_pairs=max_pairs, record_entities=False)
    P.remove_nodes_from([v for v in list(P) if P.degree(v) == 0])
    if P.size(weight="weight") <= 0:
        return []
    parts = model.paper_communities(P, seed=seed, min_size=1)
    strength = dict(P.degree(weight="weight"))
    out = []
    for i, part in enumerate(parts):
        ents = model.characteristic_entities(G, part, limit=5)
        out.append({
            "id": i, "size": len(part),
            "entities": [(model.parse_node(e)[1], c, round(s, 4)) for e, c, s in ents],
            "papers": [v[2:] for v in sorted(part, key=lambda v: (-strength[v], v))],
        })
    return out


def as_reference(found):
    return [{"id": c["id"], "size": c["size"], "entities": [(e["entity_id"], e["count"], e["score"]) for e in c["entities"]],
             "papers": c["papers"]} for c in found]


@pytest.mark.parametrize("max_pairs", [comm.COMMUNITY_MAX_PAIRS, 40, 3])
def test_sql_projection_matches_networkx(demo_db, max_pairs):
    G = model.read_bipartite(demo_db)
    n = G.graph["papers"]
    P = model.paper_projection(G, max_df=model.hub_threshold(n), max_pairs=max_pairs, record_entities=False)
    P.remove_nodes_from([v for v in list(P) if P.degree(v) == 0])
    conn = open_db(demo_db, readonly=True).conn
    Q = comm.paper_projection_sql(conn, max_pairs=max_pairs)
    assert list(Q.nodes) == list(P.nodes)  # same insertion order: Louvain with a seed is deterministic on it
    assert list(Q.edges) == list(P.edges)
    assert all(Q[u][v]["weight"] == pytest.approx(P[u][v]["weight"]) and Q[u][v]["shared"] == P[u][v]["shared"]
               for u, v in P.edges)
    assert as_reference(comm.compute_communities(conn, max_pairs=max_pairs)) == networkx_communities(
        demo_db, max_pairs=max_pairs)
    conn.close()


def test_build_stores_communities_and_queries_read_them(demo_db):
    conn = open_db(demo_db, readonly=True).conn
    assert comm.stored_are_fresh(conn)
    (stored,) = conn.execute("SELECT count(*) FROM communities").fetchone()
    assert stored > 0
    # the tables hold what an in-process computation finds
    found = comm.compute_communities(conn)
    conn.close()
    assert stored == len(found)
    model.clear_cache()
    out = communities(demo_db, min_size=1, limit=1000, max_papers=10_000)
    assert [c["id"] for c in out] == [c["id"] for c in found]
    assert [[p["paper_id"] for p in c["papers"]] for c in out] == [c["papers"] for c in found]
    assert [c["entities"] for c in out] == [c["entities"] for c in found]
    assert all(p["title"] for c in out for p in c["papers"])
    assert not model._CACHE  # read from the tables: nothing computed in-process


def test_stale_tables_fall_back_to_in_process(tiny_db):
    fresh = communities(tiny_db, min_size=1)
    assert fresh and fresh[0]["papers"][0]["title"]
    db = open_db(tiny_db)
    comm.mark_stale(db.conn)
    db.execute("DELETE FROM communities")  # even emptied tables are not read while stale
    db.conn.commit()
    db.conn.close()
    model.clear_cache()
    assert communities(tiny_db, min_size=1) == fresh
    assert any(key[1] == "communities:42" for key in model._CACHE)
    # another seed is computed in-process too
    assert communities(tiny_db, min_size=1, seed=7)


def test_no_communities_flag_and_rerun_fills_them(tmp_path, seed_files):
    from graph.build import build

    path = tmp_path / "g.db"
    stats = build(path, seed_files[:2], communities=False)
    assert stats.communities_seconds is None and stats.finalize_seconds is not None
    conn = open_db(path, readonly=True).conn
    assert not comm.stored_are_fresh(conn)
    assert conn.execute("SELECT count(*) FROM communities").fetchone() == (0,)
    conn.close()
    # a re-run over the unchanged corpus computes the stale communities
    stats = build(path, seed_files[:2])
    assert stats.new == 0 and stats.finalize_seconds is None and stats.communities_seconds is not None
    conn = open_db(path, readonly=True).conn
    assert comm.stored_are_fresh(conn)
    conn.close()
    stats = build(path, seed_files[:2])
    assert stats.communities_seconds is None  # fresh: nothing to do


def test_cli_build_reports_community_seconds(tmp_path, seed_files):
    import json

    from click.testing import CliRunner

    from graph.cli import cli

    path = tmp_path / "g.db"
    res = CliRunner().invoke(cli, ["build", str(path), str(seed_files[0]), "--no-communities", "--workers", "1"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["communities_seconds"] is None and report["finalize_seconds"] >= 0
    res = CliRunner().invoke(cli, ["build", str(path), str(seed_files[0]), "--workers", "1"])
    assert json.loads(res.stdout)["communities_seconds"] >= 0


def test_empty_database_has_no_communities(tmp_path):
    db = open_db(tmp_path / "g.db")
    assert comm.compute_communities(db.conn) == []
    db.conn.close()
    assert communities(tmp_path / "g.db") == []


def test_entity_in_every_paper_gives_no_zero_weight_louvain():
    db = open_db(":memory:")
    conn = db.conn
    conn.executemany("INSERT INTO papers(id, title, title_key, content_hash) VALUES (?, ?, ?, '')",
                     [("a", "A", "a"), ("b", "B", "b")])
    conn.execute("INSERT INTO entities(id, key, name, type, paper_count) VALUES (1, 'x', 'X', 'method', 2)")
    conn.executemany("INSERT INTO paper_entity VALUES (?, 1, 'used', 1, 's')", [("a",), ("b",)])
    assert comm.compute_communities(conn) == []  # idf 0: nothing to cluster (networkx would divide by zero)


def test_an_unfinished_build_keeps_serving_the_last_finished_communities(tiny_db):
    before = communities(tiny_db, min_size=1)
    db = open_db(tiny_db)
    db.execute("INSERT INTO meta(key, value) VALUES ('dirty', '1') ON CONFLICT(key) DO UPDATE SET value = '1'")  # building
    db.conn.commit()
    db.conn.close()
    model.clear_cache()
    assert communities(tiny_db, min_size=1) == before
    assert not model._CACHE  # read from the tables


def test_a_file_filled_without_the_writer_computes_in_process(tmp_path):
    path = tmp_path / "g.db"
    db = open_db(path)
    conn = db.conn
    conn.executemany("INSERT INTO papers(id, title, title_key, content_hash) VALUES (?, ?, ?, '')",
                     [(p, p.upper(), p) for p in "abcd"])
    conn.executemany("INSERT INTO entities(id, key, name, type, paper_count) VALUES (?, ?, ?, 'method', 2)",
                     [(1, "x", "X"), (2, "y", "Y")])
    conn.executemany("INSERT INTO paper_entity VALUES (?, ?, 'used', 1, 's')", [("a", 1), ("b", 1), ("c", 2), ("d", 2)])
    conn.commit()
    assert not comm.stored_are_fresh(conn)
    conn.close()
    out = communities(path, min_size=1)
    assert sorted(sorted(p["paper_id"] for p in c["papers"]) for c in out) == [["a", "b"], ["c", "d"]]
