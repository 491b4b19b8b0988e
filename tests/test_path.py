"""graph.queries.path: the chain search over the edge table costs what networkx's Dijkstra on the whole
bipartite graph costs (ties may pick another chain of the same cost), on random graphs, the tiny graph and
the bundled corpus."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from graph import model, queries
from graph.queries import NoPath, PathSearchTooLarge, path

CLIP4CLIP = "CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval"


class GraphLinks:
    """What queries._Links reads from SQL, read from a networkx graph of model.build_bipartite."""

    def __init__(self, G):
        self.G = G
        self.rows = 0

    def _df(self, e):
        return self.G.nodes[e]["papers"]

    def of_paper(self, pid):
        return [(int(e[2:]), self._df(e)) for e in self.G[f"p:{pid}"]]

    def around(self, eid):
        return [(p[2:], int(f[2:]), self._df(f)) for p in self.G[f"e:{eid}"] for f in self.G[p]]

    def papers(self, eid):
        return [p[2:] for p in self.G[f"e:{eid}"]]

    def shared(self, eid, others, walk_eid):
        found = {}
        for p in self.G[f"e:{eid}"]:
            for f in self.G[p]:
                fid = int(f[2:])
                if fid in others:
                    found[fid] = min(found.get(fid, p[2:]), p[2:])
        return list(found.items())

    def spread(self, eid, max_df):
        found = {}
        for p in self.G[f"e:{eid}"]:
            for f in self.G[p]:
                if max_df is None or self._df(f) <= max_df:
                    fid = int(f[2:])
                    found[fid] = min(found.get(fid, p[2:]), p[2:])
        return [(f, self._df(f"e:{f}"), p) for f, p in found.items()]


def random_graph(seed: int):
    """Papers mentioning 0-6 entities drawn with Zipf-like popularity (a few hubs, many rare entities),
    plus a separate small component and entities mentioned by no paper."""
    rnd = random.Random(seed)
    n_papers, n_entities = rnd.randint(40, 160), rnd.randint(15, 70)
    weights = [1 / (i + 1) for i in range(n_entities)]
    edges = set()
    for i in range(n_papers):
        for e in rnd.choices(range(n_entities), weights=weights, k=rnd.randint(0, 6)):
            edges.add((f"a{i}", e))
    for i in range(5):  # an island: papers b0..b4 on entities 1000, 1001
        edges.add((f"b{i}", 1000 + i % 2))
    edges.add(("b4", 1000))
    papers = [(f"a{i}", f"A{i}", None) for i in range(n_papers)] + [(f"b{i}", f"B{i}", None) for i in range(5)]
    ents = [*range(n_entities), 1000, 1001, 2000]
    df = {e: sum(1 for _p, x in edges if x == e) for e in ents}
    G = model.build_bipartite(papers, [(e, f"E{e}", "method", df[e]) for e in ents],
                              [(p, e, "used") for p, e in sorted(edges)])
    return G, rnd


def nx_cost(G, a, b):
    nodes = model.explanation_path(G, a, b)
    return None if nodes is None else sum(G[u][v]["weight"] for u, v in itertools.pairwise(nodes))


def chain_cost(G, nodes):
    for u, v in itertools.pairwise(nodes):
        assert G.has_edge(u, v), (u, v)
    return sum(G[u][v]["weight"] for u, v in itertools.pairwise(nodes))


@pytest.mark.parametrize("big", [1, 4, 10**9])  # entities opened in SQL: all of them, the bigger ones, none
@pytest.mark.parametrize("seed", range(8))
def test_chain_search_costs_what_networkx_finds(seed, big):
    G, rnd = random_graph(seed)
    links = GraphLinks(G)
    dfs = {int(v[2:]): d["papers"] for v, d in G.nodes(data=True) if v.startswith("e:")}
    nodes = sorted(G)
    pairs = [tuple(rnd.sample(nodes, 2)) for _ in range(80)] + [(nodes[0], nodes[0])]
    found = 0
    for a, b in pairs:
        got = queries._cheapest_chain(model.parse_node(a), model.parse_node(b), links, dfs, big=big)
        want = nx_cost(G, a, b)
        if want is None:
            assert got is None, (a, b, got)
            continue
        found += 1
        assert got is not None and got[0] == a and got[-1] == b, (a, b, got)
        assert chain_cost(G, got) == pytest.approx(want, abs=1e-9), (a, b, got)
    assert found > 20  # the graphs are connected enough for the comparison to mean something


def test_chain_search_gives_up_past_its_row_budget():
    G, _ = random_graph(3)
    links = GraphLinks(G)
    a, b = "p:a0", "p:b0"  # in separate parts: the search reads all it can reach from one side
    with pytest.raises(PathSearchTooLarge, match="gave up after reading"):
        queries._cheapest_chain(model.parse_node(a), model.parse_node(b), links, max_rows=5)
    assert queries._cheapest_chain(model.parse_node(a), model.parse_node(b), links, max_rows=10**6) is None


def db_pairs(db, rnd=None, k=None):
    G = model.read_bipartite(db)
    nodes = sorted(G)
    pairs = list(itertools.combinations(nodes, 2)) if k is None else [tuple(rnd.sample(nodes, 2)) for _ in range(k)]
    return G, pairs


def check_against_networkx(db, G, pairs):
    linked = 0
    for a, b in pairs:
        want = nx_cost(G, a, b)
        if want is None:
            with pytest.raises(NoPath):
                path(db, a, b)
            continue
        linked += 1
        out = path(db, a, b)
        nodes = [out["steps"][0]["from"]["node"], *(s["to"]["node"] for s in out["steps"])]
        assert nodes[0] == a and nodes[-1] == b
        assert out["cost"] == pytest.approx(round(want, 4), abs=2e-4), (a, b)
        assert chain_cost(G, nodes) == pytest.approx(want, abs=1e-9), (a, b)
        for step in out["steps"]:
            assert step["evidence"] and step["role"] in ("proposed", "used")
    return linked


@pytest.mark.parametrize("big", [None, 0])
def test_path_costs_what_networkx_finds_on_the_tiny_graph(tiny_db, monkeypatch, big):
    if big is not None:
        monkeypatch.setattr(queries, "PATH_BIG_ENTITY", big)
    G, pairs = db_pairs(tiny_db)
    assert check_against_networkx(tiny_db, G, pairs) > 100


@pytest.mark.slow
@pytest.mark.parametrize("big", [None, 2])
def test_path_costs_what_networkx_finds_on_the_bundled_corpus(demo_db, monkeypatch, big):
    if big is not None:
        monkeypatch.setattr(queries, "PATH_BIG_ENTITY", big)
    G, pairs = db_pairs(demo_db, random.Random(7), 250)
    assert check_against_networkx(demo_db, G, pairs) > 150


def test_path_never_loads_the_whole_graph(tiny_db, monkeypatch):
    def fail(*_a, **_k):
        raise AssertionError("path loaded the whole graph")

    monkeypatch.setattr(model, "load_bipartite", fail)
    monkeypatch.setattr(model, "read_bipartite", fail)
    model.clear_cache()
    out = path(tiny_db, CLIP4CLIP, "Mamba")
    assert out["length"] >= 2 and math.isfinite(out["cost"])


def test_path_search_too_large_is_a_domain_error(tiny_db, monkeypatch):
    monkeypatch.setattr(queries, "PATH_MAX_ROWS", 1)
    with pytest.raises(PathSearchTooLarge, match="no chain found between .* try two nearer"):
        path(tiny_db, CLIP4CLIP, "Mamba")
